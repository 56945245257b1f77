/**
 * Worker-side (bundled by `bench/lib/bundle.ts` into one script, started from a Blob URL by the
 * page): the per-step limits of the ingest, each step alone on the same bytes, in a dedicated
 * worker like the world's. Hashing, MIME sniffing, EXIF and dimensions, decode, perceptual hashes
 * and WebP encode call the app's own code (`src/lib/...`, bundled with its hash-wasm, exifr,
 * file-type and image-size), so a limit is the cost of that step and nothing else.
 */
import { createBLAKE3, createCRC32, createMD5, createSHA1, createSHA256 } from 'hash-wasm';
import { extractExif } from '../../src/lib/dam/media/exif-extractor';
import { readImageDimensions } from '../../src/lib/dam/media/image-header';
import { perceptualHashes } from '../../src/lib/dam/media/perceptual-hash';
import { blobChunks, hashBytes, hashChunks } from '../../src/lib/dam/services/hash-service';
import { digestFile } from '../../src/lib/dam/services/ingest-service';
import { detectMimeType } from '../../src/lib/dam/services/mime-service';
import { BrowserImageCodec } from '../../src/lib/platform/browser-image-codec';

/** As the thumbnail service: 256 px on the longer side, WebP quality 0.8. */
const THUMBNAIL_SIZE = 256;
const WEBP_QUALITY = 0.8;
/** Blob adds per transaction in the "many per transaction" IndexedDB limit. */
const BATCH_FILES = 32;

export interface LimitFile {
  readonly name: string;
  readonly blob: Blob;
}

export type LimitRequest =
  | { readonly id: number; readonly op: 'jpegSteps'; readonly files: readonly LimitFile[]; readonly warmup: number }
  | { readonly id: number; readonly op: 'thumbnailWall'; readonly files: readonly LimitFile[]; readonly warmup: number }
  | { readonly id: number; readonly op: 'digestWall'; readonly files: readonly LimitFile[]; readonly warmup: number }
  | { readonly id: number; readonly op: 'large'; readonly megabytes: number; readonly seed: number }
  | { readonly id: number; readonly op: 'hashInMemory'; readonly megabytes: number; readonly seed: number };

/** Per-file milliseconds of each step, over the same files. */
export interface JpegStepTimes {
  /** `Blob.arrayBuffer()` of the whole file. */
  readonly read: number[];
  readonly webcryptoSha256: number[];
  /** The five hashes of bytes in memory, as the ingest (`hashBytes`: WebCrypto SHA-256, hash-wasm MD5, SHA-1, CRC32, BLAKE3). */
  readonly fiveHashes: number[];
  readonly mime: number[];
  /** `readImageDimensions` + `extractExif` (exifr: IFD0, EXIF, GPS, IFD1, IPTC, XMP, thumbnail). */
  readonly exifAndDimensions: number[];
  /** `createImageBitmap(blob, { imageOrientation: 'from-image' })` alone: the full-size decode. */
  readonly decodeOnly: number[];
  /** `BrowserImageCodec.decode(blob, 256)`: EOI check, createImageBitmap, drawImage to 256 px, getImageData. */
  readonly decodeResize: number[];
  readonly perceptualHashes: number[];
  /** `BrowserImageCodec.encodeWebp(image, 0.8)`: putImageData + convertToBlob('image/webp'). */
  readonly webpEncode: number[];
  /** Raw IndexedDB `add` of the file's Blob, one `strict` transaction per file. */
  readonly idbPutPerFileTx: number[];
  /** The same, 32 adds per `strict` transaction; the transaction's time divided by its files. */
  readonly idbPutPer32Tx: number[];
  /** The same, 32 adds per transaction with the default (`relaxed` in Chromium) durability. */
  readonly idbPutPer32TxRelaxed: number[];
  readonly thumbnailBytes: number[];
}

export interface LargeTimes {
  readonly bytes: number;
  readonly webcryptoSha256Ms: number;
  /** The five hashes over 4 MB slices of the Blob, as the ingest does for files over 16 MB. */
  readonly fiveHashesStreamedMs: number;
  /** One `add` of the Blob in a `strict` transaction. */
  readonly idbPutMs: number;
  /** Each hash-wasm hasher alone over the same bytes (in memory, 4 MB updates). */
  readonly perHashMs: Readonly<Record<'sha256' | 'md5' | 'sha1' | 'crc32' | 'blake3', number>>;
}

function openDb(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => request.result.createObjectStore('blobs');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('indexedDB.open failed'));
  });
}

function deleteDb(name: string): Promise<void> {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}

/** Adds the blobs in one transaction and resolves when it has committed. */
function addAll(db: IDBDatabase, rows: readonly { key: string; blob: Blob }[], durability: IDBTransactionDurability): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction('blobs', 'readwrite', { durability });
    const store = tx.objectStore('blobs');
    for (const row of rows) store.add({ sha256: row.key, blob: row.blob }, row.key);
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
  });
}

async function timed<T>(samples: number[] | null, run: () => Promise<T> | T): Promise<T> {
  const t0 = performance.now();
  const value = await run();
  samples?.push(performance.now() - t0);
  return value;
}

async function jpegSteps(files: readonly LimitFile[], warmup: number): Promise<JpegStepTimes> {
  const codec = new BrowserImageCodec();
  const times: JpegStepTimes = {
    read: [],
    webcryptoSha256: [],
    fiveHashes: [],
    mime: [],
    exifAndDimensions: [],
    decodeOnly: [],
    decodeResize: [],
    perceptualHashes: [],
    webpEncode: [],
    idbPutPerFileTx: [],
    idbPutPer32Tx: [],
    idbPutPer32TxRelaxed: [],
    thumbnailBytes: [],
  };
  // Warm-up rounds (first wasm instantiation, first decode) are run and not kept.
  for (let i = 0; i < files.length; i++) {
    const keep = i >= warmup;
    const pick = <K extends keyof JpegStepTimes>(key: K) => (keep ? times[key] : null);
    const { name, blob } = files[i]!;
    const bytes = await timed(pick('read'), async () => new Uint8Array(await blob.arrayBuffer()));
    await timed(pick('webcryptoSha256'), () => crypto.subtle.digest('SHA-256', bytes));
    await timed(pick('fiveHashes'), () => hashBytes(bytes));
    await timed(pick('mime'), () => detectMimeType(bytes, name));
    await timed(pick('exifAndDimensions'), async () => {
      readImageDimensions(bytes);
      if (!(await extractExif(bytes))?.embeddedThumbnail) throw new Error(`${name}: no EXIF thumbnail found`);
    });
    const bitmap = await timed(pick('decodeOnly'), () => createImageBitmap(blob, { imageOrientation: 'from-image' }));
    bitmap.close();
    const decoded = await timed(pick('decodeResize'), () => codec.decode(blob, THUMBNAIL_SIZE));
    await timed(pick('perceptualHashes'), () => perceptualHashes(decoded.image));
    const webp = await timed(pick('webpEncode'), () => codec.encodeWebp(decoded.image, WEBP_QUALITY));
    if (keep) times.thumbnailBytes.push(webp.size);
  }
  const kept = files.slice(warmup);
  const dbName = `bench-idb-limit-${Date.now()}`;
  const db = await openDb(dbName);
  try {
    for (const [i, f] of kept.entries()) {
      await timed(times.idbPutPerFileTx, () => addAll(db, [{ key: `one-${i}`, blob: f.blob }], 'strict'));
    }
    for (const [suffix, durability, samples] of [
      ['strict', 'strict', times.idbPutPer32Tx],
      ['relaxed', 'default', times.idbPutPer32TxRelaxed],
    ] as const) {
      for (let start = 0; start < kept.length; start += BATCH_FILES) {
        const rows = kept.slice(start, start + BATCH_FILES).map((f, j) => ({ key: `${suffix}-${start + j}`, blob: f.blob }));
        const t0 = performance.now();
        await addAll(db, rows, durability);
        const perFile = (performance.now() - t0) / rows.length;
        for (let j = 0; j < rows.length; j++) samples.push(perFile);
      }
    }
  } finally {
    db.close();
    await deleteDb(dbName);
  }
  return times;
}

/** Wall time of decode + perceptual hashes + WebP encode over the files (after `warmup` untimed). */
async function thumbnailWall(files: readonly LimitFile[], warmup: number): Promise<{ files: number; ms: number }> {
  const codec = new BrowserImageCodec();
  const one = async (blob: Blob) => {
    const decoded = await codec.decode(blob, THUMBNAIL_SIZE);
    perceptualHashes(decoded.image);
    await codec.encodeWebp(decoded.image, WEBP_QUALITY);
  };
  for (const f of files.slice(0, warmup)) await one(f.blob);
  const t0 = performance.now();
  for (const f of files.slice(warmup)) await one(f.blob);
  return { files: files.length - warmup, ms: performance.now() - t0 };
}

/** Wall time of the ingest's digest (`digestFile`: read, five hashes, MIME, EXIF) over the files. */
async function digestWall(files: readonly LimitFile[], warmup: number): Promise<{ files: number; ms: number }> {
  for (const f of files.slice(0, warmup)) await digestFile(f.blob, f.name);
  const t0 = performance.now();
  for (const f of files.slice(warmup)) await digestFile(f.blob, f.name);
  return { files: files.length - warmup, ms: performance.now() - t0 };
}

/** A random-ish Blob of `megabytes` MB (xorshift32), built in 4 MiB parts. */
function randomBlob(megabytes: number, seed: number): Blob {
  const parts: Uint8Array[] = [];
  let x = seed >>> 0 || 1;
  for (let left = megabytes * 1_000_000; left > 0; left -= 4 * 1024 * 1024) {
    const words = new Uint32Array(Math.ceil(Math.min(left, 4 * 1024 * 1024) / 4));
    for (let i = 0; i < words.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      words[i] = x >>> 0;
    }
    parts.push(new Uint8Array(words.buffer));
  }
  return new Blob(parts as BlobPart[]);
}

async function large(megabytes: number, seed: number): Promise<LargeTimes> {
  const blob = randomBlob(megabytes, seed);
  const bytes = new Uint8Array(await blob.arrayBuffer());
  // Warm-up: instantiate hash-wasm's modules, touch WebCrypto once.
  await hashChunks([bytes.subarray(0, 1024 * 1024)]);
  await crypto.subtle.digest('SHA-256', bytes.subarray(0, 1024 * 1024));
  const t0 = performance.now();
  await crypto.subtle.digest('SHA-256', bytes);
  const t1 = performance.now();
  await hashChunks(blobChunks(blob));
  const t2 = performance.now();
  const perHashMs = { sha256: 0, md5: 0, sha1: 0, crc32: 0, blake3: 0 };
  for (const [name, create] of [
    ['sha256', createSHA256],
    ['md5', createMD5],
    ['sha1', createSHA1],
    ['crc32', createCRC32],
    ['blake3', createBLAKE3],
  ] as const) {
    const h0 = performance.now();
    const hasher = await create();
    hasher.init();
    for (let at = 0; at < bytes.length; at += 4 * 1024 * 1024) hasher.update(bytes.subarray(at, at + 4 * 1024 * 1024));
    hasher.digest('binary');
    perHashMs[name] = performance.now() - h0;
  }
  const dbName = `bench-idb-large-${Date.now()}`;
  const db = await openDb(dbName);
  let idbPutMs: number;
  try {
    const t3 = performance.now();
    await addAll(db, [{ key: 'large', blob }], 'strict');
    idbPutMs = performance.now() - t3;
  } finally {
    db.close();
    await deleteDb(dbName);
  }
  return { bytes: blob.size, webcryptoSha256Ms: t1 - t0, fiveHashesStreamedMs: t2 - t1, idbPutMs, perHashMs };
}

/**
 * The five hash-wasm hashers over random bytes already in memory (4 MB updates, no reads): the
 * most one thread can hash. Run in two workers at once, it is this machine's hashing ceiling.
 */
async function hashInMemory(megabytes: number, seed: number): Promise<{ bytes: number; ms: number }> {
  const bytes = new Uint8Array(await randomBlob(megabytes, seed).arrayBuffer());
  const slices = (from: Uint8Array) =>
    Array.from({ length: Math.ceil(from.length / (4 * 1024 * 1024)) }, (_, i) =>
      from.subarray(i * 4 * 1024 * 1024, (i + 1) * 4 * 1024 * 1024),
    );
  await hashChunks(slices(bytes.subarray(0, 4 * 1024 * 1024)));
  const t0 = performance.now();
  await hashChunks(slices(bytes));
  return { bytes: bytes.length, ms: performance.now() - t0 };
}

async function handle(request: LimitRequest): Promise<unknown> {
  switch (request.op) {
    case 'jpegSteps':
      return jpegSteps(request.files, request.warmup);
    case 'thumbnailWall':
      return thumbnailWall(request.files, request.warmup);
    case 'digestWall':
      return digestWall(request.files, request.warmup);
    case 'large':
      return large(request.megabytes, request.seed);
    case 'hashInMemory':
      return hashInMemory(request.megabytes, request.seed);
  }
}

self.onmessage = (event: MessageEvent<LimitRequest>) => {
  const request = event.data;
  handle(request).then(
    (value) => self.postMessage({ id: request.id, ok: true, value }),
    (error: unknown) =>
      self.postMessage({ id: request.id, ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
  );
};
