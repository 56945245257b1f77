import type { Database } from '../../db/database';

/** The tables searches read. */
const SEARCH_TABLES = [
  'entities',
  'component_file_properties',
  'dam_asset_tag_set',
  'dam_asset_text',
  'component_entity_tag_link',
  'component_model_generated_tag_link',
];

/**
 * VACUUM (ANALYZE) of the tables searches read: it sets the visibility map that lets a tag
 * count come from the index alone, and gives the planner fresh row counts. PGlite runs no
 * autovacuum, so the ingest runner calls this when a round of work ends (about 0.3 s at 1M tag
 * links). Not inside a transaction: VACUUM cannot run in one.
 */
export async function refreshSearchStatistics(db: Database): Promise<void> {
  await db.exec(`VACUUM (ANALYZE) ${SEARCH_TABLES.join(', ')}`);
}
