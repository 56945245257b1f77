import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodePlatform } from '../../../src/lib/platform/node-platform';
import { testBackend } from '../helpers/test-database';
import { TestDamApp } from '../helpers/test-app';

const MEDIA = join(import.meta.dirname, '../../fixtures/media');
const text = (s: string) => new Blob([new TextEncoder().encode(s)]);

/**
 * Two sessions on one server world at once: each its own process in production (the CLI), each
 * its own app and connection here. Only a server has two sessions; PGlite has one connection.
 */
describe.skipIf(testBackend !== 'postgres')('two sessions ingesting into one PostgreSQL world', () => {
  it('end with one entity per content, every file recorded, and no errors', async () => {
    // Two CLI processes share the world's blob directory as well as its database.
    const blobRoot = await mkdtemp(join(tmpdir(), 'dam-shared-blobs-'));
    const firstPlatform = await createNodePlatform();
    const first = new TestDamApp(firstPlatform);
    const record = { ...(await first.createWorld('shared')), blobRoot };
    await first.close();
    await firstPlatform.catalog.remove(record.name);
    await firstPlatform.catalog.add(record);
    await first.openWorld('shared');
    const secondPlatform = await createNodePlatform();
    await secondPlatform.catalog.add(record);
    const second = new TestDamApp(secondPlatform);
    await second.openWorld('shared');

    const shared = Array.from({ length: 60 }, (_, i) => ({ name: `shared-${i}.txt`, file: text(`the same note ${i}`) }));
    const pictures = ['photo.jpg', 'other.png', 'tone.wav', 'doc.pdf'].map((name) => ({
      name,
      file: new Blob([readFileSync(join(MEDIA, name))]),
    }));
    const own = (who: string) => Array.from({ length: 20 }, (_, i) => ({ name: `${who}-${i}.txt`, file: text(`${who} alone ${i}`) }));
    // Each session sees the shared files in its own order, so they cross in the middle.
    const [a, b] = await Promise.all([
      first.ingestFiles([...shared, ...pictures, ...own('a')]),
      second.ingestFiles([...pictures, ...[...shared].reverse(), ...own('b')]),
    ]);
    await Promise.all([first.processPending(), second.processPending()]);

    expect([...a, ...b].filter((r) => r.error !== null)).toEqual([]);
    const contents = shared.length + pictures.length + 40;
    const rows = await first.query(
      'SELECT count(*)::int AS n, count(DISTINCT hash_value)::int AS distinct_hashes FROM component_content_hash_sha256',
    );
    expect(rows[0]).toEqual({ n: contents, distinct_hashes: contents });
    // Both sessions name the same entity for the same bytes.
    const byName = new Map(a.map((r) => [r.name, r.entityId]));
    for (const r of b) if (byName.has(r.name)) expect(r.entityId).toBe(byName.get(r.name));
    expect(await first.query('SELECT step, message FROM component_processing_error')).toEqual([]);
    // The background work was done once per picture, whoever did it.
    const thumbs = await first.query(
      'SELECT entity_id, count(*)::int AS n FROM component_thumbnail GROUP BY entity_id HAVING count(*) > 1',
    );
    expect(thumbs).toEqual([]);
    expect((await first.worldStats()).pendingWork.filter((w) => w.count > 0)).toEqual([]);
    await second.close();
    await first.close();
    await rm(blobRoot, { recursive: true, force: true });
  });
});
