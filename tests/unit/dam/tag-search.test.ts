import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DamApp } from '../../../src/lib/dam/dam-app';
import { setModelTags } from '../../../src/lib/dam/services/model-tag-service';
import { createNodePlatform } from '../../../src/lib/platform/node-platform';

const text = (s: string) => new Blob([new TextEncoder().encode(s)]);

/** The app with its open world reachable, to write model tags as a tagger would (the tagger itself is tested elsewhere). */
class TestDamApp extends DamApp {
  openWorldForTest() {
    return this.requireOpen();
  }
}

describe('tag terms in search queries', () => {
  let app: TestDamApp;
  const id: Record<string, number> = {};

  const names = async (search: string) => (await app.listAssets({ search, sort: 'name', limit: 500 })).items.map((a) => a.name);

  beforeAll(async () => {
    app = new TestDamApp(await createNodePlatform());
    await app.createWorld('search');
    await app.openWorld('search');
    const files = ['alice.txt', 'hatter.txt', 'dorothy.txt', 'kitten.txt', 'notes.txt'];
    const results = await app.ingestFiles(files.map((name) => ({ name, file: text(`about ${name}`) })));
    results.forEach((r) => (id[r.name] = r.entityId!));
    await app.applyTag([id['alice.txt']!], 'character:alice');
    await app.applyTag([id['hatter.txt']!], 'character:mad hatter');
    await app.addTagParent('character:alice', 'series:wonderland');
    await app.addTagParent('character:mad hatter', 'series:wonderland');
    await app.applyTag([id['dorothy.txt']!], 'character:dorothy');
    await app.applyTag([id['kitten.txt']!], 'cat');
    await app.setTagSibling('feline', 'cat');
    await app.createTag('status', { allowValues: true });
    await app.applyTag([id['alice.txt']!, id['notes.txt']!], 'status', 'draft');
    await app.applyTag([id['dorothy.txt']!], 'status', 'done');
    await app.openWorldForTest().transaction(async (tx) => {
      await setModelTags(tx, id['kitten.txt']!, 'test-model', [{ name: 'rating:neutral', confidence: 0.9 }]);
      await setModelTags(tx, id['notes.txt']!, 'test-model', [{ name: 'rating:neutral', confidence: 0.4 }]);
    });
  }, 60_000);
  afterAll(() => app.close());

  it('finds tags through siblings and parents, with values, namespaces and negation', async () => {
    expect(await names('tag:series:wonderland')).toEqual(['alice.txt', 'hatter.txt']);
    // Searching an alias finds what has the preferred tag.
    expect(await names('tag:feline')).toEqual(['kitten.txt']);
    expect(await names('feline')).toEqual([]);
    expect(await names('tag:status=draft')).toEqual(['alice.txt', 'notes.txt']);
    expect(await names('tag:status')).toEqual(['alice.txt', 'dorothy.txt', 'notes.txt']);
    expect(await names('character:*')).toEqual(['alice.txt', 'dorothy.txt', 'hatter.txt']);
    expect(await names('character:* -tag:series:wonderland')).toEqual(['dorothy.txt']);
    expect(await names('-tag:no-such-tag')).toHaveLength(5);
    expect(await names('tag:no-such-tag')).toEqual([]);
  });

  it('combines tag terms with words, OR and parentheses, and model tags with confidences', async () => {
    expect(await names('tag:status=draft ali')).toEqual(['alice.txt']);
    expect(await names('(tag:cat OR character:dorothy) NOT dor')).toEqual(['kitten.txt']);
    expect(await names('model-tag:rating:neutral')).toEqual(['kitten.txt', 'notes.txt']);
    expect(await names('model-tag:rating:neutral>0.5')).toEqual(['kitten.txt']);
    expect(await names('model-tag:rating:neutral>=0.4 -tag:cat')).toEqual(['notes.txt']);
    // Manual tag terms do not see model tags.
    expect(await names('tag:rating:neutral')).toEqual([]);
  });

  it('answers a malformed or hostile query with a clear error, and values go in as data', async () => {
    await expect(app.listAssets({ search: 'tag:cat (' })).rejects.toMatchObject({
      name: 'InvalidQueryError',
      message: 'This parenthesis is never closed (at character 9)',
    });
    expect(await names(`tag:status="draft' OR 1=1 --"`)).toEqual([]);
    expect(await names(`'; DROP TABLE entities; --`)).toEqual([]);
    expect(await names('tag:cat')).toEqual(['kitten.txt']);
  });

  it('sorts and pages a filtered search by every key', async () => {
    const page = async (query: Parameters<typeof app.listAssets>[0]) => {
      const result = await app.listAssets(query);
      return { total: result.total, names: result.items.map((a) => a.name) };
    };
    const all = '-tag:no-such-tag';
    // Files were added alice, hatter, dorothy, kitten, notes; sizes 15, 16, 17, 16, 15 bytes; none has a date taken.
    expect(await page({ search: all })).toEqual({ total: 5, names: ['notes.txt', 'kitten.txt', 'dorothy.txt', 'hatter.txt', 'alice.txt'] });
    expect(await page({ search: all, sort: 'size', descending: false })).toEqual({
      total: 5,
      names: ['alice.txt', 'notes.txt', 'hatter.txt', 'kitten.txt', 'dorothy.txt'],
    });
    expect((await page({ search: all, sort: 'taken' })).names).toEqual([
      'notes.txt',
      'kitten.txt',
      'dorothy.txt',
      'hatter.txt',
      'alice.txt',
    ]);
    expect(await page({ search: all, sort: 'name', limit: 2, offset: 2 })).toEqual({ total: 5, names: ['hatter.txt', 'kitten.txt'] });
    expect(await page({ search: 'notes OR dorothy OR kitten -tag:cat', sort: 'added' })).toEqual({
      total: 2,
      names: ['notes.txt', 'dorothy.txt'],
    });
    expect(await page({ search: 'tag:status', kind: 'other', sort: 'name', descending: true })).toEqual({
      total: 3,
      names: ['notes.txt', 'dorothy.txt', 'alice.txt'],
    });
  });

  it('filters a meaning search by its tag terms', async () => {
    const all = await app.semanticSearch('notes about a story', { minSimilarity: 0, topN: 10 });
    expect(all.hits.length).toBe(5);
    const filtered = await app.semanticSearch('notes about a story tag:series:wonderland', { minSimilarity: 0, topN: 10 });
    expect(filtered.hits.map((h) => h.asset.name).sort()).toEqual(['alice.txt', 'hatter.txt']);
    await expect(app.semanticSearch('tag:cat')).rejects.toMatchObject({ name: 'InvalidQueryError' });
  });
});
