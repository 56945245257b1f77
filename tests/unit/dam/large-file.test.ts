import { createHash } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareFile } from '../../../src/lib/dam/services/ingest-service';
import { toHex } from '../../../src/lib/dam/services/hash-service';
import { FsBlobStore } from '../../../src/lib/storage/fs-blob-store';

const SIZE = 1024 * 1024 * 1024;
const BLOCK = 8 * 1024 * 1024;

let dir: string;
let path: string;
let expectedSha256: string;

/** A 1 GB file of varied bytes (not zeros, so every block hashes differently), and its SHA-256. */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dam-large-'));
  path = join(dir, 'big.bin');
  const handle = await open(path, 'w');
  const reference = createHash('sha256');
  const block = new Uint8Array(BLOCK);
  for (let written = 0, n = 0; written < SIZE; written += BLOCK, n++) {
    for (let i = 0; i < BLOCK; i += 4096) block[i] = (n * 31 + i) & 0xff;
    await handle.write(block);
    reference.update(block);
  }
  await handle.close();
  expectedSha256 = reference.digest('hex');
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a 1 GB file', () => {
  it('streams through hashing into the blob store with bounded memory', async () => {
    const store = new FsBlobStore(join(dir, 'blobs'));
    const before = process.memoryUsage();
    let peak = 0;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peak = Math.max(peak, now.rss - before.rss, now.arrayBuffers - before.arrayBuffers);
    }, 20);
    try {
      const prepared = await prepareFile(store, { name: 'big.bin', blob: await openAsBlob(path) });
      expect(prepared.sha256).toBe(expectedSha256);
      expect(toHex(prepared.hashes.sha256)).toBe(expectedSha256);
      expect(prepared.hashes.sizeBytes).toBe(SIZE);
    } finally {
      clearInterval(sampler);
    }
    expect((await stat(store.pathOf(expectedSha256))).size).toBe(SIZE);
    // Whole-file reading would need ≥ 1 GB; slices of 4 MB and a streamed copy stay far below.
    expect(peak).toBeLessThan(256 * 1024 * 1024);
  }, 180_000);
});
