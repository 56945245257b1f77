import type { ImageInputSpec } from '../../ml/vision/image-input';
import type { TaggerLabel } from '../../ml/vision/image-tagger';
import { DamError } from '../errors';

/** Which manager loader runs a tagger (registered under this identifier). */
export type TaggerLoaderId = 'tfjs-image-tagger' | 'onnx-image-tagger';

export interface TaggingModelInfo {
  readonly loader: TaggerLoaderId;
  /** What the loader is given: the input the model wants, and its labels where they are fixed. */
  readonly loadParams: { readonly input: ImageInputSpec; readonly labels?: readonly TaggerLabel[] };
  /** Folder under the app's `/models/` when the model ships with the app. */
  readonly bundled?: string;
  /** The hub repository, for when the user turns network models on. */
  readonly hub?: string;
  readonly licence: string;
  /** Files a folder of this model must hold (an import is refused without them). */
  readonly files: readonly string[];
  /** Download/precache size of its files, for Settings (pinned by a test against the build). */
  readonly sizeBytes?: number;
  readonly description: string;
}

/** How a tagger's scores become tags (seeds: TAGGING_MODEL_CONCEPTUAL_PARAMS). */
export interface TaggingConceptualParams {
  /** Lowest score a general (or rating) label needs. */
  readonly generalThreshold: number;
  /** Lowest score a character label needs: higher, since a wrong name is worse than no name. */
  readonly characterThreshold: number;
  /** At most this many tags an image, the highest scores first. */
  readonly maxTags: number;
}

const NSFW_LABELS: readonly TaggerLabel[] = ['drawing', 'hentai', 'neutral', 'porn', 'sexy'].map((name) => ({
  name: `rating:${name}`,
  category: 'rating',
}));

/** /models/nsfwjs-mobilenet-v2/ in the build: model.json, one shard and LICENSE (pinned by a test). */
const NSFWJS_BYTES = 2_738_464;

/**
 * TAGGING_MODEL_REGISTRY (seeds §2.7): user-facing tagger name → how to load it. Adding a tagger:
 * an entry here and in TAGGING_MODEL_CONCEPTUAL_PARAMS, a loader if it is a new kind, tests.
 */
export const TAGGING_MODEL_REGISTRY: Readonly<Record<string, TaggingModelInfo>> = {
  'wd-v1-4-moat-tagger-v2': {
    loader: 'onnx-image-tagger',
    loadParams: { input: { size: 448, channels: 'BGR', range: 'byte', fit: 'pad' } },
    files: ['model.onnx', 'selected_tags.csv'],
    hub: 'SmilingWolf/wd-v1-4-moat-tagger-v2',
    licence: 'Apache-2.0',
    description: 'Anime-style illustration tags, characters and ratings (about 9,000 tags)',
  },
  'nsfwjs-mobilenet-v2': {
    loader: 'tfjs-image-tagger',
    loadParams: { input: { size: 224, channels: 'RGB', range: 'unit', fit: 'stretch' }, labels: NSFW_LABELS },
    files: ['model.json', 'group1-shard1of1'],
    bundled: 'nsfwjs-mobilenet-v2',
    licence: 'MIT',
    sizeBytes: NSFWJS_BYTES,
    description: 'Content rating: drawing, neutral, sexy, porn, hentai',
  },
};

export const TAGGING_MODEL_CONCEPTUAL_PARAMS: Readonly<Record<string, TaggingConceptualParams>> = {
  // SEED-BEHAVIOURS: threshold 0.35, at most 50 tags; characters need 0.85, as the model's
  // authors advise.
  'wd-v1-4-moat-tagger-v2': { generalThreshold: 0.35, characterThreshold: 0.85, maxTags: 50 },
  // Five ratings that sum to one: the likeliest is always kept, others only when they are
  // likely too (a photo that is 0.6 neutral and 0.35 sexy says both).
  'nsfwjs-mobilenet-v2': { generalThreshold: 0.25, characterThreshold: 1, maxTags: 3 },
};

/** The offline default: ships with the app. */
export const OFFLINE_TAGGING_MODEL = 'nsfwjs-mobilenet-v2';

export function getTaggingModelInfo(modelName: string): TaggingModelInfo {
  const info = TAGGING_MODEL_REGISTRY[modelName];
  if (!info) {
    throw new DamError(
      'UnknownModelError',
      `Unknown tagging model "${modelName}" (known: ${Object.keys(TAGGING_MODEL_REGISTRY).join(', ')})`,
    );
  }
  return info;
}

export function getTaggingConceptualParams(modelName: string): TaggingConceptualParams {
  getTaggingModelInfo(modelName);
  return TAGGING_MODEL_CONCEPTUAL_PARAMS[modelName]!;
}
