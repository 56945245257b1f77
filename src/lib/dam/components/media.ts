import { bigint, bigint64, boolean, defineComponent, entityRef, double, integer, jsonb, text, timestamptz } from '../../ecs';

/** Pixel size of an image or a video's frames. */
export const ImageDimensionsComponent = defineComponent({
  name: 'ImageDimensionsComponent',
  table: 'component_image_dimensions',
  unique: true,
  columns: {
    widthPixels: integer('width_pixels'),
    heightPixels: integer('height_pixels'),
  },
});

/**
 * EXIF, IPTC and XMP as read by exifr (`{ exif, iptc, xmp }`, JSON-safe), with the fields people
 * search on copied into columns.
 */
export const ExifMetadataComponent = defineComponent({
  name: 'ExifMetadataComponent',
  table: 'component_exif_metadata',
  unique: true,
  columns: {
    takenAt: timestamptz('taken_at').nullable(),
    cameraMake: text('camera_make').nullable(),
    cameraModel: text('camera_model').nullable(),
    gpsLatitude: double('gps_latitude').nullable(),
    gpsLongitude: double('gps_longitude').nullable(),
    metadata: jsonb<Record<string, unknown>>('metadata'),
  },
});

/** Sound: its properties and its tags (title, artist, album, …). */
export const AudioPropertiesComponent = defineComponent({
  name: 'AudioPropertiesComponent',
  table: 'component_audio_properties',
  unique: true,
  columns: {
    durationSeconds: double('duration_seconds').nullable(),
    codec: text('codec').nullable(),
    sampleRate: integer('sample_rate').nullable(),
    channels: integer('channels').nullable(),
    bitRateKbps: double('bit_rate_kbps').nullable(),
    tags: jsonb<Record<string, unknown>>('tags').nullable(),
  },
});

/** Moving pictures: frame count, rate and duration (dimensions are in ImageDimensions). */
export const FramePropertiesComponent = defineComponent({
  name: 'FramePropertiesComponent',
  table: 'component_frame_properties',
  unique: true,
  columns: {
    frameCount: integer('frame_count').nullable(),
    frameRate: double('frame_rate').nullable(),
    durationSeconds: double('duration_seconds').nullable(),
    codec: text('codec').nullable(),
  },
});

/** Paged documents (PDF): page count and the text layer, for full-text search. */
export const DocumentPropertiesComponent = defineComponent({
  name: 'DocumentPropertiesComponent',
  table: 'component_document_properties',
  unique: true,
  columns: {
    pageCount: integer('page_count'),
    title: text('title').nullable(),
    text: text('text').nullable(),
  },
});

/**
 * A small WebP (or the JPEG embedded in EXIF) kept in the blob store under its own SHA-256.
 * `source` says where it came from: `exif` (embedded preview, replaced later by a decoded
 * one), `image`, `video` (poster frame) or `pdf` (first page).
 */
export const ThumbnailComponent = defineComponent({
  name: 'ThumbnailComponent',
  table: 'component_thumbnail',
  unique: true,
  columns: {
    blobSha256: text('blob_sha256'),
    mimeType: text('mime_type'),
    widthPixels: integer('width_pixels'),
    heightPixels: integer('height_pixels'),
    source: text('source'),
  },
});

const perceptualHash = (name: string, table: string) =>
  defineComponent({ name, table, unique: true, columns: { hashValue: bigint64('hash_value') } });

/** 64-bit perceptual hashes of an image, compared by Hamming distance. */
export const ImagePerceptualPHashComponent = perceptualHash('ImagePerceptualPHashComponent', 'component_image_perceptual_phash');
export const ImagePerceptualAHashComponent = perceptualHash('ImagePerceptualAHashComponent', 'component_image_perceptual_ahash');
export const ImagePerceptualDHashComponent = perceptualHash('ImagePerceptualDHashComponent', 'component_image_perceptual_dhash');

export const PERCEPTUAL_HASH_COMPONENTS = [
  ImagePerceptualPHashComponent,
  ImagePerceptualAHashComponent,
  ImagePerceptualDHashComponent,
] as const;

/** This entity's bytes are a member of a zip archive (another entity). */
export const ArchiveMemberComponent = defineComponent({
  name: 'ArchiveMemberComponent',
  table: 'component_archive_member',
  columns: {
    archiveEntityId: entityRef('archive_entity_id'),
    pathInArchive: text('path_in_archive'),
    fileSizeBytes: bigint('file_size_bytes'),
    compressedSizeBytes: bigint('compressed_size_bytes').nullable(),
    modifiedAt: timestamptz('modified_at').nullable(),
  },
});

/**
 * Why a step could not finish for this entity (a truncated JPEG, an unreadable zip): the bytes
 * are kept, the error is shown to the user, and the step is not retried in a loop.
 */
export const ProcessingErrorComponent = defineComponent({
  name: 'ProcessingErrorComponent',
  table: 'component_processing_error',
  columns: {
    step: text('step'),
    message: text('message'),
  },
});

/** The opening text of a plain-text or Markdown file, for search and text embeddings. */
export const TextContentComponent = defineComponent({
  name: 'TextContentComponent',
  table: 'component_text_content',
  unique: true,
  columns: {
    text: text('text'),
    /** Whether the file held more than was kept. */
    truncated: boolean('truncated'),
  },
});
