import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transformersClipLoader } from '../../../src/lib/ml/loaders/clip-loader';
import { ModelFileMissingError } from '../../../src/lib/ml/loaders/require-files';
import { chooseOnnxDtype, onnxModelPath } from '../../../src/lib/ml/loaders/transformers-loader';
import type { ImageTextEmbedder, ModelFiles } from '../../../src/lib/ml/model-types';
import type { RgbaPixels } from '../../../src/lib/ml/vision/image-input';
import { directoryModelFiles } from '../../../src/lib/platform/node-model-files';

const fixture = fileURLToPath(new URL('../../fixtures/models/clip-fixture', import.meta.url));
const minilm = fileURLToPath(new URL('../../fixtures/models/minilm-fixture', import.meta.url));

function plain(r: number, g: number, b: number, width = 40, height = 30): RgbaPixels {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([r, g, b, 255], i * 4);
  return { width, height, data };
}

/** Black and white squares of 32 pixels: one per patch of the vision tower. */
function checkerboard(): RgbaPixels {
  const size = 224;
  const data = new Uint8ClampedArray(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const value = ((x >> 5) + (y >> 5)) % 2 ? 255 : 0;
      data.set([value, value, value, 255], (y * size + x) * 4);
    }
  }
  return { width: size, height: size, data };
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);
const nearest = (query: Float32Array, candidates: readonly Float32Array[]) =>
  candidates.map((vector, index) => ({ index, score: dot(query, vector) })).sort((a, b) => b.score - a.score)[0]!.index;

/** The fixture's files with some left out or replaced, served from memory. */
function editedFixture(change: Record<string, string | null>): ModelFiles {
  const disk = directoryModelFiles(fixture);
  return {
    kind: 'imported',
    base: '/imported/clip-fixture/',
    read: (path) => {
      const replacement = change[path];
      if (replacement === null) throw new Error(`no ${path}`);
      return replacement === undefined ? disk.read(path) : readFile(replacement).then((bytes) => new Uint8Array(bytes));
    },
    has: async (path) => (change[path] === null ? false : disk.has(path)),
  };
}

// Pictures the fixture's tower tells apart (tests/fixtures/models/README.md, clip-fixture).
const PICTURES = {
  red: plain(255, 0, 0),
  green: plain(0, 255, 0, 30, 40),
  blue: plain(0, 0, 255),
  checkered: checkerboard(),
  white: plain(255, 255, 255),
};
const NAMES = Object.keys(PICTURES);
const IMAGES = Object.values(PICTURES);

describe('transformersClipLoader on the CLIP fixture (onnxruntime-node)', () => {
  let model: ImageTextEmbedder;
  beforeAll(async () => {
    model = await transformersClipLoader({ name: 'clip-fixture', params: {}, device: 'cpu', files: directoryModelFiles(fixture) });
  });
  afterAll(() => model.dispose());

  it('loads fp32 natively, 512 dimensions, the trained logit scale of OpenAI’s weights', () => {
    expect(model).toMatchObject({ device: 'cpu', precision: 'fp32', dimensions: 512, logitScale: 100 });
  });

  it('gives unit vectors of 512 dimensions for pictures and texts', async () => {
    const vectors = [...(await model.embedImages([...IMAGES, plain(0, 0, 0)])), ...(await model.embedTexts(['a red photo', '', 'zebra']))];
    for (const vector of vectors) {
      expect(vector).toHaveLength(512);
      expect(Math.sqrt(dot(vector, vector))).toBeCloseTo(1, 5);
    }
  });

  it('embeds a batch as it embeds each input alone', async () => {
    const texts = ['a red photo', 'green', 'a checkered pattern of the beach with a dog'];
    const batch = [...(await model.embedTexts(texts)), ...(await model.embedImages(IMAGES))];
    const alone = [
      ...(await Promise.all(texts.map(async (text) => (await model.embedTexts([text]))[0]!))),
      ...(await Promise.all(IMAGES.map(async (image) => (await model.embedImages([image]))[0]!))),
    ];
    batch.forEach((vector, i) => vector.forEach((value, j) => expect(value).toBeCloseTo(alone[i]![j]!, 6)));
    expect(await model.embedTexts([])).toEqual([]);
    expect(await model.embedImages([])).toEqual([]);
  });

  it('finds the picture a text names (text → image)', async () => {
    const pictures = await model.embedImages(IMAGES);
    const queries = { 'a red photo': 'red', green: 'green', 'a blue picture': 'blue', 'a checkered pattern': 'checkered' };
    for (const [text, expected] of Object.entries(queries)) {
      const [query] = await model.embedTexts([text]);
      expect(NAMES[nearest(query!, pictures)], text).toBe(expected);
    }
    // Softmax over logitScale · cosine, as zero-shot classification does: the red picture is "red" for sure.
    const labels = await model.embedTexts(['a red photo', 'a green photo', 'a blue photo']);
    const logits = labels.map((label) => model.logitScale * dot(pictures[0]!, label));
    const total = logits.reduce((sum, logit) => sum + Math.exp(logit - logits[0]!), 0);
    expect(1 / total).toBeGreaterThan(0.99);
  });

  it('finds the nearest picture to a picture (image → image)', async () => {
    const pictures = await model.embedImages(IMAGES);
    const [reddish, greenish] = await model.embedImages([plain(200, 60, 60, 300, 200), plain(70, 190, 90, 120, 400)]);
    expect(NAMES[nearest(reddish!, pictures)]).toBe('red');
    expect(NAMES[nearest(greenish!, pictures)]).toBe('green');
  });

  it('keeps <|endoftext|> when it truncates a long text to 77 tokens, as CLIP’s own tokenizer does', async () => {
    // Everything after the 75th word is cut, "red" included; a word before the cut still counts.
    const texts = [`${'green '.repeat(100)}red`, 'green '.repeat(75), `${'green '.repeat(74)}red ${'green '.repeat(30)}`];
    const [long, exact, redLast] = await model.embedTexts(texts);
    long!.forEach((value, i) => expect(value).toBeCloseTo(exact![i]!, 6));
    expect(dot(long!, redLast!)).toBeLessThan(1 - 1e-5);
  });

  it('refuses to work once disposed', async () => {
    const other = await transformersClipLoader({ name: 'clip-fixture', params: {}, device: 'cpu', files: directoryModelFiles(fixture) });
    await other.dispose();
    await expect(other.embedTexts(['red'])).rejects.toThrow('Model clip-fixture has been disposed');
  });
});

describe('transformersClipLoader files', () => {
  it('runs the q8 towers when asked, with the same answers', async () => {
    const model = await transformersClipLoader({
      name: 'clip-fixture',
      params: { dtype: 'q8', logitScale: 50 },
      device: 'cpu',
      files: directoryModelFiles(fixture),
    });
    try {
      expect(model).toMatchObject({ precision: 'q8', dimensions: 512, logitScale: 50 });
      const pictures = await model.embedImages(IMAGES);
      const [query] = await model.embedTexts(['a blue picture']);
      expect(NAMES[nearest(query!, pictures)]).toBe('blue');
    } finally {
      await model.dispose();
    }
  });

  it('picks the towers’ weights as transformers.js does, by the vision tower’s files', async () => {
    const only = (...paths: string[]): ModelFiles => ({ ...directoryModelFiles(fixture), has: async (path) => paths.includes(path) });
    expect(onnxModelPath('q8', 'text_model')).toBe('onnx/text_model_quantized.onnx');
    expect(await chooseOnnxDtype(undefined, 'wasm', directoryModelFiles(fixture), 'vision_model')).toBe('q8');
    expect(await chooseOnnxDtype(undefined, 'cpu', directoryModelFiles(fixture), 'vision_model')).toBe('fp32');
    expect(await chooseOnnxDtype(undefined, 'wasm', only('onnx/vision_model.onnx'), 'vision_model')).toBe('fp32');
  });

  it.each(['onnx/vision_model.onnx', 'onnx/text_model.onnx', 'preprocessor_config.json', 'tokenizer.json'])(
    'names the model and the missing %s',
    async (missing) => {
      const load = transformersClipLoader({
        name: 'clip-fixture',
        params: { dtype: 'fp32' },
        device: 'cpu',
        files: editedFixture({ [missing]: null }),
      });
      await expect(load).rejects.toThrow(ModelFileMissingError);
      await expect(load).rejects.toThrow(`Model clip-fixture: file ${missing} is missing from /imported/clip-fixture/`);
    },
  );

  it('fails the load of a folder whose text tower is not CLIP’s, naming the model', async () => {
    const files = editedFixture({ 'onnx/text_model.onnx': join(minilm, 'onnx/model.onnx') });
    await expect(transformersClipLoader({ name: 'clip-fixture', params: {}, device: 'cpu', files })).rejects.toThrow(
      /^Model clip-fixture could not be loaded from \/imported\/clip-fixture\/: /,
    );
  });
});
