import type { RgbaPixels } from './vision/image-input';

/**
 * What the model layer hands around. A loader turns a request into a loaded model; the
 * manager caches what loaders return and releases it through `dispose`.
 */

/** Where a model runs: WebGPU or WebAssembly in the browser, native CPU in Node. */
export type ExecutionDevice = 'webgpu' | 'wasm' | 'cpu';

/**
 * Where a model's files come from. `bundled`: shipped with the app (served from its own origin,
 * or a folder on disk in Node). `imported`: a folder the user gave us, kept on the device.
 * `hub`: the Hugging Face hub, only when the user has turned network models on.
 */
export type ModelSourceKind = 'bundled' | 'imported' | 'hub';

/**
 * Reads a model's files by their path inside the model folder (`config.json`,
 * `onnx/model.onnx`, `model.json`, `group1-shard1of7`). Loaders never fetch by themselves, so
 * the same loader works from the app's origin, an imported folder or a Node directory.
 */
export interface ModelFiles {
  readonly kind: ModelSourceKind;
  /** A URL or directory the files live under, for libraries that insist on one. */
  readonly base: string;
  read(path: string): Promise<Uint8Array>;
  has(path: string): Promise<boolean>;
}

export interface ModelLoadRequest {
  /** The user-facing model name (`use-lite`, `all-MiniLM-L6-v2`) or a path. */
  readonly name: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly device: ExecutionDevice;
  readonly files: ModelFiles;
}

/** Anything a loader returns. `dispose` frees sessions, tensors and GPU buffers. */
export interface LoadedModel {
  readonly device: ExecutionDevice;
  /** The weights' number format where a model has several (`fp32`, `q8`): shown in Settings. */
  readonly precision?: string;
  dispose(): Promise<void>;
}

export type ModelLoader<M extends LoadedModel = LoadedModel> = (request: ModelLoadRequest) => Promise<M>;

/** A text encoder: one L2-normalised vector per input, in input order. */
export interface TextEmbedder extends LoadedModel {
  readonly dimensions: number;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

/**
 * A CLIP-style dual encoder: pictures and texts in one vector space, every vector
 * L2-normalised, one per input, in input order.
 */
export interface ImageTextEmbedder extends LoadedModel {
  readonly dimensions: number;
  /** The temperature CLIP's logits use (exp(logit_scale): 100 for OpenAI's weights), for zero-shot softmax. */
  readonly logitScale: number;
  embedImages(images: readonly RgbaPixels[]): Promise<Float32Array[]>;
  embedTexts(texts: readonly string[]): Promise<Float32Array[]>;
}

/**
 * A sound encoder: each clip (mono samples at `sampleRate`) becomes one L2-normalised vector,
 * in input order; how a model pools its frames into one vector is the loader's to document.
 */
export interface AudioEmbedder extends LoadedModel {
  readonly dimensions: number;
  /** The rate the clips must be at, in Hz (16,000 for speech models, 48,000 for CLAP). */
  readonly sampleRate: number;
  embedClips(clips: readonly Float32Array[]): Promise<Float32Array[]>;
}

/** A CLAP-style dual encoder: sounds and texts in one vector space. */
export interface AudioTextEmbedder extends AudioEmbedder {
  embedTexts(texts: readonly string[]): Promise<Float32Array[]>;
}

/**
 * A one-input, one-output float network as pure pipeline code sees it (OCR, speech features):
 * it hands a flat input and its dims, and reads the output before the tensor is released.
 */
export interface TensorNetwork {
  run<T>(input: Float32Array, dims: readonly number[], read: (output: Float32Array, dims: readonly number[]) => T): Promise<T>;
}
