import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PgliteDatabase } from '../../../src/lib/db/pglite-database';
import {
  MigrationChecksumError,
  MigrationsFromNewerVersionError,
  appliedMigrationIds,
  applyMigrations,
} from '../../../src/lib/db/migrations';
import { World, componentTableDdl, ecs } from '../../../src/lib/ecs';
import { testComponentsPlugin, TitleComponent } from '../helpers/engine-fixtures';
import { openTestDatabase } from '../helpers/test-database';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function worldOnDirectory(dir: string): Promise<World> {
  const world = new World({ name: 'ondisk', databaseUrl: dir }, await PgliteDatabase.open(dir));
  return world.addPlugin(testComponentsPlugin);
}

describe('migrations', () => {
  it('apply once, then again on reopen without change, and data survives', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dam-migrations-'));
    dirs.push(dir);
    const first = await worldOnDirectory(dir);
    expect(await first.start()).toEqual(['0000_ecs_entities', '1000_test_components']);
    const entityId = await first.transaction(async (tx) => {
      const id = await ecs.createEntity(tx);
      await ecs.addComponent(tx, id, TitleComponent.create({ title: 'kept' }));
      return id;
    });
    const { rows: before } = await first.db.query<{ id: string; applied_at: Date }>(
      'SELECT id, applied_at FROM dam_schema_migrations ORDER BY id',
    );
    await first.close();

    const second = await worldOnDirectory(dir);
    expect(await second.start()).toEqual([]);
    const { rows: after } = await second.db.query<{ id: string; applied_at: Date }>(
      'SELECT id, applied_at FROM dam_schema_migrations ORDER BY id',
    );
    expect(after).toEqual(before);
    expect((await ecs.getComponent(second.db, entityId, TitleComponent))?.title).toBe('kept');
    expect(await appliedMigrationIds(second.db)).toEqual(['0000_ecs_entities', '1000_test_components']);
    await second.close();
  });

  it('refuse a migration whose SQL changed after it was applied', async () => {
    const db = await openTestDatabase();
    await applyMigrations(db, [{ id: '0001_a', sql: 'CREATE TABLE a (x int);' }]);
    await expect(applyMigrations(db, [{ id: '0001_a', sql: 'CREATE TABLE a (x bigint);' }])).rejects.toBeInstanceOf(MigrationChecksumError);
    await db.close();
  });

  it('refuse a database a newer version migrated, before applying anything', async () => {
    const db = await openTestDatabase();
    const a = { id: '0001_a', sql: 'CREATE TABLE a (x int);' };
    await applyMigrations(db, [a, { id: '0002_b', sql: 'CREATE TABLE b (x int);' }]);
    const older = applyMigrations(db, [a, { id: '0001_c', sql: 'CREATE TABLE c (x int);' }]);
    await expect(older).rejects.toBeInstanceOf(MigrationsFromNewerVersionError);
    await expect(older).rejects.toThrow('newer version of the app (0002_b)');
    expect(await appliedMigrationIds(db)).toEqual(['0001_a', '0002_b']);
    expect((await db.query("SELECT 1 FROM pg_class WHERE relname = 'c'")).rows).toEqual([]);
    await db.close();
  });

  it('leave nothing behind when a migration fails', async () => {
    const db = await openTestDatabase();
    await expect(applyMigrations(db, [{ id: '0001_bad', sql: 'CREATE TABLE b (x int); SELECT no_such_function();' }])).rejects.toThrow(
      /0001_bad/,
    );
    const { rows } = await db.query("SELECT 1 FROM pg_class WHERE relname = 'b'");
    expect(rows).toEqual([]);
    expect(await appliedMigrationIds(db)).toEqual([]);
    await db.close();
  });

  it('fail world start when a component has no table', async () => {
    const db = await openTestDatabase();
    const world = new World({ name: 'nomigration', databaseUrl: 'memory://' }, db);
    world.registerComponent(TitleComponent);
    await expect(world.start()).rejects.toThrow(/component_title does not exist/);
    await world.close();
  });

  it('keeps the component DDL text that shipped migrations embed', () => {
    expect(componentTableDdl('component_x', ['name text NOT NULL'], { unique: true })).toBe(
      [
        'CREATE TABLE component_x (',
        '  id bigserial PRIMARY KEY,',
        '  entity_id bigint NOT NULL REFERENCES entities(id) ON DELETE CASCADE,',
        '  created_at timestamptz NOT NULL DEFAULT now(),',
        '  updated_at timestamptz NOT NULL DEFAULT now(),',
        '  name text NOT NULL',
        ');',
        'CREATE UNIQUE INDEX component_x_entity_id_idx ON component_x (entity_id);',
      ].join('\n'),
    );
  });
});
