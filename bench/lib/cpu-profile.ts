import type { WorkerTarget } from './cdp-worker';

/**
 * A sampling CPU profile of a worker (DevTools protocol `Profiler`), and where its time went:
 * idle (waiting for IndexedDB, OPFS, decoder threads, messages), garbage collection, each
 * WebAssembly module, OPFS sync-access-handle calls, named app steps and other JavaScript.
 */

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly scriptId: string;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  /** Microseconds, on the browser's monotonic clock. */
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface RunningProfile {
  /** `Date.now()` when sampling started (the midpoint of the start request), to line up with other clocks. */
  readonly startEpochMs: number;
  stop(): Promise<{ profile: CpuProfile; startEpochMs: number }>;
}

export async function startProfile(target: WorkerTarget, intervalMicros = 1000): Promise<RunningProfile> {
  await target.send('Profiler.enable');
  await target.send('Profiler.setSamplingInterval', { interval: intervalMicros });
  const before = Date.now();
  await target.send('Profiler.start');
  const startEpochMs = (before + Date.now()) / 2;
  return {
    startEpochMs,
    async stop() {
      const { profile } = await target.send<{ profile: CpuProfile }>('Profiler.stop');
      await target.send('Profiler.disable').catch(() => undefined);
      return { profile, startEpochMs };
    },
  };
}

/** Categories in the order they are reported. */
export const PROFILE_CATEGORIES = [
  'idle',
  'pglite-wasm',
  'opfs-io',
  'indexeddb',
  'blob-read',
  'hash-wasm',
  'hashing-js',
  'exif',
  'mime',
  'thumbnail',
  'gc',
  'other-js',
  'program',
] as const;
export type ProfileCategory = (typeof PROFILE_CATEGORIES)[number];

export const CATEGORY_NOTES: Readonly<Record<ProfileCategory, string>> = {
  idle: 'idle: waiting (IndexedDB and OPFS requests, the decoder thread, messages)',
  'pglite-wasm': 'PGlite: Postgres in WebAssembly',
  'opfs-io': 'OPFS sync access handle calls (PGlite file writes, flushes)',
  indexeddb: 'IndexedDB calls on the worker thread (Dexie: queue, blob store)',
  'blob-read': 'Blob reads (`arrayBuffer`, `slice`)',
  'hash-wasm': 'hash-wasm WebAssembly (five hashes, thumbnail SHA-256; instantiating a module per hasher)',
  'hashing-js': 'hashing: JavaScript around it (`hashChunks`, `toHex`)',
  exif: 'EXIF and dimensions (exifr, image-size)',
  mime: 'MIME sniffing (file-type)',
  thumbnail: 'thumbnails in the worker thread (drawImage resize, getImageData, perceptual hashes, WebP encode call)',
  gc: 'garbage collection',
  'other-js': 'other JavaScript (PGlite glue and protocol, Dexie, ECS, comlink, SQL parameters)',
  program: 'other native work (unattributed)',
};

const SYNC_HANDLE_CALLS = new Set(['flush', 'write', 'read', 'truncate', 'getSize', 'close']);
/** Native (Web API) leaf frames, by name. */
const INDEXEDDB_CALLS = new Set([
  'transaction',
  'objectStore',
  'index',
  'add',
  'put',
  'get',
  'getAll',
  'getAllKeys',
  'getKey',
  'delete',
  'count',
  'openCursor',
  'openKeyCursor',
  'continue',
  'commit',
  'bound',
  'only',
  'lowerBound',
  'upperBound',
  'cmp',
]);
const BLOB_CALLS = new Set(['arrayBuffer', 'slice', 'text', 'bytes']);
const WASM_SETUP_CALLS = new Set(['instantiate', 'compile', 'Instance', 'Module']);
const NAMED_STEPS: readonly [ProfileCategory, ReadonlySet<string>][] = [
  ['hashing-js', new Set(['hashChunks', 'blobChunks', 'hashBlob', 'toHex', 'storeDerivedBlob'])],
  ['exif', new Set(['extractExif', 'readImageDimensions', 'thumbnailOf', 'jsonSafeRecord'])],
  ['mime', new Set(['detectMimeType'])],
  [
    'thumbnail',
    new Set([
      'makeThumbnail',
      'drawScaled',
      'toImageData',
      'encodeWebp',
      'decode',
      'perceptualHashes',
      'checkJpegComplete',
      'jpegReachesEoi',
    ]),
  ],
];
/** A WebAssembly module with at least this many distinct functions in the profile is taken for PGlite's. */
const PGLITE_MIN_FUNCTIONS = 40;

/** WebAssembly frames: `wasm://wasm/…` for modules compiled from bytes, the `.wasm` URL for streamed ones. */
function isWasm(frame: CallFrame): boolean {
  return frame.url.startsWith('wasm://') || /\.wasm(?:[?#]|$)/.test(frame.url);
}

export interface ProfileWindow {
  readonly label: string;
  readonly fromEpochMs: number;
  readonly toEpochMs: number;
}

export interface ProfileBreakdown {
  readonly label: string;
  readonly totalMs: number;
  readonly ms: Readonly<Record<ProfileCategory, number>>;
  /** The leaf functions with the most time in `other-js` (name and script file), to see what it holds. */
  readonly topOther: { readonly frame: string; readonly ms: number }[];
}

/** Milliseconds per category within each window (epoch times, lined up by `startEpochMs`). */
export function breakdown(profile: CpuProfile, startEpochMs: number, windows: readonly ProfileWindow[]): ProfileBreakdown[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // WebAssembly modules: PGlite's is the one with many functions.
  const wasmFunctions = new Map<string, Set<string>>();
  for (const n of profile.nodes) {
    if (!isWasm(n.callFrame)) continue;
    const set = wasmFunctions.get(n.callFrame.url) ?? new Set<string>();
    set.add(n.callFrame.functionName);
    wasmFunctions.set(n.callFrame.url, set);
  }
  const categoryCache = new Map<number, ProfileCategory>();
  const categoryOf = (leafId: number): ProfileCategory => {
    const cached = categoryCache.get(leafId);
    if (cached) return cached;
    let category: ProfileCategory = 'other-js';
    const leaf = byId.get(leafId)!;
    const name = leaf.callFrame.functionName;
    if (name === '(idle)') category = 'idle';
    else if (name === '(garbage collector)') category = 'gc';
    else if (name === '(program)') category = 'program';
    else if (isWasm(leaf.callFrame))
      category =
        leaf.callFrame.url.includes('pglite') || (wasmFunctions.get(leaf.callFrame.url)?.size ?? 0) >= PGLITE_MIN_FUNCTIONS
          ? 'pglite-wasm'
          : 'hash-wasm';
    else if (leaf.callFrame.url === '' && SYNC_HANDLE_CALLS.has(name)) category = 'opfs-io';
    else if (leaf.callFrame.url === '' && INDEXEDDB_CALLS.has(name)) category = 'indexeddb';
    else if (leaf.callFrame.url === '' && BLOB_CALLS.has(name)) category = 'blob-read';
    else if (leaf.callFrame.url === '' && WASM_SETUP_CALLS.has(name)) category = 'hash-wasm';
    else {
      for (let id: number | undefined = leafId; id !== undefined; id = parent.get(id)) {
        const frameName = byId.get(id)!.callFrame.functionName;
        const step = NAMED_STEPS.find(([, names]) => names.has(frameName));
        if (step) {
          category = step[0];
          break;
        }
      }
    }
    categoryCache.set(leafId, category);
    return category;
  };
  const results = windows.map((w) => ({
    label: w.label,
    totalMs: 0,
    ms: Object.fromEntries(PROFILE_CATEGORIES.map((c) => [c, 0])) as Record<ProfileCategory, number>,
    other: new Map<string, number>(),
  }));
  const frameLabel = (id: number) => {
    const { functionName, url } = byId.get(id)!.callFrame;
    return `${functionName || '(anonymous)'} ${url.split('/').pop() || '(native)'}`;
  };
  // Sample i is taken at startTime + sum(timeDeltas[0..i]) and stands for the time until the next one.
  let t = profile.startTime;
  const times = profile.timeDeltas.map((d) => (t += d));
  for (let i = 0; i < profile.samples.length; i++) {
    const at = startEpochMs + (times[i]! - profile.startTime) / 1000;
    const duration = ((i + 1 < times.length ? times[i + 1]! : profile.endTime) - times[i]!) / 1000;
    if (!(duration > 0)) continue;
    const category = categoryOf(profile.samples[i]!);
    for (const [k, w] of windows.entries()) {
      if (at >= w.fromEpochMs && at < w.toEpochMs) {
        results[k]!.ms[category] += duration;
        results[k]!.totalMs += duration;
        if (category === 'other-js') {
          const frame = frameLabel(profile.samples[i]!);
          results[k]!.other.set(frame, (results[k]!.other.get(frame) ?? 0) + duration);
        }
      }
    }
  }
  return results.map(({ other, ...r }) => ({
    ...r,
    topOther: [...other.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([frame, ms]) => ({ frame, ms })),
  }));
}
