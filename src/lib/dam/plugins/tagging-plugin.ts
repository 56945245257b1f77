import type { Plugin } from '../../ecs';
import { TAG_COMPONENTS } from '../components/tags';
import { NeedsAutoTaggingMarker } from '../components/markers';
import { MIGRATION_0006_TAGS } from '../migrations/0006-tags';
import { MIGRATION_0007_AUTO_TAGGING } from '../migrations/0007-auto-tagging';
import { MIGRATION_0008_TAG_SEARCH_INDEXES } from '../migrations/0008-tag-search-indexes';
import { MIGRATION_0009_ASSET_TAG_SETS } from '../migrations/0009-asset-tag-sets';
import { autoTaggingSystem } from '../systems/auto-tagging-system';

/**
 * Tags: concepts, manual and model links, siblings, parents and rejected model tags (seeds §2.7),
 * and auto-tagging (the marker, the world setting and the system). Needs `ModelExecutionManager`,
 * `BlobStore` and `ImageCodec` resources when images are marked.
 */
export const taggingPlugin: Plugin = {
  name: 'dam-tagging',
  build(world) {
    world.registerComponent(...TAG_COMPONENTS, NeedsAutoTaggingMarker);
    world.addMigration(MIGRATION_0006_TAGS);
    world.addMigration(MIGRATION_0007_AUTO_TAGGING);
    world.addMigration(MIGRATION_0008_TAG_SEARCH_INDEXES);
    world.addMigration(MIGRATION_0009_ASSET_TAG_SETS);
    world.addSystem(autoTaggingSystem);
  },
};
