/**
 * Page-side half of the ingest benchmark, bundled by `bench/lib/bundle.ts` and injected into the
 * app's page: it keeps the generated files in the page, drives `globalThis.damApi` (the app's
 * comlink proxy of the world worker) and polls its ingest status, and starts the per-step limit
 * workers from a Blob URL. Installs `globalThis.__ingestBench`; the Node side calls it through
 * `page.evaluate`.
 */
import type { DamApi, IngestStatus, WorldStats } from '../../src/lib/api/dam-api';
import { enqueueChunks } from '../../src/lib/ui/ingest/enqueue-chunks';
import type { FixtureReply, FixtureRequest } from './ingest-fixtures-worker';
import type { GeneratedJpeg } from './ingest-jpeg-fixtures';
import type { JpegStepTimes, LargeTimes, LimitFile, LimitRequest } from './ingest-limits-worker';

export interface BenchFile {
  readonly name: string;
  readonly path: string;
  readonly blob: Blob;
  readonly lastModified: number;
  readonly kind: 'jpeg' | 'binary' | 'wav';
}

export interface GenerateReport {
  readonly count: number;
  readonly ms: number;
  readonly totalBytes: number;
  readonly sizes: number[];
  readonly qualities: number[];
  readonly thumbnailBytes: number[];
}

export interface MixedSpec {
  readonly binaries: readonly { readonly count: number; readonly megabytes: number }[];
  readonly wavSeconds: number;
  readonly jpegs: number;
}

export interface MixedReport {
  readonly ms: number;
  readonly files: { name: string; kind: BenchFile['kind']; bytes: number }[];
  readonly totalBytes: number;
}

/** One poll: [ms since the first enqueue call, phase (0 idle, 1 adding, 2 processing), files done, failed, bytes done, thumbnails pending, metadata pending]. */
export type StatusSample = [number, number, number, number, number, number, number];

export interface IngestRunOptions {
  readonly world: string;
  readonly set: 'jpegs' | 'mixed';
  /** How many files of the set (from the start); all when absent. */
  readonly count?: number;
  readonly waitFor: 'browsable' | 'thumbnails';
  /** Files per `enqueueFiles` call, as the UI's `IngestState` hands them over. */
  readonly pollMs: number;
  readonly timeoutMs: number;
  /** Worlds to delete after the new one is open, before the clock starts (earlier repetitions). */
  readonly deleteWorlds: readonly string[];
}

export interface IngestRunReport {
  readonly world: string;
  readonly files: number;
  readonly bytes: number;
  /** `createWorld` (not part of the ingest time). */
  readonly createMs: number;
  /** `Date.now()` at the first `enqueueFiles` call, to line up worker memory samples. */
  readonly startEpochMs: number;
  /** When each `enqueueFiles` call returned, ms after the first one started. */
  readonly enqueueReturnedMs: number[];
  /** First poll with a finished file. */
  readonly firstFileMs: number | null;
  /** First poll with every file done or failed. */
  readonly allFilesMs: number | null;
  /** First poll with every file done and the phase past `adding` (queue drained, metadata done). */
  readonly browsableMs: number | null;
  /** First poll with the phase `idle` and no thumbnail pending. */
  readonly thumbnailsMs: number | null;
  readonly endEpochMs: number;
  readonly timedOut: boolean;
  readonly samples: StatusSample[];
  readonly statsAtBrowsable: WorldStats | null;
  readonly statsAtEnd: WorldStats | null;
  readonly finalStatus: Omit<IngestStatus, 'recent'> & { failures: string[] };
}

export interface LimitsOptions {
  readonly workerCode: string;
  /** How many of the generated JPEGs each per-step measurement uses (after `warmup` untimed). */
  readonly files: number;
  readonly warmup: number;
  readonly largeMegabytes: number;
}

export interface LimitsReport {
  readonly steps: JpegStepTimes;
  /** decode + perceptual hashes + WebP encode: one worker over all files, and two workers each over half. */
  readonly thumbnailOneWorker: { files: number; ms: number };
  readonly thumbnailTwoWorkers: { files: number; ms: number; perWorker: { files: number; ms: number }[] };
  /** The ingest's digest (`digestFile`): one worker over all files, and two workers each over half. */
  readonly digestOneWorker: { files: number; ms: number };
  readonly digestTwoWorkers: { files: number; ms: number; perWorker: { files: number; ms: number }[] };
  readonly large: LargeTimes;
  /** The five hashers over bytes in memory: one worker, then two workers at once (each its own bytes). */
  readonly hashCeiling: { readonly bytesPerWorker: number; readonly oneWorkerMs: number; readonly twoWorkersMs: number };
}

interface PageState {
  jpegs: GeneratedJpeg[];
  mixed: BenchFile[];
}

const state: PageState = { jpegs: [], mixed: [] };

function api(): DamApi {
  const damApi = (globalThis as { damApi?: unknown }).damApi;
  if (!damApi) throw new Error('globalThis.damApi is missing');
  return damApi as DamApi;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface GenerateOptions {
  readonly count: number;
  readonly targetBytes: number;
  /** The bundled `ingest-fixtures-worker.ts`. */
  readonly workerCode: string;
  readonly workers: number;
}

/** Generates JPEGs 0..count-1 (those not made yet), spread over `workers` Blob-URL workers. */
async function generateJpegs(options: GenerateOptions): Promise<GenerateReport> {
  const t0 = performance.now();
  const missing = Array.from({ length: Math.max(0, options.count - state.jpegs.length) }, (_, i) => state.jpegs.length + i);
  if (missing.length > 0) {
    const url = URL.createObjectURL(new Blob([options.workerCode], { type: 'text/javascript' }));
    try {
      const shares = Array.from({ length: options.workers }, (_, w) => missing.filter((_, i) => i % options.workers === w));
      const made = await Promise.all(
        shares.map(
          (indices) =>
            new Promise<GeneratedJpeg[]>((resolve, reject) => {
              const worker = new Worker(url, { name: 'bench-fixtures' });
              worker.onmessage = (event: MessageEvent<FixtureReply>) => {
                worker.terminate();
                if (event.data.ok) resolve(event.data.jpegs);
                else reject(new Error(event.data.error));
              };
              worker.onerror = (event) => {
                worker.terminate();
                reject(new Error(`fixtures worker failed: ${event.message}`));
              };
              worker.postMessage({ indices, targetBytes: options.targetBytes } satisfies FixtureRequest);
            }),
        ),
      );
      state.jpegs.push(...made.flat());
      state.jpegs.sort((a, b) => a.index - b.index);
    } finally {
      URL.revokeObjectURL(url);
    }
  }
  const jpegs = state.jpegs.slice(0, options.count);
  return {
    count: jpegs.length,
    ms: performance.now() - t0,
    totalBytes: jpegs.reduce((sum, j) => sum + j.blob.size, 0),
    sizes: jpegs.map((j) => j.blob.size),
    qualities: jpegs.map((j) => Math.round(j.quality * 1000) / 1000),
    thumbnailBytes: jpegs.map((j) => j.thumbnailBytes),
  };
}

/** One cached JPEG, as written by `exportJpegs` and read back by `importJpegs`. */
export interface CachedJpeg {
  readonly index: number;
  readonly name: string;
  readonly quality: number;
  readonly thumbnailBytes: number;
  readonly lastModified: number;
  readonly base64: string;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Generated JPEGs `from..to-1` with their bytes, for the Node side to cache on disk. */
async function exportJpegs(range: { from: number; to: number }): Promise<CachedJpeg[]> {
  return Promise.all(
    state.jpegs.slice(range.from, range.to).map(async (j) => ({
      index: j.index,
      name: j.name,
      quality: j.quality,
      thumbnailBytes: j.thumbnailBytes,
      lastModified: j.lastModified,
      base64: toBase64(new Uint8Array(await j.blob.arrayBuffer())),
    })),
  );
}

/** JPEGs from the Node side's cache (made by an earlier run's `generateJpegs`); must come in index order. */
function importJpegs(jpegs: readonly CachedJpeg[]): number {
  for (const j of jpegs) {
    if (j.index !== state.jpegs.length) throw new Error(`Cached JPEG ${j.index} out of order (have ${state.jpegs.length})`);
    state.jpegs.push({
      index: j.index,
      name: j.name,
      quality: j.quality,
      thumbnailBytes: j.thumbnailBytes,
      lastModified: j.lastModified,
      blob: new Blob([fromBase64(j.base64)], { type: 'image/jpeg' }),
    });
  }
  return state.jpegs.length;
}

/** Random-ish bytes (xorshift32) after an 8-byte tag, so no file sniffer takes them for a format. */
function randomBlob(bytes: number, seed: number): Blob {
  const parts: BlobPart[] = [new TextEncoder().encode(`DAMBENCH${String(seed).padStart(8, '0')}`)];
  let x = seed * 2654435761 || 1;
  const partBytes = 4 * 1024 * 1024;
  for (let left = bytes - 16; left > 0; left -= partBytes) {
    const n = Math.min(left, partBytes);
    const words = new Uint32Array(Math.ceil(n / 4));
    for (let i = 0; i < words.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      words[i] = x >>> 0;
    }
    parts.push(new Uint8Array(words.buffer, 0, n));
  }
  return new Blob(parts, { type: 'application/octet-stream' });
}

/** A 16-bit stereo 44.1 kHz PCM WAV: two drifting tones and a little noise. */
function wavBlob(seconds: number): Blob {
  const rate = 44_100;
  const frames = Math.round(seconds * rate);
  const header = new DataView(new ArrayBuffer(44));
  const text = (at: number, s: string) => [...s].forEach((c, i) => header.setUint8(at + i, c.charCodeAt(0)));
  const dataBytes = frames * 4;
  text(0, 'RIFF');
  header.setUint32(4, 36 + dataBytes, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  header.setUint32(16, 16, true);
  header.setUint16(20, 1, true); // PCM
  header.setUint16(22, 2, true);
  header.setUint32(24, rate, true);
  header.setUint32(28, rate * 4, true);
  header.setUint16(32, 4, true);
  header.setUint16(34, 16, true);
  text(36, 'data');
  header.setUint32(40, dataBytes, true);
  const parts: BlobPart[] = [header.buffer];
  let x = 12345;
  const framesPerPart = 1 << 20;
  for (let start = 0; start < frames; start += framesPerPart) {
    const n = Math.min(framesPerPart, frames - start);
    const samples = new Int16Array(n * 2);
    for (let i = 0; i < n; i++) {
      const t = (start + i) / rate;
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      const noise = ((x >>> 0) / 4294967296 - 0.5) * 600;
      samples[i * 2] = Math.round(9000 * Math.sin(2 * Math.PI * (220 + t) * t) + noise);
      samples[i * 2 + 1] = Math.round(9000 * Math.sin(2 * Math.PI * (330 - t / 2) * t) + noise);
    }
    parts.push(samples.buffer);
  }
  return new Blob(parts, { type: 'audio/wav' });
}

async function makeMixed(spec: MixedSpec): Promise<MixedReport> {
  const t0 = performance.now();
  const files: BenchFile[] = [];
  let seed = 1;
  for (const group of spec.binaries) {
    for (let i = 0; i < group.count; i++) {
      const name = `data-${group.megabytes}mb-${i}.bin`;
      files.push({
        name,
        path: `/bench/mixed/${name}`,
        blob: randomBlob(group.megabytes * 1_000_000, seed++),
        lastModified: Date.UTC(2024, 1, 1),
        kind: 'binary',
      });
    }
    await sleep(0);
  }
  if (spec.wavSeconds > 0)
    files.push({
      name: 'recording.wav',
      path: '/bench/mixed/recording.wav',
      blob: wavBlob(spec.wavSeconds),
      lastModified: Date.UTC(2024, 1, 2),
      kind: 'wav',
    });
  if (state.jpegs.length < spec.jpegs) throw new Error(`Only ${state.jpegs.length} JPEGs generated, ${spec.jpegs} asked`);
  for (const j of state.jpegs.slice(0, spec.jpegs))
    files.push({ name: j.name, path: `/bench/mixed/photos/${j.name}`, blob: j.blob, lastModified: j.lastModified, kind: 'jpeg' });
  state.mixed = files;
  return {
    ms: performance.now() - t0,
    files: files.map((f) => ({ name: f.name, kind: f.kind, bytes: f.blob.size })),
    totalBytes: files.reduce((sum, f) => sum + f.blob.size, 0),
  };
}

function filesOf(set: IngestRunOptions['set'], count: number | undefined): BenchFile[] {
  const all: BenchFile[] =
    set === 'mixed'
      ? state.mixed
      : state.jpegs.map((j) => ({
          name: j.name,
          path: `/bench/photos/${j.name}`,
          blob: j.blob,
          lastModified: j.lastModified,
          kind: 'jpeg' as const,
        }));
  const files = count === undefined ? all : all.slice(0, count);
  if (files.length === 0 || (count !== undefined && files.length < count)) throw new Error(`The ${set} set has ${all.length} files`);
  return files;
}

const PHASES: Readonly<Record<string, number>> = { idle: 0, adding: 1, processing: 2 };

function pendingOf(status: IngestStatus, marker: string): number {
  return status.pendingWork.find((w) => w.marker === marker)?.count ?? 0;
}

/**
 * Creates a fresh world (it becomes current), hands the files to `enqueueFiles` in chunks, and
 * polls `ingestStatus` until the files are browsable (and, if asked, thumbnailed).
 */
async function runIngest(options: IngestRunOptions): Promise<IngestRunReport> {
  const dam = api();
  const files = filesOf(options.set, options.count);
  const total = files.length;
  const bytes = files.reduce((sum, f) => sum + f.blob.size, 0);
  const c0 = performance.now();
  await dam.createWorld(options.world);
  const createMs = performance.now() - c0;
  for (const name of options.deleteWorlds) await dam.deleteWorld(name);

  const samples: StatusSample[] = [];
  const enqueueReturnedMs: number[] = [];
  let firstFileMs: number | null = null;
  let allFilesMs: number | null = null;
  let browsableMs: number | null = null;
  let thumbnailsMs: number | null = null;
  let statsAtBrowsable: WorldStats | null = null;
  let last: IngestStatus | null = null;
  let timedOut = false;

  // Handed over as the app's own UI does it.
  const chunks = enqueueChunks(total);
  const startEpochMs = Date.now();
  const t0 = performance.now();
  const handOver = (async () => {
    for (const [start, end] of chunks) {
      await dam.enqueueFiles(
        files.slice(start, end).map((f) => ({ name: f.name, path: f.path, file: f.blob, lastModified: f.lastModified })),
      );
      enqueueReturnedMs.push(performance.now() - t0);
    }
  })();
  let handOverError: unknown = null;
  handOver.catch((error: unknown) => (handOverError = error));

  for (;;) {
    const asked = performance.now();
    const status = await dam.ingestStatus();
    const t = performance.now() - t0;
    last = status;
    const finished = status.filesDone + status.filesFailed;
    const thumbs = pendingOf(status, 'NeedsThumbnailMarker');
    samples.push([
      Math.round(t),
      PHASES[status.phase] ?? -1,
      status.filesDone,
      status.filesFailed,
      status.bytesDone,
      thumbs,
      pendingOf(status, 'NeedsMetadataExtractionMarker'),
    ]);
    if (handOverError) throw handOverError;
    const allHandedOver = enqueueReturnedMs.length === chunks.length;
    if (firstFileMs === null && finished > 0) firstFileMs = t;
    if (allFilesMs === null && allHandedOver && finished >= total) allFilesMs = t;
    if (browsableMs === null && allHandedOver && finished >= total && status.phase !== 'adding') {
      browsableMs = t;
      if (options.waitFor === 'browsable') break;
      statsAtBrowsable = await dam.worldStats();
    }
    if (browsableMs !== null && thumbnailsMs === null && status.phase === 'idle' && thumbs === 0) {
      thumbnailsMs = t;
      break;
    }
    if (t > options.timeoutMs) {
      timedOut = true;
      break;
    }
    await sleep(Math.max(0, options.pollMs - (performance.now() - asked)));
  }
  const endEpochMs = Date.now();
  await handOver.catch(() => undefined);
  const statsAtEnd = await dam.worldStats().catch(() => null);
  const { recent, ...rest } = last;
  return {
    world: options.world,
    files: total,
    bytes,
    createMs,
    startEpochMs,
    enqueueReturnedMs,
    firstFileMs,
    allFilesMs,
    browsableMs,
    thumbnailsMs,
    endEpochMs,
    timedOut,
    samples,
    statsAtBrowsable,
    statsAtEnd,
    finalStatus: { ...rest, failures: recent.filter((r) => r.error).map((r) => `${r.name}: ${r.error}`) },
  };
}

/** A limits request before the worker client numbers it. */
type LimitCall = LimitRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** One limits worker from the bundled script, with a promise per request. */
function limitsWorker(url: string) {
  const worker = new Worker(url, { name: 'bench-limits' });
  let next = 1;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  worker.onmessage = (event: MessageEvent<{ id: number; ok: boolean; value?: unknown; error?: string }>) => {
    const entry = waiting.get(event.data.id);
    waiting.delete(event.data.id);
    if (event.data.ok) entry?.resolve(event.data.value);
    else entry?.reject(new Error(event.data.error));
  };
  worker.onerror = (event) => {
    for (const entry of waiting.values()) entry.reject(new Error(`limits worker failed: ${event.message}`));
    waiting.clear();
  };
  return {
    call<T>(request: LimitCall): Promise<T> {
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        worker.postMessage({ ...request, id });
      });
    },
    terminate: () => worker.terminate(),
  };
}

async function limits(options: LimitsOptions): Promise<LimitsReport> {
  const url = URL.createObjectURL(new Blob([options.workerCode], { type: 'text/javascript' }));
  const files: LimitFile[] = state.jpegs.slice(0, options.warmup + options.files).map((j) => ({ name: j.name, blob: j.blob }));
  if (files.length < options.warmup + options.files) throw new Error(`Only ${state.jpegs.length} JPEGs generated`);
  const a = limitsWorker(url);
  const b = limitsWorker(url);
  try {
    const steps = await a.call<JpegStepTimes>({ op: 'jpegSteps', files, warmup: options.warmup });
    // Each loop once in one worker, then over half the files in each of two workers at once
    // (each warms up on its own first files; the wall time is the slower worker's).
    const half = options.warmup + Math.ceil(options.files / 2);
    const first = files.slice(0, half);
    const second = [...files.slice(0, options.warmup), ...files.slice(half)];
    const oneAndTwo = async (op: 'thumbnailWall' | 'digestWall') => {
      const one = await a.call<{ files: number; ms: number }>({ op, files, warmup: options.warmup });
      const perWorker = await Promise.all([
        a.call<{ files: number; ms: number }>({ op, files: first, warmup: options.warmup }),
        b.call<{ files: number; ms: number }>({ op, files: second, warmup: options.warmup }),
      ]);
      const two = { files: perWorker.reduce((sum, w) => sum + w.files, 0), ms: Math.max(...perWorker.map((w) => w.ms)), perWorker };
      return { one, two };
    };
    const thumbnails = await oneAndTwo('thumbnailWall');
    const digests = await oneAndTwo('digestWall');
    const large = await a.call<LargeTimes>({ op: 'large', megabytes: options.largeMegabytes, seed: 7 });
    type Hashed = { bytes: number; ms: number };
    const hashOne = await a.call<Hashed>({ op: 'hashInMemory', megabytes: options.largeMegabytes, seed: 11 });
    const hashTwo = await Promise.all([
      a.call<Hashed>({ op: 'hashInMemory', megabytes: options.largeMegabytes, seed: 12 }),
      b.call<Hashed>({ op: 'hashInMemory', megabytes: options.largeMegabytes, seed: 13 }),
    ]);
    const hashCeiling = { bytesPerWorker: hashOne.bytes, oneWorkerMs: hashOne.ms, twoWorkersMs: Math.max(...hashTwo.map((h) => h.ms)) };
    return {
      steps,
      thumbnailOneWorker: thumbnails.one,
      thumbnailTwoWorkers: thumbnails.two,
      digestOneWorker: digests.one,
      digestTwoWorkers: digests.two,
      large,
      hashCeiling,
    };
  } finally {
    a.terminate();
    b.terminate();
    URL.revokeObjectURL(url);
  }
}

export interface IngestBenchPage {
  generateJpegs: typeof generateJpegs;
  exportJpegs: typeof exportJpegs;
  importJpegs: typeof importJpegs;
  makeMixed: typeof makeMixed;
  runIngest: typeof runIngest;
  limits: typeof limits;
  /** Drops the mixed set's Blobs (hundreds of MB) once it is measured. */
  dropMixed(): void;
}

(globalThis as { __ingestBench?: IngestBenchPage }).__ingestBench = {
  generateJpegs,
  exportJpegs,
  importJpegs,
  makeMixed,
  runIngest,
  limits,
  dropMixed: () => {
    state.mixed = [];
  },
};
