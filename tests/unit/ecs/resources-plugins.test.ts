import { describe, expect, it } from 'vitest';
import { ResourceManager, ResourceNotFoundError, World } from '../../../src/lib/ecs';
import { openTestDatabase } from '../helpers/test-database';

abstract class BlobStoreBase {
  abstract kind(): string;
}
class MemoryBlobStore extends BlobStoreBase {
  kind() {
    return 'memory';
  }
}
class ModelManager {}

describe('ResourceManager', () => {
  it('finds a registered subclass when asked for its base class', () => {
    const resources = new ResourceManager();
    const store = new MemoryBlobStore();
    resources.add(store);
    expect(resources.get(BlobStoreBase)).toBe(store);
    expect(resources.get(MemoryBlobStore)).toBe(store);
  });

  it('falls back to the global manager and names a missing type', () => {
    const global = new ResourceManager();
    const manager = new ModelManager();
    global.add(manager);
    const perWorld = new ResourceManager(global);
    expect(perWorld.get(ModelManager)).toBe(manager);
    expect(() => perWorld.get(BlobStoreBase)).toThrow(ResourceNotFoundError);
    expect(() => perWorld.get(BlobStoreBase)).toThrow(/BlobStoreBase/);
  });

  it('refuses to guess between two subclasses', () => {
    class OtherStore extends BlobStoreBase {
      kind() {
        return 'other';
      }
    }
    const resources = new ResourceManager();
    resources.add(new MemoryBlobStore());
    resources.add(new OtherStore());
    expect(() => resources.get(BlobStoreBase)).toThrow(/Several/);
  });
});

describe('plugins', () => {
  it('build once per world, whether given as an object or a function', async () => {
    const world = new World({ name: 'plugins', databaseUrl: 'memory://' }, await openTestDatabase());
    let objectBuilds = 0;
    let functionBuilds = 0;
    const objectPlugin = { name: 'counted', build: () => void objectBuilds++ };
    const functionPlugin = () => void functionBuilds++;
    world
      .addPlugin(objectPlugin)
      .addPlugin(objectPlugin)
      .addPlugin({ name: 'counted', build: () => void objectBuilds++ });
    world.addPlugin(functionPlugin).addPlugin(functionPlugin);
    expect([objectBuilds, functionBuilds]).toEqual([1, 1]);
    expect(world.hasPlugin(objectPlugin)).toBe(true);
    await world.close();
  });
});
