import type { Plugin } from '../../ecs';
import { FileLocationComponent, FilePropertiesComponent } from '../components/files';
import { MIGRATION_0001_CORE_FILES } from '../migrations/0001-core-files';

/** The asset basics every world has: file properties and locations. */
export const corePlugin: Plugin = {
  name: 'dam-core',
  build(world) {
    world.registerComponent(FilePropertiesComponent, FileLocationComponent);
    world.addMigration(MIGRATION_0001_CORE_FILES);
  },
};
