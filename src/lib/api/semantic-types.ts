import type { AssetCard } from './dam-api';

/** Semantic search and the model list as the DamApi returns them. */

export interface SemanticSearchHit {
  readonly asset: AssetCard;
  /** Cosine similarity of the best-matching text field (or picture), in [-1, 1]. */
  readonly score: number;
  /** Where the matching text came from, e.g. `TextContentComponent` / `text`. */
  readonly matchedComponent: string;
  readonly matchedField: string;
}

export interface SemanticSearchResult {
  /** The text model that embedded the query and answered. */
  readonly model: string;
  readonly hits: readonly SemanticSearchHit[];
  /** Entities whose text is not embedded yet, so they cannot match so far. */
  readonly pendingEntities: number;
  /** The image model that compared the text with pictures; null when there is none here. */
  readonly pictureModel: string | null;
  /** Pictures that look like the text (by the image model), best first. */
  readonly pictureHits: readonly SemanticSearchHit[];
  /** The least similarity pictures were held to (the given one, or the model's default); null without a model. */
  readonly pictureMinSimilarity: number | null;
  /** The audio model that compared the text with sounds (CLAP); absent when there is none here. */
  readonly soundModel?: string;
  /** Sounds that match the words, best first. */
  readonly soundHits?: readonly SemanticSearchHit[];
}

export type ModelDevice = 'webgpu' | 'wasm' | 'cpu';

/** One model of the registries as Settings shows it. */
export interface ModelStatus {
  readonly name: string;
  readonly task: 'text-embedding' | 'image-embedding' | 'audio-embedding' | 'image-tagging' | 'ocr';
  /** An embedder's vector size; null for a tagger or OCR. */
  readonly dimensions: number | null;
  /** Where its files come from here; null when it has none (not bundled, not imported). */
  readonly source: 'bundled' | 'imported' | 'hub' | null;
  readonly sizeBytes: number | null;
  readonly licence: string;
  readonly state: 'unavailable' | 'unloaded' | 'downloading' | 'loading' | 'ready';
  /** Bytes so far while downloading from the hub (`totalBytes` null until sizes are known). */
  readonly download: { readonly doneBytes: number; readonly totalBytes: number | null } | null;
  /** Where it runs now (loaded), or would run. */
  readonly device: ModelDevice | null;
  /** The user's override, or null when the app chooses. */
  readonly deviceOverride: ModelDevice | null;
  /** The loaded weights' number format (`fp32`, `q8`), where the model has several; null when not loaded. */
  readonly precision: string | null;
  /** Devices this host offers. */
  readonly devices: readonly ModelDevice[];
}

/** The models every world shares: their status, devices, imports and downloads. */
export interface ModelApi {
  listModels(): Promise<ModelStatus[]>;
  loadModel(name: string): Promise<ModelStatus>;
  unloadModel(name: string): Promise<ModelStatus>;
  /** Pins the model to a device, or with null lets the app choose again. Reloads it if loaded. */
  setModelDevice(name: string, device: ModelDevice | null): Promise<ModelStatus>;
  /**
   * Keeps a model folder the user picked (paths relative to it, or to its parent) on this device
   * for offline use, after checking that it has the model's files and loads with the right size
   * of vectors. Only model files are kept (JSON, ONNX, TF.js shards, vocabularies).
   */
  importModel(name: string, files: readonly { path: string; file: Blob }[]): Promise<ModelStatus>;
  /** Deletes an imported or downloaded model; a bundled copy, if any, is used again. */
  deleteModel(name: string): Promise<ModelStatus>;
  /** Whether models may be downloaded from the model hub. Off until the user turns it on. */
  networkModels(): Promise<boolean>;
  setNetworkModels(enabled: boolean): Promise<void>;
  /** Downloads a hub model (network models on), keeps it for offline use, and loads it. */
  downloadModel(name: string): Promise<ModelStatus>;
}
