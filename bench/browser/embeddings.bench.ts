import { runProbeInWorker } from '../lib/worker-run';
import { chromium, type Page } from '@playwright/test';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS } from '../../scripts/chromium.mjs';
import { transformersTextEmbedderLoader } from '../../src/lib/ml/loaders/transformers-loader';
import { directoryModelFiles } from '../../src/lib/platform/node-model-files';
import { bundleForBrowser } from '../lib/bundle';
import { describeMachine } from '../lib/machine';
import { cell, table } from '../lib/markdown';
import { cpuBetween, sampleCpu, sampleCpuEvery } from '../lib/process-cpu';
import { formatMs, summarize, type Summary } from '../lib/stats';
import type { Benchmark, BenchContext, RunMeta } from '../lib/types';
import type * as OnnxNode from 'onnxruntime-node';
import {
  measureEmbeddings,
  type AdapterProbe,
  type BenchDtype,
  type Measurement,
  type ProbeRequest,
  type RunProbe,
} from './embeddings-probe';

/**
 * Text-embedding throughput of one model on the same sentences, in one run: Node on
 * onnxruntime-node (the native reference, as the app loads it, then with 1 and 2 intra-op
 * threads), then Chromium on onnxruntime-web's wasm with 1 and 2 threads, in a dedicated worker
 * of a page of the served (cross-origin isolated) app, and WebGPU where a real GPU adapter
 * exists. Every runtime goes through the app's own loader (`transformersTextEmbedderLoader`:
 * transformers.js feature extraction, mean pooling, L2 norm).
 *
 * No trained all-MiniLM-L6-v2 can be had offline, so the model is generated for the run
 * (`tests/fixtures/make-fixture-models.py --size minilm-l6`, into the run's temp directory): a
 * full BERT encoder with all-MiniLM-L6-v2's sizes and synthetic weights. The compute per token
 * is the real model's; the vectors mean nothing.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const GENERATOR = join(ROOT, 'tests/fixtures/make-fixture-models.py');
/** Where the harness serves the run's copy of `build/` from (bench/run.ts `copyBuild`), relative to `workDir`. */
const SERVED_BUILD = 'build';
const SERVED_MODELS = 'bench-models';
/** One worker run (load, warm-up, timed passes) that takes longer than this is abandoned. */
const RUN_TIMEOUT_MS = 240_000;
/** The project's goal for browser WASM throughput, as a share of native. */
const GOAL_RATIO = 0.5;

export type ModelSize = 'minilm-l6' | 'bert-tiny';

export interface EmbeddingsOptions {
  /** `minilm-l6` (all-MiniLM-L6-v2's sizes) for real numbers; `bert-tiny` for a quick check of the harness. */
  readonly size: ModelSize;
  readonly batchSize: number;
  /** Timed passes over all sentences, after one untimed warm-up pass. */
  readonly passes: number;
  readonly wasmThreads: readonly number[];
  /** Weight formats to run at each thread count, on both runtimes: fp32 (`onnx/model.onnx`) and int8 (`onnx/model_quantized.onnx`). */
  readonly dtypes: readonly Exclude<BenchDtype, 'auto'>[];
}

export const DEFAULT_OPTIONS: EmbeddingsOptions = {
  size: 'minilm-l6',
  batchSize: 16,
  passes: 5,
  wasmThreads: [1, 2],
  dtypes: ['fp32', 'q8'],
};

/**
 * 64 fixed sentences of 5 to 40 words, of the kinds a media library holds (captions, notes,
 * document titles, searches), in a fixed order: each batch of 16 mixes short and long ones, so
 * batches are padded to their longest as they would be in use.
 */
export const SENTENCES: readonly string[] = [
  'A red kite over the beach.',
  'Invoice for March is attached.',
  'Two children build a sandcastle near the water.',
  'The quarterly report shows steady growth in every region.',
  'Please rename these files before you send them to the printer.',
  'A black and white photo of an old stone bridge in the fog.',
  'Our team met in the library to plan the spring garden festival.',
  'The dog waited patiently by the door while the rain kept falling outside.',
  'She scanned the signed contract and saved a copy in the shared legal folder.',
  'Sunset over the harbor, with fishing boats returning and gulls circling above the masts.',
  'This recording captures the full orchestra rehearsing the second movement of the symphony last Friday.',
  'The museum asked for high resolution images of each painting, along with the artist and the year it was made.',
  'A close up of fresh strawberries in a wooden bowl on a kitchen table, lit by the morning sun through the window.',
  'Meeting notes: the budget review moves to next Tuesday, and everyone should bring their updated cost estimates and travel plans.',
  'The hikers reached the top of the mountain just after noon and stopped to eat lunch while looking at the valley below.',
  'When the power went out during the storm, the whole neighborhood gathered in the school gym with candles, blankets, and board games.',
  'This short video shows how to replace the chain on a bicycle using only a few basic tools that most people already have at home.',
  'The photographer used a long exposure to turn the busy city street into streams of red and white light from the passing cars and buses.',
  'Our grandmother kept every letter she received during the war, and we finally sorted them by date and scanned them last winter.',
  'The product manual explains how to connect the camera to a phone, transfer pictures over the local network, and back them up to an external drive.',
  'A group of students in bright yellow jackets plants young trees along the river bank on a cold and cloudy Saturday morning in early April.',
  'The architect presented three designs for the new public library, each with a reading garden on the roof, large windows, and a small theater for local events.',
  'After the wedding, the couple asked us to collect every photo and video taken by the guests, remove the duplicates, and keep only the best shots from the evening for a printed album they want to give their parents.',
  'The research paper compares several methods for measuring air quality in large cities and concludes that cheap sensors can be useful when they are calibrated carefully every month against the expensive reference stations run by the city.',
  'Find all pictures of my brother at the lake.',
  'Scan of a handwritten recipe for apple pie.',
  'Dinner with friends at the new Italian place downtown.',
  'Snow covered cabins in the forest at dusk.',
  'The training data folder holds about two thousand labeled images of birds, sorted by species, with a spreadsheet that lists where and when each one was taken.',
  'Blue sky, green fields, and a single white farmhouse.',
  'A cat sleeping on a stack of old newspapers.',
  'Lecture slides about the history of printing in Europe.',
  'The band played their first concert in a small club, and a friend recorded the whole show from the back of the room on her phone.',
  'Backup of the family photo archive from the old laptop, including the folders from the trip to Spain and the birthday parties from the last five years.',
  'A tired runner crosses the finish line of the city marathon while the crowd cheers and volunteers hand out water and medals.',
  'Draft of the grant application, version four, with comments from the review committee in the margins.',
  'Aerial view of the coastline showing cliffs, narrow beaches, and a lighthouse at the far end of the bay.',
  'Screenshots of the error message that appears when the app starts without a network connection.',
  'Children in costumes walk through the village during the autumn parade, carrying lanterns they made at school.',
  'The old map shows the original streets of the town before the railway was built and the river was moved to make room for the station.',
  'Receipts from the business trip.',
  'Portrait of an elderly fisherman mending his nets on the dock.',
  'Time lapse of clouds moving over the desert.',
  'A bowl of hot noodle soup with vegetables, sliced eggs, and fresh herbs on a rainy afternoon.',
  'The insurance company needs photos of the damaged roof, the broken windows, and the water stains on the ceiling before they can process the claim.',
  'Quiet forest trail after the first snow.',
  'He fixed the leaking pipe under the kitchen sink and wrote down every step so that someone else could do it next time without calling a plumber.',
  'Tax documents for the last three years.',
  'The garden in full bloom, with roses climbing the fence and bees moving between the lavender plants.',
  'Audio interview with the founder of the local food bank about how the project started and where it is going.',
  'A toddler laughing while splashing in a puddle.',
  'The conference schedule lists talks on data privacy, open source software, and energy efficient computing, followed by a panel discussion, a short break, and a dinner for all speakers at the hotel restaurant near the river.',
  'Night sky full of stars above the mountain lake.',
  'Old family photo of four generations sitting together on the front porch.',
  'The science fair project measured how fast different kinds of bread grow mold when they are kept in warm, cold, dry, and humid places for two weeks.',
  'Train station at rush hour.',
  'Our neighbors helped us move the piano up the narrow stairs, and it took five people, two ropes, and most of the afternoon to get it into the living room without scratching the walls or the floor.',
  'Sketches for the new logo in pencil and ink.',
  'A fox crossing a snowy field at dawn.',
  'Minutes of the annual general meeting, including the vote on the new board members and the report from the treasurer.',
  'Close up of rain drops on a spider web.',
  'Volunteers clean plastic waste from the beach after the summer festival, filling dozens of bags that are later sorted for recycling.',
  'The old bakery on the corner closed after fifty years, and people left flowers, notes, and drawings at the door to say thank you to the owners who had baked bread for the street every morning since they were young.',
  'Festival crowd singing along in the rain.',
];

/** BERT's basic pre-tokenizer (lower case, split on white space and punctuation), as the generated tokenizer.json runs it. */
const PUNCTUATION = /[\p{P}\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]/u;

export function bertPreTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const word of text.toLowerCase().split(/\s+/)) {
    let current = '';
    for (const char of word) {
      if (!PUNCTUATION.test(char)) {
        current += char;
        continue;
      }
      if (current) tokens.push(current);
      tokens.push(char);
      current = '';
    }
    if (current) tokens.push(current);
  }
  return tokens;
}

export interface InputStats {
  readonly sentences: number;
  readonly batchSize: number;
  readonly words: { min: number; max: number; mean: number };
  /** Per sentence, [CLS] and [SEP] included. */
  readonly tokens: { min: number; max: number; mean: number };
  /** Per pass: tokens the sentences have, and what the batches hold once padded to their longest. */
  readonly tokensPerPass: number;
  readonly paddedTokensPerPass: number;
}

function minMaxMean(values: readonly number[]) {
  return { min: Math.min(...values), max: Math.max(...values), mean: values.reduce((a, b) => a + b, 0) / values.length };
}

/**
 * Token counts, exact for the generated vocabulary (every word of these sentences is in it
 * whole, punctuation is one token each). The real uncased vocabulary keeps nearly all of these
 * everyday words whole too.
 */
export function inputStats(sentences: readonly string[], batchSize: number): InputStats {
  const tokens = sentences.map((text) => bertPreTokens(text).length + 2);
  let padded = 0;
  for (let i = 0; i < tokens.length; i += batchSize) {
    const batch = tokens.slice(i, i + batchSize);
    padded += Math.max(...batch) * batch.length;
  }
  return {
    sentences: sentences.length,
    batchSize,
    words: minMaxMean(sentences.map((text) => text.split(/\s+/).filter(Boolean).length)),
    tokens: minMaxMean(tokens),
    tokensPerPass: tokens.reduce((a, b) => a + b, 0),
    paddedTokensPerPass: padded,
  };
}

export interface ModelInfo {
  readonly size: ModelSize;
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
  readonly intermediate: number;
  readonly vocabulary: number;
  readonly parameters: number | null;
  readonly onnxBytes: number;
  readonly quantizedOnnxBytes: number;
  readonly generateMs: number;
}

export interface CpuWindow {
  readonly wallMs: number;
  /** CPU time of the process doing the work (Node itself; Chromium's renderer processes). */
  readonly processCpuMs: number;
  /** Busy time of the whole machine, all cores: far above processCpuMs means something else ran. */
  readonly machineBusyMs: number;
}

export interface EmbeddingsRun {
  readonly id: string;
  readonly label: string;
  readonly runtime: 'node' | 'chromium';
  readonly device: 'cpu' | 'wasm' | 'webgpu';
  /** What the loader was asked for (`auto`: nothing, as the app asks) and what it ran. */
  readonly dtype: BenchDtype;
  readonly precision: string | null;
  /** Null where the runtime picks: the Node baseline (onnxruntime-node's default) and WebGPU. */
  readonly threadsRequested: number | null;
  readonly ortNumThreads: number | null;
  readonly crossOriginIsolated: boolean | null;
  readonly loadMs: number | null;
  readonly warmupMs: number | null;
  readonly passMs: number[];
  /** Sentences per second of each timed pass, summarised. */
  readonly throughput: Summary | null;
  readonly cpu: CpuWindow | null;
  /** Largest difference from the baseline's vectors (same model, same sentences): the runtimes computed the same thing. */
  readonly vsNode: { maxAbsDiff: number; minCosine: number } | null;
  readonly ortFiles: string[];
  readonly unavailable: string | null;
  readonly error: string | null;
}

export interface WasmRatio {
  readonly threads: number;
  readonly precision: string;
  readonly vsBaseline: number | null;
  readonly vsSameThreads: number | null;
}

export interface EmbeddingsResult {
  readonly options: EmbeddingsOptions;
  readonly model: ModelInfo;
  readonly inputs: InputStats;
  readonly versions: { transformers: string | null; onnxruntimeNode: string | null; onnxruntimeWeb: string | null };
  readonly hardwareConcurrency: number | null;
  readonly adapter: AdapterProbe | null;
  readonly runs: EmbeddingsRun[];
  /** Browser WASM median throughput over Node's: the loader as is (`baseline`) and at the same thread count. */
  readonly ratios: WasmRatio[];
  readonly durationMs: number;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function packageVersion(name: string): string | null {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

/** A python3 with onnx and numpy, as make-fixture-models.sh looks for one (a pyenv shim may lack them). */
function findPython(): string {
  for (const candidate of [process.env.PYTHON, 'python3', '/usr/bin/python3']) {
    if (candidate && spawnSync(candidate, ['-c', 'import onnx, numpy'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  throw new Error('No python3 with onnx and numpy (Debian: apt-get install python3-onnx python3-numpy)');
}

/** Writes the synthetic model into `root/SIZE/`, its vocabulary holding every word of the sentences whole. */
function generateModel(root: string, size: ModelSize, sentences: readonly string[]): { dir: string; info: ModelInfo } {
  mkdirSync(root, { recursive: true });
  const wordsFile = join(root, 'vocab-words.txt');
  const words = new Set(sentences.flatMap((text) => bertPreTokens(text).filter((token) => !PUNCTUATION.test(token))));
  writeFileSync(wordsFile, `${[...words].sort().join('\n')}\n`);
  const started = performance.now();
  const stdout = execFileSync(findPython(), [GENERATOR, root, '--size', size, '--vocab-words', wordsFile], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const generateMs = performance.now() - started;
  const dir = join(root, size);
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, number>;
  const parameters = /(\d+) parameters/.exec(stdout)?.[1];
  return {
    dir,
    info: {
      size,
      layers: config.num_hidden_layers!,
      hidden: config.hidden_size!,
      heads: config.num_attention_heads!,
      intermediate: config.intermediate_size!,
      vocabulary: config.vocab_size!,
      parameters: parameters ? Number(parameters) : null,
      onnxBytes: statSync(join(dir, 'onnx/model.onnx')).size,
      quantizedOnnxBytes: statSync(join(dir, 'onnx/model_quantized.onnx')).size,
      generateMs,
    },
  };
}

/** Puts the model beside the served app, so the worker reads it by URL as the app reads bundled models. */
async function serveModel(context: BenchContext, dir: string, size: ModelSize): Promise<string> {
  const served = join(context.workDir, SERVED_BUILD);
  if (!existsSync(join(served, 'index.html'))) throw new Error(`The served build is not at ${served} (see copyBuild in bench/run.ts)`);
  cpSync(dir, join(served, SERVED_MODELS, size), { recursive: true });
  const url = `${context.baseUrl}/${SERVED_MODELS}/${size}/`;
  // An unknown path gets index.html (the SPA fallback), so check that the model itself answers.
  const response = await fetch(`${url}config.json`);
  const config = response.ok ? ((await response.json().catch(() => null)) as { model_type?: string } | null) : null;
  if (config?.model_type !== 'bert') throw new Error(`The model copied into ${served} is not served at ${url}`);
  return url;
}

function compareVectors(reference: readonly number[][], vectors: readonly number[][]): { maxAbsDiff: number; minCosine: number } {
  let maxAbsDiff = 0;
  let minCosine = 1;
  reference.forEach((a, row) => {
    const b = vectors[row] ?? [];
    let dot = 0;
    a.forEach((value, i) => {
      const other = b[i] ?? Number.NaN;
      dot += value * other;
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(value - other));
    });
    minCosine = Math.min(minCosine, dot);
  });
  return { maxAbsDiff, minCosine };
}

function throughput(passMs: readonly number[], sentences: number): Summary | null {
  return summarize(passMs.map((ms) => sentences / (ms / 1000)));
}

function emptyRun(base: Pick<EmbeddingsRun, 'id' | 'label' | 'runtime' | 'device' | 'threadsRequested' | 'dtype'>): EmbeddingsRun {
  return {
    ...base,
    precision: null,
    ortNumThreads: null,
    crossOriginIsolated: null,
    loadMs: null,
    warmupMs: null,
    passMs: [],
    throughput: null,
    cpu: null,
    vsNode: null,
    ortFiles: [],
    unavailable: null,
    error: null,
  };
}

const requireFromHere = createRequire(import.meta.url);

type SessionCreate = (model: unknown, options?: OnnxNode.InferenceSession.SessionOptions) => Promise<OnnxNode.InferenceSession>;

/**
 * Runs `load` with `intraOpNumThreads` added to every ORT session it creates. The app's loader
 * passes no session options, so onnxruntime-node picks its own thread count; to compare with
 * WASM at the same thread count, transformers.js's calls to onnxruntime-node's
 * `InferenceSession.create` (the same CommonJS module required here) are wrapped for this one load.
 */
async function withIntraOpThreads<T>(threads: number, load: () => Promise<T>): Promise<T> {
  const { InferenceSession: session } = requireFromHere('onnxruntime-node') as typeof OnnxNode;
  const holder = session as unknown as { create: SessionCreate };
  const original = holder.create;
  holder.create = (...args: Parameters<SessionCreate>) => {
    // transformers.js calls create(bytes or path, options); another form would lose its arguments.
    if (args.length > 2) throw new Error('InferenceSession.create called with more than two arguments');
    return original.call(session, args[0], { ...args[1], intraOpNumThreads: threads });
  };
  try {
    return await load();
  } finally {
    holder.create = original;
  }
}

/** The app's loader in Node; `threads` null leaves ORT's thread count alone, as the app does. */
async function runNode(
  modelDir: string,
  threads: number | null,
  dtype: BenchDtype,
  options: EmbeddingsOptions,
): Promise<{ run: EmbeddingsRun; vectors: number[][] | null }> {
  const base = emptyRun({
    id: threads === null ? 'node-default' : `node-${dtype}-${threads}t`,
    label:
      threads === null
        ? 'Node, onnxruntime-node, the loader as is (baseline)'
        : `Node, onnxruntime-node, ${dtype}, ${threads} intra-op thread${threads === 1 ? '' : 's'}`,
    runtime: 'node',
    device: 'cpu',
    dtype,
    threadsRequested: threads,
  });
  const load = () =>
    transformersTextEmbedderLoader({
      name: 'embeddings-bench',
      params: dtype === 'auto' ? {} : { dtype },
      device: 'cpu',
      files: directoryModelFiles(modelDir),
    });
  let cpuStart = process.cpuUsage();
  let busyStart = 0;
  let cpu: CpuWindow | null = null;
  let wallStart = 0;
  try {
    const measured = await measureEmbeddings(
      threads === null ? load : () => withIntraOpThreads(threads, load),
      SENTENCES,
      options.batchSize,
      options.passes,
      {
        // process.cpuUsage() counts every thread of this process, ORT's included.
        start() {
          busyStart = sampleCpu().machineBusyMs;
          cpuStart = process.cpuUsage();
          wallStart = performance.now();
        },
        end() {
          const used = process.cpuUsage(cpuStart);
          cpu = {
            wallMs: performance.now() - wallStart,
            processCpuMs: (used.user + used.system) / 1000,
            machineBusyMs: sampleCpu().machineBusyMs - busyStart,
          };
        },
      },
    );
    return { run: { ...fromMeasurement(base, measured), cpu }, vectors: measured.vectors };
  } catch (error) {
    return { run: { ...base, error: messageOf(error) }, vectors: null };
  }
}

function fromMeasurement(base: EmbeddingsRun, measured: Measurement): EmbeddingsRun {
  return {
    ...base,
    precision: measured.precision,
    loadMs: measured.loadMs,
    warmupMs: measured.warmupMs,
    passMs: measured.passMs,
    throughput: throughput(measured.passMs, SENTENCES.length),
  };
}

function runInWorker<T>(page: Page, script: string, request: ProbeRequest, timeoutMs: number) {
  return runProbeInWorker<ProbeRequest, T>(page, script, request, timeoutMs);
}

interface BrowserRuns {
  readonly adapter: AdapterProbe | null;
  readonly hardwareConcurrency: number | null;
  readonly ortWebVersion: string | null;
  readonly runs: EmbeddingsRun[];
}

async function runBrowser(
  context: BenchContext,
  modelUrl: string,
  options: EmbeddingsOptions,
  reference: number[][] | null,
): Promise<BrowserRuns> {
  const { log } = context;
  const script = await bundleForBrowser(join(HERE, 'embeddings-probe.ts'));
  const browser = await chromium.launch({ executablePath: context.chromiumPath, args: CHROMIUM_ARGS, headless: true });
  const cpu = sampleCpuEvery(100);
  const runs: EmbeddingsRun[] = [];
  let hardwareConcurrency: number | null = null;
  let ortWebVersion: string | null = null;
  let adapter: AdapterProbe | null = null;
  try {
    const page = await browser.newPage();
    // Any page of the app's origin: it carries the isolation headers, and the model is same-origin.
    await page.goto(`${context.baseUrl}/manifest.webmanifest`);
    const origin = new URL(context.baseUrl).origin;

    const configs: { device: 'wasm' | 'webgpu'; threads: number; dtype: BenchDtype }[] = options.dtypes.flatMap((dtype) =>
      options.wasmThreads.map((threads) => ({ device: 'wasm' as const, threads, dtype })),
    );
    const adapterOutcome = await runInWorker<AdapterProbe>(page, script, { kind: 'adapter' }, 30_000);
    adapter = adapterOutcome.result ?? null;
    const webgpuUnavailable = adapter ? (adapter.usable ? null : adapter.reason) : `adapter probe failed: ${adapterOutcome.error}`;
    log(`  WebGPU: ${webgpuUnavailable ? `not available (${webgpuUnavailable})` : `adapter ${adapter?.reason}`}`);
    if (!webgpuUnavailable) configs.push({ device: 'webgpu', threads: 1, dtype: 'fp32' });

    for (const { device, threads, dtype } of configs) {
      const base = emptyRun({
        id: device === 'wasm' ? `wasm-${dtype}-${threads}t` : 'webgpu',
        label: device === 'wasm' ? `Chromium, WASM, ${dtype}, ${threads} thread${threads === 1 ? '' : 's'}` : 'Chromium, WebGPU, fp32',
        runtime: 'chromium',
        device,
        dtype,
        threadsRequested: device === 'wasm' ? threads : null,
      });
      const request: ProbeRequest = {
        kind: 'run',
        origin,
        modelUrl,
        device,
        threads,
        dtype,
        sentences: SENTENCES,
        batchSize: options.batchSize,
        passes: options.passes,
      };
      const outcome = await runInWorker<RunProbe>(page, script, request, RUN_TIMEOUT_MS);
      const probe = outcome.result;
      if (!probe) {
        runs.push({ ...base, error: outcome.error ?? 'no result' });
        log(`  ${base.label}: FAILED: ${outcome.error}`);
        continue;
      }
      hardwareConcurrency = probe.hardwareConcurrency;
      ortWebVersion = probe.ortWebVersion;
      const window = cpuBetween(cpu.samples, probe.timedFromEpochMs, probe.timedToEpochMs);
      const run: EmbeddingsRun = {
        ...fromMeasurement(base, probe),
        ortNumThreads: probe.ortNumThreads,
        crossOriginIsolated: probe.crossOriginIsolated,
        cpu: window ? { wallMs: window.wallMs, processCpuMs: window.byType.renderer ?? 0, machineBusyMs: window.machineBusyMs } : null,
        vsNode: reference ? compareVectors(reference, probe.vectors) : null,
        ortFiles: probe.ortFiles,
      };
      runs.push(run);
      log(`  ${base.label}: ${describeRun(run)}`);
    }
    if (webgpuUnavailable) {
      runs.push({
        ...emptyRun({
          id: 'webgpu',
          label: 'Chromium, WebGPU, fp32',
          runtime: 'chromium',
          device: 'webgpu',
          dtype: 'fp32',
          threadsRequested: null,
        }),
        unavailable: webgpuUnavailable,
      });
    }
  } finally {
    cpu.stop();
    await browser.close();
  }
  return { adapter, hardwareConcurrency, ortWebVersion, runs };
}

function coresBusy(cpu: CpuWindow | null): number | null {
  return cpu && cpu.wallMs > 0 ? cpu.processCpuMs / cpu.wallMs : null;
}

function describeRun(run: EmbeddingsRun): string {
  if (!run.throughput) return run.error ?? run.unavailable ?? 'not measured';
  const cores = coresBusy(run.cpu);
  return (
    `${run.throughput.median.toFixed(1)} sentences/s (median of ${run.passMs.length} passes), load ${formatMs(run.loadMs ?? Number.NaN)}` +
    (cores === null ? '' : `, ${cores.toFixed(2)} cores busy`) +
    (run.ortNumThreads === null ? '' : `, ORT numThreads ${run.ortNumThreads}`) +
    (run.crossOriginIsolated === null ? '' : `, crossOriginIsolated ${run.crossOriginIsolated}`)
  );
}

export async function runEmbeddingsBench(context: BenchContext, options: EmbeddingsOptions = DEFAULT_OPTIONS): Promise<EmbeddingsResult> {
  const { log } = context;
  const started = performance.now();
  const inputs = inputStats(SENTENCES, options.batchSize);
  const { dir, info: model } = generateModel(join(context.workDir, 'embeddings-model'), options.size, SENTENCES);
  log(
    `  generated ${model.size}: ${model.layers} layers, hidden ${model.hidden}, ${model.heads} heads, ` +
      `${(model.onnxBytes / 2 ** 20).toFixed(1)} MiB, in ${formatMs(model.generateMs)}`,
  );
  const modelUrl = await serveModel(context, dir, options.size);

  // Node first, with the browser not started: nothing else of ours competes for the two cores.
  const baseline = await runNode(dir, null, 'auto', options);
  log(`  ${baseline.run.label}: ${describeRun(baseline.run)}`);
  const nodeRuns = [baseline.run];
  for (const dtype of options.dtypes) {
    for (const threads of options.wasmThreads) {
      const { run, vectors } = await runNode(dir, threads, dtype, options);
      nodeRuns.push({ ...run, vsNode: vectors && baseline.vectors ? compareVectors(baseline.vectors, vectors) : null });
      log(`  ${run.label}: ${describeRun(run)}`);
    }
  }
  const browser = await runBrowser(context, modelUrl, options, baseline.vectors);

  const runs = [...nodeRuns, ...browser.runs];
  const median = (run: EmbeddingsRun | undefined) => run?.throughput?.median ?? null;
  const ratio = (a: number | null, b: number | null) => (a !== null && b !== null ? a / b : null);
  const ratios = browser.runs.flatMap((run): WasmRatio[] => {
    const threads = run.threadsRequested;
    if (run.device !== 'wasm' || threads === null || !run.throughput || !run.precision) return [];
    const same = nodeRuns.find((node) => node.threadsRequested === threads && node.precision === run.precision);
    return [
      {
        threads,
        precision: run.precision,
        vsBaseline: ratio(median(run), median(baseline.run)),
        vsSameThreads: ratio(median(run), median(same)),
      },
    ];
  });
  return {
    options,
    model,
    inputs,
    versions: {
      transformers: packageVersion('@huggingface/transformers'),
      onnxruntimeNode: packageVersion('onnxruntime-node'),
      onnxruntimeWeb: browser.ortWebVersion ?? packageVersion('onnxruntime-web'),
    },
    hardwareConcurrency: browser.hardwareConcurrency,
    adapter: browser.adapter,
    runs,
    ratios,
    durationMs: performance.now() - started,
  };
}

function percent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}

function threadsLabel(n: number): string {
  return `${n} thread${n === 1 ? '' : 's'}`;
}

function runRow(run: EmbeddingsRun, result: EmbeddingsResult): string[] {
  const threads =
    run.device === 'cpu'
      ? run.threadsRequested === null
        ? 'ORT default'
        : `${run.threadsRequested} (intraOpNumThreads)`
      : run.threadsRequested === null
        ? '–'
        : `${run.threadsRequested} (ORT kept ${run.ortNumThreads ?? '?'})`;
  const isolated = run.crossOriginIsolated === null ? '–' : String(run.crossOriginIsolated);
  const weights = run.precision ? `${run.precision}${run.dtype === 'auto' ? ' (loader default)' : ''}` : run.dtype;
  const empty = ['–', '–', '–', '–'];
  if (run.unavailable) return [run.label, weights, threads, isolated, '–', `not available here: ${cell(run.unavailable, 100)}`, ...empty];
  if (!run.throughput) return [run.label, weights, threads, isolated, '–', `error: ${cell(run.error ?? 'not measured', 140)}`, ...empty];
  const t = run.throughput;
  const cores = coresBusy(run.cpu);
  const busy = run.cpu && run.cpu.wallMs > 0 ? run.cpu.machineBusyMs / run.cpu.wallMs : null;
  const ratio = result.ratios.find((r) => run.device === 'wasm' && r.threads === run.threadsRequested && r.precision === run.precision);
  const baseline = run.id === 'node-default';
  return [
    run.label,
    weights,
    threads,
    isolated,
    formatMs(run.loadMs ?? Number.NaN),
    `**${t.median.toFixed(1)}** (${t.min.toFixed(1)}–${t.max.toFixed(1)})`,
    cores === null ? '–' : `${cores.toFixed(2)} (machine ${busy?.toFixed(2)})`,
    baseline ? '(baseline)' : ratio?.vsBaseline != null ? percent(ratio.vsBaseline) : '–',
    ratio?.vsSameThreads != null ? percent(ratio.vsSameThreads) : '–',
    baseline ? '(reference)' : run.vsNode ? `${run.vsNode.maxAbsDiff.toExponential(1)} (${run.vsNode.minCosine.toFixed(5)})` : '–',
  ];
}

export function embeddingsMarkdown(result: EmbeddingsResult, meta: RunMeta): string {
  const { options, model, inputs, versions } = result;
  const best = result.ratios.reduce<WasmRatio | null>((a, b) => (a && (a.vsBaseline ?? 0) >= (b.vsBaseline ?? 0) ? a : b), null);
  const baselinePrecision = result.runs.find((run) => run.id === 'node-default')?.precision ?? '?';
  const config = (r: WasmRatio) => `${r.precision}, ${threadsLabel(r.threads)}`;
  const goal =
    best?.vsBaseline != null
      ? `**${best.vsBaseline >= GOAL_RATIO ? 'met' : 'not met'}** against the native reference (the app's loader in Node, as is: ${baselinePrecision}):` +
        ` the best browser WASM configuration (${config(best)}) runs at **${percent(best.vsBaseline)}**` +
        ` (${result.ratios.map((r) => `${config(r)}: ${r.vsBaseline === null ? '?' : percent(r.vsBaseline)}`).join('; ')}).` +
        ` Against native running the same weights with the same number of threads, browser WASM runs at` +
        ` ${result.ratios.map((r) => `${config(r)}: ${r.vsSameThreads === null ? '?' : percent(r.vsSameThreads)}`).join('; ')}` +
        ` (best: **${percent(Math.max(...result.ratios.map((r) => r.vsSameThreads ?? 0)))}**).`
      : '**not measured** (a run failed; see the table).';
  const realModel = model.size === 'minilm-l6' ? 'all-MiniLM-L6-v2' : 'BERT-Tiny';
  const wasmRuns = result.runs.filter((run) => run.device === 'wasm' && run.throughput);
  const ortFiles = [...new Set(wasmRuns.flatMap((run) => run.ortFiles))];
  const isolated = wasmRuns.map(
    (run) => `${run.threadsRequested} thread${run.threadsRequested === 1 ? '' : 's'}: ${run.crossOriginIsolated}`,
  );
  const lines = [
    `## Text embeddings: browser WASM vs native (${realModel} compute, synthetic weights)`,
    '',
    table(
      [
        'Runtime',
        'Weights',
        'Threads',
        'crossOriginIsolated (worker)',
        'Load',
        `Sentences/s, median of ${options.passes} passes (min–max)`,
        'CPU cores busy over the passes',
        'vs baseline',
        'vs native, same threads',
        'Max abs diff vs baseline vectors (min cosine)',
      ],
      result.runs.map((run) => runRow(run, result)),
    ),
    '',
    `Goal "browser WASM at ≥ ${percent(GOAL_RATIO)} of native throughput": ${goal}`,
    '',
    `- Machine: ${describeMachine(meta.machine)}`,
    `- Browser: ${meta.machine.chromiumVersion ?? 'unknown Chromium'}, headless, driven by Playwright; \`navigator.hardwareConcurrency\` ${result.hardwareConcurrency ?? '?'}`,
    `- Date: ${meta.date}; load average (1 min) ${meta.loadAverage.start[0]?.toFixed(2)} at the start, ${meta.loadAverage.end[0]?.toFixed(2)} at the end`,
    `- Command: \`npx tsx bench/run.ts embeddings\` (also part of \`${meta.command}\`; \`bench/browser/embeddings.bench.ts\`, raw numbers in \`bench/out/embeddings.json\`), total ${formatMs(result.durationMs)}`,
    '- Measured beside: Node on onnxruntime-node through the same loader (the native reference, "baseline"), in the same run, on the same model file and sentences.',
    `- Versions: transformers.js ${versions.transformers ?? '?'}, onnxruntime-node ${versions.onnxruntimeNode ?? '?'}, onnxruntime-web ${versions.onnxruntimeWeb ?? '?'}`,
    '',
    '**The model.** No trained all-MiniLM-L6-v2 is reachable here, so each run generates one (`tests/fixtures/make-fixture-models.py' +
      ` --size ${model.size}\`, into the run's temp directory, ${formatMs(model.generateMs)}): a full BERT encoder with ${realModel}'s sizes` +
      ` (${model.layers} layers, hidden ${model.hidden}, ${model.heads} heads, feed-forward ${model.intermediate}, vocabulary ${model.vocabulary.toLocaleString('en-US')},` +
      ` ${model.parameters?.toLocaleString('en-US') ?? '?'} parameters) and the interface of its ONNX export` +
      ' (`input_ids`, `attention_mask`, `token_type_ids` → `last_hidden_state`).' +
      ` Per layer: Q/K/V projections, ${model.heads}-head scaled dot-product attention with the padding mask,` +
      ' output projection, add & LayerNorm, GELU (erf) feed-forward, add & LayerNorm. **The weights are synthetic** (a deterministic hash), so the vectors mean nothing;' +
      ` **the compute per token is the real model’s** (same ops, same shapes), so the trained ${realModel} should run at these speeds on these runtimes.`,
    `- Weights: each run uses one of two files of the same model, as the hub's export ships them: \`onnx/model.onnx\` (fp32, ${(model.onnxBytes / 2 ** 20).toFixed(1)} MiB)` +
      ` and \`onnx/model_quantized.onnx\` (q8, ${(model.quantizedOnnxBytes / 2 ** 20).toFixed(1)} MiB): the same weights quantised as onnxruntime's \`quantize_dynamic\` writes them` +
      ' (int8 per output column with `reduce_range`; each MatMul becomes DynamicQuantizeLinear + MatMulInteger, which onnxruntime fuses into MatMulIntegerToFloat; embedding tables int8).' +
      " The app's loader picks transformers.js's default when it is not told: **q8 on wasm, fp32 natively**; the other rows name their weights.",
    `- Vocabulary: ${model.vocabulary.toLocaleString('en-US')} entries as in the real one, but not its words: the fixture's words, single characters and their \`##\` forms,` +
      ' every word of the benchmark sentences whole, and `[unusedN]` filler. Each word of the sentences is one token here; the real uncased vocabulary keeps nearly all of' +
      ' these everyday words whole too, so the sequence lengths are the real ones or within a few tokens.',
    `- Inputs: ${inputs.sentences} fixed English sentences (captions, notes, document titles, searches) of ${inputs.words.min}–${inputs.words.max} words` +
      ` (mean ${inputs.words.mean.toFixed(1)}), ${inputs.tokens.min}–${inputs.tokens.max} tokens with [CLS] and [SEP] (mean ${inputs.tokens.mean.toFixed(1)}),` +
      ` embedded **in batches of ${inputs.batchSize}**, in a fixed order; each batch is padded to its longest sentence:` +
      ` ${inputs.tokensPerPass.toLocaleString('en-US')} tokens per pass, ${inputs.paddedTokensPerPass.toLocaleString('en-US')} once padded.`,
    `- Procedure, the same function (\`measureEmbeddings\` in \`bench/browser/embeddings-probe.ts\`) everywhere: load through the app's \`transformersTextEmbedderLoader\`` +
      ` (transformers.js feature extraction, mean pooling, L2 normalisation), one untimed warm-up pass over all ${inputs.sentences} sentences, then ${options.passes} timed` +
      ` passes; sentences/s = ${inputs.sentences} / pass time. **Load** is from the loader call to a loaded model: reading the files, creating the ORT session, and the` +
      ' loader’s own one-text probe embed.',
    '- Node: `directoryModelFiles` on the generated folder, device `cpu` (onnxruntime-node’s CPU execution provider). The loader passes no session options, so the' +
      ' baseline runs with the intra-op thread count onnxruntime-node picks by itself (see its CPU column). The rows with a thread count run the same loader with' +
      ' `intraOpNumThreads` added to the options transformers.js gives `InferenceSession.create`, to compare with WASM at the same thread count.',
    '- Chromium: a dedicated (blob) worker of a page of the served app, which has COOP/COEP, running the same loader bundled by esbuild; the model is read with' +
      ` \`urlModelFiles\` from the harness's server, ORT's runtime from the app's \`/ort/\` (fetched: ${ortFiles.map((f) => `\`${f}\``).join(', ') || '?'}).` +
      ' `numThreads` is set through `configureOnnxWasm` before ORT starts, each thread count in a fresh worker; "ORT kept" is the `numThreads` ORT had after starting' +
      ` (it falls back to 1 where threads cannot work). crossOriginIsolated in the worker: ${isolated.join(', ') || '?'}.`,
    `- The app's world worker asks ORT for one thread per core when cross-origin isolated (\`createBrowserModelManager\`; ORT's own default is min(4, ceil(cores / 2)), which is 1 on a 2-core machine), so it runs as the q8 row with ${result.hardwareConcurrency ?? '?'} threads.`,
    '- CPU cores busy: CPU time of the process doing the work (Node: `process.cpuUsage()`; Chromium: its renderer processes, from `/proc`) over the wall time of the' +
      ' timed passes; "machine" is the busy time of all cores (`/proc/stat`) over the same window, so a figure well above the process’s means something else was running.',
    '- Max abs diff: the largest difference between a vector and the baseline’s for the same sentence (unit vectors), and the lowest cosine between the two: fp32 rows computed the same embeddings; q8 rows differ by the quantisation error only.',
    `- WebGPU: ${
      result.adapter
        ? result.adapter.usable
          ? `adapter ${result.adapter.reason}`
          : `not available here (${result.adapter.reason}); no speed is measured on a CPU emulation`
        : 'the adapter probe failed'
    }. The harness starts Chromium with \`--disable-gpu\`.`,
  ];
  return lines.join('\n');
}

export const embeddingsBenchmark: Benchmark<EmbeddingsResult> = {
  id: 'embeddings',
  title: 'Text-embedding throughput: Node native vs Chromium WASM (fp32 and q8, 1 and 2 threads) vs WebGPU',
  run: (context) => runEmbeddingsBench(context, optionsFromEnv()),
  markdown: embeddingsMarkdown,
};

/** `BENCH_EMBED_SIZE=bert-tiny` and `BENCH_EMBED_PASSES=N` for a quick run. */
function optionsFromEnv(): EmbeddingsOptions {
  const passes = Number.parseInt(process.env.BENCH_EMBED_PASSES ?? '', 10);
  const size = process.env.BENCH_EMBED_SIZE;
  return {
    ...DEFAULT_OPTIONS,
    ...(Number.isInteger(passes) && passes > 0 ? { passes } : {}),
    ...(size === 'bert-tiny' || size === 'minilm-l6' ? { size } : {}),
  };
}
