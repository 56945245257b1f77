import type { AssetCard } from './dam-api';

/** Semantic search and the model list as the DamApi returns them. */

export interface SemanticSearchHit {
  readonly asset: AssetCard;
  /** Cosine similarity of the best-matching text field, in [-1, 1]. */
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
}

export type ModelDevice = 'webgpu' | 'wasm' | 'cpu';

/** One model of the registries as Settings shows it. */
export interface ModelStatus {
  readonly name: string;
  readonly task: 'text-embedding' | 'image-tagging';
  /** A text embedder's vector size; null for a tagger. */
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
