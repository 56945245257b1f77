import { describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgliteDatabase } from '../../../src/lib/db/pglite-database';
import { makeWorldTemplate } from '../../../src/lib/db/world-template';
import { createNodePlatform } from '../../../src/lib/platform/node-platform';
import { DamApp } from '../../../src/lib/dam/dam-app';
import { createDamWorld, DEFAULT_PLUGINS } from '../../../src/lib/dam/create-world';
import { appliedMigrationIds } from '../../../src/lib/db/migrations';
import { World } from '../../../src/lib/ecs';

describe('makeWorldTemplate', () => {
  it('is an initialised cluster with pgvector and no migrations, that a database starts from', async () => {
    const template = await makeWorldTemplate('gzip');
    const db = await PgliteDatabase.open('memory://', { loadDataDir: template });
    try {
      const { rows: extensions } = await db.query<{ extname: string }>('SELECT extname FROM pg_extension ORDER BY extname');
      expect(extensions.map((r) => r.extname)).toEqual(['plpgsql', 'vector']);
      const { rows: tables } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`,
      );
      expect(tables[0]!.n).toBe(0);
      const { rows } = await db.query<{ d: number }>(`SELECT '[1,0]'::vector <=> '[0,1]'::vector AS d`);
      expect(rows[0]!.d).toBeCloseTo(1);
    } finally {
      await db.close();
    }
  });

  it('can hold the DAM schema, which a world started from it finds applied', async () => {
    const template = await makeWorldTemplate('gzip', async (db) => {
      await createDamWorld({ name: 'template', databaseUrl: 'memory://' }, db);
    });
    const db = await PgliteDatabase.open('memory://', { loadDataDir: template });
    const world = new World({ name: 'fresh', databaseUrl: 'memory://' }, db);
    for (const plugin of DEFAULT_PLUGINS) world.addPlugin(plugin);
    try {
      expect(await world.start()).toEqual([]);
      expect(await appliedMigrationIds(db)).toEqual(expect.arrayContaining(['0000_ecs_entities', '0001_core_files', '0006_tags']));
    } finally {
      await db.close();
    }
  });

  it('gives new directory worlds their cluster, and leaves an existing cluster to resume', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dam-template-'));
    try {
      const first = new DamApp(await createNodePlatform({ dataDir: dir }));
      await first.createWorld('kept');
      const entity = await first.createEntity([{ component: 'FilePropertiesComponent', fields: { originalFilename: 'a.txt' } }]);
      await first.close();

      // With its catalog lost, creating the world again over the same directory resumes the
      // cluster there; the template never overwrites it.
      await rm(join(dir, 'worlds.json'));
      const second = new DamApp(await createNodePlatform({ dataDir: dir }));
      expect(await second.listWorlds()).toEqual([]);
      await second.createWorld('kept');
      expect(
        (await second.getEntity(entity.id))?.components.find((c) => c.name === 'FilePropertiesComponent')?.fields.originalFilename,
      ).toBe('a.txt');
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
