import type { Plugin } from '../../ecs';
import { NeedsArchiveExtractionMarker, NeedsThumbnailMarker } from '../components/markers';
import {
  ArchiveMemberComponent,
  AudioPropertiesComponent,
  DocumentPropertiesComponent,
  ExifMetadataComponent,
  FramePropertiesComponent,
  ImageDimensionsComponent,
  PERCEPTUAL_HASH_COMPONENTS,
  ProcessingErrorComponent,
  TextContentComponent,
  ThumbnailComponent,
} from '../components/media';
import { MIGRATION_0003_MEDIA } from '../migrations/0003-media';
import { MIGRATION_0005_TEXT_CONTENT } from '../migrations/0005-text-content';
import { archiveExtractionSystem, metadataExtractionSystem, thumbnailSystem } from '../systems/ingest-systems';

/** What ingest learns about files: archive members, metadata, thumbnails, perceptual hashes. */
export const mediaPlugin: Plugin = {
  name: 'dam-media',
  build(world) {
    world.registerComponent(
      ImageDimensionsComponent,
      ExifMetadataComponent,
      AudioPropertiesComponent,
      FramePropertiesComponent,
      DocumentPropertiesComponent,
      ThumbnailComponent,
      ...PERCEPTUAL_HASH_COMPONENTS,
      ArchiveMemberComponent,
      ProcessingErrorComponent,
      TextContentComponent,
      NeedsThumbnailMarker,
      NeedsArchiveExtractionMarker,
    );
    world.addMigration(MIGRATION_0003_MEDIA);
    world.addMigration(MIGRATION_0005_TEXT_CONTENT);
    world.addSystem(archiveExtractionSystem);
    world.addSystem(metadataExtractionSystem);
    world.addSystem(thumbnailSystem);
  },
};
