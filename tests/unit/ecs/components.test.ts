import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComponentAlreadyPresentError, EntityNotFoundError, ecs, type World } from '../../../src/lib/ecs';
import { NeedsWorkMarker, NoteComponent, TitleComponent } from '../helpers/engine-fixtures';
import { startTestWorld } from './world-harness';

let world: World;
beforeAll(async () => {
  world = await startTestWorld();
});
afterAll(() => world.close());

describe('components', () => {
  it('adds a component built from its own fields and reads it back typed', async () => {
    const note = NoteComponent.create({ body: 'hello', weight: 7 });
    const stored = await world.transaction(async (tx) => {
      const id = await ecs.createEntity(tx);
      return ecs.addComponent(tx, id, note);
    });
    expect(stored.body).toBe('hello');
    expect(stored.weight).toBe(7);
    expect(stored.createdAt).toBeInstanceOf(Date);
    const again = await ecs.getComponent(world.db, stored.entityId, NoteComponent);
    expect(again).toEqual(stored);
  });

  it('keeps several rows of a non-unique component and one of a unique one', async () => {
    const entityId = await world.transaction(async (tx) => {
      const id = await ecs.createEntity(tx);
      await ecs.addComponent(tx, id, NoteComponent.create({ body: 'a', weight: null }));
      await ecs.addComponent(tx, id, NoteComponent.create({ body: 'b', weight: 2 }));
      await ecs.addComponent(tx, id, TitleComponent.create({ title: 'first' }));
      return id;
    });
    const notes = await ecs.getComponents(world.db, entityId, NoteComponent);
    expect(notes.map((n) => [n.body, n.weight])).toEqual([
      ['a', null],
      ['b', 2],
    ]);
    await expect(
      world.transaction((tx) => ecs.addComponent(tx, entityId, TitleComponent.create({ title: 'second' }))),
    ).rejects.toBeInstanceOf(ComponentAlreadyPresentError);
    expect((await ecs.getComponent(world.db, entityId, TitleComponent))?.title).toBe('first');
  });

  it('creates entities and attaches components in bulk, as one-by-one would', async () => {
    const ids = await world.transaction(async (tx) => {
      const created = await ecs.createEntities(tx, 3);
      await ecs.addComponents(
        tx,
        NoteComponent,
        created.flatMap((entityId, i) => [
          { entityId, fields: { body: `n${i}`, weight: i } },
          { entityId, fields: { body: `m${i}`, weight: null } },
        ]),
      );
      await ecs.addComponents(
        tx,
        TitleComponent,
        created.map((entityId, i) => ({ entityId, fields: { title: `t${i}` } })),
      );
      return created;
    });
    expect(ids).toHaveLength(3);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    for (const [i, id] of ids.entries()) {
      expect((await ecs.getComponents(world.db, id, NoteComponent)).map((n) => [n.body, n.weight])).toEqual([
        [`n${i}`, i],
        [`m${i}`, null],
      ]);
      expect((await ecs.getComponent(world.db, id, TitleComponent))?.title).toBe(`t${i}`);
    }
    // A unique component twice, or on a missing entity, fails the whole statement.
    await expect(
      world.transaction((tx) => ecs.addComponents(tx, TitleComponent, [{ entityId: ids[0]!, fields: { title: 'again' } }])),
    ).rejects.toBeInstanceOf(ComponentAlreadyPresentError);
    await expect(
      world.transaction((tx) => ecs.addComponents(tx, NoteComponent, [{ entityId: 999_998, fields: { body: 'x', weight: null } }])),
    ).rejects.toBeInstanceOf(EntityNotFoundError);
    expect(await ecs.createEntities(world.db, 0)).toEqual([]);
  });

  it('refuses a component for an entity that does not exist', async () => {
    await expect(
      world.transaction((tx) => ecs.addComponent(tx, 999_999, NoteComponent.create({ body: 'x', weight: null }))),
    ).rejects.toBeInstanceOf(EntityNotFoundError);
  });

  it('updates and removes one component, and deleting the entity removes the rest', async () => {
    const [entityId, noteId] = await world.transaction(async (tx) => {
      const id = await ecs.createEntity(tx);
      const note = await ecs.addComponent(tx, id, NoteComponent.create({ body: 'old', weight: 1 }));
      await ecs.addComponent(tx, id, TitleComponent.create({ title: 't' }));
      return [id, note.id] as const;
    });
    const updated = await world.transaction((tx) => ecs.updateComponent(tx, NoteComponent, noteId, { body: 'new' }));
    expect(updated?.body).toBe('new');
    expect(updated?.weight).toBe(1);
    expect(await world.transaction((tx) => ecs.removeComponent(tx, NoteComponent, noteId))).toBe(true);
    expect(await ecs.getComponents(world.db, entityId, NoteComponent)).toEqual([]);
    expect(await world.transaction((tx) => ecs.deleteEntity(tx, entityId))).toBe(true);
    expect(await ecs.getComponent(world.db, entityId, TitleComponent)).toBeNull();
    const { rows } = await world.db.query('SELECT 1 FROM component_title WHERE entity_id = $1', [entityId]);
    expect(rows).toHaveLength(0);
  });

  it('finds the entities that carry every given component type', async () => {
    const [both, onlyNote] = await world.transaction(async (tx) => {
      const a = await ecs.createEntity(tx);
      await ecs.addComponent(tx, a, NoteComponent.create({ body: 'n', weight: null }));
      await ecs.addMarker(tx, NeedsWorkMarker, [a]);
      const b = await ecs.createEntity(tx);
      await ecs.addComponent(tx, b, NoteComponent.create({ body: 'n', weight: null }));
      return [a, b];
    });
    const found = await ecs.findEntitiesWith(world.db, [NoteComponent, NeedsWorkMarker]);
    expect(found).toContain(both);
    expect(found).not.toContain(onlyNote);
    expect(await ecs.findEntitiesWith(world.db, [NoteComponent], { afterId: both })).toContain(onlyNote);
  });

  it('adds a marker idempotently', async () => {
    const id = await world.transaction(async (tx) => {
      const e = await ecs.createEntity(tx);
      await ecs.addMarker(tx, NeedsWorkMarker, [e]);
      await ecs.addMarker(tx, NeedsWorkMarker, [e]);
      return e;
    });
    expect(await ecs.getComponents(world.db, id, NeedsWorkMarker)).toHaveLength(1);
  });
});
