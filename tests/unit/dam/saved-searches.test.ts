import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DamApp } from '../../../src/lib/dam/dam-app';
import { createNodePlatform } from '../../../src/lib/platform/node-platform';

const text = (s: string) => new Blob([new TextEncoder().encode(s)]);

describe('saved searches', () => {
  let app: DamApp;

  const add = async (name: string) => {
    const [result] = await app.ingestFiles([{ name, file: text(`the file ${name}`) }]);
    return result!.entityId!;
  };

  beforeAll(async () => {
    app = new DamApp(await createNodePlatform());
    await app.createWorld('saved');
    await app.openWorld('saved');
    await app.applyTag([await add('tabby.txt')], 'cat');
  }, 60_000);
  afterAll(() => app.close());

  it('saves a search whose current matches count as seen, and badges the ones that arrive', async () => {
    const saved = await app.saveSearch({ name: '  My   cats ', query: 'tag:cat', sort: 'name' });
    expect(saved).toMatchObject({ name: 'My cats', query: 'tag:cat', sort: 'name', descending: null, newMatches: 0 });

    await app.applyTag([await add('siamese.txt'), await add('persian.txt')], 'cat');
    await add('dog.txt');
    expect((await app.savedSearches()).map((s) => [s.name, s.newMatches])).toEqual([['My cats', 2]]);

    expect((await app.markSavedSearchSeen(saved.id)).newMatches).toBe(0);
    expect((await app.savedSearches())[0]!.newMatches).toBe(0);
  });

  it('lists searches by name and keeps them with the world', async () => {
    await app.saveSearch({ name: 'Dogs', query: 'dog' });
    await app.saveSearch({ name: 'big ones', query: 'size>1KB', sort: 'size', descending: true });
    await app.openWorld('saved');
    expect((await app.savedSearches()).map((s) => s.name)).toEqual(['big ones', 'Dogs', 'My cats']);
  });

  it('refuses a taken name, an empty name, an empty or malformed query, and changes nothing', async () => {
    await expect(app.saveSearch({ name: 'my CATS', query: 'cat' })).rejects.toMatchObject({ name: 'SavedSearchExistsError' });
    await expect(app.saveSearch({ name: '   ', query: 'cat' })).rejects.toMatchObject({ name: 'InvalidSavedSearchError' });
    await expect(app.saveSearch({ name: 'x'.repeat(101), query: 'cat' })).rejects.toMatchObject({ name: 'InvalidSavedSearchError' });
    await expect(app.saveSearch({ name: 'Empty', query: '  ' })).rejects.toMatchObject({ name: 'InvalidSavedSearchError' });
    await expect(app.saveSearch({ name: 'Broken', query: 'tag:cat (' })).rejects.toMatchObject({ name: 'InvalidQueryError' });
    expect(await app.savedSearches()).toHaveLength(3);
  });

  it('deletes a saved search once', async () => {
    const [first] = await app.savedSearches();
    expect(await app.deleteSavedSearch(first!.id)).toBe(true);
    expect(await app.deleteSavedSearch(first!.id)).toBe(false);
    await expect(app.markSavedSearchSeen(first!.id)).rejects.toMatchObject({ name: 'SavedSearchNotFoundError' });
    expect((await app.savedSearches()).map((s) => s.name)).toEqual(['Dogs', 'My cats']);
  });
});
