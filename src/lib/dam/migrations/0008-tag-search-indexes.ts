import type { Migration } from '../../db/migrations';

/**
 * Tag searches count matches from the link tables' indexes alone (index-only scans, once a
 * VACUUM has set the visibility map: `refreshSearchStatistics`): (tag, entity) replaces the
 * tag-only index, and model links carry their confidence. A 3-tag count at 100k assets and 1M
 * links went from 129 to 51 ms (BENCHMARKS.md, tag queries). Shipped: never edit.
 */
export const MIGRATION_0008_TAG_SEARCH_INDEXES: Migration = {
  id: '0008_tag_search_indexes',
  sql: [
    'CREATE INDEX component_entity_tag_link_tag_entity_idx ON component_entity_tag_link (tag_concept_entity_id, entity_id);',
    'DROP INDEX component_entity_tag_link_tag_idx;',
    'CREATE INDEX component_model_generated_tag_link_tag_entity_idx ON component_model_generated_tag_link (tag_concept_entity_id, entity_id) INCLUDE (confidence);',
    'DROP INDEX component_model_generated_tag_link_tag_idx;',
  ].join('\n'),
};
