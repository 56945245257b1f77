import type { Plugin } from '../../ecs';
import { MIGRATION_0010_SAVED_SEARCHES } from '../migrations/0010-saved-searches';
import { MIGRATION_0011_ASSET_TEXT } from '../migrations/0011-asset-text';

/** Search beyond tags: saved searches and the full-text documents words match. Queries compile in `dam/query`. */
export const searchPlugin: Plugin = {
  name: 'dam-search',
  build(world) {
    world.addMigration(MIGRATION_0010_SAVED_SEARCHES);
    world.addMigration(MIGRATION_0011_ASSET_TEXT);
  },
};
