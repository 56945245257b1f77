import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DamApp } from '../../../src/lib/dam/dam-app';
import { createNodePlatform } from '../../../src/lib/platform/node-platform';

const text = (s: string) => new Blob([new TextEncoder().encode(s)]);

describe('DamApp tag operations', () => {
  let app: DamApp;
  let ids: number[];

  beforeAll(async () => {
    app = new DamApp(await createNodePlatform());
    await app.createWorld('tags');
    await app.openWorld('tags');
    const results = await app.ingestFiles(
      ['alice.txt', 'hatter.txt', 'dorothy.txt'].map((name) => ({ name, file: text(`notes about ${name}`) })),
    );
    ids = results.map((r) => {
      if (r.entityId === null) throw new Error(`${r.name}: ${r.error}`);
      return r.entityId;
    });
  }, 60_000);
  afterAll(() => app.close());

  it('bulk-tags files, lists them by tag through siblings and parents, and bulk-removes', async () => {
    expect(await app.applyTag(ids, 'Status : Draft')).toEqual({ applied: 3 });
    expect(await app.applyTag(ids, 'status:draft')).toEqual({ applied: 0 });
    await app.applyTag([ids[0]!], 'character:alice');
    await app.applyTag([ids[1]!], 'character:mad hatter');
    await app.addTagParent('character:alice', 'series:wonderland');
    await app.addTagParent('character:mad hatter', 'series:wonderland');
    await app.setTagSibling('wonderland', 'series:wonderland');

    const byAlias = await app.listAssets({ tag: 'Wonderland', sort: 'name' });
    expect(byAlias.total).toBe(2);
    expect(byAlias.items.map((a) => a.name)).toEqual(['alice.txt', 'hatter.txt']);
    expect((await app.listAssets({ tag: 'status:draft' })).total).toBe(3);
    expect(await app.listAssets({ tag: 'no-such-tag' })).toEqual({ total: 0, items: [] });

    expect(await app.getTag('series:wonderland')).toMatchObject({
      name: 'series:wonderland',
      aliases: ['wonderland'],
      children: ['character:alice', 'character:mad hatter'],
      parents: [],
      preferred: null,
      uses: 0,
    });
    expect(await app.entityTags(ids[0]!)).toMatchObject({ implied: ['series:wonderland'] });
    expect((await app.listTags({ prefix: 'status:' })).map((t) => [t.name, t.uses])).toEqual([['status:draft', 3]]);

    expect(await app.removeTag(ids, 'status:draft')).toEqual({ removed: 3 });
    expect((await app.listAssets({ tag: 'status:draft' })).total).toBe(0);
  });

  it('refuses a change that would loop, and leaves nothing of it behind', async () => {
    await app.addTagParent('kitten', 'cat');
    await expect(app.addTagParent('cat', 'kitten')).rejects.toMatchObject({ name: 'TagCycleError' });
    await app.addTagParent('cat', 'animal');
    // Moving kitten's relations to "animal" would make animal imply itself: refused as a whole.
    await expect(app.setTagSibling('kitten', 'animal')).rejects.toMatchObject({ name: 'TagCycleError' });
    expect(await app.getTag('kitten')).toMatchObject({ parents: ['cat'], preferred: null });
    expect(await app.getTag('animal')).toMatchObject({ aliases: [], children: ['cat'] });
  });

  it('creates, updates, renames, merges and deletes tags by name, with clear errors', async () => {
    expect(await app.createTag('Rating', { allowValues: true, description: 'Stars out of 5' })).toMatchObject({
      name: 'rating',
      allowValues: true,
      description: 'Stars out of 5',
    });
    await expect(app.createTag('rating')).rejects.toMatchObject({ name: 'TagExistsError' });
    await expect(app.createTag('x', { scope: 'COMPONENT_CLASS_REQUIRED', scopeDetail: 'Nope' })).rejects.toMatchObject({
      name: 'InvalidTagError',
    });
    await app.applyTag([ids[2]!], 'rating', '5');
    await expect(app.applyTag([ids[2]!], 'colour', 'red')).rejects.toMatchObject({ name: 'TagValueNotAllowedError' });
    // The refused call tagged nothing, not even the tag it would have made.
    expect(await app.getTag('colour')).toBeNull();
    expect(await app.entityTags(ids[2]!)).toMatchObject({ manual: [{ name: 'rating', value: '5' }] });

    await app.applyTag([ids[2]!], 'stars');
    expect(await app.renameTag('stars', 'score')).toMatchObject({ name: 'score', uses: 1 });
    expect(await app.mergeTags('score', 'rating')).toMatchObject({ name: 'rating', uses: 1 });
    expect((await app.entityTags(ids[2]!)).manual.map((t) => [t.name, t.value])).toEqual([
      ['rating', null],
      ['rating', '5'],
    ]);
    await expect(app.renameTag('nothing', 'x')).rejects.toMatchObject({ name: 'TagNotFoundError' });
    await expect(app.applyTag([ids[0]!], ' ')).rejects.toMatchObject({ name: 'InvalidTagError' });
    await expect(app.applyTag([424242], 'cat')).rejects.toMatchObject({ name: 'EntityNotFoundError' });
    expect(await app.deleteTag('rating')).toBe(true);
    expect((await app.entityTags(ids[2]!)).manual).toEqual([]);
  });

  it('re-embeds a file when its tags change, so search by meaning finds it by its tags', async () => {
    const [photo] = await app.ingestFiles([{ name: 'DSC_0042.jpg', file: text('not really a jpeg') }]);
    const id = photo!.entityId!;
    await app.ingestIdle();
    await app.processPending();
    const fieldsOf = async () => {
      const view = await app.getEntity(id);
      return (view?.components ?? [])
        .filter((c) => c.name === 'TextEmbeddingUseLiteDim512Component')
        .map((c) => c.fields.sourceFieldName)
        .sort();
    };
    expect(await fieldsOf()).toEqual(['original_filename']);
    const rank = async () => (await app.semanticSearch('a puppy playing fetch', { topN: 10 })).hits.map((h) => h.asset.id);
    expect((await rank())[0]).not.toBe(id);

    await app.applyTag([id], 'dog');
    await app.applyTag([id], 'ball');
    await app.ingestIdle();
    await app.processPending();
    expect(await fieldsOf()).toEqual(['original_filename_manualtags']);
    const hits = await app.semanticSearch('a puppy playing fetch', { topN: 10 });
    expect(hits.hits[0]).toMatchObject({ asset: { id }, matchedField: 'original_filename_manualtags' });

    // Taking the tags off takes them out of the embedded text again.
    await app.removeTag([id], 'dog');
    await app.removeTag([id], 'ball');
    await app.ingestIdle();
    await app.processPending();
    expect(await fieldsOf()).toEqual(['original_filename']);
  });
});
