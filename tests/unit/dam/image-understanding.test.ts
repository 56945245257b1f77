import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pngjs from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodePlatform } from '../../../src/lib/platform/node-platform';
import { folderFiles, TestDamApp } from '../helpers/test-app';

/*
 * The image model is the CLIP-shaped fixture (tests/fixtures/models/README.md): its answers are
 * known by construction (a plain red picture is the "red" concept, and so on), and it goes
 * through the real import, loader, system, tables and queries. OCR is the real bundled PP-OCRv4.
 */
const CLIP = 'clip-vit-base-patch32';
const clipFolder = fileURLToPath(new URL('../../fixtures/models/clip-fixture', import.meta.url));
const ocrFixture = (name: string) => new Blob([readFileSync(new URL(`../../fixtures/ocr/${name}`, import.meta.url))]);

function plainPng([r, g, b]: readonly [number, number, number], size = 64): Blob {
  const png = new pngjs.PNG({ width: size, height: size });
  for (let i = 0; i < size * size; i++) png.data.set([r, g, b, 255], i * 4);
  return new Blob([new Uint8Array(pngjs.PNG.sync.write(png))]);
}

const COLOURS = {
  'red.png': [230, 20, 20],
  'green.png': [20, 200, 30],
  'blue.png': [25, 30, 220],
  'reddish.png': [200, 60, 60],
} as const;

describe('image understanding: CLIP vectors, picture search, zero-shot tags and OCR', () => {
  let app: TestDamApp;
  const ids = new Map<string, number>();

  async function ingest(files: { name: string; file: Blob }[]): Promise<void> {
    for (const result of await app.ingestFiles(files)) {
      if (result.entityId === null) throw new Error(`${result.name}: ${result.error}`);
      ids.set(result.name, result.entityId);
    }
    await app.processPending();
  }

  const rowsOf = (sql: string, params: unknown[] = []) => app.query(sql, params);

  beforeAll(async () => {
    app = new TestDamApp(await createNodePlatform());
    await app.createWorld('pictures');
    await app.setImageUnderstanding({ ocr: false });
  }, 60_000);
  afterAll(() => app.close());

  it('without an image model, pictures wait for one and searches by meaning still answer by text', async () => {
    await ingest(Object.entries(COLOURS).map(([name, rgb]) => ({ name, file: plainPng(rgb) })));
    expect(await app.imageUnderstanding()).toMatchObject({ imageModel: null, pendingEmbeddings: 0 });
    expect(await rowsOf('SELECT * FROM component_embedding_clip_vit_b32_d512')).toEqual([]);
    const result = await app.semanticSearch('red');
    expect(result).toMatchObject({ pictureModel: null, pictureHits: [], pictureMinSimilarity: null });
    expect(await app.searchByPicture(plainPng([230, 20, 20]))).toEqual({ model: null, hits: [] });
  });

  it('importing the image model embeds every picture already here: one normalised 512-d vector each', async () => {
    const status = await app.importModel(CLIP, folderFiles(clipFolder));
    expect(status).toMatchObject({ task: 'image-embedding', source: 'imported', dimensions: 512 });
    await app.processPending();
    const rows = await rowsOf(
      `SELECT entity_id, source_component_name, source_field_name, vector_dims(embedding_vector) AS dims,
              sqrt(vector_norm(embedding_vector)^2) AS norm FROM component_embedding_clip_vit_b32_d512 ORDER BY entity_id`,
    );
    expect(rows.map((r) => Number(r.entity_id))).toEqual([...ids.values()].sort((a, b) => a - b));
    for (const row of rows) {
      expect(row).toMatchObject({ source_component_name: 'FileContent', source_field_name: 'image', dims: 512 });
      expect(Number(row.norm)).toBeCloseTo(1, 4);
    }
    expect(await app.imageUnderstanding()).toMatchObject({ imageModel: CLIP, pendingEmbeddings: 0 });
  });

  it('finds pictures by words, above a floor that decides how many match', async () => {
    const loose = await app.semanticSearch('a red photo', { topN: 10, minPictureSimilarity: 0 });
    expect(loose.pictureModel).toBe(CLIP);
    // The fixture sees a plain red and a reddish picture as the same red (the other channels fall below zero).
    expect(new Set(loose.pictureHits.slice(0, 2).map((hit) => hit.asset.name))).toEqual(new Set(['red.png', 'reddish.png']));
    expect(loose.pictureHits[0]).toMatchObject({ matchedComponent: 'FileContent', matchedField: 'image' });
    const strict = await app.semanticSearch('a red photo', { topN: 10, minPictureSimilarity: 0.8 });
    expect(strict.pictureHits.length).toBeGreaterThan(0);
    expect(strict.pictureHits.length).toBeLessThan(loose.pictureHits.length);
    expect(strict.pictureHits.every((hit) => hit.score >= 0.8)).toBe(true);

    // The same words as a `~` term of the query language, with the same picture floor (`~0.95`
    // holds the text model's matches of file names to near-equality, so only pictures count).
    const named = await app.listAssets({ search: '~"a blue picture" ~0.95', minPictureSimilarity: 0.8 });
    expect(named.items.map((a) => a.name)).toEqual(['blue.png']);
    const none = await app.listAssets({ search: '~"a blue picture" ~0.95 -type:image', minPictureSimilarity: 0.8 });
    expect(none.total).toBe(0);
  });

  it('finds pictures like a dropped picture without adding it, and like a library picture', async () => {
    const before = (await app.worldStats()).entityCount;
    const byPicture = await app.searchByPicture(plainPng([40, 190, 40], 80), { topN: 2 });
    expect(byPicture.model).toBe(CLIP);
    expect(byPicture.hits[0]!.asset.name).toBe('green.png');
    expect((await app.worldStats()).entityCount).toBe(before);

    const similar = await app.findSimilarImages(ids.get('reddish.png')!, { limit: 3 });
    expect(similar[0]).toMatchObject({ id: ids.get('red.png'), distance: null });
    expect(similar[0]!.similarity).toBeGreaterThan(0.85);
    expect(similar.map((s) => s.id)).not.toContain(ids.get('reddish.png'));
    // `similar:` is by the image model or perceptual hashes: plain pictures all hash alike, so
    // only the image model's answer is checked here.
    const query = await app.listAssets({ search: `similar:${ids.get('reddish.png')}` });
    expect(query.items.map((a) => a.name)).toContain('red.png');

    await expect(app.searchByPicture(new Blob([new Uint8Array([1, 2, 3])]))).rejects.toMatchObject({ name: 'InvalidQueryError' });
  });

  it('tags pictures from the vocabulary with confidences, and re-tags from stored vectors when it changes', async () => {
    const status = await app.setImageUnderstanding({ vocabulary: ['red', 'green', 'blue', 'checkered', ' red '], retagAll: true });
    expect(status.vocabulary).toEqual(['red', 'green', 'blue', 'checkered']);
    const red = (await app.entityTags(ids.get('red.png')!)).model;
    expect(red[0]).toMatchObject({ name: 'red', sourceModelName: CLIP });
    expect(red[0]!.confidence).toBeGreaterThan(0.5);
    expect((await app.entityTags(ids.get('blue.png')!)).model[0]).toMatchObject({ name: 'blue' });
    expect(await app.listAssets({ search: `model-tag:green>0.5` })).toMatchObject({ total: 1, items: [{ name: 'green.png' }] });
    await expect(app.setImageUnderstanding({ vocabulary: [' ', ''] })).rejects.toMatchObject({ name: 'InvalidSettingError' });
    await expect(app.setImageUnderstanding({ minConfidence: 2 })).rejects.toMatchObject({ name: 'InvalidSettingError' });
  });

  it('reads text in pictures with the bundled OCR model: kept with boxes, found by its words, offline', async () => {
    await app.setImageUnderstanding({ ocr: true });
    await ingest([{ name: 'receipt.png', file: ocrFixture('receipt.png') }]);
    const ocr = await app.assetOcrText(ids.get('receipt.png')!);
    expect(ocr).not.toBeNull();
    expect(ocr!.model).toBe('pp-ocrv4');
    expect(ocr!.text.toLowerCase()).toContain('invoice');
    for (const line of ocr!.lines) {
      expect(line.box).toHaveLength(4);
      for (const [x, y] of line.box) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(ocr!.width);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(y).toBeLessThanOrEqual(ocr!.height);
      }
    }
    // The colour pictures were read too once OCR was turned on, and have no text.
    expect(await app.assetOcrText(ids.get('red.png')!)).toBeNull();
    expect((await app.listAssets({ search: 'invoice', kind: 'image' })).items.map((a) => a.name)).toEqual(['receipt.png']);
    // The text is embedded with the text model too: it is a field of the asset's text vectors.
    const fields = await rowsOf(`SELECT source_component_name FROM component_embedding_use_lite_d512 WHERE entity_id = $1`, [
      ids.get('receipt.png'),
    ]);
    expect(fields.map((f) => f.source_component_name)).toContain('OcrTextComponent');
    // Pictures read once are not read again: not when other settings change, not when OCR is
    // turned off and on (a picture with no text keeps an empty row).
    expect(await app.setImageUnderstanding({ maxTags: 3 })).toMatchObject({ pendingOcr: 0 });
    await app.setImageUnderstanding({ ocr: false });
    expect(await app.setImageUnderstanding({ ocr: true })).toMatchObject({ pendingOcr: 0 });
  });
});
