import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DamApp } from '../../../src/lib/dam/dam-app';
import { MIGRATION_0009_ASSET_TAG_SETS } from '../../../src/lib/dam/migrations/0009-asset-tag-sets';
import { createNodePlatform } from '../../../src/lib/platform/node-platform';

const text = (s: string) => new Blob([new TextEncoder().encode(s)]);

class TestDamApp extends DamApp {
  openWorldForTest() {
    return this.requireOpen();
  }
}

/**
 * `dam_asset_tag_set` is derived from the link table by triggers; searches trust it. Each step
 * below changes links a different way, and after each the table must equal what the links say.
 */
describe('the asset tag-set index', () => {
  let app: TestDamApp;
  const id: Record<string, number> = {};

  /** Rows where the derived table and the links disagree, or an asset without a row (or a row without an asset). */
  const drift = async () => {
    const { rows } = await app.openWorldForTest().db.query<{ entity: number; stored: string[] | null; expected: string[] | null }>(
      `SELECT coalesce(p.entity_id, s.entity_id) AS entity, s.tag_ids AS stored,
              (SELECT coalesce(array_agg(DISTINCT l.tag_concept_entity_id ORDER BY l.tag_concept_entity_id), '{}')
                 FROM component_entity_tag_link l WHERE l.entity_id = p.entity_id) AS expected
         FROM component_file_properties p FULL JOIN dam_asset_tag_set s ON s.entity_id = p.entity_id`,
    );
    return rows.filter((r) => r.expected === null || JSON.stringify(r.stored) !== JSON.stringify(r.expected));
  };
  const tagIdsOf = async (entity: number) => {
    const { rows } = await app
      .openWorldForTest()
      .db.query<{ tag_ids: string[] }>('SELECT tag_ids FROM dam_asset_tag_set WHERE entity_id = $1', [entity]);
    return rows[0]?.tag_ids.length ?? null;
  };

  beforeAll(async () => {
    app = new TestDamApp(await createNodePlatform());
    await app.createWorld('tag-sets');
    await app.openWorld('tag-sets');
    const results = await app.ingestFiles(['a.txt', 'b.txt', 'c.txt'].map((name) => ({ name, file: text(`file ${name}`) })));
    results.forEach((r) => (id[r.name] = r.entityId!));
  }, 60_000);
  afterAll(() => app.close());

  it('gives every new asset a row, empty until it is tagged', async () => {
    expect(await drift()).toEqual([]);
    expect(await tagIdsOf(id['a.txt']!)).toBe(0);
  });

  it('follows applying, valued tags, removing, merging and deleting tags', async () => {
    await app.applyTag([id['a.txt']!, id['b.txt']!, id['c.txt']!], 'red');
    await app.createTag('status', { allowValues: true });
    await app.applyTag([id['a.txt']!], 'status', 'draft');
    await app.applyTag([id['a.txt']!], 'status', 'done');
    expect(await drift()).toEqual([]);
    // Two values of one tag are one tag id.
    expect(await tagIdsOf(id['a.txt']!)).toBe(2);

    await app.removeTag([id['b.txt']!], 'red');
    expect(await drift()).toEqual([]);
    expect(await tagIdsOf(id['b.txt']!)).toBe(0);

    await app.applyTag([id['b.txt']!], 'crimson');
    await app.mergeTags('crimson', 'red');
    expect(await drift()).toEqual([]);
    expect((await app.listAssets({ search: 'tag:red', sort: 'name' })).items.map((a) => a.name)).toEqual(['a.txt', 'b.txt', 'c.txt']);

    await app.deleteTag('red');
    expect(await drift()).toEqual([]);
    expect(await tagIdsOf(id['c.txt']!)).toBe(0);
  });

  it('drops the row with the asset', async () => {
    await app.applyTag([id['c.txt']!], 'doomed');
    await app.deleteAsset(id['c.txt']!);
    expect(await tagIdsOf(id['c.txt']!)).toBeNull();
    expect(await drift()).toEqual([]);
    const page = await app.listAssets({});
    expect(page.total).toBe(2);
  });

  it('is filled from the links when the migration runs on a world that already has tags', async () => {
    const db = app.openWorldForTest().db;
    await db.exec(`DROP TABLE dam_asset_tag_set CASCADE;
      DROP FUNCTION dam_refresh_asset_tag_sets, dam_asset_tag_sets_after_link_insert, dam_asset_tag_sets_after_link_update,
        dam_asset_tag_sets_after_link_delete, dam_asset_tag_sets_after_file_insert, dam_asset_tag_sets_after_file_delete CASCADE;`);
    await db.exec(MIGRATION_0009_ASSET_TAG_SETS.sql);
    expect(await drift()).toEqual([]);
    expect(await tagIdsOf(id['a.txt']!)).toBe(1);
  });
});
