import type { Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForBrowser } from '../lib/bundle';
import { availableParallelism, loadavg } from 'node:os';
import { cpuBetween, sampleCpuEvery, type CpuUse } from '../lib/process-cpu';
import { sampleHeap, WorkerTargets, type HeapSample, type WorkerTarget } from '../lib/cdp-worker';
import { breakdown, CATEGORY_NOTES, PROFILE_CATEGORIES, startProfile, type ProfileBreakdown } from '../lib/cpu-profile';
import { describeMachine } from '../lib/machine';
import { cell, table } from '../lib/markdown';
import { formatMs, summarize, type Summary } from '../lib/stats';
import type { Benchmark, BenchContext, RunMeta } from '../lib/types';
import { openFreshApp } from './app-page';
import type {
  CachedJpeg,
  GenerateReport,
  IngestBenchPage,
  IngestRunOptions,
  IngestRunReport,
  LimitsReport,
  MixedReport,
  MixedSpec,
} from './ingest-page';
import type { JpegStepTimes } from './ingest-limits-worker';

/**
 * The background ingest in Chromium, end to end: camera JPEGs (generated in the page, with EXIF
 * and an EXIF thumbnail) and a mixed set of large binaries, a WAV and JPEGs, each into a fresh
 * `opfs-ahp` world, timed from the first `enqueueFiles` call to "browsable" (queue drained,
 * metadata done) and to "thumbnails done". Beside it, in the same browser and page, the limit of
 * each step on the same bytes, measured in a dedicated worker with the app's own code; the world
 * worker's heap over time and, in one repetition, its CPU profile, through the DevTools protocol.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
/** Generated JPEGs are kept here between runs (ignored by git), keyed by generator source, size and browser. */
const FIXTURE_CACHE = join(HERE, '..', 'out', 'ingest-fixtures');
/** The profiled repetition's world-worker CPU profile. */
const PROFILE_FILE = join(HERE, '..', 'out', 'ingest-world-worker.cpuprofile');
/** Decimal units throughout: 1 MB = 10^6 bytes, 1 KB = 1,000 bytes. */
const MB = 1_000_000;

export interface IngestOptions {
  /** JPEGs in the first (full) repetition. */
  readonly jpegs: number;
  /** JPEGs in each further repetition (fewer, to keep the run short). */
  readonly extraRepJpegs: number;
  readonly extraReps: number;
  /** The further repetition (1-based, ≥ 2) recorded with a CPU profile of the world worker; 0 for none. */
  readonly profiledRep: number;
  readonly mixed: MixedSpec;
  readonly mixedReps: number;
  readonly jpegTargetBytes: number;
  /** JPEGs each per-step limit is measured on (after `limitWarmup` untimed). */
  readonly limitFiles: number;
  readonly limitWarmup: number;
  /** Size of the random Blob for the large-file limits (hashes, IndexedDB put). */
  readonly largeMegabytes: number;
  readonly pollMs: number;
  readonly heapSampleMs: number;
  /** Files per `enqueueFiles` call: the UI hands over 500 at a time. */
  readonly runTimeoutMs: number;
}

export const DEFAULT_OPTIONS: IngestOptions = {
  jpegs: 1000,
  extraRepJpegs: 500,
  extraReps: 2,
  profiledRep: 3,
  mixed: {
    binaries: [
      { count: 2, megabytes: 100 },
      { count: 3, megabytes: 50 },
      { count: 20, megabytes: 5 },
    ],
    wavSeconds: 180,
    jpegs: 100,
  },
  mixedReps: 2,
  jpegTargetBytes: 100_000,
  limitFiles: 100,
  limitWarmup: 3,
  largeMegabytes: 64,
  pollMs: 100,
  heapSampleMs: 250,
  runTimeoutMs: 480_000,
};

/** A small run for trying the benchmark out (`BENCH_INGEST_QUICK=1`). */
export const QUICK_OPTIONS: IngestOptions = {
  ...DEFAULT_OPTIONS,
  jpegs: 100,
  extraRepJpegs: 50,
  extraReps: 1,
  profiledRep: 2,
  mixedReps: 1,
  mixed: {
    binaries: [
      { count: 1, megabytes: 40 },
      { count: 4, megabytes: 5 },
    ],
    wavSeconds: 30,
    jpegs: 20,
  },
  limitFiles: 20,
  largeMegabytes: 16,
};

export interface HeapPeak {
  /** Heap samples taken during the run. */
  readonly samples: number;
  /** Largest JS heap + ArrayBuffer backing stores (WebAssembly memory included) at one sample. */
  readonly peakTotalBytes: number;
  readonly peakJsHeapBytes: number;
  readonly peakBackingStoreBytes: number;
  /** The same sum at the last sample before the run started. */
  readonly beforeTotalBytes: number | null;
}

export interface IngestRun extends IngestRunReport {
  readonly label: string;
  readonly set: 'jpegs' | 'mixed';
  readonly heap: HeapPeak | null;
  /** Where the world worker's time went (profiled repetition only): adding phase, thumbnail phase. */
  readonly profile: ProfileBreakdown[] | null;
  /** CPU time of the browser's processes in the adding phase and the thumbnail phase. */
  readonly cpu: { readonly adding: CpuUse | null; readonly thumbnails: CpuUse | null } | null;
}

export interface IngestResult {
  readonly options: IngestOptions;
  readonly durationMs: number;
  readonly generate: GenerateReport;
  /** How the JPEGs got into the page: generated now, or read from the cache of an earlier run's generation. */
  readonly fixtures: FixtureSource;
  readonly mixedSet: MixedReport | null;
  readonly limits: LimitsReport | null;
  readonly limitsError: string | null;
  /** CPU time of the browser's processes while the per-step limits ran (all steps together). */
  readonly limitsCpu: CpuUse | null;
  readonly runs: IngestRun[];
  readonly errors: string[];
  /** Where the worker memory numbers come from. */
  readonly memorySource: string;
  readonly heapErrors: string[];
  /** 1-minute load average sampled around each run (other work on the machine skews timings). */
  readonly loadDuringRuns: { label: string; start: number; end: number }[];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Calls a method of `globalThis.__ingestBench` in the page. */
function inPage<K extends keyof IngestBenchPage>(page: Page, method: K, arg: Parameters<IngestBenchPage[K]>[0]) {
  return page.evaluate(
    ({ method, arg }) => {
      const bench = (globalThis as unknown as { __ingestBench: Record<string, (a: unknown) => unknown> }).__ingestBench;
      return bench[method]!(arg);
    },
    { method, arg: arg as unknown },
  ) as Promise<Awaited<ReturnType<IngestBenchPage[K]>>>;
}

export interface FixtureSource {
  readonly cacheKey: string;
  readonly fromCache: number;
  readonly generated: number;
  readonly loadMs: number;
  readonly generateMs: number;
}

interface CacheManifest {
  readonly key: string;
  readonly files: Omit<CachedJpeg, 'base64'>[];
}

/**
 * Puts JPEGs 0..count-1 into the page: those an earlier run generated with the same generator
 * source, target size and browser are read from `bench/out/ingest-fixtures/KEY/`, the rest are
 * generated in the page (two workers) and added to that cache. Generating is deterministic, so
 * either way the page holds the same bytes.
 */
async function prepareJpegs(
  page: Page,
  count: number,
  targetBytes: number,
  fixturesCode: string,
  context: BenchContext,
): Promise<{ report: GenerateReport; source: FixtureSource }> {
  const key = createHash('sha256')
    .update(readFileSync(join(HERE, 'ingest-jpeg-fixtures.ts')))
    .update(`${targetBytes}\n${context.machine.chromiumVersion ?? context.chromiumPath}`)
    .digest('hex')
    .slice(0, 16);
  const dir = join(FIXTURE_CACHE, key);
  const manifestPath = join(dir, 'manifest.json');
  const manifest: CacheManifest = existsSync(manifestPath)
    ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as CacheManifest)
    : { key, files: [] };
  const usable = manifest.files.slice(0, count).filter((f, i) => f.index === i && existsSync(join(dir, f.name)));
  const l0 = performance.now();
  for (let start = 0; start < usable.length; start += 100) {
    const chunk = usable.slice(start, start + 100).map((f) => ({ ...f, base64: readFileSync(join(dir, f.name)).toString('base64') }));
    await inPage(page, 'importJpegs', chunk);
  }
  const loadMs = performance.now() - l0;
  const g0 = performance.now();
  const report = await inPage(page, 'generateJpegs', { count, targetBytes, workerCode: fixturesCode, workers: 2 });
  const generateMs = performance.now() - g0;
  if (usable.length < count) {
    mkdirSync(dir, { recursive: true });
    const files = [...usable];
    for (let from = usable.length; from < count; from += 100) {
      for (const j of await inPage(page, 'exportJpegs', { from, to: Math.min(count, from + 100) })) {
        const { base64, ...entry } = j;
        writeFileSync(join(dir, j.name), Buffer.from(base64, 'base64'));
        files.push(entry);
      }
    }
    writeFileSync(manifestPath, `${JSON.stringify({ key, files } satisfies CacheManifest)}\n`);
  }
  return { report, source: { cacheKey: key, fromCache: usable.length, generated: count - usable.length, loadMs, generateMs } };
}

function heapPeak(samples: readonly HeapSample[], from: number, to: number): HeapPeak | null {
  const during = samples.filter((s) => s.epochMs >= from && s.epochMs <= to);
  if (during.length === 0) return null;
  const before = samples.filter((s) => s.epochMs < from).at(-1);
  const total = (s: HeapSample) => s.usedSize + s.backingStorageSize;
  return {
    samples: during.length,
    peakTotalBytes: Math.max(...during.map(total)),
    peakJsHeapBytes: Math.max(...during.map((s) => s.usedSize)),
    peakBackingStoreBytes: Math.max(...during.map((s) => s.backingStorageSize)),
    beforeTotalBytes: before ? total(before) : null,
  };
}

interface PlannedRun {
  readonly label: string;
  readonly set: 'jpegs' | 'mixed';
  readonly count: number | undefined;
  readonly waitFor: IngestRunOptions['waitFor'];
  readonly profile: boolean;
}

function planRuns(options: IngestOptions): PlannedRun[] {
  return [
    { label: 'JPEGs, rep 1', set: 'jpegs', count: options.jpegs, waitFor: 'thumbnails', profile: false },
    ...Array.from({ length: options.extraReps }, (_, i) => ({
      label: `JPEGs, rep ${i + 2}${options.profiledRep === i + 2 ? ', profiled' : ''}`,
      set: 'jpegs' as const,
      count: options.extraRepJpegs,
      waitFor: 'thumbnails' as const,
      profile: options.profiledRep === i + 2,
    })),
    ...Array.from({ length: options.mixedReps }, (_, i) => ({
      label: `mixed, rep ${i + 1}`,
      set: 'mixed' as const,
      count: undefined,
      waitFor: 'browsable' as const,
      profile: false,
    })),
  ];
}

export async function runIngestBench(context: BenchContext, options: IngestOptions = DEFAULT_OPTIONS): Promise<IngestResult> {
  const { log } = context;
  const started = performance.now();
  const [pageCode, fixturesCode, limitsCode] = await Promise.all([
    bundleForBrowser(join(HERE, 'ingest-page.ts')),
    bundleForBrowser(join(HERE, 'ingest-fixtures-worker.ts')),
    // pdf.js is loaded on demand by code the limits never run: left out of the bundle.
    bundleForBrowser(join(HERE, 'ingest-limits-worker.ts'), { external: ['pdfjs-dist', 'pdfjs-dist/*'] }),
  ]);
  log(`bundled the page script, the fixtures worker and the limits worker (${(limitsCode.length / 1024).toFixed(0)} KiB)`);

  const session = await openFreshApp(context);
  const errors: string[] = [];
  const runs: IngestRun[] = [];
  const loadDuringRuns: IngestResult['loadDuringRuns'] = [];
  let memorySource = 'none';
  const cpuSampler = sampleCpuEvery(100);
  let limitsCpu: CpuUse | null = null;
  let heap: ReturnType<typeof sampleHeap> | null = null;
  let targets: WorkerTargets | null = null;
  let worldWorker: WorkerTarget | null = null;
  try {
    const { page } = session;
    page.setDefaultTimeout(options.runTimeoutMs + 60_000);
    try {
      targets = await WorkerTargets.attach(page);
      worldWorker = await targets.worker('world.worker', 10_000);
      heap = sampleHeap(worldWorker, options.heapSampleMs);
      memorySource = `DevTools protocol \`Runtime.getHeapUsage\` on the world worker, every ${options.heapSampleMs} ms: V8 heap in use + ArrayBuffer backing stores (WebAssembly memories included)`;
    } catch (error) {
      errors.push(`worker memory: ${messageOf(error)}`);
      log(`worker memory sampling unavailable: ${messageOf(error)}`);
    }
    await page.addScriptTag({ content: pageCode });

    const maxJpegs = Math.max(options.jpegs, options.extraRepJpegs, options.limitWarmup + options.limitFiles, options.mixed.jpegs);
    const { report: generate, source: fixtures } = await prepareJpegs(page, maxJpegs, options.jpegTargetBytes, fixturesCode, context);
    log(
      `JPEGs ready: ${fixtures.fromCache} from the cache in ${formatMs(fixtures.loadMs)}, ${fixtures.generated} generated in ${formatMs(fixtures.generateMs)}; mean ${(generate.totalBytes / generate.count / 1000).toFixed(1)} KB`,
    );

    let limits: LimitsReport | null = null;
    let limitsError: string | null = null;
    try {
      const l0 = performance.now();
      const limitsFrom = Date.now();
      limits = await withTimeout(
        inPage(page, 'limits', {
          workerCode: limitsCode,
          files: options.limitFiles,
          warmup: options.limitWarmup,
          largeMegabytes: options.largeMegabytes,
        }),
        300_000,
        'limits',
      );
      limitsCpu = cpuBetween(cpuSampler.samples, limitsFrom, Date.now());
      log(`per-step limits measured in ${formatMs(performance.now() - l0)}`);
    } catch (error) {
      limitsError = messageOf(error);
      log(`limits FAILED: ${limitsError}`);
    }

    let mixedSet: MixedReport | null = null;
    let previousWorld: string | null = null;
    for (const [index, step] of planRuns(options).entries()) {
      if (step.set === 'mixed' && !mixedSet) {
        mixedSet = await inPage(page, 'makeMixed', options.mixed);
        log(`made the mixed set: ${mixedSet.files.length} files, ${(mixedSet.totalBytes / MB).toFixed(0)} MB in ${formatMs(mixedSet.ms)}`);
      }
      const world = `bench-ingest-${index + 1}`;
      const loadStart = loadavg()[0]!;
      const profiler = step.profile && worldWorker ? await startProfile(worldWorker).catch(() => null) : null;
      try {
        const report = await withTimeout(
          inPage(page, 'runIngest', {
            world,
            set: step.set,
            count: step.count,
            waitFor: step.waitFor,
            pollMs: options.pollMs,
            timeoutMs: options.runTimeoutMs,
            deleteWorlds: previousWorld ? [previousWorld] : [],
          }),
          options.runTimeoutMs + 120_000,
          step.label,
        );
        previousWorld = world;
        let profile: ProfileBreakdown[] | null = null;
        if (profiler) {
          const { profile: cpu, startEpochMs } = await profiler.stop();
          // The whole profile, for DevTools (Performance panel: load profile).
          writeFileSync(PROFILE_FILE, JSON.stringify(cpu));
          const browsableAt = report.startEpochMs + (report.browsableMs ?? report.endEpochMs - report.startEpochMs);
          profile = breakdown(cpu, startEpochMs, [
            { label: 'adding', fromEpochMs: report.startEpochMs, toEpochMs: browsableAt },
            { label: 'thumbnails', fromEpochMs: browsableAt, toEpochMs: report.endEpochMs },
          ]);
        }
        const browsableEpoch = report.browsableMs === null ? null : report.startEpochMs + report.browsableMs;
        const thumbnailsEpoch = report.thumbnailsMs === null ? null : report.startEpochMs + report.thumbnailsMs;
        const cpu = {
          adding: browsableEpoch === null ? null : cpuBetween(cpuSampler.samples, report.startEpochMs, browsableEpoch),
          thumbnails:
            browsableEpoch === null || thumbnailsEpoch === null ? null : cpuBetween(cpuSampler.samples, browsableEpoch, thumbnailsEpoch),
        };
        runs.push({ ...report, label: step.label, set: step.set, heap: null, profile, cpu });
        loadDuringRuns.push({ label: step.label, start: loadStart, end: loadavg()[0]! });
        const rate = (ms: number | null) =>
          ms === null
            ? 'n/a'
            : `${formatMs(ms)} (${((report.files * 1000) / ms).toFixed(1)} files/s, ${((report.bytes / MB) * (1000 / ms)).toFixed(1)} MB/s)`;
        log(
          `${step.label}: ${report.files} files, ${(report.bytes / MB).toFixed(1)} MB: browsable ${rate(report.browsableMs)}, thumbnails ${rate(report.thumbnailsMs)}; failed ${report.finalStatus.filesFailed}${report.timedOut ? ', TIMED OUT' : ''}${report.finalStatus.error ? `, error: ${report.finalStatus.error}` : ''}`,
        );
      } catch (error) {
        await profiler?.stop().catch(() => undefined);
        errors.push(`${step.label}: ${messageOf(error)}`);
        log(`${step.label} FAILED: ${messageOf(error)}`);
      }
    }
    await heap?.stop();
    cpuSampler.stop();
    const heapSamples = heap?.samples ?? [];
    return {
      options,
      durationMs: performance.now() - started,
      generate,
      fixtures,
      mixedSet,
      limits,
      limitsError,
      limitsCpu,
      runs: runs.map((run) => ({ ...run, heap: heapPeak(heapSamples, run.startEpochMs, run.endEpochMs) })),
      errors,
      memorySource,
      heapErrors: heap?.errors ?? [],
      loadDuringRuns,
    };
  } finally {
    cpuSampler.stop();
    await heap?.stop();
    await targets?.detach();
    await session.close();
  }
}

// ---------------------------------------------------------------- derived numbers

const median = (values: readonly number[]) => summarize(values)?.median ?? Number.NaN;

/** Files per second and MB per second over `ms`. */
function rates(files: number, bytes: number, ms: number | null): { filesPerS: number; mbPerS: number } | null {
  if (ms === null || !(ms > 0)) return null;
  return { filesPerS: (files * 1000) / ms, mbPerS: (bytes / MB) * (1000 / ms) };
}

/** Files done at the first sample at or after `t`. */
function doneAt(run: IngestRun, t: number | null): number | null {
  if (t === null) return null;
  const sample = run.samples.find((s) => s[0] >= t);
  return sample ? sample[2] + sample[3] : null;
}

/** Adding rate after the first batch: files recorded between the first finished file and the last. */
function steadyAddingRate(run: IngestRun): number | null {
  const first = doneAt(run, run.firstFileMs);
  if (first === null || run.firstFileMs === null || run.allFilesMs === null || run.allFilesMs <= run.firstFileMs) return null;
  return ((run.files - first) * 1000) / (run.allFilesMs - run.firstFileMs);
}

function thumbnailPhaseMs(run: IngestRun): number | null {
  return run.thumbnailsMs !== null && run.browsableMs !== null ? run.thumbnailsMs - run.browsableMs : null;
}

interface StepRow {
  readonly label: string;
  readonly perFileMs: number;
  readonly p90Ms: number | null;
}

interface Limits {
  readonly meanJpegBytes: number;
  readonly hashExifMs: number;
  readonly addingFloorMs: number;
  readonly thumbnailSumMs: number;
  readonly oneWorkerFilesPerS: number;
  readonly twoWorkerFilesPerS: number;
  /** `digestFile` (read, five hashes, MIME, EXIF) in one worker, and in two at once. */
  readonly digestOneWorkerFilesPerS: number;
  readonly digestTwoWorkerFilesPerS: number;
  readonly hashMbPerS: number;
  readonly webcryptoMbPerS: number;
  readonly idbMbPerS: number;
  /** Hash + one IndexedDB write of every byte (the queue's copy, which the blob store adopts), one after the other. */
  readonly largeFloorMbPerS: number;
  readonly steps: JpegStepTimes;
}

function deriveLimits(result: IngestResult): Limits | null {
  const l = result.limits;
  if (!l) return null;
  const m = (k: keyof JpegStepTimes) => median(l.steps[k]);
  const hashExifMs = m('read') + m('fiveHashes') + m('mime') + m('exifAndDimensions');
  const mbPerS = (ms: number) => (l.large.bytes / MB) * (1000 / ms);
  const hashMbPerS = mbPerS(l.large.fiveHashesStreamedMs);
  const idbMbPerS = mbPerS(l.large.idbPutMs);
  const jpegs = result.generate.sizes.slice(result.options.limitWarmup, result.options.limitWarmup + result.options.limitFiles);
  return {
    meanJpegBytes: jpegs.reduce((s, b) => s + b, 0) / Math.max(1, jpegs.length),
    hashExifMs,
    addingFloorMs: hashExifMs + m('idbPutPer32Tx'),
    thumbnailSumMs: m('decodeResize') + m('perceptualHashes') + m('webpEncode'),
    oneWorkerFilesPerS: (l.thumbnailOneWorker.files * 1000) / l.thumbnailOneWorker.ms,
    twoWorkerFilesPerS: (l.thumbnailTwoWorkers.files * 1000) / l.thumbnailTwoWorkers.ms,
    // Absent in results saved before the digest moved to workers.
    digestOneWorkerFilesPerS: l.digestOneWorker ? (l.digestOneWorker.files * 1000) / l.digestOneWorker.ms : Number.NaN,
    digestTwoWorkerFilesPerS: l.digestTwoWorkers ? (l.digestTwoWorkers.files * 1000) / l.digestTwoWorkers.ms : Number.NaN,
    hashMbPerS,
    webcryptoMbPerS: mbPerS(l.large.webcryptoSha256Ms),
    idbMbPerS,
    largeFloorMbPerS: 1 / (1 / hashMbPerS + 1 / idbMbPerS),
    steps: l.steps,
  };
}

// ---------------------------------------------------------------- Markdown

const fmtRate = (n: number | null | undefined) =>
  n === null || n === undefined || !Number.isFinite(n) ? 'n/a' : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
const fmtMB = (bytes: number) => `${bytes / MB >= 100 ? (bytes / MB).toFixed(0) : (bytes / MB).toFixed(1)} MB`;
const fmtPct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%` : 'n/a');
const fmtRatio = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : 'n/a');
const msOrNa = (ms: number | null) => (ms === null ? 'n/a' : formatMs(ms));

function rateCell(run: IngestRun, ms: number | null): string {
  const r = rates(run.files, run.bytes, ms);
  return r ? `${formatMs(ms!)} · ${fmtRate(r.filesPerS)} files/s · ${fmtRate(r.mbPerS)} MB/s` : 'n/a';
}

function heapCell(run: IngestRun): string {
  if (!run.heap) return 'n/a';
  const before = run.heap.beforeTotalBytes !== null ? ` (before: ${fmtMB(run.heap.beforeTotalBytes)})` : '';
  return `${fmtMB(run.heap.peakTotalBytes)}${before}`;
}

function failureNote(run: IngestRun): string {
  const parts: string[] = [];
  if (run.finalStatus.filesFailed) parts.push(`${run.finalStatus.filesFailed} failed: ${cell(run.finalStatus.failures[0] ?? '', 100)}`);
  if (run.timedOut) parts.push('timed out');
  if (run.finalStatus.error) parts.push(`error: ${cell(run.finalStatus.error, 100)}`);
  const errorsRecorded = run.statsAtEnd?.componentCounts['ProcessingErrorComponent'] ?? 0;
  if (errorsRecorded) parts.push(`${errorsRecorded} processing errors recorded`);
  return parts.length ? parts.join('; ') : 'none';
}

function stepRows(l: Limits, result: IngestResult): { rows: string[][]; composite: string[][] } {
  const s = l.steps;
  const row = (label: string, samples: readonly number[]): StepRow => {
    const sum = summarize(samples);
    return { label, perFileMs: sum?.median ?? Number.NaN, p90Ms: sum?.p90 ?? null };
  };
  const fmt = (r: StepRow, bytes = l.meanJpegBytes) => [
    r.label,
    `${formatMs(r.perFileMs)} / ${r.p90Ms === null ? 'n/a' : formatMs(r.p90Ms)}`,
    fmtRate(1000 / r.perFileMs),
    fmtRate((bytes / MB) * (1000 / r.perFileMs)),
  ];
  const rows = [
    row('Read the Blob (`arrayBuffer`)', s.read),
    row('WebCrypto SHA-256 (baseline for the hashes)', s.webcryptoSha256),
    row('Five hashes as the ingest (`hashBytes`: WebCrypto SHA-256; hash-wasm MD5, SHA-1, CRC32, BLAKE3)', s.fiveHashes),
    row('MIME sniffing (`detectMimeType`, file-type)', s.mime),
    row('EXIF + dimensions (`extractExif` with IFD1 thumbnail, `readImageDimensions`)', s.exifAndDimensions),
    row('IndexedDB add of the Blob, one `strict` transaction per file', s.idbPutPerFileTx),
    row('IndexedDB add, 32 per `strict` transaction (per file)', s.idbPutPer32Tx),
    row('IndexedDB add, 32 per `relaxed` transaction (per file)', s.idbPutPer32TxRelaxed),
    row('Decode only (`createImageBitmap`, full size)', s.decodeOnly),
    row('Decode + resize to 256 px (`BrowserImageCodec.decode`)', s.decodeResize),
    row('Perceptual hashes (pHash, aHash, dHash)', s.perceptualHashes),
    row('WebP encode at 256 px (`encodeWebp`, quality 0.8)', s.webpEncode),
  ].map((r) => fmt(r));
  const compositeRow = (label: string, ms: number) => [
    label,
    formatMs(ms),
    fmtRate(1000 / ms),
    fmtRate((l.meanJpegBytes / MB) * (1000 / ms)),
  ];
  const one = result.limits!.thumbnailOneWorker;
  const two = result.limits!.thumbnailTwoWorkers;
  const composite = [
    compositeRow('**Hash + EXIF path**: read + five hashes + MIME + EXIF/dimensions (sum of medians)', l.hashExifMs),
    compositeRow(
      '**Adding-phase floor**: the above + one IndexedDB add at 32 per transaction (the queue; the blob store adopts its copy)',
      l.addingFloorMs,
    ),
    [
      `Digest (\`digestFile\`), wall time in one worker (${result.limits!.digestOneWorker?.files ?? 0} files)`,
      formatMs(1000 / l.digestOneWorkerFilesPerS),
      fmtRate(l.digestOneWorkerFilesPerS),
      fmtRate((l.meanJpegBytes / MB) * l.digestOneWorkerFilesPerS),
    ],
    [
      `Digest, two workers at once (${result.limits!.digestTwoWorkers?.files ?? 0} files split)`,
      `${formatMs(result.limits!.digestTwoWorkers?.ms ?? Number.NaN)} wall`,
      fmtRate(l.digestTwoWorkerFilesPerS),
      fmtRate((l.meanJpegBytes / MB) * l.digestTwoWorkerFilesPerS),
    ],
    compositeRow('**Thumbnail path**: decode/resize + perceptual hashes + WebP (sum of medians)', l.thumbnailSumMs),
    [
      `Thumbnail path, wall time in one worker (${one.files} files)`,
      formatMs(one.ms / one.files),
      fmtRate(l.oneWorkerFilesPerS),
      fmtRate((l.meanJpegBytes / MB) * l.oneWorkerFilesPerS),
    ],
    [
      `Thumbnail path, two workers at once (${two.files} files split)`,
      `${formatMs(two.ms)} wall`,
      fmtRate(l.twoWorkerFilesPerS),
      fmtRate((l.meanJpegBytes / MB) * l.twoWorkerFilesPerS),
    ],
  ];
  return { rows, composite };
}

const cores = () => availableParallelism();

/** Per run and phase: CPU ms per file by process type, cores busy, and the rate the cores allow at that cost. */
function processCpuTable(runs: readonly IngestRun[]): string | null {
  const phases = runs.flatMap((r) =>
    (
      [
        ['adding', r.cpu?.adding ?? null],
        ['thumbnails', r.set === 'mixed' ? null : (r.cpu?.thumbnails ?? null)],
      ] as const
    ).flatMap(([phase, use]) =>
      use ? [{ label: `${r.label}: ${phase === 'adding' ? 'adding (to browsable)' : 'thumbnail phase'}`, files: r.files, use }] : [],
    ),
  );
  if (phases.length === 0) return null;
  const types = ['renderer', 'browser', 'gpu-process', 'utility'];
  const perFile = (ms: number, files: number) => `${(ms / files).toFixed(2)} ms`;
  return table(
    [
      'Run: phase',
      ...types.map((t) => (t === 'utility' ? 'utility and other, per file' : `${t}, per file`)),
      'All browser processes, per file',
      'Cores busy (browser / whole machine)',
      'Rate · rate the CPU allows at this cost',
    ],
    phases.map(({ label, files, use }) => {
      const other = use.browserTotalMs - types.reduce((sum, t) => sum + (use.byType[t] ?? 0), 0);
      const ceiling = (cores() * 1000 * files) / use.browserTotalMs;
      return [
        label,
        ...types.map((t, i) => perFile((use.byType[t] ?? 0) + (i === types.length - 1 ? Math.max(0, other) : 0), files)),
        perFile(use.browserTotalMs, files),
        `${(use.browserTotalMs / use.wallMs).toFixed(2)} / ${(use.machineBusyMs / use.wallMs).toFixed(2)}`,
        `${fmtRate((files * 1000) / use.wallMs)} · ${fmtRate(ceiling)} files/s`,
      ];
    }),
  );
}

function profileTable(run: IngestRun): string | null {
  if (!run.profile) return null;
  const [adding, thumbs] = run.profile;
  if (!adding || !thumbs) return null;
  const rows = PROFILE_CATEGORIES.filter((c) => adding.ms[c] + thumbs.ms[c] >= 1).map((c) => [
    CATEGORY_NOTES[c],
    `${formatMs(adding.ms[c])} (${fmtPct(adding.ms[c] / adding.totalMs)})`,
    `${formatMs(thumbs.ms[c])} (${fmtPct(thumbs.ms[c] / thumbs.totalMs)})`,
  ]);
  rows.push(['**Total sampled**', formatMs(adding.totalMs), formatMs(thumbs.totalMs)]);
  return table(['World worker thread', `Adding phase (${run.files} files)`, 'Thumbnail phase'], rows);
}

function topCategories(b: ProfileBreakdown, n: number): string {
  return PROFILE_CATEGORIES.filter((c) => c !== 'idle')
    .map((c) => [c, b.ms[c]] as const)
    .sort((x, y) => y[1] - x[1])
    .slice(0, n)
    .map(([c, ms]) => `${CATEGORY_NOTES[c].split(':')[0]!.split(' (')[0]} ${fmtPct(ms / b.totalMs)}`)
    .join(', ');
}

const HASH_NAMES = { sha256: 'SHA-256', md5: 'MD5', sha1: 'SHA-1', crc32: 'CRC32', blake3: 'BLAKE3' } as const;

function sumHashMs(per: Readonly<Record<string, number>>): number {
  return Object.values(per).reduce((sum, ms) => sum + ms, 0);
}

/** ", of which the slowest hasher is X (N% of the five)" from the per-hash limits, or nothing. */
function slowestHash(result: IngestResult): string {
  const per = result.limits?.large.perHashMs;
  if (!per) return '';
  const entries = Object.entries(per) as [keyof typeof HASH_NAMES, number][];
  const total = entries.reduce((sum, [, ms]) => sum + ms, 0);
  const sorted = [...entries].sort((a, b) => b[1] - a[1]);
  const top = sorted.slice(0, 2).map(([h, ms]) => `${HASH_NAMES[h]} ${fmtPct(ms / total)}`);
  const hashed = sumHashMs(per);
  const streamed = result.limits!.large.fiveHashesStreamedMs;
  return `. Of that hashing step (${formatMs(streamed)} for ${fmtMB(result.limits!.large.bytes)}), the five hashers' own time is ${fmtPct(hashed / streamed)} (${top.join(' and ')} of it, against WebCrypto's SHA-256 at ${fmtRate(result.limits!.large.bytes / MB / (result.limits!.large.webcryptoSha256Ms / 1000))} MB/s) and reading the 4 MB slices of the Blob the rest`;
}

/** The share of `categories` in a profile window. */
function share(b: ProfileBreakdown, ...categories: (typeof PROFILE_CATEGORIES)[number][]): number {
  return categories.reduce((sum, c) => sum + b.ms[c], 0) / b.totalMs;
}

function whatThisSays(result: IngestResult, l: Limits | null): string[] {
  const jpegRuns = result.runs.filter((r) => r.set === 'jpegs');
  const main = jpegRuns[0];
  const mixed = result.runs.find((r) => r.set === 'mixed');
  const profiled = result.runs.find((r) => r.profile);
  const [pAdding, pThumbs] = profiled?.profile ?? [];
  const out: string[] = [];
  if (main && l) {
    const browsable = rates(main.files, main.bytes, main.browsableMs);
    const steady = steadyAddingRate(main);
    if (browsable) {
      const perFile = 1000 / (steady ?? browsable.filesPerS);
      let text =
        `- **Adding (to browsable)**: ${fmtRate(browsable.filesPerS)} files/s end to end for ${main.files.toLocaleString('en-US')} JPEGs (${fmtRate(steady)} files/s after the first batch, ${formatMs(perFile)} a file; \`enqueueFiles\` itself returned after ${msOrNa(main.enqueueReturnedMs.at(-1) ?? null)}). ` +
        `The ingest digests files (read, five hashes, MIME, EXIF: ${formatMs(l.hashExifMs)} a file as separate steps) in a pool of two media workers, and the same digest loop alone reaches ${fmtRate(l.digestOneWorkerFilesPerS)} files/s in one worker and ${fmtRate(l.digestTwoWorkerFilesPerS)} files/s in two at once, ` +
        `so the ingest runs at ${fmtRatio((steady ?? browsable.filesPerS) / l.digestTwoWorkerFilesPerS)} of that two-worker limit after the first batch (${fmtRatio(browsable.filesPerS / l.digestTwoWorkerFilesPerS)} end to end, which includes handing the files over and the first batch). ` +
        `Each file's bytes are written to IndexedDB once (the queue's copy, which the blob store adopts), rows go in with one bulk insert per table and batch, and the next batch is digested while one is recorded.`;
      if (pAdding && profiled) {
        const stepShare = share(pAdding, 'hash-wasm', 'hashing-js', 'exif', 'mime');
        text +=
          ` In the CPU profile (${profiled.label}) the world worker's thread is idle ${fmtPct(share(pAdding, 'idle'))} of the adding phase (awaiting IndexedDB requests and commits, Blob reads, messages); the busiest categories: ${topCategories(pAdding, 4)}. ` +
          `Hashing, MIME and EXIF on this thread are ${fmtPct(stepShare)} of it (they run in the media workers).`;
      }
      out.push(text);
    }
    const thumbMs = thumbnailPhaseMs(main);
    if (thumbMs !== null) {
      const phase = (main.files * 1000) / thumbMs;
      const decodeShare = median(l.steps.decodeResize) / l.thumbnailSumMs;
      let text =
        `- **Thumbnails**: ${fmtRate(phase)} files/s in the thumbnail phase, ${fmtRatio(phase / l.oneWorkerFilesPerS)} of the same decode + resize + perceptual hashes + WebP loop alone in one worker (${fmtRate(l.oneWorkerFilesPerS)} files/s); two workers at once reach ${fmtRate(l.twoWorkerFilesPerS)} files/s (${(l.twoWorkerFilesPerS / l.oneWorkerFilesPerS).toFixed(2)}× one worker, on 2 cores shared with other work). ` +
        `Decoding the 1600×1067 JPEG at a reduced scale (WebCodecs \`ImageDecoder\` with a desired size, so libjpeg-turbo scales in the DCT) and resizing it to 256 px takes ${formatMs(median(l.steps.decodeResize))}, ${fmtPct(decodeShare)} of that loop (a full-size \`createImageBitmap\` decode alone: ${formatMs(median(l.steps.decodeOnly))}); WebP encode is ${formatMs(median(l.steps.webpEncode))}, perceptual hashes ${formatMs(median(l.steps.perceptualHashes))}.`;
      if (pThumbs)
        text += ` In the profile the world worker's thread is idle ${fmtPct(share(pThumbs, 'idle'))} of the thumbnail phase (decode, resize, perceptual hashes and WebP encode run in the two media workers, one call a file; this thread reads the files and writes the rows, each as soon as its thumbnail is back); the busiest: ${topCategories(pThumbs, 3)}.`;
      if (decodeShare > 0.5) text += ' **The JPEG decode is the bottleneck of the thumbnail phase.**';
      out.push(text);
    }
  }
  const adding = main?.cpu?.adding;
  const thumbs = main?.cpu?.thumbnails;
  if (main && adding) {
    const perFile = adding.browserTotalMs / main.files;
    let text = `- **CPU**: adding costs ${formatMs(perFile)} of CPU a file across the browser's processes (renderer ${formatMs((adding.byType['renderer'] ?? 0) / main.files)}, browser process ${formatMs((adding.byType['browser'] ?? 0) / main.files)}: IndexedDB and its blob files), with ${(adding.machineBusyMs / adding.wallMs).toFixed(2)} of ${cores()} cores busy; at that cost ${cores()} cores allow at most ${fmtRate((cores() * 1000) / perFile)} files/s, and 200 files/s would need ${formatMs((cores() * 1000) / 200)} a file or less.`;
    if (thumbs && l) {
      const thumbPerFile = thumbs.browserTotalMs / main.files;
      text += ` The thumbnail phase costs ${formatMs(thumbPerFile)} a file (browser process ${formatMs((thumbs.byType['browser'] ?? 0) / main.files)}), with ${(thumbs.machineBusyMs / thumbs.wallMs).toFixed(2)} cores busy; at that cost the cores allow ${fmtRate((cores() * 1000) / thumbPerFile)} files/s, ${fmtRatio((cores() * 1000) / thumbPerFile / l.twoWorkerFilesPerS)} of the two-worker limit.`;
    }
    out.push(text);
  }
  const ceiling = result.limits?.hashCeiling;
  if (ceiling) {
    const mb = ceiling.bytesPerWorker / MB;
    out.push(
      `- **Hashing ceiling**: the five hash-wasm hashers over bytes already in memory run at ${fmtRate(mb / (ceiling.oneWorkerMs / 1000))} MB/s in one worker and ${fmtRate((2 * mb) / (ceiling.twoWorkersMs / 1000))} MB/s in two at once, with nothing read or stored; WebCrypto's SHA-256 (${fmtRate(l?.webcryptoMbPerS)} MB/s here) is no faster than hash-wasm's on large inputs in this Chromium, so the ingest uses it only for small files in memory.`,
    );
  }
  if (mixed && l) {
    const r = rates(mixed.files, mixed.bytes, mixed.browsableMs);
    if (r)
      out.push(
        `- **Large files**: the mixed set becomes browsable at ${fmtRate(r.mbPerS)} MB/s, ${fmtRatio(r.mbPerS / l.hashMbPerS)} of hashing alone (the five hashes over 4 MB slices read from the Blob: ${fmtRate(l.hashMbPerS)} MB/s) and ${fmtRatio(r.mbPerS / l.largeFloorMbPerS)} of hashing plus one IndexedDB write of every byte one after the other (${fmtRate(l.largeFloorMbPerS)} MB/s). ` +
          `Every byte is written to IndexedDB once (into the queue by \`enqueueFiles\`; the blob store adopts that copy) and read back to be hashed, in 4 MB slices with the next slice read while this one is hashed; two files are hashed at once (one per media worker). For large files hashing (with its reads) ${l.hashMbPerS < l.idbMbPerS ? 'is the slowest step' : 'is not the slowest step'} (IndexedDB add alone: ${fmtRate(l.idbMbPerS)} MB/s)${slowestHash(result)}.`,
      );
  }
  return out;
}

export function ingestMarkdown(result: IngestResult, meta: RunMeta): string {
  const { options } = result;
  const l = deriveLimits(result);
  const jpegRuns = result.runs.filter((r) => r.set === 'jpegs');
  const mixedRuns = result.runs.filter((r) => r.set === 'mixed');
  const lines: string[] = ['## Ingest: files/s and MB/s end to end, per stage, and per step', ''];

  // 1. JPEGs end to end.
  lines.push(
    `### ${options.jpegs.toLocaleString('en-US')} camera JPEGs (about ${(options.jpegTargetBytes / 1000).toFixed(0)} KB, 1600×1067, EXIF + GPS + 160×107 EXIF thumbnail)`,
    '',
    table(
      ['Run', 'Files', 'Size', 'To browsable · files/s · MB/s', 'To thumbnails done · files/s · MB/s', 'Peak worker memory', 'Failures'],
      jpegRuns.map((r) => [
        r.label,
        r.files.toLocaleString('en-US'),
        fmtMB(r.bytes),
        rateCell(r, r.browsableMs),
        rateCell(r, r.thumbnailsMs),
        heapCell(r),
        failureNote(r),
      ]),
    ),
    '',
  );
  if (l && jpegRuns[0]) {
    const main = jpegRuns[0];
    const steady = steadyAddingRate(main);
    const thumbMs = thumbnailPhaseMs(main);
    const thumbRate = thumbMs !== null ? (main.files * 1000) / thumbMs : Number.NaN;
    const browsable = rates(main.files, main.bytes, main.browsableMs);
    lines.push(
      'Beside it, the limits measured in the same run (below):',
      '',
      table(
        ['Ingest (rep 1)', 'files/s', 'Limit', 'files/s', 'Ingest ÷ limit'],
        [
          [
            'To browsable, end to end',
            fmtRate(browsable?.filesPerS),
            'Digest (read, five hashes, MIME, EXIF), two workers in parallel',
            fmtRate(l.digestTwoWorkerFilesPerS),
            fmtRatio((browsable?.filesPerS ?? NaN) / l.digestTwoWorkerFilesPerS),
          ],
          [
            'Adding, after the first batch',
            fmtRate(steady),
            'The same digest, two workers in parallel',
            fmtRate(l.digestTwoWorkerFilesPerS),
            fmtRatio((steady ?? NaN) / l.digestTwoWorkerFilesPerS),
          ],
          [
            'Adding, after the first batch',
            fmtRate(steady),
            'Adding-phase floor, one thread (+ 1 IndexedDB add)',
            fmtRate(1000 / l.addingFloorMs),
            fmtRatio((steady ?? NaN) / (1000 / l.addingFloorMs)),
          ],
          [
            'Thumbnail phase alone',
            fmtRate(thumbRate),
            'Decode + resize + pHash + WebP, one worker',
            fmtRate(l.oneWorkerFilesPerS),
            fmtRatio(thumbRate / l.oneWorkerFilesPerS),
          ],
          [
            'Thumbnail phase alone',
            fmtRate(thumbRate),
            'The same, two workers in parallel',
            fmtRate(l.twoWorkerFilesPerS),
            fmtRatio(thumbRate / l.twoWorkerFilesPerS),
          ],
        ],
      ),
      '',
    );
  }

  // 2. Mixed set.
  if (mixedRuns.length && result.mixedSet) {
    const set = result.mixedSet;
    const groups = new Map<string, { count: number; bytes: number }>();
    for (const f of set.files) {
      const key =
        f.kind === 'binary'
          ? `${fmtMB(f.bytes)} random binary`
          : f.kind === 'wav'
            ? `${fmtMB(f.bytes)} WAV (16-bit stereo PCM, ${options.mixed.wavSeconds} s)`
            : 'camera JPEG (as above)';
      const g = groups.get(key) ?? { count: 0, bytes: 0 };
      groups.set(key, { count: g.count + 1, bytes: g.bytes + f.bytes });
    }
    const composition = [...groups.entries()].map(([k, g]) => `${g.count} × ${k}`).join(', ');
    lines.push(
      `### ${fmtMB(set.totalBytes)} of mixed files (${set.files.length} files): ${composition}`,
      '',
      table(
        [
          'Run',
          'Files',
          'Size',
          'Hand-over (`enqueueFiles` returned)',
          'To browsable · files/s · MB/s',
          'Limit: five hashes · hash + 1 IndexedDB write (MB/s)',
          'Ingest ÷ limits',
          'Peak worker memory',
          'Failures',
        ],
        mixedRuns.map((r) => {
          const rr = rates(r.files, r.bytes, r.browsableMs);
          return [
            r.label,
            String(r.files),
            fmtMB(r.bytes),
            msOrNa(r.enqueueReturnedMs.at(-1) ?? null),
            rateCell(r, r.browsableMs),
            l ? `${fmtRate(l.hashMbPerS)} · ${fmtRate(l.largeFloorMbPerS)}` : 'n/a',
            l && rr ? `${fmtRatio(rr.mbPerS / l.hashMbPerS)} · ${fmtRatio(rr.mbPerS / l.largeFloorMbPerS)}` : 'n/a',
            heapCell(r),
            failureNote(r),
          ];
        }),
      ),
      '',
      'The binaries need no thumbnail; the run stops timing at browsable (the WAV gets its audio properties in the metadata stage, the JPEGs their EXIF).',
      '',
    );
  }

  // 3. Per stage.
  const stageRuns = result.runs;
  if (stageRuns.length) {
    const col = (f: (r: IngestRun) => string) => stageRuns.map(f);
    lines.push(
      '### Per stage (from `ingestStatus()` polled every ' + `${options.pollMs} ms; times from the first \`enqueueFiles\` call)`,
      '',
      table(
        ['Stage', ...stageRuns.map((r) => `${r.label} (${r.files} files)`)],
        [
          ['`createWorld` (fresh `opfs-ahp` world; not counted)', ...col((r) => formatMs(r.createMs))],
          ['Hand-over: last `enqueueFiles` call returned', ...col((r) => msOrNa(r.enqueueReturnedMs.at(-1) ?? null))],
          ['First files recorded (first batch of up to 64)', ...col((r) => msOrNa(r.firstFileMs))],
          ['All files recorded (hashed, stored, in the database)', ...col((r) => msOrNa(r.allFilesMs))],
          ['Browsable (queue drained, metadata stage done)', ...col((r) => msOrNa(r.browsableMs))],
          ['Adding rate after the first batch', ...col((r) => `${fmtRate(steadyAddingRate(r))} files/s`)],
          ['Thumbnail phase (browsable → thumbnails done)', ...col((r) => (r.set === 'mixed' ? 'not timed' : msOrNa(thumbnailPhaseMs(r))))],
          [
            'Thumbnail phase rate',
            ...col((r) => {
              const ms = thumbnailPhaseMs(r);
              return ms === null ? 'n/a' : `${fmtRate((r.files * 1000) / ms)} files/s`;
            }),
          ],
          [
            'Pending at browsable (thumbnail / metadata markers)',
            ...col((r) => {
              const p = r.statsAtBrowsable?.pendingWork;
              if (!p) return 'n/a';
              const get = (m: string) => p.find((w) => w.marker === m)?.count ?? 0;
              return `${get('NeedsThumbnailMarker')} / ${get('NeedsMetadataExtractionMarker')}`;
            }),
          ],
          ['Peak worker memory: JS heap + ArrayBuffers', ...col((r) => (r.heap ? fmtMB(r.heap.peakTotalBytes) : 'n/a'))],
          [
            '… of which JS heap (peak) / ArrayBuffers incl. WebAssembly (peak)',
            ...col((r) => (r.heap ? `${fmtMB(r.heap.peakJsHeapBytes)} / ${fmtMB(r.heap.peakBackingStoreBytes)}` : 'n/a')),
          ],
          ['Worker memory just before the run', ...col((r) => (r.heap?.beforeTotalBytes != null ? fmtMB(r.heap.beforeTotalBytes) : 'n/a'))],
          [
            'Rows at the end (files / EXIF / thumbnail: EXIF preview or WebP / pHash)',
            ...col((r) => {
              const c = r.statsAtEnd?.componentCounts;
              return c
                ? `${c['FilePropertiesComponent'] ?? 0} / ${c['ExifMetadataComponent'] ?? 0} / ${c['ThumbnailComponent'] ?? 0} / ${c['ImagePerceptualPHashComponent'] ?? 0}`
                : 'n/a';
            }),
          ],
          [
            '1-min load average, start → end',
            ...col((r) => {
              const load = result.loadDuringRuns.find((x) => x.label === r.label);
              return load ? `${load.start.toFixed(1)} → ${load.end.toFixed(1)}` : 'n/a';
            }),
          ],
        ],
      ),
      '',
    );
    const cpuTable = processCpuTable(stageRuns);
    if (cpuTable)
      lines.push(
        `CPU time of the browser's processes (Linux \`/proc\`, sampled every 100 ms), per file. The renderer holds the page, the world worker and the media workers; the browser process does IndexedDB and its blob files; the GPU process paints the canvases. On ${cores()} cores, a phase can go no faster than ${cores()} × 1000 ms ÷ its CPU ms per file, whatever the pipeline does:`,
        '',
        cpuTable,
        '',
      );
    const profiled = result.runs.find((r) => r.profile);
    const profile = profiled ? profileTable(profiled) : null;
    if (profiled && profile)
      lines.push(
        `Where the world worker's thread spent its time in ${profiled.label} (DevTools CPU profile sampled every 1 ms, by the leaf frame: WebAssembly module, OPFS access-handle call, or the app function on the stack; the profiler slows the run a little, so the timed numbers above are from unprofiled runs where they differ):`,
        '',
        profile,
        '',
      );
  }

  // 4. Per-step limits.
  if (l && result.limits) {
    const { rows, composite } = stepRows(l, result);
    const large = result.limits.large;
    const largeMB = large.bytes / MB;
    lines.push(
      `### Per-step limits on the same JPEGs (dedicated worker, ${options.limitFiles} files after ${options.limitWarmup} untimed; mean ${(l.meanJpegBytes / 1000).toFixed(1)} KB)`,
      '',
      table(["Step (the app's own code, one step at a time)", 'Per file, median / p90', 'files/s', 'MB/s'], [...rows, ...composite]),
      '',
      table(
        [`Large file: ${largeMB.toFixed(0)} MB random Blob`, 'Time', 'MB/s'],
        [
          ['WebCrypto SHA-256', formatMs(large.webcryptoSha256Ms), fmtRate(l.webcryptoMbPerS)],
          [
            'Five hashes, hash-wasm, over 4 MB slices read from the Blob (as the ingest does above 16 MB; reads included)',
            formatMs(large.fiveHashesStreamedMs),
            fmtRate(l.hashMbPerS),
          ],
          ...(large.perHashMs
            ? (['sha256', 'md5', 'sha1', 'crc32', 'blake3'] as const).map((h) => [
                `… ${HASH_NAMES[h]} alone (hash-wasm, bytes in memory)`,
                formatMs(large.perHashMs[h]),
                fmtRate((large.bytes / MB) * (1000 / large.perHashMs[h])),
              ])
            : []),
          ...(large.perHashMs
            ? [
                [
                  '… the five hashers alone, summed (so reading the slices is the rest)',
                  formatMs(sumHashMs(large.perHashMs)),
                  fmtRate((large.bytes / MB) * (1000 / sumHashMs(large.perHashMs))),
                ],
              ]
            : []),
          ['IndexedDB add of the Blob, one `strict` transaction', formatMs(large.idbPutMs), fmtRate(l.idbMbPerS)],
          ['Hash + one IndexedDB write of every byte, one after the other (computed)', '', fmtRate(l.largeFloorMbPerS)],
          ...(result.limits.hashCeiling
            ? (() => {
                const c = result.limits.hashCeiling;
                const mb = c.bytesPerWorker / MB;
                return [
                  [
                    `The five hashers, bytes already in memory, one worker (${mb.toFixed(0)} MB)`,
                    formatMs(c.oneWorkerMs),
                    fmtRate(mb / (c.oneWorkerMs / 1000)),
                  ],
                  [
                    `**The same in two workers at once** (${mb.toFixed(0)} MB each, the slower one's time): this machine's hashing ceiling`,
                    formatMs(c.twoWorkersMs),
                    fmtRate((2 * mb) / (c.twoWorkersMs / 1000)),
                  ],
                ];
              })()
            : []),
        ],
      ),
      '',
    );
  } else if (result.limitsError) {
    lines.push(`Per-step limits failed: ${cell(result.limitsError, 300)}`, '');
  }

  // 5. What this says.
  const says = whatThisSays(result, l);
  if (says.length) lines.push('### What this says', '', ...says, '');

  // Facts.
  const jpegMean = result.generate.totalBytes / result.generate.count;
  lines.push(
    `- Machine: ${describeMachine(meta.machine)}`,
    `- Browser: ${meta.machine.chromiumVersion ?? 'unknown Chromium'}, headless, driven by Playwright`,
    `- Date: ${meta.date}; load average (1 min) ${meta.loadAverage.start[0]?.toFixed(2)} at the start, ${meta.loadAverage.end[0]?.toFixed(2)} at the end`,
    `- Command: \`${meta.command}\` or \`npx tsx bench/run.ts ingest\` (\`bench/browser/ingest.bench.ts\`; raw samples in \`bench/out/ingest.json\`), total ${formatMs(result.durationMs)}`,
    `- Measured beside: each step of the pipeline alone on the same bytes, with the app's own code (\`hashChunks\`, \`detectMimeType\`, \`extractExif\`, \`readImageDimensions\`, \`BrowserImageCodec\`, \`perceptualHashes\`) bundled into a dedicated worker started from a Blob URL in the same page; raw IndexedDB for the blob writes; WebCrypto SHA-256 as the hashing baseline.`,
    `- Worker memory: ${result.memorySource}.`,
    '',
    'How it was measured:',
    '',
    `- **Files**: ${result.generate.count.toLocaleString('en-US')} JPEGs generated in the page before any timing (two workers; this run: ${result.fixtures.generated} generated, ${result.fixtures.fromCache} read back from \`bench/out/ingest-fixtures/${result.fixtures.cacheKey}/\`, the bytes an earlier run generated with the same generator, size and browser): a different synthetic landscape per index on an OffscreenCanvas, \`convertToBlob('image/jpeg')\` at a quality searched per picture for about ${(options.jpegTargetBytes / 1000).toFixed(0)} KB (mean ${(jpegMean / 1000).toFixed(1)} KB, quality ${Math.min(...result.generate.qualities).toFixed(2)}–${Math.max(...result.generate.qualities).toFixed(2)}), then an APP1 EXIF segment from \`bench/browser/ingest-jpeg-fixtures.ts\` (Make, Model, DateTimeOriginal, exposure, GPS, and a 160×107 JPEG in IFD1) in place of JFIF. The mixed set's binaries are xorshift bytes behind an 8-byte tag (nothing a sniffer recognises).`,
    `- **End to end**: per run a fresh world (\`createWorld('bench-ingest-N')\`, default store \`opfs-ahp\`, becomes current; the previous run's world is deleted before the clock starts), then \`enqueueFiles\` in chunks as the UI hands them over (\`enqueueChunks\`: 64 files, then 500 at a time) and \`ingestStatus()\` polled every ${options.pollMs} ms from the page. **Browsable**: every file done and the phase past \`adding\`. **Thumbnails done**: phase \`idle\` with no \`NeedsThumbnailMarker\` pending. Times are the first poll that saw the state (so up to one poll late). Runs after the first use fewer files, to keep the benchmark short; one of them is profiled (see above).`,
    '- **Per step**: each step timed per file with `performance.now()` in the worker; IndexedDB adds store the same Blob in a fresh database; "32 per transaction" divides the transaction\'s time by its files. Two-worker numbers start both workers on half the files each and take the slower one\'s time.',
    `- The world worker is the app's own (one per page); the UI itself is idle during the runs (the benchmark calls \`damApi\` directly, so the Library page does not poll).`,
    '- Noise: the machine is shared with other work (the 1-minute load average is listed per run, and at the start and end above); the limits and the runs are measured minutes apart, so a ratio between them carries the difference in load, and runs of the same size can differ by a third. Compare numbers within one run of this benchmark, not across runs.',
  );
  if (result.errors.length) lines.push('', `Errors: ${result.errors.map((e) => cell(e, 300)).join('; ')}`);
  return lines.join('\n');
}

export type { Summary };

/** For iterating on the JPEG path: the full-size JPEG run and one profiled rep, no mixed set. */
export const JPEGS_ONLY_OPTIONS: IngestOptions = { ...DEFAULT_OPTIONS, extraReps: 1, profiledRep: 2, mixedReps: 0 };

function optionsFromEnvironment(): IngestOptions {
  const mode = process.env.BENCH_INGEST_QUICK;
  if (mode === 'jpegs') return JPEGS_ONLY_OPTIONS;
  return mode ? QUICK_OPTIONS : DEFAULT_OPTIONS;
}

export const ingestBenchmark: Benchmark<IngestResult> = {
  id: 'ingest',
  title: 'Ingest throughput end to end, per stage and per step',
  run: (context) => runIngestBench(context, optionsFromEnvironment()),
  markdown: ingestMarkdown,
};
