import type { Database } from '../db/database';
import { World, type Plugin, type ResourceManager, type WorldConfig } from '../ecs';
import { corePlugin } from './plugins/core-plugin';
import { mediaPlugin } from './plugins/media-plugin';
import { semanticPlugin } from './plugins/semantic-plugin';
import { searchPlugin } from './plugins/search-plugin';
import { taggingPlugin } from './plugins/tagging-plugin';
import { imageUnderstandingPlugin } from './plugins/image-understanding-plugin';
import { audioPlugin } from './plugins/audio-plugin';

/** The plugins every DAM world has. Later capabilities add theirs here. */
export const DEFAULT_PLUGINS: readonly Plugin[] = [
  corePlugin,
  mediaPlugin,
  taggingPlugin,
  semanticPlugin,
  searchPlugin,
  imageUnderstandingPlugin,
  audioPlugin,
];

/** Builds and starts a DAM world on an open database: plugins, migrations, schema check. */
export async function createDamWorld(
  config: WorldConfig,
  db: Database,
  options: { globalResources?: ResourceManager; plugins?: readonly Plugin[] } = {},
): Promise<World> {
  const world = new World(config, db, { globalResources: options.globalResources });
  for (const plugin of options.plugins ?? DEFAULT_PLUGINS) world.addPlugin(plugin);
  await world.start();
  return world;
}
