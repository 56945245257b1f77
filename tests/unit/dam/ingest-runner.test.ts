import { afterAll, beforeAll, expect, it } from 'vitest';
import type { World } from '../../../src/lib/ecs';
import { createDamWorld } from '../../../src/lib/dam/create-world';
import { FileDigester, InThreadFileDigester } from '../../../src/lib/dam/ingest/file-digester';
import { IngestRunner } from '../../../src/lib/dam/ingest/ingest-runner';
import type { DigestRequest, FileDigest } from '../../../src/lib/dam/services/ingest-service';
import { BlobStore } from '../../../src/lib/storage/blob-store';
import { MemoryIngestQueue } from '../../../src/lib/storage/ingest-queue';
import { MemoryBlobStore } from '../../../src/lib/storage/memory-blob-store';
import { openTestDatabase } from '../helpers/test-database';

/**
 * The real digest, on this thread, in parts that finish in a scrambled order, counting how many
 * parts are in flight at once: stands in for the browser's pool of media workers, which Node has not.
 */
class ScrambledDigester extends FileDigester {
  readonly concurrency = 3;
  inFlight = 0;
  maxInFlight = 0;
  digested = 0;
  private readonly inner = new InThreadFileDigester();
  digest(blob: Blob, name: string): Promise<FileDigest> {
    return this.inner.digest(blob, name);
  }
  async digestMany(files: readonly DigestRequest[]): Promise<PromiseSettledResult<FileDigest>[]> {
    const size = Math.max(1, Math.ceil(files.length / this.concurrency));
    const parts = Array.from({ length: Math.ceil(files.length / size) }, (_, p) => files.slice(p * size, (p + 1) * size));
    const results = await Promise.all(
      parts.map(async (part, p) => {
        this.inFlight++;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        try {
          await new Promise((resolve) => setTimeout(resolve, ((parts.length - p) * 7) % 5));
          const digested = await this.inner.digestMany(part);
          this.digested += part.length;
          return digested;
        } finally {
          this.inFlight--;
        }
      }),
    );
    return results.flat();
  }
}

let world: World;
let blobs: MemoryBlobStore;
const digester = new ScrambledDigester();
beforeAll(async () => {
  world = await createDamWorld({ name: 'runner', databaseUrl: 'memory://' }, await openTestDatabase());
  blobs = new MemoryBlobStore();
  world.addResource(blobs, BlobStore);
  world.addResource(digester, FileDigester);
});
afterAll(() => world.close());

it('adds batch after batch, digesting several files at once, with duplicates within and across batches', async () => {
  const runner = new IngestRunner(world, blobs, new MemoryIngestQueue(), { batchFiles: 4 });
  // 20 sources, 10 distinct contents: file i holds content i % 10, so every content appears in
  // two batches; "again-0" repeats content 0 inside the first batch.
  const files = Array.from({ length: 20 }, (_, i) => ({
    name: `file-${i}.txt`,
    path: `dir/file-${i}.txt`,
    file: new Blob([`content ${i % 10}`]),
  }));
  files.splice(2, 0, { name: 'again-0.txt', path: 'dir/again-0.txt', file: new Blob(['content 0']) });
  await runner.enqueue(files);
  await runner.idle();

  const status = runner.progress.snapshot();
  expect(status.filesDone).toBe(21);
  expect(status.filesFailed).toBe(0);
  expect(digester.digested).toBe(21);
  expect(digester.maxInFlight).toBeGreaterThan(1);
  // Each outcome is reported under its own name; the first source of each content created it.
  const byName = new Map(status.recent.map((r) => [r.name, r]));
  for (let i = 0; i < 20; i++) {
    const first = byName.get(`file-${i % 10}.txt`)!;
    expect(byName.get(`file-${i}.txt`)!.entityId).toBe(first.entityId);
    expect(byName.get(`file-${i}.txt`)!.created).toBe(i < 10);
  }
  expect(byName.get('again-0.txt')!.entityId).toBe(byName.get('file-0.txt')!.entityId);

  const { rows } = await world.db.query<{ original_filename: string; locations: number }>(
    `SELECT p.original_filename, (SELECT count(*)::int FROM component_file_location l WHERE l.entity_id = p.entity_id) AS locations
       FROM component_file_properties p ORDER BY p.entity_id`,
  );
  expect(rows).toEqual(Array.from({ length: 10 }, (_, i) => ({ original_filename: `file-${i}.txt`, locations: i === 0 ? 3 : 2 })));
  const hashes = await world.db.query<{ hex: string }>("SELECT encode(hash_value, 'hex') AS hex FROM component_content_hash_sha256");
  expect(hashes.rows).toHaveLength(10);
  for (const { hex } of hashes.rows) expect(await blobs.has(hex)).toBe(true);
});

it('vacuums a long ingest on the way where the database does not vacuum itself', async () => {
  const vacuums = async () =>
    Number(
      (
        await world.db.query<{ n: number }>(
          "SELECT vacuum_count::int AS n FROM pg_stat_user_tables WHERE relname = 'component_marker_needs_metadata_extraction'",
        )
      ).rows[0]?.n ?? 0,
    );
  const before = await vacuums();
  const runner = new IngestRunner(world, blobs, new MemoryIngestQueue(), { batchFiles: 4, vacuumEveryFiles: 8 });
  await runner.enqueue(Array.from({ length: 24 }, (_, i) => ({ name: `churn-${i}.txt`, file: new Blob([`churn ${i}`]) })));
  await runner.idle();
  expect(runner.progress.snapshot().filesDone).toBe(24);
  // Only the periodic vacuum reaches a marker table (the closing one does the search tables);
  // a server's autovacuum is counted apart, and the app leaves it to that.
  expect((await vacuums()) - before).toBe(world.db.vacuumsItself ? 0 : 3);
});
