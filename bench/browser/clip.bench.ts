import { runProbeInWorker } from '../lib/worker-run';
import { chromium, type Page } from '@playwright/test';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS } from '../../scripts/chromium.mjs';
import { transformersClipLoader } from '../../src/lib/ml/loaders/clip-loader';
import { directoryModelFiles } from '../../src/lib/platform/node-model-files';
import { bundleForBrowser } from '../lib/bundle';
import { cpuBetween, sampleCpu, sampleCpuEvery } from '../lib/process-cpu';
import { formatMs, summarize } from '../lib/stats';
import type { Benchmark, BenchContext } from '../lib/types';
import { clipMarkdown, type ClipResult, type ClipRun, type CpuWindow } from './clip-markdown';
import {
  measureClip,
  type AdapterInfo,
  type ClipDtype,
  type ClipMeasurement,
  type ClipPlan,
  type ClipProbeRequest,
  type ClipRunProbe,
} from './clip-probe';

/**
 * CLIP ViT-B/32 image-embedding throughput through the app's loader (`transformersClipLoader`:
 * pure-JS preprocessing, transformers.js' CLIPVisionModelWithProjection, L2 norm), in one run:
 * Node on onnxruntime-node, then Chromium on onnxruntime-web's wasm with 1 and 2 threads, in a
 * dedicated worker of a page of the served (cross-origin isolated) app, then WebGPU on whatever
 * adapter Chromium offers (here SwiftShader, a CPU emulation: its rate says nothing of a GPU).
 *
 * No trained CLIP can be had offline, so the vision tower is generated for the run
 * (`tests/fixtures/make-fixture-models.py --size vit-b32`, into the run's temp directory): the real
 * ViT-B/32 shapes with synthetic weights, so the compute per picture is the real model's.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const GENERATOR = join(ROOT, 'tests/fixtures/make-fixture-models.py');
const SERVED_MODEL = 'bench-models/vit-b32';
const RUN_TIMEOUT_MS = 420_000;

export const PLAN: ClipPlan = {
  images: 16,
  batchSize: 8,
  passes: 2,
  photo: [640, 480],
  preprocessSizes: [
    [224, 224],
    [640, 480],
    [1600, 1200],
    [4032, 3024],
  ],
};
/** SwiftShader needs ~20 s a picture (a batch of 8 took minutes): one batch of 2, one pass. */
export const WEBGPU_PLAN: ClipPlan = { ...PLAN, images: 2, batchSize: 2, passes: 1 };

function packageVersion(name: string): string | null {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

function findPython(): string {
  for (const candidate of [process.env.PYTHON, 'python3', '/usr/bin/python3']) {
    if (candidate && spawnSync(candidate, ['-c', 'import onnx, numpy'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  throw new Error('No python3 with onnx and numpy (Debian: apt-get install python3-onnx python3-numpy)');
}

export function generateModel(root: string): { dir: string; model: ClipResult['model'] } {
  const started = performance.now();
  const stdout = execFileSync(findPython(), [GENERATOR, root, '--size', 'vit-b32'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const dir = join(root, 'vit-b32');
  const parameters = /(\d+) parameters/.exec(stdout)?.[1];
  return {
    dir,
    model: {
      parameters: parameters ? Number(parameters) : null,
      onnxBytes: statSync(join(dir, 'onnx/vision_model.onnx')).size,
      quantizedOnnxBytes: statSync(join(dir, 'onnx/vision_model_quantized.onnx')).size,
      generateMs: performance.now() - started,
    },
  };
}

export async function serveModel(context: BenchContext, dir: string): Promise<string> {
  const served = join(context.workDir, 'build');
  if (!existsSync(join(served, 'index.html'))) throw new Error(`The served build is not at ${served} (see copyBuild in bench/run.ts)`);
  cpSync(dir, join(served, SERVED_MODEL), { recursive: true });
  const url = `${context.baseUrl}/${SERVED_MODEL}/`;
  // An unknown path gets index.html (the SPA fallback), so check that the model itself answers.
  const config = (await (await fetch(`${url}config.json`)).json().catch(() => null)) as { model_type?: string } | null;
  if (config?.model_type !== 'clip') throw new Error(`The model copied into ${served} is not served at ${url}`);
  return url;
}

function compareVectors(reference: readonly number[][], vectors: readonly number[][]): ClipRun['vsNode'] {
  let maxAbsDiff = 0;
  let minCosine = 1;
  // Over the run's own vectors: WebGPU embeds fewer pictures than the reference holds.
  vectors.forEach((b, row) => {
    const a = reference[row] ?? [];
    let dot = 0;
    b.forEach((value, i) => {
      dot += value * (a[i] ?? Number.NaN);
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(value - (a[i] ?? Number.NaN)));
    });
    minCosine = Math.min(minCosine, dot);
  });
  return { maxAbsDiff, minCosine };
}

type RunBase = Pick<ClipRun, 'id' | 'label' | 'runtime' | 'device' | 'dtype' | 'threads' | 'note'>;

function fromMeasurement(base: RunBase, plan: ClipPlan, m: ClipMeasurement | null, error: string | null): ClipRun {
  const passes = m?.passes ?? [];
  const sum = (key: 'preprocessMs' | 'embedMs') => passes.reduce((total, pass) => total + pass[key], 0);
  return {
    ...base,
    images: plan.images,
    precision: m?.precision ?? null,
    ortNumThreads: null,
    crossOriginIsolated: null,
    loadMs: m?.loadMs ?? null,
    warmupMs: m?.warmupMs ?? null,
    passes,
    imagesPerSecond: summarize(passes.map((pass) => plan.images / (pass.embedMs / 1000))),
    towerImagesPerSecond: summarize(passes.map((pass) => plan.images / ((pass.embedMs - pass.preprocessMs) / 1000))),
    preprocessShare: passes.length ? sum('preprocessMs') / sum('embedMs') : null,
    preprocessBySize: m?.preprocessBySize ?? [],
    cpu: null,
    vsNode: null,
    error,
  };
}

const messageOf = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

async function runNode(dir: string, dtype: ClipDtype): Promise<{ run: ClipRun; vectors: number[][] | null }> {
  const base: RunBase = {
    id: `node-${dtype}`,
    label: `Node, onnxruntime-node, ${dtype}`,
    runtime: 'node',
    device: 'cpu',
    dtype,
    threads: null,
    note: null,
  };
  const files = directoryModelFiles(dir);
  let cpu: CpuWindow | null = null;
  let cpuStart = process.cpuUsage();
  let busyStart = 0;
  let wallStart = 0;
  try {
    const measured = await measureClip(
      () => transformersClipLoader({ name: 'clip-bench', params: { dtype }, device: 'cpu', files }),
      files,
      PLAN,
      {
        start() {
          busyStart = sampleCpu().machineBusyMs;
          cpuStart = process.cpuUsage();
          wallStart = performance.now();
        },
        end() {
          const used = process.cpuUsage(cpuStart);
          const wallMs = performance.now() - wallStart;
          cpu = { wallMs, processCpuMs: (used.user + used.system) / 1000, machineBusyMs: sampleCpu().machineBusyMs - busyStart };
        },
      },
    );
    return { run: { ...fromMeasurement(base, PLAN, measured, null), cpu }, vectors: measured.vectors };
  } catch (error) {
    return { run: fromMeasurement(base, PLAN, null, messageOf(error)), vectors: null };
  }
}

function runInWorker<T>(page: Page, script: string, request: ClipProbeRequest, timeoutMs: number) {
  return runProbeInWorker<ClipProbeRequest, T>(page, script, request, timeoutMs);
}

async function runBrowser(
  context: BenchContext,
  modelUrl: string,
  references: Record<ClipDtype, number[][] | null>,
): Promise<{ adapter: AdapterInfo | null; hardwareConcurrency: number | null; runs: ClipRun[] }> {
  const script = await bundleForBrowser(join(HERE, 'clip-probe.ts'));
  // --enable-unsafe-webgpu: this Chromium offers WebGPU on Linux only with it (SwiftShader here).
  const browser = await chromium.launch({
    executablePath: context.chromiumPath,
    args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'],
    headless: true,
  });
  const cpu = sampleCpuEvery(100);
  const runs: ClipRun[] = [];
  let hardwareConcurrency: number | null = null;
  try {
    const page = await browser.newPage();
    await page.goto(`${context.baseUrl}/manifest.webmanifest`);
    const origin = new URL(context.baseUrl).origin;
    const adapter = (await runInWorker<AdapterInfo>(page, script, { kind: 'adapter' }, 30_000)).result ?? null;
    context.log(`  WebGPU adapter: ${adapter ? `${adapter.description}${adapter.emulated ? ' (CPU emulation)' : ''}` : 'none'}`);
    const configs: { device: 'wasm' | 'webgpu'; threads: number; dtype: ClipDtype }[] = (['fp32', 'q8'] as const).flatMap((dtype) =>
      [1, 2].map((threads) => ({ device: 'wasm' as const, threads, dtype })),
    );
    if (adapter?.available) configs.push({ device: 'webgpu', threads: 1, dtype: 'fp32' });
    for (const { device, threads, dtype } of configs) {
      const plan = device === 'webgpu' ? WEBGPU_PLAN : PLAN;
      const note = device === 'webgpu' && adapter?.emulated ? `${adapter.description}: WebGPU emulated on the CPU` : null;
      const base: RunBase = {
        id: device === 'wasm' ? `wasm-${dtype}-${threads}t` : 'webgpu',
        label: device === 'wasm' ? `Chromium, WASM, ${dtype}, ${threads} thread${threads === 1 ? '' : 's'}` : `Chromium, WebGPU, ${dtype}`,
        runtime: 'chromium',
        device,
        dtype,
        threads: device === 'wasm' ? threads : null,
        note,
      };
      const request: ClipProbeRequest = { kind: 'run', origin, modelUrl, device, threads, dtype, plan };
      const outcome = await runInWorker<ClipRunProbe>(page, script, request, RUN_TIMEOUT_MS);
      const probe = outcome.result ?? null;
      const window = probe ? cpuBetween(cpu.samples, probe.timedFromEpochMs, probe.timedToEpochMs) : null;
      const reference = references[dtype];
      const run: ClipRun = {
        ...fromMeasurement(base, plan, probe, probe ? null : (outcome.error ?? 'no result')),
        ortNumThreads: probe?.ortNumThreads ?? null,
        crossOriginIsolated: probe?.crossOriginIsolated ?? null,
        // Every Chromium process: SwiftShader's WebGPU runs in the GPU process, not the renderer.
        cpu: window ? { wallMs: window.wallMs, processCpuMs: window.browserTotalMs, machineBusyMs: window.machineBusyMs } : null,
        vsNode: probe && reference ? compareVectors(reference, probe.vectors) : null,
      };
      hardwareConcurrency = probe?.hardwareConcurrency ?? hardwareConcurrency;
      runs.push(run);
      context.log(`  ${run.label}: ${describe(run)}`);
    }
    return { adapter, hardwareConcurrency, runs };
  } finally {
    cpu.stop();
    await browser.close();
  }
}

function describe(run: ClipRun): string {
  if (!run.imagesPerSecond) return `FAILED: ${run.error}`;
  return (
    `${run.imagesPerSecond.median.toFixed(2)} images/s end to end, tower ${run.towerImagesPerSecond?.median.toFixed(2)}/s, ` +
    `preprocessing ${((run.preprocessShare ?? 0) * 100).toFixed(1)}%, load ${formatMs(run.loadMs ?? Number.NaN)}`
  );
}

export async function runClipBench(context: BenchContext): Promise<ClipResult> {
  const started = performance.now();
  const { dir, model } = generateModel(join(context.workDir, 'clip-model'));
  context.log(
    `  generated vit-b32: ${model.parameters} parameters, ${(model.onnxBytes / 2 ** 20).toFixed(0)} MiB fp32, in ${formatMs(model.generateMs)}`,
  );
  const modelUrl = await serveModel(context, dir);
  // Node first, with the browser not started: nothing else of ours competes for the cores.
  const node = { fp32: await runNode(dir, 'fp32'), q8: await runNode(dir, 'q8') };
  for (const { run } of Object.values(node)) context.log(`  ${run.label}: ${describe(run)}`);
  const browser = await runBrowser(context, modelUrl, { fp32: node.fp32.vectors, q8: node.q8.vectors });
  return {
    plan: PLAN,
    webgpuPlan: WEBGPU_PLAN,
    model,
    versions: {
      transformers: packageVersion('@huggingface/transformers'),
      onnxruntimeNode: packageVersion('onnxruntime-node'),
      onnxruntimeWeb: packageVersion('onnxruntime-web'),
    },
    hardwareConcurrency: browser.hardwareConcurrency,
    adapter: browser.adapter,
    runs: [node.fp32.run, node.q8.run, ...browser.runs],
    durationMs: performance.now() - started,
  };
}

export const clipBenchmark: Benchmark<ClipResult> = {
  id: 'clip',
  title: 'CLIP ViT-B/32 image embeddings: Node native vs Chromium WASM (fp32 and q8, 1 and 2 threads) vs WebGPU',
  run: runClipBench,
  markdown: clipMarkdown,
};
