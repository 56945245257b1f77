import { readFileSync } from 'node:fs';
import pngjs from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DamApp } from '../../../src/lib/dam/dam-app';
import { createNodePlatform } from '../../../src/lib/platform/node-platform';

const photo = (name: string) => new Blob([readFileSync(new URL(`../../fixtures/photos/${name}`, import.meta.url))]);

const wdFixture = (file: string) => new Blob([readFileSync(new URL(`../../fixtures/models/wd-tagger-fixture/${file}`, import.meta.url))]);

/** A plain-colour PNG, whose scores the WD fixture's README gives. */
function plainPng(size: number, [r, g, b]: readonly [number, number, number]): Blob {
  const png = new pngjs.PNG({ width: size, height: size });
  for (let i = 0; i < size * size; i++) png.data.set([r, g, b, 255], i * 4);
  return new Blob([new Uint8Array(pngjs.PNG.sync.write(png))]);
}

/** Model tags of an entity, as `name model`, highest confidence first. */
async function modelTags(app: DamApp, id: number): Promise<string[]> {
  return (await app.entityTags(id)).model.map((t) => `${t.name} ${t.sourceModelName}`);
}

describe('auto-tagging with the bundled nsfwjs model', () => {
  let app: DamApp;

  beforeAll(async () => {
    app = new DamApp(await createNodePlatform());
    await app.createWorld('autotag');
    await app.openWorld('autotag');
  }, 60_000);
  afterAll(() => app.close());

  async function ingest(names: string[]): Promise<number[]> {
    const results = await app.ingestFiles(names.map((name) => ({ name, file: photo(name) })));
    await app.processPending();
    return results.map((r) => {
      if (r.entityId === null) throw new Error(`${r.name}: ${r.error}`);
      return r.entityId;
    });
  }

  it('is off by default: new pictures get no model tags', async () => {
    expect(await app.autoTagging()).toMatchObject({ enabled: false, model: 'nsfwjs-mobilenet-v2', pending: 0 });
    const [cat] = await ingest(['chelsea-cat.jpg']);
    expect(await modelTags(app, cat!)).toEqual([]);
  });

  it('turned on, tags the pictures already here and those that arrive, and keeps manual tags', async () => {
    const [cat] = (await app.listAssets({ sort: 'name' })).items.map((a) => a.id);
    await app.applyTag([cat!], 'pets');
    const status = await app.setAutoTagging({ enabled: true });
    expect(status).toMatchObject({ enabled: true, marked: 1 });
    expect(status.models.find((m) => m.name === 'nsfwjs-mobilenet-v2')).toMatchObject({ available: true });
    expect(status.models.find((m) => m.name === 'wd-v1-4-moat-tagger-v2')).toMatchObject({ available: false });
    await app.processPending();
    const [wizard] = await ingest(['wizard-drawing.png']);

    const catTags = await app.entityTags(cat!);
    expect(catTags.model[0]).toMatchObject({ name: 'rating:neutral', sourceModelName: 'nsfwjs-mobilenet-v2' });
    expect(catTags.model[0]!.confidence).toBeGreaterThan(0.9);
    expect(catTags.manual.map((t) => t.name)).toEqual(['pets']);
    expect((await app.entityTags(wizard!)).model[0]).toMatchObject({ name: 'rating:drawing' });
    expect(await app.autoTagging()).toMatchObject({ pending: 0 });
  });

  it('does not add back a model tag the person rejected, when the model runs again', async () => {
    const [cat] = (await app.listAssets({ sort: 'name' })).items.map((a) => a.id);
    await app.rejectModelTag(cat!, 'rating:neutral');
    expect(await modelTags(app, cat!)).not.toContain('rating:neutral nsfwjs-mobilenet-v2');
    // Off and on again queues the pictures the model has no tags on: the cat, now.
    await app.setAutoTagging({ enabled: false });
    expect(await app.setAutoTagging({ enabled: true })).toMatchObject({ marked: 1 });
    await app.processPending();
    expect(await modelTags(app, cat!)).not.toContain('rating:neutral nsfwjs-mobilenet-v2');
  });

  it('runs an imported WD tagger folder when chosen, and its tags replace only its own earlier ones', async () => {
    await expect(app.setAutoTagging({ enabled: true, model: 'wd-v1-4-moat-tagger-v2' })).resolves.toMatchObject({
      models: expect.arrayContaining([{ name: 'wd-v1-4-moat-tagger-v2', description: expect.any(String), available: false }]),
    });
    // Not here yet: the bundled tagger stands in, and the choice is kept for when it is.
    await app.importModel('wd-v1-4-moat-tagger-v2', [
      { path: 'wd/model.onnx', file: wdFixture('model.onnx') },
      { path: 'wd/selected_tags.csv', file: wdFixture('selected_tags.csv') },
    ]);
    const results = await app.ingestFiles([{ name: 'magenta.png', file: plainPng(32, [255, 0, 255]) }]);
    await app.processPending();
    const magenta = results[0]!.entityId!;
    // Red, blue and Alice tie at 0.993, then the rating (0.95) and the emoticon (0.45).
    const tags = await modelTags(app, magenta);
    expect(tags.slice(0, 3).sort()).toEqual([
      'blue theme wd-v1-4-moat-tagger-v2',
      'character:alice (wonderland) wd-v1-4-moat-tagger-v2',
      'red theme wd-v1-4-moat-tagger-v2',
    ]);
    expect(tags.slice(3)).toEqual(['rating:general wd-v1-4-moat-tagger-v2', '^_^ wd-v1-4-moat-tagger-v2']);
    // Switching back to nsfwjs adds its ratings beside the WD tags, which stay.
    await app.setAutoTagging({ enabled: true, model: 'nsfwjs-mobilenet-v2' });
    await app.processPending();
    const both = await modelTags(app, magenta);
    expect(both.filter((t) => t.endsWith('wd-v1-4-moat-tagger-v2'))).toHaveLength(5);
    expect(both.some((t) => t.startsWith('rating:') && t.endsWith('nsfwjs-mobilenet-v2'))).toBe(true);
    await app.deleteModel('wd-v1-4-moat-tagger-v2');
  });

  it('refuses an unknown tagging model and keeps the settings', async () => {
    await expect(app.setAutoTagging({ enabled: true, model: 'no-such-tagger' })).rejects.toMatchObject({ name: 'UnknownModelError' });
    expect(await app.autoTagging()).toMatchObject({ enabled: true, model: 'nsfwjs-mobilenet-v2' });
  });
});
