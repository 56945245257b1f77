import { configureOnnxWasm, transformersTextEmbedderLoader } from '../../../src/lib/ml/loaders/transformers-loader';
import { memoryModelFiles, type FolderBytes } from './memory-model-files';

/** Runs in a dedicated worker, as models do in the app; the page posts the model's files and the texts. */
export interface TransformersProbeRequest {
  readonly origin: string;
  /** Path in the folder → bytes: the files come in memory, as an imported folder's do. */
  readonly files: FolderBytes;
  readonly texts: readonly string[];
}

export interface TransformersProbeRun {
  readonly device: string;
  readonly precision: string | null;
  readonly vectors: number[][];
}

export interface TransformersProbe {
  /** The loader's own choice on wasm (no dtype asked), as the app loads a model. */
  readonly auto: TransformersProbeRun;
  readonly fp32: TransformersProbeRun;
}

async function run(request: TransformersProbeRequest, params: Record<string, unknown>): Promise<TransformersProbeRun> {
  const embedder = await transformersTextEmbedderLoader({
    name: 'minilm-fixture',
    params,
    device: 'wasm',
    files: memoryModelFiles(request.files, 'memory://minilm-fixture/'),
  });
  try {
    const vectors = await embedder.embed(request.texts);
    return { device: embedder.device, precision: embedder.precision ?? null, vectors: vectors.map((v) => Array.from(v)) };
  } finally {
    await embedder.dispose();
  }
}

async function probe(request: TransformersProbeRequest): Promise<TransformersProbe> {
  // Absolute URL: a blob worker has no hierarchical base URL to resolve `/ort/` against.
  configureOnnxWasm({ wasmPaths: `${request.origin}/ort/` });
  return { auto: await run(request, {}), fp32: await run(request, { dtype: 'fp32' }) };
}

self.onmessage = (event: MessageEvent<TransformersProbeRequest>) => {
  probe(event.data).then(
    (result) => self.postMessage({ result }),
    (error: unknown) =>
      self.postMessage({ error: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error) }),
  );
};
