/**
 * The measuring half of the text-embedding benchmark (`embeddings.bench.ts`). `measureEmbeddings`
 * runs the same procedure wherever it is called: in Node on onnxruntime-node, and bundled by
 * `bench/lib/bundle.ts` into a dedicated worker of a page of the served app, on onnxruntime-web
 * (a worker, because that is where the app runs its models). The worker answers one message.
 */
import { configureOnnxWasm, transformersTextEmbedderLoader } from '../../src/lib/ml/loaders/transformers-loader';
import type { TextEmbedder } from '../../src/lib/ml/model-types';
import { urlModelFiles } from '../../src/lib/ml/url-model-files';
import { answerInWorker, ortFilesFetched } from '../lib/probe-worker';

/** `auto`: the loader's own choice (q8 on wasm, fp32 natively), as the app loads models. */
export type BenchDtype = 'auto' | 'fp32' | 'q8';

export interface Measurement {
  readonly device: string;
  /** The weights that ran (the loader's `precision`). */
  readonly precision: string | null;
  readonly dimensions: number;
  /** From the loader call to a loaded model: file reads, session creation, the loader's own probe embed. */
  readonly loadMs: number;
  readonly warmupMs: number;
  /** One entry per timed pass over every sentence. */
  readonly passMs: number[];
  /** Epoch ms around the timed passes, to match CPU samples taken from outside the browser. */
  readonly timedFromEpochMs: number;
  readonly timedToEpochMs: number;
  /** The warm-up pass's vectors, to check that every runtime computed the same embeddings. */
  readonly vectors: number[][];
}

/** Called around the timed passes only (Node reads its own CPU time there). */
export interface TimedHooks {
  start(): void;
  end(): void;
}

const epochNow = () => performance.timeOrigin + performance.now();

/** Loads, embeds every sentence once untimed (warm-up), then `passes` timed times, `batchSize` at a time, in order. */
export async function measureEmbeddings(
  load: () => Promise<TextEmbedder>,
  sentences: readonly string[],
  batchSize: number,
  passes: number,
  hooks?: TimedHooks,
): Promise<Measurement> {
  const loadStart = performance.now();
  const embedder = await load();
  const loadMs = performance.now() - loadStart;
  try {
    const pass = async (): Promise<Float32Array[]> => {
      const vectors: Float32Array[] = [];
      for (let i = 0; i < sentences.length; i += batchSize) vectors.push(...(await embedder.embed(sentences.slice(i, i + batchSize))));
      return vectors;
    };
    const warmupStart = performance.now();
    const vectors = await pass();
    const warmupMs = performance.now() - warmupStart;

    const passMs: number[] = [];
    hooks?.start();
    const timedFromEpochMs = epochNow();
    for (let i = 0; i < passes; i++) {
      const started = performance.now();
      await pass();
      passMs.push(performance.now() - started);
    }
    const timedToEpochMs = epochNow();
    hooks?.end();
    return {
      device: embedder.device,
      precision: embedder.precision ?? null,
      dimensions: embedder.dimensions,
      loadMs,
      warmupMs,
      passMs,
      timedFromEpochMs,
      timedToEpochMs,
      vectors: vectors.map((vector) => Array.from(vector)),
    };
  } finally {
    await embedder.dispose();
  }
}

export interface AdapterProbeRequest {
  readonly kind: 'adapter';
}

export interface RunProbeRequest {
  readonly kind: 'run';
  readonly origin: string;
  /** The model folder's absolute URL (a blob worker has no base URL to resolve a path against). */
  readonly modelUrl: string;
  readonly device: 'wasm' | 'webgpu';
  readonly threads: number;
  /** The loader's `dtype` param; `auto` passes none, as the app does. */
  readonly dtype: BenchDtype;
  readonly sentences: readonly string[];
  readonly batchSize: number;
  readonly passes: number;
}

export type ProbeRequest = AdapterProbeRequest | RunProbeRequest;

export interface AdapterProbe {
  /** True only for a hardware adapter: no adapter, a fallback adapter or SwiftShader (CPU emulation) is false. */
  readonly usable: boolean;
  readonly reason: string;
  readonly info: { vendor: string; architecture: string; description: string; isFallbackAdapter: boolean } | null;
}

export interface RunProbe extends Measurement {
  readonly crossOriginIsolated: boolean;
  readonly hardwareConcurrency: number;
  /** `env.backends.onnx.wasm.numThreads` after the load: ORT drops it to 1 when threads cannot work. */
  readonly ortNumThreads: number | null;
  readonly ortWebVersion: string | null;
  /** ORT runtime files the worker fetched (which wasm build ran). */
  readonly ortFiles: string[];
}

async function probeAdapter(): Promise<AdapterProbe> {
  // Typed as always there, but absent where WebGPU is off (a worker has it where the page does).
  const gpu = (navigator as Partial<Navigator>).gpu;
  if (!gpu) return { usable: false, reason: 'no navigator.gpu in the worker', info: null };
  const adapter = await gpu.requestAdapter();
  if (!adapter) return { usable: false, reason: 'navigator.gpu.requestAdapter() returned null', info: null };
  const { vendor, architecture, description, isFallbackAdapter } = adapter.info;
  const info = { vendor, architecture, description, isFallbackAdapter: isFallbackAdapter === true };
  if (info.isFallbackAdapter) return { usable: false, reason: `only a fallback adapter (${vendor} ${architecture})`, info };
  if (/swiftshader/i.test(`${vendor} ${architecture} ${description}`)) {
    return { usable: false, reason: 'only SwiftShader (CPU emulation of a GPU)', info };
  }
  return { usable: true, reason: `${vendor} ${architecture}`.trim(), info };
}

async function probeRun(request: RunProbeRequest): Promise<RunProbe> {
  // Before the first load: ORT reads numThreads once, when it starts its wasm runtime.
  configureOnnxWasm({ wasmPaths: `${request.origin}/ort/`, numThreads: request.threads });
  const measurement = await measureEmbeddings(
    () =>
      transformersTextEmbedderLoader({
        name: 'embeddings-bench',
        params: request.dtype === 'auto' ? {} : { dtype: request.dtype },
        device: request.device,
        files: urlModelFiles(request.modelUrl),
      }),
    request.sentences,
    request.batchSize,
    request.passes,
  );
  // The loader has imported it already; this only reads the settings ORT ended up with.
  const { env } = await import('@huggingface/transformers');
  const wasm = env.backends.onnx.wasm;
  return {
    ...measurement,
    crossOriginIsolated: globalThis.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    ortNumThreads: typeof wasm?.numThreads === 'number' ? wasm.numThreads : null,
    ortWebVersion: env.backends.onnx.versions?.web ?? null,
    ortFiles: ortFilesFetched(),
  };
}

// Only in a worker: Node imports this file for `measureEmbeddings`.
answerInWorker<ProbeRequest>((request) => (request.kind === 'adapter' ? probeAdapter() : probeRun(request)));
