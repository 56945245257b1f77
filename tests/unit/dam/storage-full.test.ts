import { afterAll, beforeAll, expect, it } from 'vitest';
import type { World } from '../../../src/lib/ecs';
import { createDamWorld } from '../../../src/lib/dam/create-world';
import { IngestRunner } from '../../../src/lib/dam/ingest/ingest-runner';
import { BlobStore } from '../../../src/lib/storage/blob-store';
import { MemoryIngestQueue } from '../../../src/lib/storage/ingest-queue';
import { MemoryBlobStore } from '../../../src/lib/storage/memory-blob-store';
import { openTestDatabase } from '../helpers/test-database';

/** A blob store with a byte quota, refusing a write that does not fit as browsers do. */
class QuotaBlobStore extends MemoryBlobStore {
  private used = 0;
  constructor(private readonly quotaBytes: number) {
    super();
  }
  override async put(sha256Hex: string, data: Blob | Uint8Array): Promise<boolean> {
    const size = data instanceof Uint8Array ? data.byteLength : data.size;
    if (this.used + size > this.quotaBytes) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    const wrote = await super.put(sha256Hex, data);
    if (wrote) this.used += size;
    return wrote;
  }
}

let world: World;
let blobs: QuotaBlobStore;
beforeAll(async () => {
  world = await createDamWorld({ name: 'full', databaseUrl: 'memory://' }, await openTestDatabase());
  blobs = new QuotaBlobStore(64 * 1024);
  world.addResource(blobs, BlobStore);
});
afterAll(() => world.close());

it('a file that does not fit is refused with "Storage is full", and the files around it go in', async () => {
  const runner = new IngestRunner(world, blobs, new MemoryIngestQueue());
  await runner.enqueue([
    { name: 'before.txt', file: new Blob(['fits']) },
    { name: 'huge.bin', file: new Blob([new Uint8Array(200 * 1024).fill(7)]) },
    { name: 'after.txt', file: new Blob(['fits too']) },
  ]);
  await runner.idle();
  const recent = runner.progress.snapshot().recent;
  expect(recent.map((r) => [r.name, r.error === null])).toEqual([
    ['before.txt', true],
    ['huge.bin', false],
    ['after.txt', true],
  ]);
  expect(recent[1]!.error).toMatch(/^Storage is full/);
  const { rows } = await world.db.query<{ original_filename: string }>(
    'SELECT original_filename FROM component_file_properties ORDER BY 1',
  );
  expect(rows.map((r) => r.original_filename)).toEqual(['after.txt', 'before.txt']);
});
