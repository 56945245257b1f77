import type { Migration } from '../../db/migrations';

/**
 * Saved searches: a world's own, so they travel with its database. `seen_through_entity_id` is
 * the highest entity id when the search was last opened; matches above it are new (ids only
 * grow). Shipped: never edit.
 */
export const MIGRATION_0010_SAVED_SEARCHES: Migration = {
  id: '0010_saved_searches',
  sql: `
CREATE TABLE dam_saved_search (
  id bigserial PRIMARY KEY,
  search_name text NOT NULL CHECK (length(search_name) BETWEEN 1 AND 100),
  query_text text NOT NULL,
  sort_key text NOT NULL DEFAULT 'added',
  descending boolean,
  created_at timestamptz NOT NULL DEFAULT now(),
  seen_through_entity_id bigint NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX dam_saved_search_name_idx ON dam_saved_search (lower(search_name));
`,
};
