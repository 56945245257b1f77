import { ASSET_KINDS, type AssetCard, type AssetPage, type AssetQuery } from '../../api/dam-api';
import { likeEscaped } from '../../db/sql';
import type { SqlExecutor } from '../../db/database';
import { QuerySyntaxError, type QueryNode } from '../query/query-ast';
import { parseQuery } from '../query/query-parser';
import { compileQuery, queryReadsFileProperties, type QueryContext } from '../query/query-sql';
import { kindSql } from '../query/field-sql';
import { DamError } from '../errors';
import { assetKindOf } from '../media/asset-kind';

const MAX_PAGE = 500;

/**
 * Sort keys, over the asset id column `id`, the file properties `p` and the EXIF `x`; ties break
 * on the id so pages never overlap. NULLs sort last.
 */
/**
 * ORDER BY for each sort. With `fenced`, every key is an expression no index can serve
 * (`+ 0`, `|| ''`): for a search with few matches the planner then finds the matches first and
 * sorts them, instead of walking a sort index and testing every asset it passes against the
 * filter until the page is full (a 20-match mixed search at 100k assets took ~100 ms that way).
 */
const SORT_SQL = Object.freeze({
  // Ids grow with insertion, and the primary key index serves this order.
  added: (desc: boolean, id: string, fenced = false) => `${fenced ? `(${id} + 0)` : id} ${desc ? 'DESC' : 'ASC'}`,
  taken: (desc: boolean, id: string, fenced = false) =>
    `${fenced ? "(x.taken_at + interval '0')" : 'x.taken_at'} ${desc ? 'DESC' : 'ASC'} NULLS LAST, ${id} ${desc ? 'DESC' : 'ASC'}`,
  name: (desc: boolean, id: string, fenced = false) =>
    `${fenced ? "(lower(p.original_filename) || '')" : 'lower(p.original_filename)'} ${desc ? 'DESC' : 'ASC'} NULLS LAST, ${id} ${desc ? 'DESC' : 'ASC'}`,
  size: (desc: boolean, id: string, fenced = false) =>
    `${fenced ? '(p.file_size_bytes + 0)' : 'p.file_size_bytes'} ${desc ? 'DESC' : 'ASC'} NULLS LAST, ${id} ${desc ? 'DESC' : 'ASC'}`,
});

/**
 * A filtered page sorts its matches instead of walking a sort index when the walk would pass
 * more than this many assets to fill the page (about page end × assets ÷ matches). Sorting costs
 * finding every match; walking costs testing each asset passed. 20 matches in 100k: fenced;
 * 2,000 matches of a meaning term: walked (the fence made it take twice as long).
 */
const MAX_INDEX_WALK = 20_000;

const CARD_COLUMNS = `e.id, e.created_at, p.original_filename, p.mime_type, p.file_size_bytes, x.taken_at,
  d.width_pixels, d.height_pixels, (t.entity_id IS NOT NULL) AS has_thumbnail, t.blob_sha256 AS thumbnail_key,
  (SELECT string_agg(pe.step || ': ' || pe.message, '; ' ORDER BY pe.id) FROM component_processing_error pe WHERE pe.entity_id = e.id) AS error`;

const CARD_JOINS = `FROM entities e
  JOIN component_file_properties p ON p.entity_id = e.id
  LEFT JOIN component_exif_metadata x ON x.entity_id = e.id
  LEFT JOIN component_image_dimensions d ON d.entity_id = e.id
  LEFT JOIN component_thumbnail t ON t.entity_id = e.id`;

interface CardRow {
  id: number;
  created_at: Date | string;
  original_filename: string | null;
  mime_type: string | null;
  file_size_bytes: number | string | null;
  taken_at: Date | string | null;
  width_pixels: number | null;
  height_pixels: number | null;
  has_thumbnail: boolean;
  thumbnail_key: string | null;
  error: string | null;
}

function iso(value: Date | string | null): string | null {
  if (value === null) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

function toCard(row: CardRow): AssetCard {
  return {
    id: Number(row.id),
    name: row.original_filename,
    mimeType: row.mime_type,
    kind: assetKindOf(row.mime_type),
    sizeBytes: row.file_size_bytes === null ? null : Number(row.file_size_bytes),
    addedAt: iso(row.created_at)!,
    takenAt: iso(row.taken_at),
    width: row.width_pixels,
    height: row.height_pixels,
    hasThumbnail: Boolean(row.has_thumbnail),
    thumbnailKey: row.thumbnail_key,
    error: row.error,
  };
}

/** One page of the library's files (entities with file properties), filtered and sorted. */
/** Where compiled queries find an asset's id and name in these statements. */
const COLUMNS = { entity: 's.entity_id', file: 'p', tagIds: 's.tag_ids' } as const;

/** `parseQuery`, its syntax errors as the user's InvalidQueryError. */
export function parseSearch(search: string): QueryNode | null {
  try {
    return parseQuery(search);
  } catch (error) {
    if (error instanceof QuerySyntaxError) throw new DamError('InvalidQueryError', error.message);
    throw error;
  }
}

/** An asset query's filter as SQL over `dam_asset_tag_set s` (and `p`, when `readsFile`). */
interface AssetFilter {
  readonly where: string[];
  readonly params: unknown[];
  readonly readsFile: boolean;
}

async function assetFilter(db: SqlExecutor, query: AssetQuery, context: QueryContext): Promise<AssetFilter> {
  const where: string[] = [];
  const params: unknown[] = [];
  let readsFile = Boolean(query.kind || query.nameContains);
  if (query.kind) where.push(ASSET_KINDS.includes(query.kind) ? kindSql(query.kind, 'p.mime_type') : 'false');
  if (query.nameContains) {
    params.push(`%${likeEscaped(query.nameContains)}%`);
    where.push(`p.original_filename ILIKE $${params.length}`);
  }
  // An unknown tag compiles to `false`: no matches.
  if (query.tag !== undefined) where.push(await compileQuery(db, { kind: 'tag', name: query.tag, value: null }, params, COLUMNS, context));
  if (query.search !== undefined) {
    const parsed = parseSearch(query.search);
    if (parsed) {
      where.push(await compileQuery(db, parsed, params, COLUMNS, context));
      readsFile ||= queryReadsFileProperties(parsed);
    }
  }
  return { where, params, readsFile };
}

// Every asset has one tag-set row (kept by triggers): a filter runs over that table, joined to
// what its terms and the sort read and nothing more.
const FILE_JOIN = 'JOIN component_file_properties p ON p.entity_id = s.entity_id';

const countSql = (filter: AssetFilter, whereSql: string) =>
  `SELECT count(*)::int AS n FROM dam_asset_tag_set s ${filter.readsFile ? FILE_JOIN : ''} ${whereSql}`;

/** How many assets match, counting only those with an id above `afterEntityId` when given. */
export async function countAssets(db: SqlExecutor, query: AssetQuery, context: QueryContext = {}, afterEntityId?: number): Promise<number> {
  const filter = await assetFilter(db, query, context);
  const { where, params } = filter;
  if (afterEntityId !== undefined) where.push(`s.entity_id > $${params.push(afterEntityId)}`);
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const { rows } = await db.query<{ n: number }>(countSql(filter, whereSql), params);
  return rows[0]?.n ?? 0;
}

/** Every asset the query matches, by id. */
export async function assetIdsMatching(db: SqlExecutor, query: AssetQuery, context: QueryContext = {}): Promise<number[]> {
  const filter = await assetFilter(db, query, context);
  const whereSql = filter.where.length ? `WHERE ${filter.where.join(' AND ')}` : '';
  const { rows } = await db.query<{ entity_id: number }>(
    `SELECT s.entity_id FROM dam_asset_tag_set s ${filter.readsFile ? FILE_JOIN : ''} ${whereSql} ORDER BY s.entity_id`,
    filter.params,
  );
  return rows.map((r) => Number(r.entity_id));
}

export async function listAssets(db: SqlExecutor, query: AssetQuery = {}, context: QueryContext = {}): Promise<AssetPage> {
  const filter = await assetFilter(db, query, context);
  const { where, params, readsFile } = filter;
  const sort = query.sort && query.sort in SORT_SQL ? query.sort : 'added';
  const descending = query.descending ?? sort !== 'name';
  const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(query.limit ?? 100)));
  const offset = Math.max(0, Math.floor(query.offset ?? 0));
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const matching = `FROM dam_asset_tag_set s ${readsFile || sort === 'name' || sort === 'size' ? FILE_JOIN : ''}
    ${sort === 'taken' ? 'LEFT JOIN component_exif_metadata x ON x.entity_id = s.entity_id' : ''} ${whereSql}`;
  // The planner's estimate of the asset count (kept by refreshSearchStatistics) is enough here.
  const { rows } = await db.query<{ n: number; assets: number }>(
    `SELECT (${countSql(filter, whereSql)}) AS n,
       (SELECT greatest(reltuples, 0)::float8 FROM pg_class WHERE oid = 'dam_asset_tag_set'::regclass) AS assets`,
    params,
  );
  const total = rows[0]?.n ?? 0;
  if (total === 0 || offset >= total) return { total, items: [] };
  const fenced = where.length > 0 && ((offset + limit) * Math.max(rows[0]?.assets ?? 0, total)) / total > MAX_INDEX_WALK;
  // The page's ids first, then the cards of those alone: joining every card table before the
  // LIMIT made a 3-tag page at 100k assets three times slower.
  const page = await db.query<CardRow>(
    `WITH page AS (SELECT s.entity_id AS id ${matching} ORDER BY ${SORT_SQL[sort](descending, 's.entity_id', fenced)} LIMIT ${limit} OFFSET ${offset})
     SELECT ${CARD_COLUMNS} ${CARD_JOINS} JOIN page ON page.id = e.id ORDER BY ${SORT_SQL[sort](descending, 'e.id')}`,
    params,
  );
  return { total, items: page.rows.map(toCard) };
}

export async function getAssetCard(db: SqlExecutor, id: number): Promise<AssetCard | null> {
  return (await getAssetCards(db, [id])).get(id) ?? null;
}

/** The cards of several assets in one query, by id; ids that are not assets are absent. */
export async function getAssetCards(db: SqlExecutor, ids: readonly number[]): Promise<Map<number, AssetCard>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<CardRow>(`SELECT ${CARD_COLUMNS} ${CARD_JOINS} WHERE e.id = ANY($1::bigint[])`, [ids]);
  return new Map(rows.map((row) => [Number(row.id), toCard(row)]));
}

/** The lowercase hex SHA-256 of an entity's bytes. */
export async function sha256Of(db: SqlExecutor, id: number): Promise<string | null> {
  const { rows } = await db.query<{ hex: string }>(
    `SELECT encode(hash_value, 'hex') AS hex FROM component_content_hash_sha256 WHERE entity_id = $1`,
    [id],
  );
  return rows[0]?.hex ?? null;
}
