import type { Plugin } from '../../ecs';
import { FileLocationComponent, FilePropertiesComponent } from '../components/files';
import { CONTENT_HASH_COMPONENTS } from '../components/hashes';
import { NeedsMetadataExtractionMarker } from '../components/markers';
import { MIGRATION_0001_CORE_FILES } from '../migrations/0001-core-files';
import { MIGRATION_0002_CONTENT_HASHES } from '../migrations/0002-content-hashes';

/** The asset basics every world has: file properties, locations, content hashes. */
export const corePlugin: Plugin = {
  name: 'dam-core',
  build(world) {
    world.registerComponent(FilePropertiesComponent, FileLocationComponent, ...CONTENT_HASH_COMPONENTS, NeedsMetadataExtractionMarker);
    world.addMigration(MIGRATION_0001_CORE_FILES, MIGRATION_0002_CONTENT_HASHES);
  },
};
