import type { SqlExecutor } from '../../db/database';
import { likeEscaped } from '../../db/sql';
import { DamError } from '../errors';
import { hasAnyModelTagSql, hasAnyTagSql, matchingTagIdsNamed, namespaceTagIds } from '../services/tag-query-service';
import type { QueryNode } from './query-ast';
import { fieldReadsFile, fieldSql, isFieldNode, type FieldColumns } from './field-sql';

/**
 * Where the compiled condition finds an asset's id, its file properties row (by alias) and its
 * manual tag ids (`dam_asset_tag_set`).
 */
export interface QueryColumns extends FieldColumns {
  readonly tagIds: string;
}

/** Whether text has a word to look up (a letter or digit), as the documents split them. */
function hasWords(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

/** Whether the query reads the file properties (so a count has to join them). */
export function queryReadsFileProperties(node: QueryNode): boolean {
  if (isFieldNode(node)) return fieldReadsFile(node);
  switch (node.kind) {
    case 'text':
      return !hasWords(node.text);
    case 'not':
      return queryReadsFileProperties(node.operand);
    case 'and':
    case 'or':
      return node.operands.some(queryReadsFileProperties);
    default:
      return false;
  }
}

/** The least similarity a `~` term accepts when the search gives none (`~0.3`). */
export const DEFAULT_MIN_SIMILARITY = 0.3;

/** The vector for a `~` term, as a pgvector literal, and the embedding table it compares with. */
export interface QueryEmbedding {
  readonly table: string;
  readonly vector: string;
  /** The least similarity the model's vectors need by default (an image model's is far below a text model's). */
  readonly minSimilarity?: number;
}

export interface QueryContext {
  /** When ages (`added<7d`) count back from; the time of the search by default. */
  readonly now?: Date;
  /** Embeds a `~` term's text with the world's text model; absent where there is none. */
  readonly embedText?: (text: string) => Promise<QueryEmbedding>;
  /** Embeds a `~` term's text with the image model (CLIP), which compares it with pictures; null when there is none. */
  readonly embedTextForPictures?: (text: string) => Promise<QueryEmbedding | null>;
  /** Embeds a `~` term's text with an audio model that has a text tower (CLAP), which compares it with sounds; null when there is none. */
  readonly embedTextForSounds?: (text: string) => Promise<QueryEmbedding | null>;
  /** The least similarity a picture needs to match a `~` term (the search page's slider); the model's default otherwise. */
  readonly pictureMinSimilarity?: number;
}

/** The `~0.3` of a search (the parser allows it only at the top), or null. */
export function similarityFloor(node: QueryNode): number | null {
  if (node.kind === 'min-similarity') return node.value;
  if (node.kind !== 'and') return null;
  for (const operand of node.operands) {
    const floor = similarityFloor(operand);
    if (floor !== null) return floor;
  }
  return null;
}

/**
 * Compiles a parsed query into one SQL condition, appending its values to `params` (never into
 * the SQL text). Tag names are looked up first, each as the ids it matches (the preferred tag,
 * its descendants and their aliases), so a tag term is an overlap of the asset's tag-id array
 * with an id list, and an AND of them one GIN BitmapAnd; an unknown tag is `false`, so
 * `-tag:unknown` matches everything, as it should. Tag values and model tags need the link
 * tables' columns, so those terms are index semi-joins. A `~` term is embedded first and
 * compares by cosine distance with every stored text vector of the asset.
 */
export async function compileQuery(
  db: SqlExecutor,
  query: QueryNode,
  params: unknown[],
  columns: QueryColumns,
  context: QueryContext = {},
): Promise<string> {
  const param = (value: unknown) => params.push(value);
  const now = context.now ?? new Date();
  const maxDistance = 1 - (similarityFloor(query) ?? DEFAULT_MIN_SIMILARITY);
  const compile = async (node: QueryNode): Promise<string> => {
    if (isFieldNode(node)) return fieldSql(node, columns, param, now);
    switch (node.kind) {
      case 'text':
        // Words are looked up in the full-text documents (migration 0011), each as a prefix;
        // text with no letter or digit (`#`, `&`) can only be part of a name.
        if (!hasWords(node.text)) return `coalesce(${columns.file}.original_filename, '') ILIKE $${param(`%${likeEscaped(node.text)}%`)}`;
        return `${columns.entity} IN (SELECT t.entity_id FROM dam_asset_text t WHERE t.document @@ dam_words_query($${param(node.text)}))`;
      case 'tag': {
        const ids = await matchingTagIdsNamed(db, node.name);
        if (ids.length === 0) return 'false';
        const tags = param(ids);
        if (node.value === null) return `${columns.tagIds} && $${tags}::bigint[]`;
        return hasAnyTagSql(columns.entity, tags, param(node.value));
      }
      case 'namespace': {
        const ids = await namespaceTagIds(db, node.namespace);
        return ids.length === 0 ? 'false' : `${columns.tagIds} && $${param(ids)}::bigint[]`;
      }
      case 'model-tag': {
        const ids = await matchingTagIdsNamed(db, node.name);
        if (ids.length === 0) return 'false';
        const tags = param(ids);
        return hasAnyModelTagSql(columns.entity, tags, node.op === null ? undefined : { op: node.op, param: param(node.confidence) });
      }
      case 'semantic': {
        // A distance bound, not a nearest-neighbour LIMIT: every asset that close matches, so the
        // count is exact (HNSW answers only "the nearest k"). Correlated on the entity, so beside
        // selective terms the planner compares only their candidates' vectors (by the entity_id
        // index) instead of all of them. Texts compare with the text model's vectors of the
        // asset's texts and, where an image model is here, pictures with its vectors of them,
        // each at its own floor: the two spaces score alike things very differently.
        const near = (embedding: QueryEmbedding, floor: number) =>
          `EXISTS (SELECT 1 FROM ${embedding.table} v WHERE v.entity_id = ${columns.entity}
          AND (v.embedding_vector <=> $${param(embedding.vector)}::vector) <= $${param(1 - floor)}::double precision)`;
        const parts: string[] = [];
        if (context.embedText) parts.push(near(await context.embedText(node.text), 1 - maxDistance));
        const pictures = await context.embedTextForPictures?.(node.text);
        if (pictures) parts.push(near(pictures, context.pictureMinSimilarity ?? pictures.minSimilarity ?? DEFAULT_MIN_SIMILARITY));
        const sounds = await context.embedTextForSounds?.(node.text);
        if (sounds) parts.push(near(sounds, sounds.minSimilarity ?? DEFAULT_MIN_SIMILARITY));
        if (parts.length === 0) {
          throw new DamError('ModelUnavailableError', 'Search by meaning (~"…") needs a text model, and this world has none');
        }
        return `(${parts.join(' OR ')})`;
      }
      case 'min-similarity':
        return 'true';
      case 'not':
        // Not `NOT (…)`: a term on a missing value (no media type, no name) is NULL, and the
        // negation of "is an image" must hold for a file whose type is unknown.
        return `(${await compile(node.operand)}) IS NOT TRUE`;
      case 'and':
      case 'or': {
        const parts: string[] = [];
        for (const operand of node.operands) parts.push(`(${await compile(operand)})`);
        return parts.join(node.kind === 'and' ? ' AND ' : ' OR ');
      }
    }
  };
  return compile(query);
}

/** Which of `ids` the query matches (one statement). */
export async function entitiesMatching(
  db: SqlExecutor,
  node: QueryNode,
  ids: readonly number[],
  context: QueryContext = {},
): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const params: unknown[] = [ids];
  const condition = await compileQuery(
    db,
    node,
    params,
    {
      entity: 'e.id',
      file: 'p',
      tagIds: `coalesce(s.tag_ids, '{}'::bigint[])`,
    },
    context,
  );
  const { rows } = await db.query<{ id: number }>(
    `SELECT e.id FROM entities e LEFT JOIN component_file_properties p ON p.entity_id = e.id
      LEFT JOIN dam_asset_tag_set s ON s.entity_id = e.id
      WHERE e.id = ANY($1::bigint[]) AND (${condition})`,
    params,
  );
  return new Set(rows.map((r) => Number(r.id)));
}
