import { configureTfjsWasm } from '../../../src/lib/ml/loaders/tfjs-backend';
import { useLiteTextEmbedderLoader } from '../../../src/lib/ml/loaders/use-lite-loader';
import { urlModelFiles } from '../../../src/lib/ml/url-model-files';

/** Runs in a dedicated worker, as models do in the app; the page posts `{ origin, texts }`. */
export interface UseLiteProbeRequest {
  readonly origin: string;
  readonly texts: readonly string[];
}

export interface UseLiteProbe {
  readonly device: string;
  readonly backend: string;
  readonly crossOriginIsolated: boolean;
  readonly dimensions: number[];
  readonly norms: number[];
  /** Cosine similarity of each pair of texts, row-major. */
  readonly similarities: number[][];
  readonly loadMs: number;
  /** Throughput over repeated batches of 16 short sentences; reported, never asserted. */
  readonly sentencesPerSecond: number;
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);

async function probe({ origin, texts }: UseLiteProbeRequest): Promise<UseLiteProbe> {
  // Absolute URLs: a blob worker has no hierarchical base URL to resolve `/tfjs/` against.
  configureTfjsWasm({ wasmPaths: `${origin}/tfjs/` });
  const started = performance.now();
  const embedder = await useLiteTextEmbedderLoader({
    name: 'use-lite',
    params: {},
    device: 'wasm',
    files: urlModelFiles(`${origin}/models/use-lite/`),
  });
  const loadMs = performance.now() - started;
  const vectors = await embedder.embed(texts);

  const batch = Array.from({ length: 16 }, (_, i) => `A photograph of ${i + 2} sailing boats on a calm lake at sunrise.`);
  await embedder.embed(batch);
  const timed = performance.now();
  let count = 0;
  while (performance.now() - timed < 2000) count += (await embedder.embed(batch)).length;
  const sentencesPerSecond = count / ((performance.now() - timed) / 1000);

  const tf = await import('@tensorflow/tfjs-core');
  const result: UseLiteProbe = {
    device: embedder.device,
    backend: tf.getBackend(),
    crossOriginIsolated: globalThis.crossOriginIsolated,
    dimensions: vectors.map((vector) => vector.length),
    norms: vectors.map((vector) => Math.sqrt(dot(vector, vector))),
    similarities: vectors.map((a) => vectors.map((b) => dot(a, b))),
    loadMs,
    sentencesPerSecond,
  };
  await embedder.dispose();
  return result;
}

self.onmessage = (event: MessageEvent<UseLiteProbeRequest>) => {
  probe(event.data).then(
    (result) => self.postMessage({ result }),
    (error: unknown) =>
      self.postMessage({ error: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error) }),
  );
};
