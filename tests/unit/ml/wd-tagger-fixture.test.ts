import * as ort from 'onnxruntime-node';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getTaggingConceptualParams, getTaggingModelInfo } from '../../../src/lib/dam/models/tagging-model-registry';
import { selectPredictedTags } from '../../../src/lib/dam/services/tagging-service';
import { createOnnxImageTaggerLoader, type OrtWithTensor } from '../../../src/lib/ml/loaders/image-tagger-loaders';
import type { RgbaPixels } from '../../../src/lib/ml/vision/image-input';
import { parseSelectedTagsCsv } from '../../../src/lib/ml/vision/selected-tags-csv';
import { directoryModelFiles } from '../../../src/lib/platform/node-model-files';

const fixture = fileURLToPath(new URL('../../fixtures/models/wd-tagger-fixture', import.meta.url));
const MODEL = 'wd-v1-4-moat-tagger-v2';

function plain(width: number, height: number, [r, g, b]: readonly [number, number, number]): RgbaPixels {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([r, g, b, 255], i * 4);
  return { width, height, data };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('the WD tagger path, on a fixture of its interface', () => {
  it('reads selected_tags.csv into namespaced, readable labels', () => {
    const labels = parseSelectedTagsCsv(
      'tag_id,name,category,count\n1,general,9,5\n2,long_hair,0,4\n3,^_^,0,3\n4,alice_(wonderland),4,2\n',
    );
    expect(labels).toEqual([
      { name: 'rating:general', category: 'rating' },
      { name: 'long hair', category: 'general' },
      { name: '^_^', category: 'general' },
      { name: 'character:alice (wonderland)', category: 'character' },
    ]);
    expect(() => parseSelectedTagsCsv('tag_id,name,category,count\n1,x,7,1\n')).toThrow(/unknown category 7/);
    expect(() => parseSelectedTagsCsv('id,label\n1,x\n')).toThrow(/no name and category/);
  });

  it('feeds BGR bytes at 448, padded white, and applies the general and character thresholds', async () => {
    const load = createOnnxImageTaggerLoader(async () => ort as unknown as OrtWithTensor);
    const tagger = await load({
      name: MODEL,
      params: getTaggingModelInfo(MODEL).loadParams,
      device: 'cpu',
      files: directoryModelFiles(fixture),
    });
    try {
      const [red, magenta, halfBlueRed, wideRed] = await tagger.score([
        plain(64, 64, [255, 0, 0]),
        plain(64, 64, [255, 0, 255]),
        plain(64, 64, [255, 0, 153]),
        // Twice as wide as high: padded to a square with white, half the input is white.
        plain(64, 32, [255, 0, 0]),
      ]);
      const label = (name: string) => tagger.labels.findIndex((l) => l.name === name);
      expect(red![label('red theme')]).toBeCloseTo(sigmoid(5), 4);
      expect(red![label('blue theme')]).toBeCloseTo(sigmoid(-5), 4);
      expect(magenta![label('character:alice (wonderland)')]).toBeCloseTo(sigmoid(5), 4);
      expect(halfBlueRed![label('character:alice (wonderland)')]).toBeCloseTo(sigmoid(1), 2);
      expect(wideRed![label('green theme')]).toBeCloseTo(sigmoid(0), 2);

      const params = getTaggingConceptualParams(MODEL);
      const names = (scores: Float32Array) => selectPredictedTags(scores, tagger.labels, params).map((t) => t.name);
      expect(names(red!)).toEqual(['red theme', 'rating:general', '^_^']);
      expect(names(magenta!)).toEqual(['red theme', 'blue theme', 'character:alice (wonderland)', 'rating:general', '^_^']);
      // 0.73: a general tag at that score is kept, a character is not.
      expect(names(halfBlueRed!)).toEqual(['red theme', 'rating:general', 'blue theme', '^_^']);
      expect(names(wideRed!)).toEqual(['red theme', 'rating:general', 'green theme', 'blue theme', '^_^']);
    } finally {
      await tagger.dispose();
    }
  });

  it('refuses a folder without selected_tags.csv, naming what is missing', async () => {
    const load = createOnnxImageTaggerLoader(async () => ort as unknown as OrtWithTensor);
    const files = directoryModelFiles(fixture);
    const without = { ...files, has: async (path: string) => path !== 'selected_tags.csv' && files.has(path) };
    await expect(load({ name: MODEL, params: getTaggingModelInfo(MODEL).loadParams, device: 'cpu', files: without })).rejects.toThrow(
      /selected_tags\.csv/,
    );
  });
});
