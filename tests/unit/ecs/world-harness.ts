import { World, type Plugin } from '../../../src/lib/ecs';
import { openTestDatabase } from '../helpers/test-database';
import { testComponentsPlugin } from '../helpers/engine-fixtures';

/** A started world on a fresh in-memory database, with the test components and `plugins`. */
export async function startTestWorld(name = 'test', ...plugins: Plugin[]): Promise<World> {
  const world = new World({ name, databaseUrl: 'memory://' }, await openTestDatabase());
  world.addPlugin(testComponentsPlugin);
  for (const plugin of plugins) world.addPlugin(plugin);
  await world.start();
  return world;
}
