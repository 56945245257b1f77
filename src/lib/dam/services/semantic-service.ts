import type { SqlExecutor } from '../../db/database';
import { ecs, type EntityId } from '../../ecs';
import type { ModelExecutionManager } from '../../ml/model-execution-manager';
import type { TextEmbedder } from '../../ml/model-types';
import { getEmbeddingModelInfo } from '../models/embedding-model-registry';
import { collectTextFields, type TextField } from './text-fields';
import { augmentTextFieldsWithTags, type TagAugmentation } from './text-tag-augmentation';
import type { QueryEmbedding } from '../query/query-sql';
import { findNearestEntities, vectorLiteral } from './vector-search';
import { assertTextEmbedderFits, chooseTextModel, getTextEmbedder } from './text-model-choice';

/*
 * Semantic text search (seeds §2.5, SEED-BEHAVIOURS "Semantic search"). Services take the
 * embedder as an argument; the system or the API call gets it from the ModelExecutionManager.
 */

export type { SemanticMatch, SemanticSearchOptions } from './vector-search';
import type { SemanticMatch, SemanticSearchOptions } from './vector-search';
/**
 * A search's `~` text as a vector of the world's text model (`chooseTextModel`), with the table
 * holding that model's vectors, for `compileQuery`.
 */
export async function embedQueryText(models: ModelExecutionManager, text: string): Promise<QueryEmbedding> {
  const model = await chooseTextModel(models);
  const [vector] = await (await getTextEmbedder(models, model)).embed([text]);
  if (!vector) throw new Error(`${model} gave no vector for the search`);
  return { table: getEmbeddingModelInfo(model).component.table, vector: vectorLiteral(vector) };
}

/** Embeds texts the model is given with the fields they came from; empty input, no call. */
export async function embedTextFields(embedder: TextEmbedder, fields: readonly TextField[]): Promise<Float32Array[]> {
  return fields.length === 0 ? [] : embedder.embed(fields.map((f) => f.text));
}

/** The texts to embed for an entity: its text fields, with its tags appended as `tags` asks. */
async function fieldsToEmbed(db: SqlExecutor, entityId: EntityId, tags: TagAugmentation | undefined): Promise<TextField[]> {
  return augmentTextFieldsWithTags(db, entityId, await collectTextFields(db, entityId), tags);
}

/**
 * Replaces the entity's rows in the model's table with embeddings of its current text fields,
 * with its manual or model tags appended as `tags` asks (default: the model's registry entry;
 * the field names then carry the seed's suffix). Returns the number of fields embedded (0 when
 * the entity has no text).
 */
export async function updateTextEmbeddingsForEntity(
  db: SqlExecutor,
  embedder: TextEmbedder,
  modelName: string,
  entityId: EntityId,
  tags?: TagAugmentation,
): Promise<number> {
  const { component, tags: configured } = getEmbeddingModelInfo(modelName);
  const fields = await fieldsToEmbed(db, entityId, tags ?? configured);
  const vectors = await embedTextFields(embedder, fields);
  await ecs.removeComponentsFrom(db, component, [entityId]);
  await ecs.addComponents(
    db,
    component,
    fields.map((f, i) => ({
      entityId,
      fields: { embeddingVector: vectors[i]!, sourceComponentName: f.componentName, sourceFieldName: f.fieldName },
    })),
  );
  return fields.length;
}

/** Working memory per text for batch sizing: USE-lite's attention over 512 pieces, with margin. */
const TEXT_ITEM_ESTIMATE_MB = 2;
const FALLBACK_BATCH_SIZE = 32;

/**
 * `updateTextEmbeddingsForEntity` for many entities at once: their fields go to the model in
 * batches the manager sizes, shrunk and retried on out-of-memory or a lost GPU device, so every
 * field is embedded exactly once. Returns the number of fields embedded.
 */
export async function updateTextEmbeddingsForEntities(
  db: SqlExecutor,
  models: ModelExecutionManager,
  modelName: string,
  entityIds: readonly EntityId[],
  options: { readonly onProgress?: (done: number, total: number) => void; readonly tags?: TagAugmentation } = {},
): Promise<number> {
  const info = getEmbeddingModelInfo(modelName);
  const items: { entityId: EntityId; field: TextField }[] = [];
  const tags = options.tags ?? info.tags;
  for (const entityId of entityIds) for (const field of await fieldsToEmbed(db, entityId, tags)) items.push({ entityId, field });
  const batchSize = await models.getOptimalBatchSize(info.loader, modelName, TEXT_ITEM_ESTIMATE_MB, FALLBACK_BATCH_SIZE);
  const vectors = await models.runBatched<(typeof items)[number], Float32Array, TextEmbedder>(
    info.loader,
    modelName,
    {},
    items,
    (model, batch) => {
      assertTextEmbedderFits(modelName, model);
      return model.embed(batch.map((item) => item.field.text));
    },
    { batchSize, onProgress: options.onProgress },
  );
  await ecs.removeComponentsFrom(db, info.component, entityIds);
  await ecs.addComponents(
    db,
    info.component,
    items.map(({ entityId, field }, i) => ({
      entityId,
      fields: { embeddingVector: vectors[i]!, sourceComponentName: field.componentName, sourceFieldName: field.fieldName },
    })),
  );
  return items.length;
}

/**
 * The entities whose text is nearest the query, best field per entity, highest cosine first
 * (`findNearestEntities` on the model's table).
 */
export async function findSimilarEntitiesByText(
  db: SqlExecutor,
  embedder: TextEmbedder,
  modelName: string,
  queryText: string,
  options: SemanticSearchOptions = {},
): Promise<SemanticMatch[]> {
  const [query] = await embedder.embed([queryText]);
  if (!query) return [];
  return findNearestEntities(db, getEmbeddingModelInfo(modelName).component.table, vectorLiteral(query), options);
}
