import type { Plugin } from '../../ecs';
import { TAG_COMPONENTS } from '../components/tags';
import { MIGRATION_0006_TAGS } from '../migrations/0006-tags';

/** Tags: concepts, manual and model links, siblings, parents and rejected model tags (seeds §2.7). */
export const taggingPlugin: Plugin = {
  name: 'dam-tagging',
  build(world) {
    world.registerComponent(...TAG_COMPONENTS);
    world.addMigration(MIGRATION_0006_TAGS);
  },
};
