import { describeMachine } from '../lib/machine';
import { cell, table } from '../lib/markdown';
import { formatMs, type Summary } from '../lib/stats';
import type { RunMeta } from '../lib/types';
import type { AdapterInfo, ClipDtype, ClipPass, ClipPlan } from './clip-probe';

/** What `clip.bench.ts` measures and how BENCHMARKS.md shows it. */

export interface CpuWindow {
  readonly wallMs: number;
  /** CPU time of the processes doing the work (Node itself; all of Chromium's). */
  readonly processCpuMs: number;
  /** Busy time of the whole machine, all cores: far above processCpuMs means something else ran. */
  readonly machineBusyMs: number;
}

export interface ClipRun {
  readonly id: string;
  readonly label: string;
  readonly runtime: 'node' | 'chromium';
  readonly device: 'cpu' | 'wasm' | 'webgpu';
  readonly dtype: ClipDtype;
  readonly precision: string | null;
  /** The wasm thread count asked for; null where the runtime picks (Node, WebGPU). */
  readonly threads: number | null;
  readonly ortNumThreads: number | null;
  readonly crossOriginIsolated: boolean | null;
  readonly note: string | null;
  readonly images: number;
  readonly loadMs: number | null;
  readonly warmupMs: number | null;
  readonly passes: ClipPass[];
  /** Per pass, through `embedImages` (preprocessing included). */
  readonly imagesPerSecond: Summary | null;
  /** Per pass, with the separately timed preprocessing taken out: the vision tower (and the loader's glue). */
  readonly towerImagesPerSecond: Summary | null;
  /** Preprocessing's share of `embedImages` time, over all timed passes. */
  readonly preprocessShare: number | null;
  readonly preprocessBySize: { width: number; height: number; ms: number }[];
  readonly cpu: CpuWindow | null;
  readonly vsNode: { maxAbsDiff: number; minCosine: number } | null;
  readonly error: string | null;
}

export interface ClipResult {
  readonly plan: ClipPlan;
  readonly webgpuPlan: ClipPlan;
  readonly model: { parameters: number | null; onnxBytes: number; quantizedOnnxBytes: number; generateMs: number };
  readonly versions: { transformers: string | null; onnxruntimeNode: string | null; onnxruntimeWeb: string | null };
  readonly hardwareConcurrency: number | null;
  readonly adapter: AdapterInfo | null;
  readonly runs: ClipRun[];
  readonly durationMs: number;
}

const minutesFor = (count: number, perSecond: number) => `${(count / perSecond / 60).toFixed(1)} min`;

function row(run: ClipRun): string[] {
  const threads =
    run.threads === null ? (run.device === 'cpu' ? 'ORT default' : '–') : `${run.threads} (ORT kept ${run.ortNumThreads ?? '?'})`;
  const label = run.note ? `${run.label} (${run.note})` : run.label;
  const weights = run.precision ?? run.dtype;
  if (!run.imagesPerSecond)
    return [label, weights, threads, '–', `error: ${cell(run.error ?? 'not measured', 140)}`, '–', '–', '–', '–', '–'];
  const rate = run.imagesPerSecond;
  const cores =
    run.cpu && run.cpu.wallMs > 0
      ? `${(run.cpu.processCpuMs / run.cpu.wallMs).toFixed(2)} (machine ${(run.cpu.machineBusyMs / run.cpu.wallMs).toFixed(2)})`
      : '–';
  return [
    label,
    weights,
    threads,
    formatMs(run.loadMs ?? Number.NaN),
    `**${rate.median.toFixed(2)}** (${rate.min.toFixed(2)}–${rate.max.toFixed(2)})`,
    run.towerImagesPerSecond ? run.towerImagesPerSecond.median.toFixed(2) : '–',
    `${((run.preprocessShare ?? 0) * 100).toFixed(1)}%`,
    minutesFor(1000, rate.median),
    cores,
    run.vsNode
      ? `${run.vsNode.maxAbsDiff.toExponential(1)} (${run.vsNode.minCosine.toFixed(5)})`
      : run.runtime === 'node'
        ? '(reference)'
        : '–',
  ];
}

export function clipMarkdown(result: ClipResult, meta: RunMeta): string {
  const { plan, model, versions } = result;
  const measured = result.runs.filter((run) => run.imagesPerSecond);
  const nodeRun = measured.find((run) => run.runtime === 'node');
  const wasmRun = measured.find((run) => run.device === 'wasm');
  const best = (runs: ClipRun[]) =>
    runs.reduce<ClipRun | null>((a, b) => (a && a.imagesPerSecond!.median >= b.imagesPerSecond!.median ? a : b), null);
  const bestWasm = best(measured.filter((run) => run.device === 'wasm'));
  const bestNode = best(measured.filter((run) => run.runtime === 'node'));
  const sizes = (nodeRun ?? wasmRun)?.preprocessBySize ?? [];
  const msFor = (run: ClipRun | undefined, i: number) => (run?.preprocessBySize[i] ? formatMs(run.preprocessBySize[i].ms) : '–');
  const full = sizes.length ? sizes.length - 1 : -1;
  const fullMs = (run: ClipRun | null) => (run && full >= 0 ? run.preprocessBySize[full]?.ms : undefined);
  const projection = (run: ClipRun | null) =>
    run
      ? `**${minutesFor(1000, run.imagesPerSecond!.median)}** on ${run.label} (${run.imagesPerSecond!.median.toFixed(2)} images/s` +
        `, preprocessing ${((run.preprocessShare ?? 0) * 100).toFixed(1)}% of it)`
      : 'not measured';
  const adapter = result.adapter;
  const worst = Math.max(...measured.map((run) => run.preprocessShare ?? 0));
  const dominates =
    worst < 0.5
      ? `The vision tower dominates every run (preprocessing at most ${(worst * 100).toFixed(1)}%)`
      : 'Preprocessing is a large share in some runs';
  const towerMs = (run: ClipRun | null) => (run?.towerImagesPerSecond ? formatMs(1000 / run.towerImagesPerSecond.median) : '?');
  const lines = [
    '## CLIP ViT-B/32 image embeddings (real shapes, synthetic weights)',
    '',
    table(
      [
        'Runtime',
        'Weights',
        'Threads',
        'Load',
        `Images/s end to end, median of ${plan.passes} passes (min–max)`,
        'Vision tower images/s (preprocessing taken out)',
        'Preprocessing share',
        '1,000 photos',
        'CPU cores busy over the passes',
        'Max abs diff vs Node, same weights (min cosine)',
      ],
      result.runs.map(row),
    ),
    '',
    `**1,000 photos** (decoded at ${plan.photo.join('×')}, batches of ${plan.batchSize}): ${projection(bestNode)} natively;` +
      ` ${projection(bestWasm)} in the browser. ${dominates}: preprocessing a ${plan.photo.join('×')} picture` +
      ` is ${msFor(nodeRun, 1)} in Node and ${msFor(wasmRun, 1)} in a Chromium worker, against ${towerMs(bestNode)} (Node) and` +
      ` ${towerMs(bestWasm)} (browser) of vision tower per picture at the best rates.` +
      ` Handed full 12 MP decodes (${sizes[full]?.width ?? '?'}×${sizes[full]?.height ?? '?'}) instead, preprocessing alone would add` +
      ` ${fullMs(wasmRun ?? null) !== undefined ? minutesFor(1000, 1000 / fullMs(wasmRun ?? null)!) : '?'} per 1,000 photos in the browser:` +
      ' decode at reduced scale first (as thumbnails do).',
    '',
    table(
      ['Picture size', 'Preprocess one picture: Node', 'Chromium worker'],
      sizes.map((size, i) => [`${size.width}×${size.height}`, msFor(nodeRun, i), msFor(wasmRun, i)]),
    ),
    '',
    `- Machine: ${describeMachine(meta.machine)}`,
    `- Browser: ${meta.machine.chromiumVersion ?? 'unknown Chromium'}, headless, driven by Playwright, started with \`--enable-unsafe-webgpu\`; \`navigator.hardwareConcurrency\` ${result.hardwareConcurrency ?? '?'}`,
    `- Date: ${meta.date}; load average (1 min) ${meta.loadAverage.start[0]?.toFixed(2)} at the start, ${meta.loadAverage.end[0]?.toFixed(2)} at the end` +
      ' (other work shared the machine when the CPU column shows the machine far busier than the process)',
    `- Command: \`npx tsx bench/run.ts clip\` (\`bench/browser/clip.bench.ts\`, raw numbers in \`bench/out/clip.json\`), total ${formatMs(result.durationMs)}`,
    `- Versions: transformers.js ${versions.transformers ?? '?'}, onnxruntime-node ${versions.onnxruntimeNode ?? '?'}, onnxruntime-web ${versions.onnxruntimeWeb ?? '?'}`,
    '',
    '**The model.** No trained CLIP is reachable here, so each run generates the vision tower (`tests/fixtures/make-fixture-models.py --size vit-b32`,' +
      ` into the run's temp directory, ${formatMs(model.generateMs)}): openai/clip-vit-base-patch32's shapes (patch 32 at 224², 49 patches + class token,` +
      ` width 768, 12 layers of 12 heads, MLP 3072 with quick GELU, projection 512; ${model.parameters?.toLocaleString('en-US') ?? '?'} parameters)` +
      ' op for op as the hub export computes it, with **synthetic weights**: the vectors mean nothing, the compute per picture is the real model’s.' +
      ` \`onnx/vision_model.onnx\` is fp32 (${(model.onnxBytes / 2 ** 20).toFixed(0)} MiB); \`onnx/vision_model_quantized.onnx\` (q8, ${(model.quantizedOnnxBytes / 2 ** 20).toFixed(0)} MiB)` +
      " has every MatMul as onnxruntime's `quantize_dynamic` writes it (the patch Conv stays float). The text tower is the test fixture's (the loader needs one).",
    `- Procedure (\`measureClip\` in \`bench/browser/clip-probe.ts\`, the same function everywhere): ${plan.images} deterministic photo-like pictures of` +
      ` ${plan.photo.join('×')} (gradients, a disc, noise), embedded through \`transformersClipLoader\` \`embedImages\` in batches of ${plan.batchSize}:` +
      ` one untimed warm-up batch, then ${plan.passes} timed passes over all ${plan.images}. Before each batch the loader's own preprocessing` +
      ' (`clipPixelBatch`: bicubic resize of the short side to 224, centre crop, normalisation) is timed alone on the same pictures; "vision tower"' +
      ' is end-to-end time minus that. **Load** covers reading the files, both ORT sessions and the loader’s probe of both towers.',
    '- Node: `directoryModelFiles`, device `cpu`, ORT’s own intra-op thread count. Chromium: a dedicated worker of a page of the served app (COOP/COEP),' +
      ' the loader bundled by esbuild, the model read with `urlModelFiles` from the harness’s server, ORT from the app’s `/ort/`; `numThreads` set before' +
      ' ORT starts, each configuration in a fresh worker.',
    `- WebGPU: ${
      adapter
        ? adapter.available
          ? `adapter "${adapter.description}"${adapter.emulated ? ' — **SwiftShader, a CPU emulation of a GPU**: its rate says how slow emulation is, nothing about a real GPU (the app never picks it by default)' : ''}`
          : `not available (${adapter.description})`
        : 'the adapter probe failed'
    }; ${result.webgpuPlan.images} pictures in batches of ${result.webgpuPlan.batchSize}, ${result.webgpuPlan.passes} timed pass.`,
    '- CPU cores busy: CPU time of the process(es) doing the work (Node: `process.cpuUsage()`; Chromium: all its processes, from `/proc`) over the wall time' +
      ' of the timed passes; "machine" is the busy time of all cores (`/proc/stat`) over the same window, so a figure well above the process’s means something else ran.',
    '- Max abs diff: the warm-up batch’s vectors against Node’s with the same weights (unit vectors): fp32 rows computed the same embeddings.',
  ];
  return lines.join('\n');
}
