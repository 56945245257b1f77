import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DamApp } from '../../../src/lib/dam/dam-app';
import { createNodePlatform } from '../../../src/lib/platform/node-platform';
import { testBackend } from '../helpers/test-database';
import { TestDamApp } from '../helpers/test-app';

const MEDIA = join(import.meta.dirname, '../../fixtures/media');
const text = (s: string) => new Blob([new TextEncoder().encode(s)]);

/** Every table of the open world, each row as PostgreSQL prints it. */
async function everyRow(app: TestDamApp): Promise<Record<string, string[]>> {
  const tables = await app.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
  const out: Record<string, string[]> = {};
  for (const { tablename } of tables) {
    const rows = await app.query(`SELECT t::text AS row FROM "${String(tablename)}" t ORDER BY 1`);
    out[String(tablename)] = rows.map((r) => String(r.row));
  }
  return out;
}

/**
 * A library moving between an embedded world (PGlite, as the browser and the CLI keep it) and a
 * server world, both ways, through the same archive the app exports. Needs a server, so it runs
 * in the PostgreSQL run.
 */
describe.skipIf(testBackend !== 'postgres')('a world moving between PGlite and PostgreSQL', () => {
  it('keeps every row, vector and byte, both ways', async () => {
    const app = new TestDamApp(await createNodePlatform());
    await app.createWorld('embedded', { store: 'memory' });
    await app.ingestFiles([
      { name: 'notes.txt', file: text('a walk by the river at dawn') },
      { name: 'photo.jpg', file: new Blob([readFileSync(join(MEDIA, 'photo.jpg'))]) },
      { name: 'tone.wav', file: new Blob([readFileSync(join(MEDIA, 'tone.wav'))]) },
    ]);
    await app.processPending();
    const [notes] = (await app.listAssets({ search: 'notes' })).items;
    await app.applyTag([notes!.id], 'place:river');
    await app.saveSearch({ name: 'River', query: 'place:river' });
    await app.processPending();
    const embedded = await everyRow(app);
    expect(embedded.component_embedding_use_lite_d512?.length ?? 0).toBeGreaterThan(0);

    const archive = (await app.exportWorld()).archive;
    await app.importWorld(archive, { name: 'server', store: 'postgres' });
    expect((await app.worldStats()).store).toBe('postgres');
    const server = await everyRow(app);
    expect(server).toEqual(embedded);
    // The server world works on its own: search, and new rows continue the ids.
    expect((await app.listAssets({ search: 'place:river' })).items.map((i) => i.id)).toEqual([notes!.id]);
    const [added] = await app.ingestFiles([{ name: 'later.txt', file: text('written on the server') }]);
    expect(added!.entityId).toBeGreaterThan(
      Math.max(...(await app.query('SELECT id FROM entities WHERE id < $1', [added!.entityId])).map((r) => Number(r.id))),
    );

    const back = (await app.exportWorld()).archive;
    await app.importWorld(back, { name: 'back', store: 'memory' });
    const roundTrip = await everyRow(app);
    expect(roundTrip.component_content_hash_sha256).toHaveLength(embedded.component_content_hash_sha256!.length + 1);
    expect(roundTrip.component_entity_tag_link).toEqual(embedded.component_entity_tag_link);
    await app.close();
  });

  it('refuses to make a world over a database that exists, and leaves that database alone', async () => {
    const postgresPrefix = `dam_clash_${Date.now()}_`;
    const owner = new TestDamApp(await createNodePlatform({ postgresPrefix }));
    await owner.createWorld('mine');
    await owner.ingestFiles([{ name: 'kept.txt', file: text('still here') }]);
    const intruder = new DamApp(await createNodePlatform({ postgresPrefix }));
    await expect(intruder.createWorld('mine')).rejects.toThrow(/already exists/);
    expect(await owner.query('SELECT count(*)::int AS n FROM component_content_hash_sha256')).toEqual([{ n: 1 }]);
    await owner.deleteWorld('mine');
    await owner.close();
  });
});
