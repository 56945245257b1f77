import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sha256OfBlob } from '../../../src/lib/dam/services/hash-service';
import { FsBlobStore } from '../../../src/lib/storage/fs-blob-store';

/** `FsBlobStore` keeping references to originals instead of copies (`dam add-asset --no-copy`). */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dam-blob-refs-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function original(name: string, text: string): Promise<{ path: string; sha256: string }> {
  const path = join(dir, name);
  await writeFile(path, text);
  return { path, sha256: await sha256OfBlob(new Blob([text])) };
}

it('records a reference for an entry with a source path, reads the original through it, and deletes only the reference', async () => {
  const store = new FsBlobStore(join(dir, 'refs'), { referenceSources: true });
  const { path, sha256 } = await original('kept.txt', 'bytes that stay where they are');
  expect(await store.putMany([{ sha256, data: new Blob(['ignored']), sourcePath: path }])).toEqual(new Set([sha256]));
  expect(await store.has(sha256)).toBe(true);
  expect(await (await store.get(sha256))!.text()).toBe('bytes that stay where they are');
  // A second reference to the same bytes changes nothing.
  expect(await store.putMany([{ sha256, data: new Blob(['ignored']), sourcePath: join(dir, 'elsewhere') }])).toEqual(new Set());
  // Any store reads references; entries without a source path are stored as bytes.
  const plain = new FsBlobStore(join(dir, 'refs'));
  expect(await (await plain.get(sha256))!.text()).toBe('bytes that stay where they are');
  const thumb = await original('thumb.bin', 'a thumbnail');
  expect(await store.putMany([{ sha256: thumb.sha256, data: new Blob(['a thumbnail']) }])).toEqual(new Set([thumb.sha256]));
  expect(await store.putMany([{ sha256: thumb.sha256, data: new Blob(['a thumbnail']) }])).toEqual(new Set());

  expect(await store.delete(sha256)).toBe(true);
  expect(await store.has(sha256)).toBe(false);
  expect(await store.get(sha256)).toBeNull();
  expect(await readFile(path, 'utf8')).toBe('bytes that stay where they are');
});

it('gives null for an original that moved or changed, and a new reference repairs it', async () => {
  const store = new FsBlobStore(join(dir, 'broken'), { referenceSources: true });
  const { path, sha256 } = await original('moving.txt', 'original bytes');
  await store.putMany([{ sha256, data: new Blob([]), sourcePath: path }]);
  await utimes(path, new Date(), new Date(Date.now() + 60_000));
  expect(await store.get(sha256)).toBeNull();
  expect(await store.has(sha256)).toBe(true);
  await rm(path);
  expect(await store.get(sha256)).toBeNull();

  const moved = await original('moved.txt', 'original bytes');
  expect(await store.putMany([{ sha256, data: new Blob([]), sourcePath: moved.path }])).toEqual(new Set([sha256]));
  expect(await (await store.get(sha256))!.text()).toBe('original bytes');
});
