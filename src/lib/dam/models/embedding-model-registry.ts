import {
  TextEmbeddingAllMiniLmL6V2Dim384Component,
  TextEmbeddingUseLiteDim512Component,
  type TextEmbeddingComponentType,
} from '../components/embeddings';
import { DamError } from '../errors';
import type { TagAugmentation } from '../services/text-tag-augmentation';

/** Which manager loader runs a text model (registered under this identifier). */
export type TextModelLoaderId = 'use-lite' | 'transformers-text';

export interface EmbeddingModelInfo {
  readonly component: TextEmbeddingComponentType;
  readonly defaultParams: { readonly dimensions: number };
  readonly loader: TextModelLoaderId;
  /** Folder under the app's `/models/` when the model ships with the app. */
  readonly bundled?: string;
  /** The hub repository, for when the user turns network models on. */
  readonly hub?: string;
  readonly licence: string;
  /** Files a folder of this model must hold (an import is refused without them). */
  readonly files: readonly string[];
  /**
   * For a model published in several weight formats: a folder needs at least one of the two,
   * and a download fetches only the one this runtime runs by default (transformers.js's
   * defaults: the int8 file on wasm, a quarter of the size and about twice as fast there; fp32
   * natively). The loader takes whichever the folder has.
   */
  readonly weights?: { readonly browser: string; readonly node: string };
  /** Download/precache size of its files, for Settings (measured from the files shipped). */
  readonly sizeBytes?: number;
  /**
   * Tags appended to each text field before it is embedded (seeds §2.5: the field name then
   * gets `_manualtags` and the like). Changing an entity's tags marks it for re-embedding.
   */
  readonly tags?: TagAugmentation;
}

/**
 * Manual tags describe what a file is in the person's own words, so they are embedded with its
 * texts: a camera-named photo tagged "dog, beach" is found by "a dog at the sea".
 */
const WITH_MANUAL_TAGS: TagAugmentation = { includeManualTags: true };

/** /models/use-lite/ in the build: model.json, 7 shards, vocab.json and LICENSE (pinned by a test). */
const USE_LITE_BYTES = 28_379_956;

/**
 * EMBEDDING_MODEL_REGISTRY (seeds §2.5): user-facing model name → its table and how to load it.
 * Adding a model: a component, a migration, an entry here, tests.
 */
export const EMBEDDING_MODEL_REGISTRY: Readonly<Record<string, EmbeddingModelInfo>> = {
  'all-MiniLM-L6-v2': {
    component: TextEmbeddingAllMiniLmL6V2Dim384Component,
    defaultParams: { dimensions: 384 },
    loader: 'transformers-text',
    files: ['config.json', 'tokenizer.json', 'tokenizer_config.json'],
    weights: { browser: 'onnx/model_quantized.onnx', node: 'onnx/model.onnx' },
    hub: 'Xenova/all-MiniLM-L6-v2',
    licence: 'Apache-2.0',
    tags: WITH_MANUAL_TAGS,
  },
  'use-lite': {
    component: TextEmbeddingUseLiteDim512Component,
    defaultParams: { dimensions: 512 },
    loader: 'use-lite',
    files: ['model.json', 'vocab.json'],
    bundled: 'use-lite',
    licence: 'Apache-2.0',
    sizeBytes: USE_LITE_BYTES,
    tags: WITH_MANUAL_TAGS,
  },
};

/** The offline default: ships with the app. */
export const OFFLINE_TEXT_MODEL = 'use-lite';

export function getEmbeddingModelInfo(modelName: string): EmbeddingModelInfo {
  const info = EMBEDDING_MODEL_REGISTRY[modelName];
  if (!info) {
    throw new DamError(
      'UnknownModelError',
      `Unknown text embedding model "${modelName}" (known: ${Object.keys(EMBEDDING_MODEL_REGISTRY).join(', ')})`,
    );
  }
  return info;
}
