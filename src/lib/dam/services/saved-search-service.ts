import type { AssetSort, SavedSearch, SavedSearchInput } from '../../api/dam-api';
import type { SqlExecutor } from '../../db/database';
import { DamError } from '../errors';
import type { QueryContext } from '../query/query-sql';
import { countAssets, parseSearch } from './asset-query-service';

const SORTS: readonly AssetSort[] = ['added', 'taken', 'name', 'size'];
const MAX_NAME_LENGTH = 100;

interface SavedSearchRow {
  id: number | string;
  search_name: string;
  query_text: string;
  sort_key: AssetSort;
  descending: boolean | null;
  created_at: Date | string;
  seen_through_entity_id: number | string;
}

const COLUMNS = 'id, search_name, query_text, sort_key, descending, created_at, seen_through_entity_id';

async function withNewMatches(db: SqlExecutor, row: SavedSearchRow, context: QueryContext): Promise<SavedSearch> {
  const search = { name: row.search_name, query: row.query_text, sort: row.sort_key, descending: row.descending };
  let newMatches = 0;
  try {
    newMatches = await countAssets(db, { search: row.query_text }, context, Number(row.seen_through_entity_id));
  } catch (error) {
    // A search saved with a ~ term whose model has since gone still lists; it just has no badge.
    if (!(error instanceof DamError)) throw error;
  }
  return {
    id: Number(row.id),
    ...search,
    createdAt: (row.created_at instanceof Date ? row.created_at : new Date(row.created_at)).toISOString(),
    newMatches,
  };
}

async function highestEntityId(db: SqlExecutor): Promise<number> {
  const { rows } = await db.query<{ id: number | string | null }>('SELECT max(id) AS id FROM entities');
  return Number(rows[0]?.id ?? 0);
}

/** The world's saved searches by name, each with its matches added since it was last opened. */
export async function listSavedSearches(db: SqlExecutor, context: QueryContext = {}): Promise<SavedSearch[]> {
  const { rows } = await db.query<SavedSearchRow>(`SELECT ${COLUMNS} FROM dam_saved_search ORDER BY lower(search_name), id`);
  const searches: SavedSearch[] = [];
  for (const row of rows) searches.push(await withNewMatches(db, row, context));
  return searches;
}

/**
 * Saves a search under a name (trimmed, 1–100 characters, unique without regard to case). The
 * query must parse; what matches it now counts as seen.
 */
export async function saveSearch(db: SqlExecutor, input: SavedSearchInput, context: QueryContext = {}): Promise<SavedSearch> {
  const name = input.name.trim().replace(/\s+/g, ' ');
  if (name === '' || name.length > MAX_NAME_LENGTH) {
    throw new DamError('InvalidSavedSearchError', `A saved search needs a name of 1 to ${MAX_NAME_LENGTH} characters`);
  }
  if (parseSearch(input.query) === null) throw new DamError('InvalidSavedSearchError', 'There is nothing to save: the search is empty');
  const sort = input.sort ?? 'added';
  if (!SORTS.includes(sort)) throw new DamError('InvalidSavedSearchError', `"${String(sort)}" is not a sort order`);
  const taken = await db.query('SELECT 1 FROM dam_saved_search WHERE lower(search_name) = lower($1)', [name]);
  if (taken.rows.length > 0) throw new DamError('SavedSearchExistsError', `There is already a saved search called "${name}"`);
  const { rows } = await db.query<SavedSearchRow>(
    `INSERT INTO dam_saved_search (search_name, query_text, sort_key, descending, seen_through_entity_id)
     VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [name, input.query.trim(), sort, input.descending ?? null, await highestEntityId(db)],
  );
  return withNewMatches(db, rows[0]!, context);
}

/** What the search matches now counts as seen. */
export async function markSavedSearchSeen(db: SqlExecutor, id: number, context: QueryContext = {}): Promise<SavedSearch> {
  const { rows } = await db.query<SavedSearchRow>(
    `UPDATE dam_saved_search SET seen_through_entity_id = $2 WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, await highestEntityId(db)],
  );
  if (!rows[0]) throw new DamError('SavedSearchNotFoundError', 'That saved search no longer exists');
  return withNewMatches(db, rows[0], context);
}

export async function deleteSavedSearch(db: SqlExecutor, id: number): Promise<boolean> {
  const { rows } = await db.query('DELETE FROM dam_saved_search WHERE id = $1 RETURNING id', [id]);
  return rows.length > 0;
}
