import { ImageEmbeddingClipVitB32Dim512Component, type ImageEmbeddingComponentType } from '../components/image-embeddings';
import { DamError } from '../errors';

/** Which manager loader runs an image model (registered under this identifier). */
export type ImageModelLoaderId = 'transformers-clip';

export interface ImageEmbeddingModelInfo {
  readonly component: ImageEmbeddingComponentType;
  readonly defaultParams: { readonly dimensions: number };
  readonly loader: ImageModelLoaderId;
  /** The hub repository, for when the user turns network models on. */
  readonly hub?: string;
  readonly licence: string;
  /** Files a folder of this model must hold besides its weights (an import is refused without them). */
  readonly files: readonly string[];
  /**
   * The two towers' weights, as a browser download fetches them (int8: a quarter of the size,
   * about twice as fast on wasm) and as Node does (fp32). A folder needs one complete set.
   */
  readonly weights: { readonly browser: readonly string[]; readonly node: readonly string[] };
  /**
   * Least cosine similarity between a search's text and a picture for the picture to match, by
   * default. CLIP scores text against pictures far lower than text against text: with OpenAI's
   * ViT-B/32 a fitting caption scores about 0.25–0.35 and an unrelated one 0.10–0.20.
   */
  readonly defaultMinSimilarity: number;
}

/**
 * IMAGE_EMBEDDING_MODEL_REGISTRY (seeds: image embeddings by model): user-facing name → table,
 * loader and files. No npm package ships CLIP weights, so it comes from the hub (network models
 * on) or an imported folder laid out as the hub's transformers.js export.
 */
export const IMAGE_EMBEDDING_MODEL_REGISTRY: Readonly<Record<string, ImageEmbeddingModelInfo>> = {
  'clip-vit-base-patch32': {
    component: ImageEmbeddingClipVitB32Dim512Component,
    defaultParams: { dimensions: 512 },
    loader: 'transformers-clip',
    hub: 'Xenova/clip-vit-base-patch32',
    licence: 'MIT',
    files: ['config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json'],
    weights: {
      browser: ['onnx/text_model_quantized.onnx', 'onnx/vision_model_quantized.onnx'],
      node: ['onnx/text_model.onnx', 'onnx/vision_model.onnx'],
    },
    defaultMinSimilarity: 0.24,
  },
};

export const DEFAULT_IMAGE_MODEL = 'clip-vit-base-patch32';

export function getImageEmbeddingModelInfo(modelName: string): ImageEmbeddingModelInfo {
  const info = IMAGE_EMBEDDING_MODEL_REGISTRY[modelName];
  if (!info) {
    throw new DamError(
      'UnknownModelError',
      `Unknown image embedding model "${modelName}" (known: ${Object.keys(IMAGE_EMBEDDING_MODEL_REGISTRY).join(', ')})`,
    );
  }
  return info;
}
