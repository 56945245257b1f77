/**
 * The measuring half of the CLIP benchmark (`clip.bench.ts`). `measureClip` runs the same
 * procedure wherever it is called: in Node on onnxruntime-node, and bundled by
 * `bench/lib/bundle.ts` into a dedicated worker of a page of the served app, on onnxruntime-web
 * (wasm or WebGPU). The worker answers one message.
 */
import { transformersClipLoader } from '../../src/lib/ml/loaders/clip-loader';
import { configureOnnxWasm } from '../../src/lib/ml/loaders/transformers-loader';
import type { ImageTextEmbedder, ModelFiles } from '../../src/lib/ml/model-types';
import { urlModelFiles } from '../../src/lib/ml/url-model-files';
import { clipPixelBatch, parseClipPreprocessing, writeClipPixels } from '../../src/lib/ml/vision/clip-preprocess';
import type { RgbaPixels } from '../../src/lib/ml/vision/image-input';
import { answerInWorker } from '../lib/probe-worker';

export type ClipDtype = 'fp32' | 'q8';

export interface ClipPlan {
  /** Pictures per timed pass, embedded `batchSize` at a time; the first batch is also the warm-up. */
  readonly images: number;
  readonly batchSize: number;
  readonly passes: number;
  /** The size of the pictures handed to the loader: what a decode at reduced scale gives. */
  readonly photo: readonly [number, number];
  /** Other picture sizes whose preprocessing alone is timed. */
  readonly preprocessSizes: readonly (readonly [number, number])[];
}

/** A photo-like picture that is the same on every runtime: gradients, a disc and hashed noise. */
export function syntheticPhoto(width: number, height: number, seed: number): RgbaPixels {
  const data = new Uint8ClampedArray(width * height * 4);
  let state = seed * 2654435761;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += 4) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      const noise = (state >>> 24) / 16 - 8;
      const inDisc = (x - width / 2) ** 2 + (y - height / 2) ** 2 < (Math.min(width, height) / 3) ** 2;
      data[i] = (255 * x) / width + noise;
      data[i + 1] = (inDisc ? 200 : (255 * y) / height) + noise;
      data[i + 2] = ((seed * 37) % 255) + noise;
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

export interface ClipPass {
  /** Preprocessing alone (the loader's own function, on the same pictures), summed over the batches. */
  readonly preprocessMs: number;
  /** `embedImages` through the loader: preprocessing, the vision tower, normalisation. */
  readonly embedMs: number;
}

export interface ClipMeasurement {
  readonly device: string;
  readonly precision: string | null;
  readonly dimensions: number;
  /** From the loader call to a loaded model: file reads, both sessions, the loader's probe of both towers. */
  readonly loadMs: number;
  readonly warmupMs: number;
  readonly passes: ClipPass[];
  readonly timedFromEpochMs: number;
  readonly timedToEpochMs: number;
  /** The warm-up batch's vectors, to check that every runtime computed the same embeddings. */
  readonly vectors: number[][];
  /** Median ms to preprocess one picture of each size. */
  readonly preprocessBySize: { width: number; height: number; ms: number }[];
}

export interface TimedHooks {
  start(): void;
  end(): void;
}

const epochNow = () => performance.timeOrigin + performance.now();

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function measureClip(
  load: () => Promise<ImageTextEmbedder>,
  files: ModelFiles,
  plan: ClipPlan,
  hooks?: TimedHooks,
): Promise<ClipMeasurement> {
  const config = JSON.parse(new TextDecoder().decode(await files.read('preprocessor_config.json'))) as unknown;
  const preprocessing = parseClipPreprocessing(config, 'benchmark model');
  const [width, height] = plan.photo;
  const photos = Array.from({ length: plan.images }, (_, i) => syntheticPhoto(width, height, i + 1));
  const batches: RgbaPixels[][] = [];
  for (let i = 0; i < photos.length; i += plan.batchSize) batches.push(photos.slice(i, i + plan.batchSize));

  const loadStart = performance.now();
  const model = await load();
  const loadMs = performance.now() - loadStart;
  try {
    const warmupStart = performance.now();
    const vectors = await model.embedImages(batches[0]!);
    const warmupMs = performance.now() - warmupStart;

    const passes: ClipPass[] = [];
    hooks?.start();
    const timedFromEpochMs = epochNow();
    for (let pass = 0; pass < plan.passes; pass++) {
      let preprocessMs = 0;
      let embedMs = 0;
      for (const batch of batches) {
        const t0 = performance.now();
        clipPixelBatch(batch, preprocessing);
        const t1 = performance.now();
        await model.embedImages(batch);
        const t2 = performance.now();
        preprocessMs += t1 - t0;
        embedMs += t2 - t1;
      }
      passes.push({ preprocessMs, embedMs });
    }
    const timedToEpochMs = epochNow();
    hooks?.end();

    const preprocessBySize = plan.preprocessSizes.map(([w, h]) => {
      const picture = syntheticPhoto(w, h, 99);
      const out = new Float32Array(3 * 224 * 224);
      const times = Array.from({ length: w * h > 4e6 ? 3 : 7 }, () => {
        const started = performance.now();
        writeClipPixels(picture, preprocessing, out);
        return performance.now() - started;
      });
      return { width: w, height: h, ms: median(times) };
    });
    return {
      device: model.device,
      precision: model.precision ?? null,
      dimensions: model.dimensions,
      loadMs,
      warmupMs,
      passes,
      timedFromEpochMs,
      timedToEpochMs,
      vectors: vectors.map((vector) => Array.from(vector)),
      preprocessBySize,
    };
  } finally {
    await model.dispose();
  }
}

export interface AdapterInfo {
  readonly available: boolean;
  /** SwiftShader or a fallback adapter: WebGPU emulated on the CPU. */
  readonly emulated: boolean;
  readonly description: string;
}

export type ClipProbeRequest =
  | { readonly kind: 'adapter' }
  | {
      readonly kind: 'run';
      readonly origin: string;
      readonly modelUrl: string;
      readonly device: 'wasm' | 'webgpu';
      readonly threads: number;
      readonly dtype: ClipDtype;
      readonly plan: ClipPlan;
    };

export interface ClipRunProbe extends ClipMeasurement {
  readonly crossOriginIsolated: boolean;
  readonly hardwareConcurrency: number;
  readonly ortNumThreads: number | null;
}

async function probeAdapter(): Promise<AdapterInfo> {
  const gpu = (navigator as Partial<Navigator>).gpu;
  const adapter = gpu ? await gpu.requestAdapter() : null;
  if (!adapter) return { available: false, emulated: false, description: gpu ? 'requestAdapter() returned null' : 'no navigator.gpu' };
  const { vendor, architecture, description } = adapter.info;
  const text = `${vendor} ${architecture} ${description}`.trim();
  return { available: true, emulated: adapter.info.isFallbackAdapter === true || /swiftshader/i.test(text), description: text };
}

async function probeRun(request: Extract<ClipProbeRequest, { kind: 'run' }>): Promise<ClipRunProbe> {
  // Before the first load: ORT reads numThreads once, when it starts its wasm runtime.
  configureOnnxWasm({ wasmPaths: `${request.origin}/ort/`, numThreads: request.threads });
  const files = urlModelFiles(request.modelUrl);
  const measurement = await measureClip(
    () => transformersClipLoader({ name: 'clip-bench', params: { dtype: request.dtype }, device: request.device, files }),
    files,
    request.plan,
  );
  const { env } = await import('@huggingface/transformers');
  const threads = env.backends.onnx.wasm?.numThreads;
  return {
    ...measurement,
    crossOriginIsolated: globalThis.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    ortNumThreads: typeof threads === 'number' ? threads : null,
  };
}

// Only in a worker: Node imports this file for `measureClip`.
answerInWorker<ClipProbeRequest>((request) => (request.kind === 'adapter' ? probeAdapter() : probeRun(request)));
