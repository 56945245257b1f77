import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecs, type World } from '../../../src/lib/ecs';
import { FileLocationComponent, FilePropertiesComponent } from '../../../src/lib/dam/components/files';
import { ContentHashSHA256Component } from '../../../src/lib/dam/components/hashes';
import { NeedsMetadataExtractionMarker } from '../../../src/lib/dam/components/markers';
import { createDamWorld } from '../../../src/lib/dam/create-world';
import { blobChunks, hashBytes, hashChunks, toHex } from '../../../src/lib/dam/services/hash-service';
import { blobUrl, ingestBlob } from '../../../src/lib/dam/services/ingest-service';
import { FsBlobStore } from '../../../src/lib/storage/fs-blob-store';
import { openTestDatabase } from '../helpers/test-database';

const FIXTURES = join(import.meta.dirname, '../../fixtures/files');

interface ReferenceHashes {
  size: number;
  sha256: string;
  md5: string;
  sha1: string;
  crc32: string;
  blake3: string;
}

let world: World;
let store: FsBlobStore;
let blobRoot: string;
beforeAll(async () => {
  world = await createDamWorld({ name: 'ingest', databaseUrl: 'memory://' }, await openTestDatabase());
  blobRoot = await mkdtemp(join(tmpdir(), 'dam-blobs-'));
  store = new FsBlobStore(blobRoot);
});
afterAll(async () => {
  await world.close();
  await rm(blobRoot, { recursive: true, force: true });
});

describe('hashChunks', () => {
  it('matches sha256sum, md5sum, sha1sum, zlib crc32 and b3sum on the fixture, whatever the chunking', async () => {
    // Reference values come from the system tools (tests/fixtures/make-hash-fixture.sh).
    const expected = JSON.parse(await readFile(join(FIXTURES, 'pattern.hashes.json'), 'utf8')) as ReferenceHashes;
    const bytes = new Uint8Array(await readFile(join(FIXTURES, 'pattern.bin')));
    for (const chunkSize of [bytes.length, 65_536, 1_000]) {
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; at += chunkSize) chunks.push(bytes.subarray(at, at + chunkSize));
      const hashes = await hashChunks(chunks);
      expect({
        size: hashes.sizeBytes,
        sha256: toHex(hashes.sha256),
        md5: toHex(hashes.md5),
        sha1: toHex(hashes.sha1),
        crc32: toHex(hashes.crc32),
        blake3: toHex(hashes.blake3),
      }).toEqual({
        size: expected.size,
        sha256: expected.sha256,
        md5: expected.md5,
        sha1: expected.sha1,
        crc32: expected.crc32,
        blake3: expected.blake3,
      });
    }
  });

  it('hashBytes (WebCrypto SHA-256, reused WASM hashers) gives the same five hashes, file after file', async () => {
    const bytes = new Uint8Array(await readFile(join(FIXTURES, 'pattern.bin')));
    const reference = await hashChunks([bytes]);
    // Interleave other inputs so a hasher that kept state from the last file would show.
    const other = await hashBytes(new TextEncoder().encode('something else'));
    const [first, second] = await Promise.all([hashBytes(bytes), hashBytes(bytes.subarray(0, 10))]);
    expect(first).toEqual(reference);
    expect(second).toEqual(await hashChunks([bytes.subarray(0, 10)]));
    expect(toHex(other.sha256)).not.toBe(toHex(first.sha256));
    expect(await hashBytes(bytes)).toEqual(reference);
  });
});

describe('blobChunks', () => {
  it('yields every byte once, in order, in chunks of the asked size', async () => {
    const bytes = Uint8Array.from({ length: 10 }, (_, i) => i * 3);
    const chunks: Uint8Array[] = [];
    for await (const chunk of blobChunks(new Blob([bytes]), 3)) chunks.push(chunk);
    expect(chunks.map((c) => c.length)).toEqual([3, 3, 3, 1]);
    expect(Array.from(chunks.flatMap((c) => Array.from(c)))).toEqual(Array.from(bytes));
    const none: Uint8Array[] = [];
    for await (const chunk of blobChunks(new Blob([]), 3)) none.push(chunk);
    expect(none).toEqual([]);
  });
});

describe('ingestBlob', () => {
  it('gives the same bytes under two names one entity with two locations, stored once', async () => {
    const bytes = new TextEncoder().encode('the same content, twice');
    const first = await world.transaction((tx) =>
      ingestBlob(tx, store, { name: 'a.txt', blob: new Blob([bytes]) }, new Date('2024-01-02T00:00:00Z')),
    );
    const second = await world.transaction((tx) =>
      ingestBlob(
        tx,
        store,
        { name: 'copy of a.txt', path: 'backup/copy of a.txt', blob: new Blob([bytes]) },
        new Date('2024-01-01T00:00:00Z'),
      ),
    );
    expect(first.created).toBe(true);
    expect(second).toEqual({ entityId: first.entityId, created: false, sha256: first.sha256 });

    const locations = await ecs.getComponents(world.db, first.entityId, FileLocationComponent);
    expect(locations.map((l) => l.url).sort()).toEqual(['backup/copy of a.txt', blobUrl(first.sha256, 'a.txt')]);
    const properties = await ecs.getComponent(world.db, first.entityId, FilePropertiesComponent);
    expect(properties).toMatchObject({ originalFilename: 'a.txt', fileSizeBytes: bytes.length, mimeType: 'text/plain' });
    expect(properties?.firstSeenAt).toEqual(new Date('2024-01-01T00:00:00Z'));
    expect(await ecs.findEntitiesWith(world.db, [NeedsMetadataExtractionMarker])).toContain(first.entityId);

    const path = store.pathOf(first.sha256);
    expect(path).toBe(join(blobRoot, first.sha256.slice(0, 2), first.sha256.slice(2, 4), first.sha256));
    expect(new Uint8Array(await readFile(path))).toEqual(bytes);
  });

  it('adds nothing when the same source is ingested again, and a new entity for new bytes', async () => {
    const bytes = new TextEncoder().encode('once only');
    const first = await world.transaction((tx) =>
      ingestBlob(tx, store, { name: 'once.txt', path: 'dir/once.txt', blob: new Blob([bytes]) }),
    );
    const again = await world.transaction((tx) =>
      ingestBlob(tx, store, { name: 'once.txt', path: 'dir/once.txt', blob: new Blob([bytes]) }),
    );
    expect(again.entityId).toBe(first.entityId);
    expect(await ecs.getComponents(world.db, first.entityId, FileLocationComponent)).toHaveLength(1);
    const other = await world.transaction((tx) =>
      ingestBlob(tx, store, { name: 'once.txt', blob: new Blob([new TextEncoder().encode('different')]) }),
    );
    expect(other.entityId).not.toBe(first.entityId);
    expect((await ecs.getComponent(world.db, other.entityId, ContentHashSHA256Component))?.hashValue).toHaveLength(32);
  });

  it('leaves no entity behind when the transaction rolls back, and never overwrites a blob', async () => {
    const bytes = new TextEncoder().encode('rolled back');
    const error = await world
      .transaction(async (tx) => {
        await ingestBlob(tx, store, { name: 'r.txt', blob: new Blob([bytes]) });
        throw new Error('quota exceeded');
      })
      .catch((e: unknown) => e as Error);
    expect(error.message).toBe('quota exceeded');
    const sha = toHex((await hashChunks([bytes])).sha256);
    const { rows } = await world.db.query('SELECT 1 FROM component_content_hash_sha256 WHERE hash_value = $1', [
      (await hashChunks([bytes])).sha256,
    ]);
    expect(rows).toHaveLength(0);
    expect(existsSync(store.pathOf(sha))).toBe(true);
    expect(await store.put(sha, new TextEncoder().encode('not the same bytes'))).toBe(false);
    expect(new Uint8Array(await (await store.get(sha))!.arrayBuffer())).toEqual(bytes);
  });
});
