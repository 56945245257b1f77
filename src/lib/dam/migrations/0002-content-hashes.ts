import type { Migration } from '../../db/migrations';
import { componentTableDdl } from '../../ecs';

const hashTable = (alg: string) => componentTableDdl(`component_content_hash_${alg}`, ['hash_value bytea NOT NULL'], { unique: true });

/** Shipped: never edit; add a new migration instead. */
export const MIGRATION_0002_CONTENT_HASHES: Migration = {
  id: '0002_content_hashes',
  sql: [
    ...['sha256', 'md5', 'sha1', 'crc32', 'blake3'].map(hashTable),
    'CREATE UNIQUE INDEX component_content_hash_sha256_value_idx ON component_content_hash_sha256 (hash_value);',
    'CREATE INDEX component_content_hash_md5_value_idx ON component_content_hash_md5 (hash_value);',
    componentTableDdl('component_marker_needs_metadata_extraction', [], { unique: true }),
  ].join('\n'),
};
