import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  clipPixelBatch,
  parseClipPreprocessing,
  writeClipPixels,
  type ClipPreprocessing,
} from '../../../src/lib/ml/vision/clip-preprocess';
import type { RgbaPixels } from '../../../src/lib/ml/vision/image-input';

const configPath = fileURLToPath(new URL('../../fixtures/models/clip-fixture/preprocessor_config.json', import.meta.url));
const CLIP = parseClipPreprocessing(JSON.parse(readFileSync(configPath, 'utf8')), 'clip-fixture');
const MEAN = [0.48145466, 0.4578275, 0.40821073];
const STD = [0.26862954, 0.26130258, 0.27577711];
const PLANE = 224 * 224;

/** What the model gets for a channel value of 0–255 (after rescale and normalisation). */
const input = (value: number, channel: number) => (value / 255 - MEAN[channel]!) / STD[channel]!;

function picture(width: number, height: number, pixel: (x: number, y: number) => readonly number[]): RgbaPixels {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 4);
  return { width, height, data };
}

function preprocess(image: RgbaPixels, p: ClipPreprocessing = CLIP): Float32Array {
  const out = new Float32Array(3 * PLANE);
  writeClipPixels(image, p, out);
  return out;
}

/** The input's R, G, B at (x, y), as 0–255 values again. */
function rgbAt(out: Float32Array, x: number, y: number): number[] {
  // `+ 0` turns Math.round's -0 into 0.
  return [0, 1, 2].map((c) => Math.round((out[c * PLANE + y * 224 + x]! * STD[c]! + MEAN[c]!) * 255) + 0);
}

describe('parseClipPreprocessing', () => {
  it('reads CLIP’s preprocessor_config.json', () => {
    expect(CLIP).toEqual({
      resize: { shortestEdge: 224 },
      crop: { width: 224, height: 224 },
      filter: 'bicubic',
      rescale: 1 / 255,
      mean: MEAN,
      std: STD,
    });
  });

  it('reads the older form (bare numbers) and bilinear', () => {
    const older = parseClipPreprocessing({ size: 224, crop_size: 224, resample: 2, image_mean: MEAN, image_std: STD }, 'old');
    expect(older).toMatchObject({ resize: { shortestEdge: 224 }, crop: { width: 224, height: 224 }, filter: 'bilinear' });
  });

  it('names the file when it cannot be used', () => {
    expect(() => parseClipPreprocessing({ size: { longest_edge: 5 } }, 'Model m: preprocessor_config.json')).toThrow(
      'Model m: preprocessor_config.json: no usable size',
    );
    expect(() => parseClipPreprocessing({ size: 224, resample: 1 }, 'x')).toThrow('x: resample 1 is not supported');
    expect(() => parseClipPreprocessing({ size: 224, image_mean: [0.5] }, 'x')).toThrow('x: image_mean is not three numbers');
  });
});

describe('writeClipPixels', () => {
  it('normalises a plain colour to CLIP’s input for it, whatever the size', () => {
    for (const [width, height] of [
      [1, 1],
      [50, 30],
      [224, 224],
      [1000, 700],
    ] as const) {
      const out = preprocess(picture(width, height, () => [200, 100, 50, 255]));
      for (const [x, y] of [
        [0, 0],
        [223, 223],
        [111, 57],
      ] as const) {
        [200, 100, 50].forEach((value, c) => expect(out[c * PLANE + y * 224 + x]).toBeCloseTo(input(value, c), 5));
      }
    }
  });

  it('crops the centre of a wide picture that needs no resize', () => {
    // 448 × 224, red on the left half, blue on the right: the crop is columns 112–335.
    const out = preprocess(picture(448, 224, (x) => (x < 224 ? [255, 0, 0, 255] : [0, 0, 255, 255])));
    for (const y of [0, 100, 223]) {
      expect(rgbAt(out, 0, y)).toEqual([255, 0, 0]);
      expect(rgbAt(out, 111, y)).toEqual([255, 0, 0]);
      expect(rgbAt(out, 112, y)).toEqual([0, 0, 255]);
      expect(rgbAt(out, 223, y)).toEqual([0, 0, 255]);
    }
  });

  it('resizes a 2×1 picture to 448×224 with bicubic weights and keeps its middle', () => {
    // Each pixel becomes 224 columns; the crop (112–335) runs from the centre of the left pixel
    // to the centre of the right one, so it is the whole blend, by PIL's bicubic weights.
    const out = preprocess(picture(2, 1, (x) => (x === 0 ? [255, 0, 0, 255] : [0, 0, 255, 255])));
    expect(rgbAt(out, 0, 0)).toEqual([255, 0, 0]);
    // Centre 0.9978 source pixels in: weights 0.5027 and 0.4973 (a = -0.5 cubic, renormalised).
    expect(rgbAt(out, 111, 0)).toEqual([128, 0, 127]);
    expect(rgbAt(out, 112, 0)).toEqual([127, 0, 128]);
    expect(rgbAt(out, 223, 0)).toEqual([0, 0, 255]);
    const reds = Array.from({ length: 224 }, (_, x) => rgbAt(out, x, 0)[0]!);
    expect(reds).toEqual([...reds].sort((a, b) => b - a));
    // One source row: every row of the input is the same.
    for (const y of [1, 100, 223]) expect(rgbAt(out, 57, y)).toEqual(rgbAt(out, 57, 0));
  });

  it('composites transparency onto white', () => {
    const out = preprocess(picture(10, 10, (x) => (x < 5 ? [0, 0, 0, 0] : [255, 0, 0, 128])));
    expect(rgbAt(out, 0, 0)).toEqual([255, 255, 255]);
    // 50% red over white: 255 · 128/255 + (255 − 128) = 255 for red, 127 for the others.
    expect(rgbAt(out, 223, 223)).toEqual([255, 127, 127]);
  });

  it('pads with black where a crop is larger than the resized picture', () => {
    const p: ClipPreprocessing = { ...CLIP, resize: null, crop: { width: 4, height: 4 } };
    const out = new Float32Array(3 * 16);
    writeClipPixels(
      picture(2, 2, () => [255, 255, 255, 255]),
      p,
      out,
    );
    // Placed at rows and columns 1–2, as transformers' center_crop pads.
    const red = Array.from(out.subarray(0, 16), (v) => Math.round((v * STD[0]! + MEAN[0]!) * 255) + 0);
    expect(red).toEqual([0, 0, 0, 0, 0, 255, 255, 0, 0, 255, 255, 0, 0, 0, 0, 0]);
  });

  it('batches pictures of any shape as NCHW at the crop size', () => {
    const { data, dims } = clipPixelBatch([picture(3, 9, () => [0, 0, 0, 255]), picture(500, 20, () => [255, 255, 255, 255])], CLIP);
    expect(dims).toEqual([2, 3, 224, 224]);
    expect(data[0]).toBeCloseTo(input(0, 0), 5);
    expect(data[3 * PLANE + 2 * PLANE + 5]).toBeCloseTo(input(255, 2), 5);
  });
});
