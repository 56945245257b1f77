import type { SqlExecutor } from '../../db/database';
import { ecs, type EntityId } from '../../ecs';
import type { ModelExecutionManager } from '../../ml/model-execution-manager';
import type { TextEmbedder } from '../../ml/model-types';
import { getEmbeddingModelInfo } from '../models/embedding-model-registry';
import { collectTextFields, type TextField } from './text-fields';
import { augmentTextFieldsWithTags, type TagAugmentation } from './text-tag-augmentation';
import type { QueryEmbedding } from '../query/query-sql';
import { assertTextEmbedderFits, chooseTextModel, getTextEmbedder } from './text-model-choice';

/*
 * Semantic text search (seeds §2.5, SEED-BEHAVIOURS "Semantic search"). Services take the
 * embedder as an argument; the system or the API call gets it from the ModelExecutionManager.
 */

export interface SemanticMatch {
  readonly entityId: EntityId;
  /** Cosine similarity of the best-matching field, in [-1, 1]; a zero vector scores 0. */
  readonly score: number;
  readonly sourceComponentName: string;
  readonly sourceFieldName: string;
}

export interface SemanticSearchOptions {
  /** At most this many distinct entities (default 10). */
  readonly topN?: number;
  /** Results below this cosine similarity are left out (default: none). */
  readonly minSimilarity?: number;
  /** Only these entities are considered (a filtered search still returns up to topN). */
  readonly withinEntityIds?: readonly EntityId[];
}

function vectorLiteral(v: ArrayLike<number>): string {
  return `[${Array.from(v).join(',')}]`;
}

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

export const HNSW_EF_SEARCH = 200;

interface NearestRow {
  entity_id: string | number;
  distance: number | null;
  source_component_name: string;
  source_field_name: string;
}

/**
 * The entities whose text is nearest the query, best field per entity, highest cosine first.
 * HNSW answers the nearest rows; pgvector's iterative scan keeps a filtered query going until
 * it has enough, and the window grows until `topN` distinct entities are found or rows run out.
 */
export async function findSimilarEntitiesByText(
  db: SqlExecutor,
  embedder: TextEmbedder,
  modelName: string,
  queryText: string,
  options: SemanticSearchOptions = {},
): Promise<SemanticMatch[]> {
  const { component } = getEmbeddingModelInfo(modelName);
  const topN = Math.max(1, Math.floor(options.topN ?? 10));
  const maxDistance = options.minSimilarity === undefined ? null : 1 - options.minSimilarity;
  const [query] = await embedder.embed([queryText]);
  if (!query) return [];
  // ef_search 200 (BENCHMARKS.md, knn, 100k vectors): recall@10 0.997 at 2.8 ms p50, and no query
  // below half its true neighbours; pgvector's default 40 gave 0.92, and 8 queries in 100 almost
  // nothing. Recall varied between index builds (64 gave 0.985, then 0.947), so the margin is kept.
  await db.exec(`SET LOCAL hnsw.iterative_scan = relaxed_order; SET LOCAL hnsw.ef_search = ${HNSW_EF_SEARCH}`);
  const params: unknown[] = [vectorLiteral(query)];
  const where: string[] = [];
  if (maxDistance !== null) where.push(`(embedding_vector <=> $1) <= ${Number(maxDistance)}`);
  if (options.withinEntityIds) {
    params.push(options.withinEntityIds);
    where.push(`entity_id = ANY($${params.length}::bigint[])`);
  }
  const best = new Map<EntityId, SemanticMatch>();
  for (let window = topN * 4; ; window *= 4) {
    const { rows } = await db.query<NearestRow>(
      `SELECT entity_id, embedding_vector <=> $1 AS distance, source_component_name, source_field_name
         FROM ${component.table}
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY embedding_vector <=> $1
         LIMIT ${window}`,
      params,
    );
    best.clear();
    for (const row of rows) {
      const entityId = Number(row.entity_id);
      if (best.has(entityId)) continue;
      // pgvector gives NaN for a zero vector's cosine distance: it scores 0.
      const score = row.distance === null || Number.isNaN(Number(row.distance)) ? 0 : 1 - Number(row.distance);
      best.set(entityId, { entityId, score, sourceComponentName: row.source_component_name, sourceFieldName: row.source_field_name });
    }
    if (best.size >= topN || rows.length < window) break;
  }
  return [...best.values()]
    .filter((m) => options.minSimilarity === undefined || m.score >= options.minSimilarity)
    .sort((a, b) => b.score - a.score)
    .slice(0, topN);
}
