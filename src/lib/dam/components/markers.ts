import { defineMarker } from '../../ecs';

/** Set on every newly ingested entity; the MetadataExtraction stage takes it off. */
export const NeedsMetadataExtractionMarker = defineMarker({
  name: 'NeedsMetadataExtractionMarker',
  table: 'component_marker_needs_metadata_extraction',
});
