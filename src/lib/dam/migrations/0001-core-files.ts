import type { Migration } from '../../db/migrations';
import { componentTableDdl } from '../../ecs';

/** Shipped: never edit; add a new migration instead. */
export const MIGRATION_0001_CORE_FILES: Migration = {
  id: '0001_core_files',
  sql: [
    componentTableDdl(
      'component_file_properties',
      ['original_filename text', 'file_size_bytes bigint', 'mime_type text', 'first_seen_at timestamptz'],
      { unique: true },
    ),
    componentTableDdl('component_file_location', ['url text NOT NULL', 'last_modified_at timestamptz'], { unique: false }),
    'CREATE UNIQUE INDEX component_file_location_entity_url_idx ON component_file_location (entity_id, url);',
    'CREATE INDEX component_file_location_url_idx ON component_file_location (url);',
  ].join('\n'),
};
