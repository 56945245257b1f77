import type { SqlExecutor } from '../../db/database';
import type { ModelExecutionManager } from '../../ml/model-execution-manager';
import type { RgbaPixels } from '../../ml/vision/image-input';
import type { ImageTagger, TaggerLabel } from '../../ml/vision/image-tagger';
import { modelUnavailableError } from '../models/model-unavailable';
import {
  getTaggingConceptualParams,
  getTaggingModelInfo,
  OFFLINE_TAGGING_MODEL,
  TAGGING_MODEL_REGISTRY,
  type TaggingConceptualParams,
} from '../models/tagging-model-registry';
import { setModelTags, type PredictedTag } from './model-tag-service';

/**
 * A picture's scores as tags: each label over its category's threshold, the likeliest rating
 * always (a picture has some rating), highest first, at most `maxTags`.
 */
export function selectPredictedTags(
  scores: ArrayLike<number>,
  labels: readonly TaggerLabel[],
  params: TaggingConceptualParams,
): PredictedTag[] {
  if (scores.length !== labels.length) throw new Error(`Got ${scores.length} scores for ${labels.length} labels`);
  let topRating = -1;
  labels.forEach((label, i) => {
    if (label.category === 'rating' && (topRating < 0 || scores[i]! > scores[topRating]!)) topRating = i;
  });
  const chosen: PredictedTag[] = [];
  labels.forEach((label, i) => {
    const score = scores[i]!;
    const threshold = label.category === 'character' ? params.characterThreshold : params.generalThreshold;
    // Float32 sigmoid outputs can round just past 1.
    if (i === topRating || score >= threshold) chosen.push({ name: label.name, confidence: Math.min(1, Math.max(0, score)) });
  });
  return chosen.sort((a, b) => b.confidence - a.confidence).slice(0, params.maxTags);
}

/** The tagger, loaded through the manager with its registry params. */
export function getImageTagger(models: ModelExecutionManager, name: string): Promise<ImageTagger> {
  const info = getTaggingModelInfo(name);
  return models.getModel<ImageTagger>(info.loader, name, info.loadParams);
}

/** Whether this host can run `name` now: its loader is registered and its files are here. */
export async function isTaggingModelAvailable(models: ModelExecutionManager, name: string): Promise<boolean> {
  const { loader } = getTaggingModelInfo(name);
  return models.hasModelLoader(loader) && models.isAvailable(loader, name, getTaggingModelInfo(name).loadParams);
}

/** `requested` if it can run here, else the bundled tagger. */
export async function chooseTaggingModel(models: ModelExecutionManager, requested?: string | null): Promise<string> {
  for (const name of [requested, OFFLINE_TAGGING_MODEL]) {
    if (name && name in TAGGING_MODEL_REGISTRY && (await isTaggingModelAvailable(models, name))) return name;
  }
  throw modelUnavailableError(requested ?? OFFLINE_TAGGING_MODEL, 'its files are neither bundled nor imported here');
}

/** Input floats a picture takes, times a rough factor for the activations it makes on the way. */
function pictureEstimateMb(size: number): number {
  return (size * size * 3 * 4 * 16) / 2 ** 20;
}
const FALLBACK_BATCH_SIZE = 8;

/**
 * Scores pictures with `modelName` in batches the manager sizes (shrunk and retried on
 * out-of-memory or a lost GPU) and replaces each entity's tags from that model (seed:
 * update_entity_model_tags). Returns the tags written, by entity.
 */
export async function updateEntityModelTags(
  db: SqlExecutor,
  models: ModelExecutionManager,
  modelName: string,
  pictures: readonly { readonly entityId: number; readonly image: RgbaPixels }[],
): Promise<Map<number, PredictedTag[]>> {
  const written = new Map<number, PredictedTag[]>();
  if (pictures.length === 0) return written;
  const info = getTaggingModelInfo(modelName);
  const params = getTaggingConceptualParams(modelName);
  const batchSize = await models.getOptimalBatchSize(
    info.loader,
    modelName,
    pictureEstimateMb(info.loadParams.input.size),
    FALLBACK_BATCH_SIZE,
  );
  let labels: readonly TaggerLabel[] = [];
  const scores = await models.runBatched<(typeof pictures)[number], Float32Array, ImageTagger>(
    info.loader,
    modelName,
    info.loadParams,
    pictures,
    (tagger, batch) => {
      labels = tagger.labels;
      return tagger.score(batch.map((p) => p.image));
    },
    { batchSize },
  );
  for (const [i, picture] of pictures.entries()) {
    written.set(picture.entityId, await setModelTags(db, picture.entityId, modelName, selectPredictedTags(scores[i]!, labels, params)));
  }
  return written;
}
