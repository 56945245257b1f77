import type { Migration } from '../../db/migrations';
import { componentTableDdl } from '../../ecs';

const unique = { unique: true };

/** Shipped: never edit; add a new migration instead. */
export const MIGRATION_0003_MEDIA: Migration = {
  id: '0003_media',
  sql: [
    componentTableDdl('component_image_dimensions', ['width_pixels integer NOT NULL', 'height_pixels integer NOT NULL'], unique),
    componentTableDdl(
      'component_exif_metadata',
      [
        'taken_at timestamptz',
        'camera_make text',
        'camera_model text',
        'gps_latitude double precision',
        'gps_longitude double precision',
        'metadata jsonb NOT NULL',
      ],
      unique,
    ),
    'CREATE INDEX component_exif_metadata_taken_at_idx ON component_exif_metadata (taken_at);',
    componentTableDdl(
      'component_audio_properties',
      [
        'duration_seconds double precision',
        'codec text',
        'sample_rate integer',
        'channels integer',
        'bit_rate_kbps double precision',
        'tags jsonb',
      ],
      unique,
    ),
    componentTableDdl(
      'component_frame_properties',
      ['frame_count integer', 'frame_rate double precision', 'duration_seconds double precision', 'codec text'],
      unique,
    ),
    componentTableDdl('component_document_properties', ['page_count integer NOT NULL', 'title text', 'text text'], unique),
    componentTableDdl(
      'component_thumbnail',
      [
        'blob_sha256 text NOT NULL',
        'mime_type text NOT NULL',
        'width_pixels integer NOT NULL',
        'height_pixels integer NOT NULL',
        'source text NOT NULL',
      ],
      unique,
    ),
    'CREATE INDEX component_thumbnail_blob_idx ON component_thumbnail (blob_sha256);',
    ...['phash', 'ahash', 'dhash'].map((alg) =>
      componentTableDdl(`component_image_perceptual_${alg}`, ['hash_value bigint NOT NULL'], unique),
    ),
    componentTableDdl(
      'component_archive_member',
      [
        'archive_entity_id bigint NOT NULL REFERENCES entities(id) ON DELETE CASCADE',
        'path_in_archive text NOT NULL',
        'file_size_bytes bigint NOT NULL',
        'compressed_size_bytes bigint',
        'modified_at timestamptz',
      ],
      { unique: false },
    ),
    'CREATE UNIQUE INDEX component_archive_member_path_idx ON component_archive_member (entity_id, archive_entity_id, path_in_archive);',
    'CREATE INDEX component_archive_member_archive_idx ON component_archive_member (archive_entity_id);',
    componentTableDdl('component_processing_error', ['step text NOT NULL', 'message text NOT NULL'], { unique: false }),
    componentTableDdl('component_marker_needs_thumbnail', [], unique),
    componentTableDdl('component_marker_needs_archive_extraction', [], unique),
    // The library grid sorts by these.
    'CREATE INDEX component_file_properties_name_idx ON component_file_properties (original_filename);',
    'CREATE INDEX component_file_properties_size_idx ON component_file_properties (file_size_bytes);',
    'CREATE INDEX component_file_properties_first_seen_idx ON component_file_properties (first_seen_at);',
  ].join('\n'),
};
