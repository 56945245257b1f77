import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemoryModelStore } from '../../../src/lib/ml/memory-model-store';
import type { ImageTagger } from '../../../src/lib/ml/vision/image-tagger';
import { getTaggingConceptualParams } from '../../../src/lib/dam/models/tagging-model-registry';
import { getImageTagger, selectPredictedTags } from '../../../src/lib/dam/services/tagging-service';
import { NodeImageCodec } from '../../../src/lib/platform/node-image-codec';
import { createNodeModelManager } from '../../../src/lib/platform/node-models';

const photo = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/photos/${name}`, import.meta.url)));

/*
 * The real nsfwjs MobileNetV2 weights from the npm package, on real pictures
 * (tests/fixtures/make-photo-fixtures.sh). Written down before the first run:
 *   - ImageMagick's wizard drawing is rated `drawing` first;
 *   - the cat, coffee and rocket photographs are rated `neutral` first;
 *   - the drawing scores higher on `drawing` than each photograph does;
 *   - none of them is rated porn, hentai or sexy first.
 */
const EXPECTED_TOP: Readonly<Record<string, string>> = {
  'wizard-drawing.png': 'rating:drawing',
  'chelsea-cat.jpg': 'rating:neutral',
  'coffee-cup.jpg': 'rating:neutral',
  'rocket.jpg': 'rating:neutral',
};

describe('the bundled nsfwjs tagger', () => {
  it('rates real photographs neutral and a real drawing a drawing', async () => {
    const models = createNodeModelManager(new MemoryModelStore());
    const tagger = await getImageTagger(models, 'nsfwjs-mobilenet-v2');
    try {
      const codec = new NodeImageCodec();
      const names = Object.keys(EXPECTED_TOP);
      const images = await Promise.all(names.map(async (name) => (await codec.decode(photo(name), tagger.input.size)).image));
      const scores = await tagger.score(images);
      const drawing = tagger.labels.findIndex((l) => l.name === 'rating:drawing');
      const byName = new Map(names.map((name, i) => [name, scores[i]!]));
      for (const [name, expected] of Object.entries(EXPECTED_TOP)) {
        const row = byName.get(name)!;
        expect(row.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 4);
        const top = tagger.labels[row.indexOf(Math.max(...row))]!.name;
        expect({ name, top }).toEqual({ name, top: expected });
        const tags = selectPredictedTags(row, tagger.labels, getTaggingConceptualParams('nsfwjs-mobilenet-v2'));
        expect(tags[0]!.name).toBe(expected);
      }
      const drawingScore = byName.get('wizard-drawing.png')![drawing]!;
      for (const name of ['chelsea-cat.jpg', 'coffee-cup.jpg', 'rocket.jpg'])
        expect(drawingScore).toBeGreaterThan(byName.get(name)![drawing]!);
    } finally {
      await (tagger as ImageTagger).dispose();
    }
  });
});
