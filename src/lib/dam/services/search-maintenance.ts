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

/**
 * VACUUM (ANALYZE) of the whole database, for a long ingest on PGlite, which runs no
 * autovacuum: markers are added and deleted by the thousand, and the stages' `ORDER BY
 * entity_id LIMIT n` then walks every dead index entry before the live ones, so each batch costs
 * more than the last (the backends benchmark: 177 → 52 files/s by 30k files without this, 292
 * flat to 100k with it). A server vacuums itself.
 */
export async function vacuumAfterChurn(db: Database): Promise<void> {
  if (!db.vacuumsItself) await db.exec('VACUUM (ANALYZE)');
}
