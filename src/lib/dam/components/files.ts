import { bigint, defineComponent, text, timestamptz } from '../../ecs';

/** What is known of a file regardless of where it was found. One per asset. */
export const FilePropertiesComponent = defineComponent({
  name: 'FilePropertiesComponent',
  table: 'component_file_properties',
  unique: true,
  columns: {
    originalFilename: text('original_filename').nullable(),
    fileSizeBytes: bigint('file_size_bytes').nullable(),
    mimeType: text('mime_type').nullable(),
    firstSeenAt: timestamptz('first_seen_at').nullable(),
  },
});

/**
 * Where the bytes of an asset were found or are kept: `dam://blob/<sha256>#<name>` for the
 * content-addressed store, or the path a file was dropped from. One row per distinct source.
 */
export const FileLocationComponent = defineComponent({
  name: 'FileLocationComponent',
  table: 'component_file_location',
  columns: {
    url: text('url'),
    lastModifiedAt: timestamptz('last_modified_at').nullable(),
  },
});
