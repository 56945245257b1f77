import { defineMarker } from '../../ecs';

/** Set on every newly ingested entity; the MetadataExtraction stage takes it off. */
export const NeedsMetadataExtractionMarker = defineMarker({
  name: 'NeedsMetadataExtractionMarker',
  table: 'component_marker_needs_metadata_extraction',
});

/** Images, videos and PDFs that still need a decoded thumbnail (and images, perceptual hashes). */
export const NeedsThumbnailMarker = defineMarker({
  name: 'NeedsThumbnailMarker',
  table: 'component_marker_needs_thumbnail',
});

/** Zip archives whose members have not been added yet. */
export const NeedsArchiveExtractionMarker = defineMarker({
  name: 'NeedsArchiveExtractionMarker',
  table: 'component_marker_needs_archive_extraction',
});

/** Entities whose text fields (name, EXIF title, audio tags, PDF text) are not embedded yet. */
export const NeedsTextEmbeddingMarker = defineMarker({
  name: 'NeedsTextEmbeddingMarker',
  table: 'component_marker_needs_text_embedding',
});

/** Images an auto-tagging model has not tagged yet (added at ingest while auto-tagging is on). */
export const NeedsAutoTaggingMarker = defineMarker({
  name: 'NeedsAutoTaggingMarker',
  table: 'component_marker_needs_auto_tagging',
});

/**
 * Pictures and videos to embed with the image model (CLIP). Set at ingest; the system drops it
 * when no image model is here, and importing one marks every picture still without a vector.
 */
export const NeedsImageEmbeddingMarker = defineMarker({
  name: 'NeedsImageEmbeddingMarker',
  table: 'component_marker_needs_image_embedding',
});

/** Pictures whose text has not been read yet (OCR, while it is on). */
export const NeedsOcrMarker = defineMarker({
  name: 'NeedsOcrMarker',
  table: 'component_marker_needs_ocr',
});

/** Sounds and videos whose audio no audio model has embedded yet (seeds: NeedsAudioProcessingMarker). */
export const NeedsAudioProcessingMarker = defineMarker({
  name: 'NeedsAudioProcessingMarker',
  table: 'component_marker_needs_audio_processing',
});
