import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database, SqlExecutor } from '../../../src/lib/db/database';
import { ecs, type World } from '../../../src/lib/ecs';
import { FilePropertiesComponent } from '../../../src/lib/dam/components/files';
import { ImageDimensionsComponent } from '../../../src/lib/dam/components/media';
import { createDamWorld } from '../../../src/lib/dam/create-world';
import { acceptModelTag, rejectModelTag, setModelTags } from '../../../src/lib/dam/services/model-tag-service';
import { normalizeTagName } from '../../../src/lib/dam/services/tag-names';
import { findEntitiesByTag, getEntityTags, listTags } from '../../../src/lib/dam/services/tag-query-service';
import { addTagParent, removeTagParent, removeTagSibling, setTagSibling } from '../../../src/lib/dam/services/tag-relations-service';
import {
  applyTag,
  deleteTag,
  getOrCreateTagConcept,
  getTagConcept,
  mergeTags,
  removeTag,
  renameTag,
  updateTagConcept,
  type ComponentLookup,
} from '../../../src/lib/dam/services/tag-service';
import { openTestDatabase } from '../helpers/test-database';

let world: World;
let db: Database;
let components: ComponentLookup;

beforeAll(async () => {
  world = await createDamWorld({ name: 'tags', databaseUrl: 'memory://' }, await openTestDatabase());
  db = world.db;
  components = (name) => world.componentType(name);
});
afterAll(() => world.close());

beforeEach(async () => {
  await db.exec('DELETE FROM entities');
});

async function file(name: string, withDimensions = false): Promise<number> {
  const id = await ecs.createEntity(db);
  await ecs.addComponent(
    db,
    id,
    FilePropertiesComponent.create({ originalFilename: name, fileSizeBytes: 1, mimeType: 'image/png', firstSeenAt: null }),
  );
  if (withDimensions) await ecs.addComponent(db, id, ImageDimensionsComponent.create({ widthPixels: 2, heightPixels: 2 }));
  return id;
}

/** Runs `fn` in a transaction, as the API runs every change: a refused one is rolled back whole. Returns the error. */
async function refused(fn: (tx: SqlExecutor) => Promise<unknown>): Promise<unknown> {
  return db
    .transaction(async (tx) => fn(tx))
    .then(
      () => null,
      (error: unknown) => error,
    );
}

describe('tag names', () => {
  it('normalises case, spaces and the namespace colon', () => {
    expect(normalizeTagName('  Character :  Alice   Liddell ')).toBe('character:alice liddell');
    expect(normalizeTagName('Cat')).toBe('cat');
    expect(normalizeTagName('rating:safe')).toBe('rating:safe');
  });

  it.each(['', '   ', ':alice', 'character:', 'a\u0000b', 'evil\u202etxt', 'x'.repeat(201)])('refuses %j', (raw) => {
    expect(() => normalizeTagName(raw)).toThrow(expect.objectContaining({ name: 'InvalidTagError' }));
  });
});

describe('manual tags', () => {
  it('applies a tag once: the same (tag, value) twice is a no-op', async () => {
    const photo = await file('a.png');
    expect((await applyTag(db, photo, 'Cat')).applied).toBe(true);
    expect((await applyTag(db, photo, ' cat ')).applied).toBe(false);
    const { rows } = await db.query('SELECT * FROM component_entity_tag_link WHERE entity_id = $1', [photo]);
    expect(rows).toHaveLength(1);
    expect((await getEntityTags(db, photo)).manual).toEqual([expect.objectContaining({ name: 'cat', displayName: 'cat', value: null })]);
  });

  it('keeps values apart and refuses a value on a tag that allows none', async () => {
    const photo = await file('a.png');
    await getOrCreateTagConcept(db, 'rating', { allowValues: true, description: 'Stars' });
    expect((await applyTag(db, photo, 'rating', '4')).applied).toBe(true);
    expect((await applyTag(db, photo, 'rating', ' 4 ')).applied).toBe(false);
    expect((await applyTag(db, photo, 'rating', '5')).applied).toBe(true);
    expect((await applyTag(db, photo, 'rating')).applied).toBe(true);
    expect((await applyTag(db, photo, 'rating', null)).applied).toBe(false);
    await expect(applyTag(db, photo, 'cat', 'tabby')).rejects.toMatchObject({ name: 'TagValueNotAllowedError' });
    expect((await getEntityTags(db, photo)).manual.map((t) => t.value)).toEqual([null, '4', '5']);
    expect(await findEntitiesByTag(db, 'rating', { value: '5' })).toEqual([photo]);
    expect(await removeTag(db, photo, 'rating', '4')).toBe(1);
    expect(await removeTag(db, photo, 'rating')).toBe(2);
    // Forbidding values again is refused only while a link has one.
    await applyTag(db, photo, 'rating', '3');
    await expect(updateTagConcept(db, 'rating', { allowValues: false })).rejects.toMatchObject({ name: 'TagValueNotAllowedError' });
    await removeTag(db, photo, 'rating');
    expect(await updateTagConcept(db, 'rating', { allowValues: false })).toMatchObject({ allowValues: false, description: 'Stars' });
  });

  it('refuses a missing entity, and a tag as the thing tagged', async () => {
    await expect(applyTag(db, 999_999, 'cat')).rejects.toMatchObject({ name: 'EntityNotFoundError' });
    const tag = await getOrCreateTagConcept(db, 'cat');
    await expect(applyTag(db, tag.entityId, 'animal')).rejects.toMatchObject({ name: 'InvalidTagError' });
  });

  it('enforces scopes: a required component, or one asset and its members', async () => {
    const image = await file('a.png', true);
    const sound = await file('b.wav');
    await getOrCreateTagConcept(
      db,
      'needs-pixels',
      { scope: 'COMPONENT_CLASS_REQUIRED', scopeDetail: 'ImageDimensionsComponent' },
      components,
    );
    expect((await applyTag(db, image, 'needs-pixels', null, components)).applied).toBe(true);
    await expect(applyTag(db, sound, 'needs-pixels', null, components)).rejects.toMatchObject({ name: 'TagScopeError' });

    const archive = await file('c.zip');
    const member = await file('c/inside.png');
    await db.query(
      `INSERT INTO component_archive_member (entity_id, archive_entity_id, path_in_archive, file_size_bytes) VALUES ($1, $2, 'inside.png', 1)`,
      [member, archive],
    );
    await getOrCreateTagConcept(db, 'chapter-1', { scope: 'CONCEPTUAL_ASSET_LOCAL', scopeDetail: String(archive) }, components);
    expect((await applyTag(db, archive, 'chapter-1', null, components)).applied).toBe(true);
    expect((await applyTag(db, member, 'chapter-1', null, components)).applied).toBe(true);
    await expect(applyTag(db, image, 'chapter-1', null, components)).rejects.toMatchObject({ name: 'TagScopeError' });

    for (const [scope, detail] of [
      ['EVERYWHERE', null],
      ['COMPONENT_CLASS_REQUIRED', 'NoSuchComponent'],
      ['COMPONENT_CLASS_REQUIRED', null],
      ['CONCEPTUAL_ASSET_LOCAL', 'not-an-id'],
      ['GLOBAL', 'detail'],
    ] as const) {
      await expect(
        getOrCreateTagConcept(db, `bad-${scope}-${detail}`, { scope: scope as 'GLOBAL', scopeDetail: detail }, components),
      ).rejects.toMatchObject({ name: 'InvalidTagError' });
    }
    // The database refuses an unknown scope too, whoever writes it.
    await expect(
      db.query(`INSERT INTO component_tag_concept (entity_id, tag_name, tag_scope_type) VALUES ($1, 'x', 'EVERYWHERE')`, [sound]),
    ).rejects.toThrow(/check constraint/);
  });
});

describe('siblings and parents', () => {
  it('shows and searches a sibling as its preferred name', async () => {
    const photo = await file('a.png');
    await applyTag(db, photo, 'feline');
    await setTagSibling(db, 'feline', 'cat');
    expect((await getEntityTags(db, photo)).manual).toEqual([expect.objectContaining({ name: 'feline', displayName: 'cat' })]);
    expect(await findEntitiesByTag(db, 'cat')).toEqual([photo]);
    expect(await findEntitiesByTag(db, 'feline')).toEqual([photo]);
    expect((await listTags(db, { prefix: 'fel' }))[0]).toMatchObject({ name: 'feline', displayName: 'cat', uses: 1 });

    // No chains: an alias of an alias points at the preferred tag; no loops.
    await setTagSibling(db, 'kitty', 'feline');
    const { rows } = await db.query<{ alias: string; preferred: string }>(
      `SELECT a.tag_name AS alias, p.tag_name AS preferred FROM component_tag_sibling s
         JOIN component_tag_concept a ON a.entity_id = s.entity_id JOIN component_tag_concept p ON p.entity_id = s.preferred_tag_entity_id
        ORDER BY alias`,
    );
    expect(rows).toEqual([
      { alias: 'feline', preferred: 'cat' },
      { alias: 'kitty', preferred: 'cat' },
    ]);
    expect(await refused((tx) => setTagSibling(tx, 'cat', 'kitty'))).toMatchObject({ name: 'TagCycleError' });
    expect(await removeTagSibling(db, 'feline')).toBe(true);
    expect(await findEntitiesByTag(db, 'cat')).toEqual([]);
  });

  it('finds a child tag by its parent, through several levels, and lists implied tags', async () => {
    const alice = await file('alice.png');
    const hatter = await file('hatter.png');
    const other = await file('other.png');
    await applyTag(db, alice, 'character:alice');
    await applyTag(db, hatter, 'character:mad hatter');
    await applyTag(db, other, 'character:dorothy');
    expect(await addTagParent(db, 'character:alice', 'series:wonderland')).toBe(true);
    expect(await addTagParent(db, 'character:alice', 'series:wonderland')).toBe(false);
    await addTagParent(db, 'character:mad hatter', 'series:wonderland');
    await addTagParent(db, 'series:wonderland', 'genre:fantasy');
    expect(await findEntitiesByTag(db, 'series:wonderland')).toEqual([alice, hatter]);
    expect(await findEntitiesByTag(db, 'genre:fantasy')).toEqual([alice, hatter]);
    expect((await getEntityTags(db, alice)).implied).toEqual(['genre:fantasy', 'series:wonderland']);

    expect(await refused((tx) => addTagParent(tx, 'genre:fantasy', 'character:alice'))).toMatchObject({ name: 'TagCycleError' });
    expect(await refused((tx) => addTagParent(tx, 'genre:fantasy', 'genre:fantasy'))).toMatchObject({ name: 'TagCycleError' });
    expect(await removeTagParent(db, 'series:wonderland', 'genre:fantasy')).toBe(true);
    expect(await findEntitiesByTag(db, 'genre:fantasy')).toEqual([]);
  });

  it('moves an alias’s parents to its preferred tag, and refuses a sibling that would make a loop', async () => {
    const photo = await file('a.png');
    await applyTag(db, photo, 'kitten');
    await addTagParent(db, 'kitten', 'animal');
    await setTagSibling(db, 'kitten', 'cat');
    expect(await findEntitiesByTag(db, 'animal')).toEqual([photo]);
    await addTagParent(db, 'mammal', 'pet');
    // pet → … would imply mammal through the alias: refused, and nothing changed.
    await addTagParent(db, 'pet', 'domestic');
    expect(await refused((tx) => setTagSibling(tx, 'domestic', 'mammal'))).toMatchObject({ name: 'TagCycleError' });
    expect(await findEntitiesByTag(db, 'animal')).toEqual([photo]);
  });
});

describe('rename, merge, delete', () => {
  it('renames a tag and keeps its links; refuses a name in use', async () => {
    const photo = await file('a.png');
    await applyTag(db, photo, 'kat');
    await applyTag(db, photo, 'dog');
    expect(await renameTag(db, 'kat', 'Cat')).toMatchObject({ name: 'cat' });
    expect(await findEntitiesByTag(db, 'cat')).toEqual([photo]);
    expect(await getTagConcept(db, 'kat')).toBeNull();
    await expect(renameTag(db, 'cat', 'dog')).rejects.toMatchObject({ name: 'TagExistsError' });
    await expect(renameTag(db, 'nope', 'x')).rejects.toMatchObject({ name: 'TagNotFoundError' });
  });

  it('merges links, model links, parents and siblings into the target, without duplicates', async () => {
    const [a, b] = [await file('a.png'), await file('b.png')];
    await applyTag(db, a, 'kitty');
    await applyTag(db, a, 'cat');
    await applyTag(db, b, 'kitty');
    await setModelTags(db, a, 'tagger', [{ name: 'kitty', confidence: 0.9 }]);
    await setModelTags(db, a, 'tagger-2', [{ name: 'cat', confidence: 0.4 }]);
    await setModelTags(db, a, 'tagger-2', [
      { name: 'cat', confidence: 0.4 },
      { name: 'kitty', confidence: 0.7 },
    ]);
    await addTagParent(db, 'kitty', 'animal');
    await setTagSibling(db, 'kitten', 'kitty');
    const merged = await mergeTags(db, 'kitty', 'cat');
    expect(merged.name).toBe('cat');
    expect(await getTagConcept(db, 'kitty')).toBeNull();
    expect(await findEntitiesByTag(db, 'cat')).toEqual([a, b]);
    const { rows } = await db.query('SELECT entity_id FROM component_entity_tag_link ORDER BY entity_id');
    expect(rows).toHaveLength(2);
    expect((await getEntityTags(db, a)).model).toEqual([
      expect.objectContaining({ name: 'cat', sourceModelName: 'tagger', confidence: 0.9 }),
      expect.objectContaining({ name: 'cat', sourceModelName: 'tagger-2', confidence: 0.7 }),
    ]);
    expect(await findEntitiesByTag(db, 'animal')).toEqual([a, b]);
    expect(await findEntitiesByTag(db, 'kitten')).toEqual([a, b]);
    await expect(mergeTags(db, 'cat', 'cat')).rejects.toMatchObject({ name: 'InvalidTagError' });
  });

  it('deletes a tag with every link to it, and leaves the tagged files', async () => {
    const photo = await file('a.png');
    await applyTag(db, photo, 'cat');
    await setModelTags(db, photo, 'tagger', [{ name: 'cat', confidence: 0.5 }]);
    await setTagSibling(db, 'feline', 'cat');
    await addTagParent(db, 'cat', 'animal');
    expect(await deleteTag(db, 'cat')).toBe(true);
    expect(await deleteTag(db, 'cat')).toBe(false);
    for (const table of [
      'component_entity_tag_link',
      'component_model_generated_tag_link',
      'component_tag_sibling',
      'component_tag_parent',
    ]) {
      expect((await db.query(`SELECT * FROM ${table}`)).rows).toEqual([]);
    }
    expect(await ecs.entityExists(db, photo)).toBe(true);
    expect(await getTagConcept(db, 'feline')).not.toBeNull();
  });
});

describe('model tags', () => {
  it("replaces a model's own earlier tags and leaves manual tags and other models' tags", async () => {
    const photo = await file('a.png');
    await applyTag(db, photo, 'beach');
    await setModelTags(db, photo, 'wd-v1-4-moat-tagger-v2', [
      { name: 'Sky', confidence: 0.8 },
      { name: 'sea', confidence: 0.6 },
      { name: 'sky', confidence: 0.9 },
    ]);
    await setModelTags(db, photo, 'nsfwjs', [{ name: 'rating:safe', confidence: 0.97 }]);
    await setModelTags(db, photo, 'wd-v1-4-moat-tagger-v2', [{ name: 'sand', confidence: 0.5 }]);
    const tags = await getEntityTags(db, photo);
    expect(tags.manual.map((t) => t.name)).toEqual(['beach']);
    expect(tags.model.map((t) => [t.name, t.sourceModelName, t.confidence])).toEqual([
      ['rating:safe', 'nsfwjs', 0.97],
      ['sand', 'wd-v1-4-moat-tagger-v2', 0.5],
    ]);
    await expect(setModelTags(db, photo, 'x', [{ name: 'a', confidence: 1.5 }])).rejects.toMatchObject({ name: 'InvalidTagError' });
  });

  it('accepts a model tag as a manual one, and never re-adds a rejected one', async () => {
    const photo = await file('a.png');
    await setModelTags(db, photo, 'tagger', [
      { name: 'dog', confidence: 0.8 },
      { name: 'cat', confidence: 0.4 },
    ]);
    await acceptModelTag(db, photo, 'dog');
    await rejectModelTag(db, photo, 'cat');
    expect(await getEntityTags(db, photo)).toMatchObject({ manual: [expect.objectContaining({ name: 'dog' })], model: [] });
    expect(await setModelTags(db, photo, 'tagger', [{ name: 'cat', confidence: 0.99 }])).toEqual([]);
    expect(await setModelTags(db, photo, 'other-tagger', [{ name: 'cat', confidence: 0.99 }])).toEqual([]);
    expect(await findEntitiesByTag(db, 'cat', { includeModelTags: true })).toEqual([]);
    expect(await findEntitiesByTag(db, 'dog')).toEqual([photo]);
    // Another entity can still get it.
    const other = await file('b.png');
    await setModelTags(db, other, 'tagger', [{ name: 'cat', confidence: 0.6 }]);
    expect(await findEntitiesByTag(db, 'cat', { includeModelTags: true, minConfidence: 0.5 })).toEqual([other]);
    expect(await findEntitiesByTag(db, 'cat', { includeModelTags: true, minConfidence: 0.7 })).toEqual([]);
  });
});

describe('listTags', () => {
  it('completes names and namespaces by prefix, most used first', async () => {
    const [a, b] = [await file('a.png'), await file('b.png')];
    await applyTag(db, a, 'character:alice');
    await applyTag(db, b, 'character:alice');
    await applyTag(db, a, 'character:bob');
    await applyTag(db, a, 'cat');
    await getOrCreateTagConcept(db, 'under_score%');
    expect((await listTags(db, { prefix: 'char' })).map((t) => [t.name, t.uses])).toEqual([
      ['character:alice', 2],
      ['character:bob', 1],
    ]);
    expect((await listTags(db, { prefix: 'Character:' })).map((t) => t.name)).toEqual(['character:alice', 'character:bob']);
    expect((await listTags(db, { prefix: 'ali' })).map((t) => t.name)).toEqual(['character:alice']);
    expect((await listTags(db, { prefix: 'c' })).map((t) => t.name)).toEqual(['character:alice', 'cat', 'character:bob']);
    // LIKE's wildcards in a prefix are literal.
    expect((await listTags(db, { prefix: 'under_' })).map((t) => t.name)).toEqual(['under_score%']);
    expect(await listTags(db, { prefix: 'under%s' })).toEqual([]);
    expect((await listTags(db, { prefix: 'char', limit: 1 })).map((t) => t.namespace)).toEqual(['character']);
  });
});
