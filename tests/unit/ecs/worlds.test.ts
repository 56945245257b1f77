import { describe, expect, it } from 'vitest';
import { InvalidWorldNameError, World, WorldRegistry, ecs } from '../../../src/lib/ecs';
import { TitleComponent } from '../helpers/engine-fixtures';
import { openTestDatabase } from '../helpers/test-database';
import { startTestWorld } from './world-harness';

describe('worlds', () => {
  it('keep their data apart, each in its own database', async () => {
    const registry = new WorldRegistry();
    const photos = await startTestWorld('photos');
    const music = await startTestWorld('music');
    registry.add(photos);
    registry.add(music);
    const inPhotos = await photos.transaction(async (tx) => {
      const id = await ecs.createEntity(tx);
      await ecs.addComponent(tx, id, TitleComponent.create({ title: 'beach' }));
      return id;
    });
    expect((await ecs.getComponent(photos.db, inPhotos, TitleComponent))?.title).toBe('beach');
    expect(await ecs.getComponent(music.db, inPhotos, TitleComponent)).toBeNull();
    expect(await ecs.findEntitiesWith(music.db, [TitleComponent])).toEqual([]);
    expect(registry.names()).toEqual(['music', 'photos']);
    expect(() => registry.add(photos)).toThrow(/already open/);
    await registry.closeAll();
    expect(registry.names()).toEqual([]);
  });

  it('refuse a name that is not a safe identifier', async () => {
    const db = await openTestDatabase();
    for (const bad of ['', 'Has Space', '../escape', 'UPPER', '-lead', 'x'.repeat(64)]) {
      expect(() => new World({ name: bad, databaseUrl: 'memory://' }, db)).toThrow(InvalidWorldNameError);
    }
    await db.close();
  });
});
