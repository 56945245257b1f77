import type { ExecutionDevice, ModelFiles, ModelLoader, ModelLoadRequest, TextEmbedder } from '../model-types';
import { requireModelFiles } from './require-files';
import { createModelFilesCache, mountModelFiles } from './transformers-files';
import { isNodeRuntime } from '../runtime';

type Transformers = typeof import('@huggingface/transformers');

/** Where onnxruntime-web finds its wasm build and how many threads it may use (browser only). */
export interface OnnxWasmOptions {
  /** A folder URL ending in `/` (`/ort/`), or the two files by URL. */
  readonly wasmPaths?: string | { readonly mjs?: string; readonly wasm?: string };
  readonly numThreads?: number;
}

/** The file name suffix transformers.js gives each dtype (`onnx/model_quantized.onnx` for q8). */
const DTYPE_SUFFIX: Readonly<Record<string, string>> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

let wasmOptions: OnnxWasmOptions = {};
let loaded: Transformers | undefined;
let loading: Promise<Transformers> | undefined;

/**
 * Sets onnxruntime-web's wasm location; without it transformers.js points ORT at a CDN. May be
 * called before the first load (it is applied then). In Node it changes nothing that is used.
 */
export function configureOnnxWasm(options: OnnxWasmOptions): void {
  wasmOptions = { ...wasmOptions, ...options };
  if (loaded) applyWasmOptions(loaded);
}

function applyWasmOptions({ env }: Transformers): void {
  const wasm = env.backends.onnx.wasm;
  if (!wasm) return;
  // The object form is copied: transformers.js replaces `mjs` in it with a blob URL it caches.
  const { wasmPaths, numThreads } = wasmOptions;
  if (wasmPaths !== undefined) wasm.wasmPaths = typeof wasmPaths === 'string' ? wasmPaths : { ...wasmPaths };
  if (numThreads !== undefined) wasm.numThreads = numThreads;
}

/**
 * Imported on first use: it pulls in ONNX Runtime. Every load reads through `ModelFiles`, so
 * transformers.js itself never goes to the network or the disk: a hub model's files are fetched
 * by its `ModelFiles`, like any other.
 */
export function transformers(): Promise<Transformers> {
  loading ??= import('@huggingface/transformers').then((module) => {
    const { env } = module;
    env.allowRemoteModels = false;
    // With remote models off, transformers.js refuses to run unless local models are on.
    env.allowLocalModels = true;
    env.useBrowserCache = false;
    env.useFSCache = false;
    env.useCustomCache = true;
    env.customCache = createModelFilesCache(env);
    loaded = module;
    applyWasmOptions(module);
    return module;
  });
  // A failed import (a chunk that did not arrive) may succeed on the next load.
  loading.catch(() => (loading = undefined));
  return loading;
}

/**
 * Where transformers.js would fetch a hub model's file: its own `remoteHost` and
 * `remotePathTemplate` settings, so this app names no host of its own.
 */
export async function hubFileUrl(repo: string, path: string, revision = 'main'): Promise<string> {
  const { env } = await transformers();
  const folder = env.remotePathTemplate.replaceAll('{model}', repo).replaceAll('{revision}', encodeURIComponent(revision));
  return `${env.remoteHost.replace(/\/?$/, '/')}${folder.replace(/\/?$/, '/')}${path}`;
}

/** transformers.js refuses `wasm` in Node and `cpu` in the browser, where wasm is the CPU. */
export function runtimeDevice(device: ExecutionDevice): ExecutionDevice {
  if (device === 'webgpu') return 'webgpu';
  return isNodeRuntime() ? 'cpu' : 'wasm';
}

/**
 * The ONNX file transformers.js reads for a dtype: `onnx/model_quantized.onnx` for q8. `stem` is
 * the file's base name where a model has several (CLIP: `text_model`, `vision_model`).
 */
export function onnxModelPath(dtype: string, stem = 'model'): string {
  const suffix = DTYPE_SUFFIX[dtype];
  if (suffix === undefined) throw new Error(`Unknown dtype ${dtype} (known: ${Object.keys(DTYPE_SUFFIX).join(', ')})`);
  return `onnx/${stem}${suffix}.onnx`;
}

/**
 * The weights to run when the caller asks for none (`dtype` absent or `auto`): transformers.js's
 * own defaults, q8 on wasm and fp32 elsewhere, taking the other where the folder holds only one.
 * On wasm the int8 kernels run about twice as fast as fp32 (BENCHMARKS.md, text embeddings) and
 * the file is a quarter of the size; natively fp32 is fast anyway and exact.
 */
export async function chooseOnnxDtype(requested: unknown, device: ExecutionDevice, files: ModelFiles, stem = 'model'): Promise<string> {
  if (typeof requested === 'string' && requested !== 'auto') return requested;
  const order = device === 'wasm' ? ['q8', 'fp32'] : ['fp32', 'q8'];
  for (const dtype of order) if (await files.has(onnxModelPath(dtype, stem))) return dtype;
  return order[0]!;
}

/**
 * A feature-extraction model (config.json, tokenizer.json, tokenizer_config.json, and
 * onnx/model.onnx or onnx/model_quantized.onnx) as a text embedder: mean pooling over the
 * attention mask, then L2 normalisation. Params: `dtype` (`auto` by default: see chooseOnnxDtype).
 */
export const transformersTextEmbedderLoader: ModelLoader<TextEmbedder> = async (request) => {
  const device = runtimeDevice(request.device);
  let dtype: string;
  let modelPath: string;
  try {
    dtype = await chooseOnnxDtype(request.params.dtype, device, request.files);
    modelPath = onnxModelPath(dtype);
  } catch (error) {
    throw new Error(`Model ${request.name}: ${(error as Error).message}`, { cause: error });
  }
  await requireModelFiles(request.files, request.name, ['config.json', 'tokenizer.json', 'tokenizer_config.json', modelPath]);

  const { pipeline } = await transformers();
  const mount = mountModelFiles(request.files);
  let extractor: Awaited<ReturnType<typeof pipeline<'feature-extraction'>>>;
  try {
    extractor = await pipeline('feature-extraction', mount.id, {
      device,
      dtype: dtype as 'fp32',
      local_files_only: true,
    });
  } catch (error) {
    throw loadError(request, mount.id, error);
  } finally {
    mount.unmount();
  }

  let disposed = false;
  const embed = async (texts: readonly string[]): Promise<Float32Array[]> => {
    if (disposed) throw new Error(`Model ${request.name} has been disposed`);
    if (texts.length === 0) return [];
    const output = await extractor([...texts], { pooling: 'mean', normalize: true });
    const [rows = 0, columns = 0] = output.dims;
    const data = output.data instanceof Float32Array ? output.data : Float32Array.from(output.data as ArrayLike<number>);
    return Array.from({ length: rows }, (_, row) => data.slice(row * columns, (row + 1) * columns));
  };

  try {
    const [probe] = await embed(['']);
    return {
      device,
      precision: dtype,
      dimensions: probe?.length ?? 0,
      embed,
      async dispose() {
        if (disposed) return;
        disposed = true;
        await extractor.dispose();
      },
    };
  } catch (error) {
    await extractor.dispose();
    throw error;
  }
};

/** Names the model and its folder instead of the internal id transformers.js was given. */
export function loadError(request: ModelLoadRequest, id: string, error: unknown): Error {
  const base = request.files.base.endsWith('/') ? request.files.base : `${request.files.base}/`;
  const message = (error instanceof Error ? error.message : String(error)).replaceAll(`${id}/`, base);
  return new Error(`Model ${request.name} could not be loaded from ${request.files.base}: ${message}`, {
    cause: error,
  });
}
