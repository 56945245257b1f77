import { createBLAKE3, createCRC32, createMD5, createSHA1, createSHA256 } from 'hash-wasm';

export interface ContentHashes {
  readonly sizeBytes: number;
  readonly sha256: Uint8Array;
  readonly md5: Uint8Array;
  readonly sha1: Uint8Array;
  /** 4 bytes, big-endian. */
  readonly crc32: Uint8Array;
  readonly blake3: Uint8Array;
}

export type ByteChunks = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/**
 * The five content hashes in one pass over the bytes, chunk by chunk, so a large file is never
 * whole in memory.
 */
export async function hashChunks(chunks: ByteChunks): Promise<ContentHashes> {
  const hashers = await Promise.all([createSHA256(), createMD5(), createSHA1(), createCRC32(), createBLAKE3()]);
  for (const hasher of hashers) hasher.init();
  let sizeBytes = 0;
  for await (const chunk of chunks) {
    sizeBytes += chunk.byteLength;
    for (const hasher of hashers) hasher.update(chunk);
  }
  const [sha256, md5, sha1, crc32, blake3] = hashers.map((h) => h.digest('binary'));
  return { sizeBytes, sha256: sha256!, md5: md5!, sha1: sha1!, crc32: crc32!, blake3: blake3! };
}

type Hasher = Awaited<ReturnType<typeof createMD5>>;
let reusableHashers: Promise<Hasher[]> | null = null;

/**
 * The five hashes of bytes already in memory. SHA-256 comes from WebCrypto (native, several
 * times faster than WASM, and off this thread) where the context has it; the other four from
 * hash-wasm hashers made once and reused: instantiating five WASM modules per file costs more
 * than hashing a small file. Reuse is safe because nothing awaits between init and digest.
 */
export async function hashBytes(bytes: Uint8Array): Promise<ContentHashes> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle || !(bytes.buffer instanceof ArrayBuffer)) return hashChunks([bytes]);
  const sha256 = subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  reusableHashers ??= Promise.all([createMD5(), createSHA1(), createCRC32(), createBLAKE3()]);
  const [md5, sha1, crc32, blake3] = (await reusableHashers).map((h) => {
    h.init();
    h.update(bytes);
    return h.digest('binary');
  });
  return { sizeBytes: bytes.byteLength, sha256: new Uint8Array(await sha256), md5: md5!, sha1: sha1!, crc32: crc32!, blake3: blake3! };
}

/**
 * A Blob's bytes as chunks of at most `chunkBytes`, read one slice ahead: the next slice is
 * read (by the browser, off this thread) while the caller hashes this one, so reading and
 * hashing overlap. At most two chunks are in memory.
 */
export async function* blobChunks(blob: Blob, chunkBytes = 4 * 1024 * 1024): AsyncGenerator<Uint8Array> {
  const read = (offset: number): Promise<ArrayBuffer> | null => {
    if (offset >= blob.size) return null;
    const pending = blob.slice(offset, Math.min(blob.size, offset + chunkBytes)).arrayBuffer();
    // Handled when awaited; this only keeps an abandoned read from being reported as unhandled.
    pending.catch(() => undefined);
    return pending;
  };
  let next = read(0);
  for (let offset = 0; next !== null; offset += chunkBytes) {
    const current = await next;
    next = read(offset + chunkBytes);
    yield new Uint8Array(current);
  }
}

/** Up to this size a Blob is hashed whole by WebCrypto (native); larger ones stream through hash-wasm. */
const WHOLE_BLOB_HASH_BYTES = 64 * 1024 * 1024;

/** A Blob's SHA-256 as lowercase hex, with bounded memory: whole when small, else read in slices. */
export async function sha256OfBlob(blob: Blob): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle && blob.size <= WHOLE_BLOB_HASH_BYTES) return toHex(new Uint8Array(await subtle.digest('SHA-256', await blob.arrayBuffer())));
  const hasher = await createSHA256();
  hasher.init();
  for await (const chunk of blobChunks(blob)) hasher.update(chunk);
  return hasher.digest('hex');
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fromHex(hex: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/i.test(hex)) throw new Error(`Not a hex string: ${hex.slice(0, 20)}`);
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}
