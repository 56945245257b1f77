import { describe, expect, it } from 'vitest';
import { connectedComponents } from '../../../src/lib/ml/ocr/connected-components';
import { ctcGreedyDecode, parseCharacterDictionary } from '../../../src/lib/ml/ocr/ctc-decode';
import { boxesFromProbabilityMap, DB_DEFAULTS } from '../../../src/lib/ml/ocr/db-postprocess';
import { detectionInputSize } from '../../../src/lib/ml/ocr/detection-input';
import { cropLine } from '../../../src/lib/ml/ocr/line-crop';
import { lineWindows } from '../../../src/lib/ml/ocr/line-input';
import { convexHull, minAreaRect, quadArea, rectCorners, unclipRect, type Quad } from '../../../src/lib/ml/ocr/ocr-geometry';
import type { OcrLine, OcrPoint } from '../../../src/lib/ml/ocr/ocr-types';
import { readingOrder } from '../../../src/lib/ml/ocr/reading-order';

/** Points filling a w × h rectangle centred at (cx, cy), turned by `degrees`. */
function rotatedRectanglePoints(cx: number, cy: number, w: number, h: number, degrees: number): OcrPoint[] {
  const a = (degrees * Math.PI) / 180;
  const points: OcrPoint[] = [];
  for (let u = -w / 2; u <= w / 2; u += w / 8) {
    for (let v = -h / 2; v <= h / 2; v += h / 4)
      points.push([cx + u * Math.cos(a) - v * Math.sin(a), cy + u * Math.sin(a) + v * Math.cos(a)]);
  }
  return points;
}

const closeTo = (point: OcrPoint, x: number, y: number) => {
  expect(point[0]).toBeCloseTo(x, 6);
  expect(point[1]).toBeCloseTo(y, 6);
};

describe('min-area rectangle', () => {
  it('keeps only the corners of a square with points inside', () => {
    const hull = convexHull([
      [0, 0],
      [10, 0],
      [5, 5],
      [10, 10],
      [0, 10],
      [5, 0],
      [3, 7],
    ]);
    expect(hull).toHaveLength(4);
    expect(Math.abs(quadArea(hull as unknown as Quad))).toBe(100);
  });

  it('finds a rectangle turned by 30° from points inside it', () => {
    const rect = minAreaRect(rotatedRectanglePoints(50, 40, 40, 10, 30));
    const sides = [rect.width, rect.height].sort((a, b) => a - b);
    expect(sides[0]).toBeCloseTo(10, 6);
    expect(sides[1]).toBeCloseTo(40, 6);
    closeTo(rect.center, 50, 40);
    const [topLeft, topRight, bottomRight, bottomLeft] = rectCorners(rect);
    const a = Math.PI / 6;
    // Corner order as PaddleOCR's get_mini_boxes: top left, top right, bottom right, bottom left.
    closeTo(topLeft, 50 - 20 * Math.cos(a) + 5 * Math.sin(a), 40 - 20 * Math.sin(a) - 5 * Math.cos(a));
    closeTo(topRight, 50 + 20 * Math.cos(a) + 5 * Math.sin(a), 40 + 20 * Math.sin(a) - 5 * Math.cos(a));
    closeTo(bottomRight, 50 + 20 * Math.cos(a) - 5 * Math.sin(a), 40 + 20 * Math.sin(a) + 5 * Math.cos(a));
    closeTo(bottomLeft, 50 - 20 * Math.cos(a) - 5 * Math.sin(a), 40 - 20 * Math.sin(a) + 5 * Math.cos(a));
  });

  it('gives a line no height and a point no size', () => {
    const line = minAreaRect([
      [0, 0],
      [3, 4],
      [6, 8],
    ]);
    expect(Math.max(line.width, line.height)).toBeCloseTo(10, 6);
    expect(Math.min(line.width, line.height)).toBeCloseTo(0, 6);
    expect(minAreaRect([[2, 3]])).toMatchObject({ width: 0, height: 0, center: [2, 3] });
    expect(minAreaRect([])).toMatchObject({ width: 0, height: 0 });
  });

  it('unclips by area × ratio / perimeter on every side', () => {
    // 100 × 20: d = 2000 × 1.5 / 240 = 12.5.
    const grown = unclipRect({ center: [0, 0], axis: [1, 0], width: 100, height: 20 }, 1.5);
    expect(grown.width).toBeCloseTo(125, 9);
    expect(grown.height).toBeCloseTo(45, 9);
    expect(grown.center).toEqual([0, 0]);
  });
});

describe('connected components', () => {
  it('joins diagonal neighbours and keeps apart regions that do not touch', () => {
    const rows = ['##....', '..#..#', '.....#', '#....#'];
    const bitmap = Uint8Array.from(rows.join('').split(''), (c) => (c === '#' ? 1 : 0));
    const components = connectedComponents(bitmap, 6, 4);
    expect(components.map(({ pixels, minX, minY, maxX, maxY }) => ({ pixels, minX, minY, maxX, maxY }))).toEqual([
      { pixels: 3, minX: 0, minY: 0, maxX: 2, maxY: 1 },
      { pixels: 3, minX: 5, minY: 1, maxX: 5, maxY: 3 },
      { pixels: 1, minX: 0, minY: 3, maxX: 0, maxY: 3 },
    ]);
  });

  it('fills a region of a million pixels without recursion', () => {
    const components = connectedComponents(new Uint8Array(1000 * 1000).fill(1), 1000, 1000);
    expect(components).toHaveLength(1);
    expect(components[0]!.pixels).toBe(1_000_000);
    // Two outline points a row: the row's ends.
    expect(components[0]!.outline).toHaveLength(2000);
  });
});

describe('DB postprocess', () => {
  function map(width: number, height: number, regions: { x0: number; y0: number; x1: number; y1: number; p: number }[]) {
    const data = new Float32Array(width * height);
    for (const { x0, y0, x1, y1, p } of regions) for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) data[y * width + x] = p;
    return { data, width, height };
  }

  it('grows a confident region back and scales it to the source picture', () => {
    // Pixel centres 10..49 × 20..29: a 39 × 9 rectangle, grown by d = 351 × ratio / 96 on each side.
    const boxes = boxesFromProbabilityMap(map(64, 64, [{ x0: 10, y0: 20, x1: 49, y1: 29, p: 0.9 }]), 128, 128);
    expect(boxes).toHaveLength(1);
    const d = (39 * 9 * DB_DEFAULTS.unclipRatio) / 96;
    const expected = [
      [10 - d, 20 - d],
      [49 + d, 20 - d],
      [49 + d, 29 + d],
      [10 - d, 29 + d],
    ].map(([x, y]) => [Math.round(x! * 2), Math.round(y! * 2)]);
    expect(boxes[0]).toEqual(expected);
  });

  it('drops regions that are faint on average, too thin, or outside the threshold', () => {
    const boxes = boxesFromProbabilityMap(
      map(64, 64, [
        { x0: 5, y0: 5, x1: 40, y1: 12, p: 0.45 },
        { x0: 5, y0: 30, x1: 40, y1: 31, p: 0.99 },
        { x0: 5, y0: 40, x1: 40, y1: 50, p: 0.2 },
      ]),
      64,
      64,
    );
    expect(boxes).toEqual([]);
  });

  it('clamps boxes to the picture', () => {
    const [box] = boxesFromProbabilityMap(map(32, 32, [{ x0: 0, y0: 0, x1: 31, y1: 8, p: 1 }]), 100, 50);
    for (const [x, y] of box!) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(100);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(50);
    }
  });
});

describe('CTC decoding', () => {
  const characters = parseCharacterDictionary('a\nb\nc\n');

  it('reads the dictionary as blank, its lines, then a space', () => {
    expect(characters).toEqual(['', 'a', 'b', 'c', ' ']);
    expect(parseCharacterDictionary('a\r\nb')).toEqual(['', 'a', 'b', ' ']);
  });

  it('merges repeats, drops blanks and averages the kept probabilities', () => {
    // Steps: a a blank a b space c c → "aab c" (a blank splits the repeated a).
    const best = [1, 1, 0, 1, 2, 4, 3, 3];
    const p = [0.9, 0.8, 0.99, 0.7, 0.6, 0.5, 0.95, 0.4];
    const probabilities = new Float32Array(best.length * 5);
    best.forEach((c, t) => {
      probabilities.fill((1 - p[t]!) / 4, t * 5, t * 5 + 5);
      probabilities[t * 5 + c] = p[t]!;
    });
    const decoded = ctcGreedyDecode(probabilities, 0, best.length, 5, characters);
    expect(decoded.text).toBe('aab c');
    expect(decoded.confidence).toBeCloseTo((0.9 + 0.7 + 0.6 + 0.5 + 0.95) / 5, 5);
    expect(ctcGreedyDecode(new Float32Array([1, 0, 0, 0, 0]), 0, 1, 5, characters)).toEqual({ text: '', confidence: 0 });
  });
});

describe('detection size, crops, windows and reading order', () => {
  it('sizes the detector input as PaddleOCR does', () => {
    expect(detectionInputSize(1600, 1200)).toEqual({ width: 960, height: 704 });
    expect(detectionInputSize(480, 300)).toEqual({ width: 480, height: 288 });
    expect(detectionInputSize(1, 1)).toEqual({ width: 32, height: 32 });
    expect(detectionInputSize(20000, 100)).toEqual({ width: 960, height: 32 });
  });

  it('crops a quad upright and turns a tall crop', () => {
    // A picture whose red channel is x and green channel is y.
    const width = 64;
    const height = 64;
    const data = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x, y, 0, 255], (y * width + x) * 4);
    const crop = cropLine({ width, height, data }, [
      [10, 20],
      [40, 20],
      [40, 30],
      [10, 30],
    ])!;
    expect([crop.width, crop.height]).toEqual([30, 10]);
    expect(Array.from(crop.data.subarray(0, 3))).toEqual([10, 20, 0]);
    expect(Array.from(crop.data.subarray((9 * 30 + 29) * 4, (9 * 30 + 29) * 4 + 3))).toEqual([39, 29, 0]);
    const tall = cropLine({ width, height, data }, [
      [10, 10],
      [20, 10],
      [20, 40],
      [10, 40],
    ])!;
    // Turned counter-clockwise: the crop's top right corner (19, 10) is now its top left.
    expect([tall.width, tall.height]).toEqual([30, 10]);
    expect(Array.from(tall.data.subarray(0, 3))).toEqual([19, 10, 0]);
    expect(
      cropLine({ width, height, data }, [
        [5, 5],
        [5, 5],
        [5, 5],
        [5, 5],
      ] as unknown as Quad),
    ).toBeNull();
  });

  it('cuts a long line into windows at the classifier aspect', () => {
    const line = { width: 400, height: 20, data: new Uint8ClampedArray(400 * 20 * 4) };
    const windows = lineWindows(line, 4, 5);
    expect(windows.map((w) => [w.width, w.height])).toEqual(Array.from({ length: 5 }, () => [80, 20]));
    expect(lineWindows({ ...line, width: 60 }, 4, 5)).toHaveLength(1);
  });

  it('reads rows top to bottom and each row left to right', () => {
    const line = (text: string, x: number, y: number, h = 20): OcrLine => ({
      text,
      confidence: 1,
      box: [
        [x, y],
        [x + 50, y],
        [x + 50, y + h],
        [x, y + h],
      ],
    });
    const ordered = readingOrder([line('d', 10, 100), line('b', 200, 14), line('a', 10, 10), line('c', 400, 8)]);
    expect(ordered.map((l) => l.text)).toEqual(['a', 'b', 'c', 'd']);
  });
});
