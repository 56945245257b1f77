/**
 * The measuring half of the speech-embedding benchmark (`speech-embedding.bench.ts`).
 * `measureSpeech` runs the same procedure wherever it is called: in Node on onnxruntime-node, and
 * bundled by `bench/lib/bundle.ts` into a dedicated worker of a page of the served app, on
 * onnxruntime-web's wasm. The worker answers one message.
 */
import type { TimedSpeechEmbedder } from '../../src/lib/ml/audio/speech-embedder';
import { createSpeechEmbeddingLoader } from '../../src/lib/ml/loaders/speech-embedding-loader';
import { urlModelFiles } from '../../src/lib/ml/url-model-files';
import { answerInWorker, ortFilesFetched } from '../lib/probe-worker';

export interface SpeechPass {
  readonly ms: number;
  readonly melMs: number;
  readonly embeddingMs: number;
}

export interface SpeechMeasurement {
  readonly device: string;
  /** From the loader call to a loaded embedder: file reads and both sessions. */
  readonly loadMs: number;
  readonly audioSeconds: number;
  /** The untimed first pass (session warm-up), whole. */
  readonly warmupMs: number;
  readonly passes: SpeechPass[];
  /** The warm-up's vector, to check that every runtime computed the same. */
  readonly vector: number[];
}

/** Loads the embedder, then one untimed pass and `passes` timed ones over the whole clip. */
export async function measureSpeech(
  load: () => Promise<TimedSpeechEmbedder>,
  clip: Float32Array,
  passes: number,
): Promise<SpeechMeasurement> {
  const loadStart = performance.now();
  const embedder = await load();
  const loadMs = performance.now() - loadStart;
  try {
    const warmupStart = performance.now();
    const [vector] = await embedder.embedClips([clip]);
    const warmupMs = performance.now() - warmupStart;
    const timed: SpeechPass[] = [];
    for (let i = 0; i < passes; i++) {
      const started = performance.now();
      const { timings } = await embedder.embedClipsTimed([clip]);
      timed.push({ ms: performance.now() - started, ...timings });
    }
    return {
      device: embedder.device,
      loadMs,
      audioSeconds: clip.length / embedder.sampleRate,
      warmupMs,
      passes: timed,
      vector: Array.from(vector!),
    };
  } finally {
    await embedder.dispose();
  }
}

export interface SpeechProbeRequest {
  readonly origin: string;
  /** Absolute URLs (a blob worker has no base URL): the model folder and the clip as raw little-endian float32. */
  readonly modelUrl: string;
  readonly clipUrl: string;
  readonly threads: number;
  readonly passes: number;
}

export interface SpeechProbeResult extends SpeechMeasurement {
  readonly crossOriginIsolated: boolean;
  /** `env.wasm.numThreads` after the load: ORT drops it to 1 when threads cannot work. */
  readonly ortNumThreads: number | null;
  readonly ortFiles: string[];
}

async function probe(request: SpeechProbeRequest): Promise<SpeechProbeResult> {
  // As createBrowserModelManager sets it up: the app's asyncify build from its origin.
  const ort = await import('onnxruntime-web/webgpu');
  ort.env.wasm.wasmPaths = `${request.origin}/ort/`;
  ort.env.wasm.numThreads = request.threads;
  const response = await fetch(request.clipUrl);
  if (!response.ok) throw new Error(`${request.clipUrl}: HTTP ${response.status}`);
  const clip = new Float32Array(await response.arrayBuffer());
  const load = createSpeechEmbeddingLoader(async () => ort);
  const measurement = await measureSpeech(
    () => load({ name: 'speech-embedding', params: {}, device: 'wasm', files: urlModelFiles(request.modelUrl) }),
    clip,
    request.passes,
  );
  return {
    ...measurement,
    crossOriginIsolated: globalThis.crossOriginIsolated,
    ortNumThreads: typeof ort.env.wasm.numThreads === 'number' ? ort.env.wasm.numThreads : null,
    ortFiles: ortFilesFetched(),
  };
}

// Only in a worker: Node imports this file for `measureSpeech`.
answerInWorker<SpeechProbeRequest>(probe);
