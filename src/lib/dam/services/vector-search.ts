import type { SqlExecutor } from '../../db/database';
import type { EntityId } from '../../ecs';

export interface SemanticMatch {
  readonly entityId: EntityId;
  /** Cosine similarity of the best-matching row (text field or picture), in [-1, 1]; a zero vector scores 0. */
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
  /** These entities are left out (the picture a "more like this" search starts from). */
  readonly excludeEntityIds?: readonly EntityId[];
}

/** A vector as pgvector's text literal. */
export function vectorLiteral(v: ArrayLike<number>): string {
  return `[${Array.from(v).join(',')}]`;
}

export const HNSW_EF_SEARCH = 200;

/** What a row says it came from: text and picture tables name a component and a field. */
const SOURCE_COLUMNS = 'source_component_name, source_field_name';
/** Audio tables (seeds §2.6) name the model instead, and a sound is one whole field. */
export const AUDIO_SOURCE_COLUMNS = "model_name AS source_component_name, 'sound' AS source_field_name";

interface NearestRow {
  entity_id: string | number;
  distance: number | null;
  source_component_name: string;
  source_field_name: string;
}

/**
 * The entities with a row in `table` nearest `vector` (a pgvector literal), best row per entity,
 * highest cosine first. HNSW answers the nearest rows; pgvector's iterative scan keeps a
 * filtered query going until it has enough, and the window grows until `topN` distinct
 * entities are found or rows run out. `table` must be one of the registries' embedding tables.
 */
export async function findNearestEntities(
  db: SqlExecutor,
  table: string,
  vector: string,
  options: SemanticSearchOptions = {},
  source: string = SOURCE_COLUMNS,
): Promise<SemanticMatch[]> {
  const topN = Math.max(1, Math.floor(options.topN ?? 10));
  const maxDistance = options.minSimilarity === undefined ? null : 1 - options.minSimilarity;
  // ef_search 200 (BENCHMARKS.md, knn, 100k vectors): recall@10 0.997 at 2.8 ms p50, and no query
  // below half its true neighbours; pgvector's default 40 gave 0.92, and 8 queries in 100 almost
  // nothing. Recall varied between index builds (64 gave 0.985, then 0.947), so the margin is kept.
  await db.exec(`SET LOCAL hnsw.iterative_scan = relaxed_order; SET LOCAL hnsw.ef_search = ${HNSW_EF_SEARCH}`);
  const params: unknown[] = [vector];
  const where: string[] = [];
  if (maxDistance !== null) where.push(`(embedding_vector <=> $1) <= ${Number(maxDistance)}`);
  if (options.withinEntityIds) {
    params.push(options.withinEntityIds);
    where.push(`entity_id = ANY($${params.length}::bigint[])`);
  }
  if (options.excludeEntityIds?.length) {
    params.push(options.excludeEntityIds);
    where.push(`entity_id <> ALL($${params.length}::bigint[])`);
  }
  const best = new Map<EntityId, SemanticMatch>();
  for (let window = topN * 4; ; window *= 4) {
    const { rows } = await db.query<NearestRow>(
      `SELECT entity_id, embedding_vector <=> $1 AS distance, ${source}
         FROM ${table}
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

/**
 * The entities nearest an entity's own vector in `table` (its first row: a video's first
 * keyframe), itself left out; null when it has no row there, so the caller can fall back.
 */
export async function findNearestToEntity(
  db: SqlExecutor,
  table: string,
  entityId: EntityId,
  options: SemanticSearchOptions = {},
  source: string = SOURCE_COLUMNS,
): Promise<SemanticMatch[] | null> {
  const { rows } = await db.query<{ v: string }>(
    `SELECT embedding_vector::text AS v FROM ${table} WHERE entity_id = $1 ORDER BY id LIMIT 1`,
    [entityId],
  );
  if (rows.length === 0) return null;
  return findNearestEntities(
    db,
    table,
    rows[0]!.v,
    { ...options, excludeEntityIds: [entityId, ...(options.excludeEntityIds ?? [])] },
    source,
  );
}
