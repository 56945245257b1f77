import { chromium } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS } from '../../scripts/chromium.mjs';
import { getTaggingModelInfo } from '../../src/lib/dam/models/tagging-model-registry';
import { tfjsImageTaggerLoader } from '../../src/lib/ml/loaders/image-tagger-loaders';
import type { RgbaPixels } from '../../src/lib/ml/vision/image-input';
import { NodeImageCodec } from '../../src/lib/platform/node-image-codec';
import { memoryFolderModelFiles, nsfwjsModelFolder } from '../../src/lib/platform/nsfwjs-model-files';
import { bundleForBrowser } from '../lib/bundle';
import { describeMachine } from '../lib/machine';
import { table } from '../lib/markdown';
import { formatMs } from '../lib/stats';
import type { Benchmark, BenchContext, RunMeta } from '../lib/types';
import { measureTagging, type TaggingMeasurement } from './auto-tagging-measure';
import type { TaggingProbeRequest } from './auto-tagging-probe';

/**
 * Auto-tagging throughput of the bundled tagger (nsfwjs MobileNetV2, 224×224) through the app's
 * own loader and preprocessing, on the same pictures in one run: Node on TF.js wasm (what the
 * Node platform runs), then a dedicated worker of the served app in Chromium on TF.js wasm and,
 * where the browser has a GPU adapter, WebGPU.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const PHOTOS = resolve(HERE, '../../tests/fixtures/photos');
const MODEL = 'nsfwjs-mobilenet-v2';

export interface AutoTaggingOptions {
  readonly copies: number;
  readonly batchSizes: readonly number[];
  readonly passes: number;
}

export const DEFAULT_OPTIONS: AutoTaggingOptions = { copies: 4, batchSizes: [1, 8], passes: 3 };

interface RuntimeResult {
  readonly runtime: string;
  readonly device: string;
  readonly measurements: TaggingMeasurement[] | null;
  readonly unavailable: string | null;
}

export interface AutoTaggingResult {
  readonly options: AutoTaggingOptions;
  readonly pictures: number;
  readonly runtimes: RuntimeResult[];
}

async function pictures(copies: number): Promise<RgbaPixels[]> {
  const codec = new NodeImageCodec();
  const names = ['chelsea-cat.jpg', 'coffee-cup.jpg', 'rocket.jpg', 'wizard-drawing.png'];
  const decoded = await Promise.all(
    names.map(async (name) => (await codec.decode(new Uint8Array(readFileSync(join(PHOTOS, name))), 224)).image),
  );
  return Array.from({ length: copies }, () => decoded).flat();
}

async function inChromium(context: BenchContext, request: TaggingProbeRequest): Promise<TaggingMeasurement[] | { unavailable: string }> {
  const script = await bundleForBrowser(join(HERE, 'auto-tagging-probe.ts'));
  const browser = await chromium.launch({ executablePath: context.chromiumPath, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(`${context.baseUrl}/manifest.webmanifest`);
    const answer = await page.evaluate(
      ([source, message]) =>
        new Promise<{ result?: TaggingMeasurement[] | { unavailable: string }; error?: string }>((done) => {
          const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
          worker.onmessage = (event) => {
            worker.terminate();
            done(event.data as { result?: TaggingMeasurement[]; error?: string });
          };
          worker.onerror = (event) => done({ error: event.message });
          worker.postMessage(message);
        }),
      [script, request] as const,
    );
    if (answer.error || !answer.result) throw new Error(`Chromium ${request.device}: ${answer.error ?? 'no result'}`);
    return answer.result;
  } finally {
    await browser.close();
  }
}

export async function runAutoTaggingBenchmark(
  context: BenchContext,
  options: AutoTaggingOptions = DEFAULT_OPTIONS,
): Promise<AutoTaggingResult> {
  const images = await pictures(options.copies);
  const runtimes: RuntimeResult[] = [];
  const files = memoryFolderModelFiles(nsfwjsModelFolder(), 'nsfwjs:mobilenet_v2/');
  const node = await measureTagging(
    () => tfjsImageTaggerLoader({ name: MODEL, params: getTaggingModelInfo(MODEL).loadParams, device: 'cpu', files }),
    images,
    options.batchSizes,
    options.passes,
  );
  runtimes.push({ runtime: 'Node', device: 'TF.js wasm', measurements: node, unavailable: null });
  context.log(`Node: ${node.map((m) => `batch ${m.batchSize}: ${m.imagesPerSecond.toFixed(1)}/s`).join(', ')}`);
  const pixels = images.map((p) => ({ width: p.width, height: p.height, data: Array.from(p.data) }));
  for (const device of ['wasm', 'webgpu'] as const) {
    const result = await inChromium(context, {
      origin: context.baseUrl,
      device,
      pictures: pixels,
      batchSizes: options.batchSizes,
      passes: options.passes,
    });
    const unavailable = 'unavailable' in result ? result.unavailable : null;
    runtimes.push({
      runtime: 'Chromium worker',
      device: `TF.js ${device}`,
      measurements: unavailable ? null : (result as TaggingMeasurement[]),
      unavailable,
    });
    context.log(
      `Chromium ${device}: ${unavailable ?? (result as TaggingMeasurement[]).map((m) => `batch ${m.batchSize}: ${m.imagesPerSecond.toFixed(1)}/s`).join(', ')}`,
    );
  }
  return { options, pictures: images.length, runtimes };
}

export const autoTaggingBenchmark: Benchmark<AutoTaggingResult> = {
  id: 'auto-tagging',
  title: 'Auto-tagging',
  run: (context) => runAutoTaggingBenchmark(context),
  markdown(result, meta: RunMeta) {
    const reference = result.runtimes[0]?.measurements?.[0]?.topLabels.join(',');
    const rows = result.runtimes.flatMap((r) =>
      r.measurements
        ? r.measurements.map((m, i) => [
            r.runtime,
            r.device,
            String(m.batchSize),
            m.imagesPerSecond.toFixed(1),
            i === 0 ? formatMs(m.loadMs) : '',
            m.topLabels.join(',') === reference ? 'yes' : 'no',
          ])
        : [[r.runtime, r.device, '–', `not available here (${r.unavailable})`, '', '']],
    );
    return [
      `- Machine: ${describeMachine(meta.machine)}`,
      `- Date: ${meta.date}; load average (1 min) ${meta.loadAverage.start[0]?.toFixed(2)} at the start, ${meta.loadAverage.end[0]?.toFixed(2)} at the end`,
      `- Command: \`${meta.command}\`, or alone \`npx tsx bench/run.ts auto-tagging\` (\`bench/browser/auto-tagging.bench.ts\`)`,
      '',
      `The bundled tagger (nsfwjs MobileNetV2, 224×224, uint8-quantised weights) through the app's \`tfjsImageTaggerLoader\` and preprocessing, on ${result.pictures} pictures (the four test photos, decoded once at 224 px in Node and sent to every runtime as pixels), in batches of ${result.options.batchSizes.join(' and ')}: one untimed pass, then ${result.options.passes} timed passes. Node's row is the baseline, measured in the same run. "Same ratings" compares each picture's top rating with Node's.`,
      '',
      table(['Runtime', 'Backend', 'Batch', 'Images/s', 'Load', 'Same ratings'], rows),
      '',
      'WebGPU needs a GPU adapter; the harness starts Chromium with `--disable-gpu`, and no speed is measured on a CPU emulation of a GPU.',
    ].join('\n');
  },
};
