import type { Plugin } from '../../ecs';
import { MIGRATION_0010_SAVED_SEARCHES } from '../migrations/0010-saved-searches';

/** Search beyond tags: saved searches. Queries themselves compile in `dam/query`. */
export const searchPlugin: Plugin = {
  name: 'dam-search',
  build(world) {
    world.addMigration(MIGRATION_0010_SAVED_SEARCHES);
  },
};
