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
