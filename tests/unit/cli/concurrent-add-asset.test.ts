import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PostgresDatabase } from '../../../src/lib/db/postgres-database';
import { createPostgresDatabase, withDatabase } from '../../../src/lib/platform/postgres-worlds';
import { testBackend } from '../helpers/test-database';
import { damJson, makeTempDir, uniqueWorldName } from './cli-harness';

const MEDIA = join(import.meta.dirname, '../../fixtures/media');

interface AddAssetJson {
  added: number;
  duplicates: number;
  unchanged: number;
  failed: number;
  files: { path: string; entityId: number | null; error: string | null }[];
}

/**
 * Two `dam add-asset` processes on one PostgreSQL world at the same time, over the same files
 * (the same folder, and copies of its files under other names): the server decides, and each
 * content ends as one entity. Needs a server, so it runs in the PostgreSQL run.
 */
describe.skipIf(testBackend !== 'postgres')('two dam processes adding into one PostgreSQL world', () => {
  it('end with one entity per content and no errors', async () => {
    const dir = await makeTempDir('concurrent');
    const shared = join(dir, 'shared');
    const copies = join(dir, 'copies');
    mkdirSync(shared);
    mkdirSync(copies);
    for (let i = 0; i < 80; i++) writeFileSync(join(shared, `note-${i}.txt`), `a note worth keeping, number ${i}`);
    for (const name of ['photo.jpg', 'other.png', 'tone.wav', 'doc.pdf']) copyFileSync(join(MEDIA, name), join(shared, name));
    // The same bytes under other names: duplicates that race for one entity.
    for (let i = 0; i < 80; i += 2) writeFileSync(join(copies, `copy-${i}.txt`), `a note worth keeping, number ${i}`);

    const world = uniqueWorldName('both');
    const databaseUrl = withDatabase(process.env.DAM_POSTGRES_SERVER!, `dam_${world.replaceAll('-', '_')}`);
    await createPostgresDatabase(databaseUrl);
    writeFileSync(
      join(dir, 'dam.toml'),
      `default_world = "${world}"\n[worlds.${world}]\ndatabase_url = "${databaseUrl}"\nblob_root = "${join(dir, 'blobs')}"\n`,
    );
    const env = { DAM_DATA_DIR: join(dir, 'data') };
    // Both start from an empty database, so they also race to migrate it.
    const [first, second] = await Promise.all([
      damJson<AddAssetJson>(['add-asset', shared, copies, '-r'], { cwd: dir, env }),
      damJson<AddAssetJson>(['add-asset', copies, shared, '-r'], { cwd: dir, env }),
    ]);
    expect([first.code, second.code, first.stderr, second.stderr]).toEqual([0, 0, '', '']);
    expect([...first.json.files, ...second.json.files].filter((f) => f.error !== null)).toEqual([]);
    // Every content was added once, by one of the two.
    expect(first.json.added + second.json.added).toBe(84);
    const entityOf = new Map(first.json.files.map((f) => [f.path, f.entityId]));
    for (const f of second.json.files) expect(f.entityId).toBe(entityOf.get(f.path));

    const db = await PostgresDatabase.open(databaseUrl);
    try {
      const { rows } = await db.query(
        'SELECT count(*)::int AS n, count(DISTINCT hash_value)::int AS distinct_hashes FROM component_content_hash_sha256',
      );
      expect(rows[0]).toEqual({ n: 84, distinct_hashes: 84 });
      expect((await db.query('SELECT count(*)::int AS n FROM component_file_location')).rows[0]).toEqual({ n: 124 });
      expect((await db.query('SELECT step, message FROM component_processing_error')).rows).toEqual([]);
    } finally {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
