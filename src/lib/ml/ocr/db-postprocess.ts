import { connectedComponents } from './connected-components';
import { distance, mapQuad, minAreaRect, quadContains, rectCorners, unclipRect, type Quad } from './ocr-geometry';

/**
 * PaddleOCR's DB postprocess settings (`DBPostProcess` as `predict_det.py` sets it up), but for
 * `unclipRatio`: PaddleOCR's 1.5 left boxes flush with the glyphs on text larger than ~40 px in
 * the detector's input (the first "I" of "INVOICE" was lost, "I" read as "1"), and the
 * recogniser dropped most spaces between words; 2.0 (a common setting downstream) read every
 * test picture right, spaces included.
 */
export interface DbOptions {
  /** A map pixel is text above this probability. */
  readonly threshold: number;
  /** A box is kept when the mean probability inside it reaches this. */
  readonly boxThreshold: number;
  readonly unclipRatio: number;
  /** Boxes with a shorter side under this (map pixels) are noise. */
  readonly minSize: number;
  readonly maxCandidates: number;
}

export const DB_DEFAULTS: DbOptions = { threshold: 0.3, boxThreshold: 0.6, unclipRatio: 2, minSize: 3, maxCandidates: 1000 };

/** The probability map DBNet returns: one float per input pixel. */
export interface ProbabilityMap {
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
}

/**
 * Mean probability over the quad (PaddleOCR's `box_score_fast`: the map inside the box, not
 * only the thresholded pixels, so a box around a few confident specks scores low).
 */
function boxScore(map: ProbabilityMap, quad: Quad): number {
  const xs = quad.map((p) => p[0]);
  const ys = quad.map((p) => p[1]);
  const x0 = Math.max(0, Math.floor(Math.min(...xs)));
  const x1 = Math.min(map.width - 1, Math.ceil(Math.max(...xs)));
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const y1 = Math.min(map.height - 1, Math.ceil(Math.max(...ys)));
  let sum = 0;
  let count = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      if (!quadContains(quad, x, y, 0.5)) continue;
      sum += map.data[y * map.width + x]!;
      count++;
    }
  }
  return count ? sum / count : 0;
}

/**
 * Text boxes from DBNet's probability map, in the source picture's pixels: threshold, regions,
 * each region's min-area rectangle scored on the map, grown back (`unclip`), scaled from map to
 * source size and clamped to the picture. Boxes whose sides end up 3 px or less in the source
 * are dropped, as PaddleOCR's `filter_tag_det_res` does.
 */
export function boxesFromProbabilityMap(
  map: ProbabilityMap,
  sourceWidth: number,
  sourceHeight: number,
  options: DbOptions = DB_DEFAULTS,
): Quad[] {
  const { width, height, data } = map;
  const bitmap = new Uint8Array(width * height);
  for (let i = 0; i < bitmap.length; i++) bitmap[i] = data[i]! > options.threshold ? 1 : 0;
  const scaleX = sourceWidth / width;
  const scaleY = sourceHeight / height;
  const boxes: Quad[] = [];
  const components = connectedComponents(bitmap, width, height).slice(0, options.maxCandidates);
  for (const component of components) {
    // The rectangle's short side cannot exceed the bounding box's: skip the specks cheaply.
    if (Math.min(component.maxX - component.minX, component.maxY - component.minY) < options.minSize) continue;
    const rect = minAreaRect(component.outline);
    if (Math.min(rect.width, rect.height) < options.minSize) continue;
    if (boxScore(map, rectCorners(rect)) < options.boxThreshold) continue;
    const grown = unclipRect(rect, options.unclipRatio);
    if (Math.min(grown.width, grown.height) < options.minSize + 2) continue;
    const quad = mapQuad(rectCorners(grown), ([x, y]) => [
      Math.min(sourceWidth, Math.max(0, Math.round(x * scaleX))),
      Math.min(sourceHeight, Math.max(0, Math.round(y * scaleY))),
    ]);
    if (Math.floor(distance(quad[0], quad[1])) <= 3 || Math.floor(distance(quad[0], quad[3])) <= 3) continue;
    boxes.push(quad);
  }
  return boxes;
}
