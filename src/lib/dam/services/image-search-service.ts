import type { SqlExecutor } from '../../db/database';
import type { EntityId } from '../../ecs';
import type { ModelExecutionManager } from '../../ml/model-execution-manager';
import type { ImageCodec } from '../media/image-codec';
import { getImageEmbeddingModelInfo } from '../models/image-embedding-model-registry';
import type { QueryEmbedding } from '../query/query-sql';
import { PICTURE_DECODE_SIDE } from './image-embedding-service';
import { chooseImageModel, getImageEmbedder } from './image-model-choice';
import { findNearestEntities, findNearestToEntity, vectorLiteral, type SemanticMatch, type SemanticSearchOptions } from './vector-search';

/** A search's text as a vector of the image model, with its table; null when no image model is here. */
export async function embedTextForPictures(models: ModelExecutionManager, text: string): Promise<QueryEmbedding | null> {
  const model = await chooseImageModel(models);
  if (!model) return null;
  const [vector] = await (await getImageEmbedder(models, model)).embedTexts([text]);
  if (!vector) throw new Error(`${model} gave no vector for the search`);
  return { table: getImageEmbeddingModelInfo(model).component.table, vector: vectorLiteral(vector) };
}

/** The pictures nearest a text, by the image model; null when there is none. */
export async function findPicturesByText(
  db: SqlExecutor,
  models: ModelExecutionManager,
  text: string,
  options: SemanticSearchOptions,
): Promise<{ model: string; matches: SemanticMatch[] } | null> {
  const query = await embedTextForPictures(models, text);
  if (!query) return null;
  return { model: (await chooseImageModel(models))!, matches: await findNearestEntities(db, query.table, query.vector, options) };
}

/**
 * The pictures nearest a picture that is not in the library (dropped on the search box): it is
 * decoded and embedded here, and nothing of it is stored.
 */
export async function findPicturesLike(
  db: SqlExecutor,
  models: ModelExecutionManager,
  codec: ImageCodec,
  picture: Blob,
  options: SemanticSearchOptions,
): Promise<{ model: string; matches: SemanticMatch[] } | null> {
  const model = await chooseImageModel(models);
  if (!model) return null;
  const { image } = await codec.decode(picture, PICTURE_DECODE_SIDE);
  const [vector] = await (await getImageEmbedder(models, model)).embedImages([image]);
  if (!vector) throw new Error(`${model} gave no vector for the picture`);
  return {
    model,
    matches: await findNearestEntities(db, getImageEmbeddingModelInfo(model).component.table, vectorLiteral(vector), options),
  };
}

/**
 * The pictures nearest a library picture by its stored vector (the first keyframe's, for a
 * video), itself left out; null when it has none, so the caller falls back to perceptual hashes.
 */
export function findPicturesLikeEntity(
  db: SqlExecutor,
  table: string,
  entityId: EntityId,
  options: SemanticSearchOptions,
): Promise<SemanticMatch[] | null> {
  return findNearestToEntity(db, table, entityId, options);
}
