import type { RgbaPixels } from '../vision/image-input';
import { LINE_NORMALIZATION, writePlanarInput } from './planar-input';

/** The direction classifier's and the recogniser's input height. */
export const LINE_HEIGHT = 48;

/** The width a line is drawn at: its aspect ratio at `LINE_HEIGHT`, at most `maxWidth`. */
export function lineDrawWidth(line: RgbaPixels, maxWidth: number): number {
  return Math.max(1, Math.min(maxWidth, Math.ceil((LINE_HEIGHT * line.width) / line.height)));
}

/**
 * A batch of lines as one NCHW input of `LINE_HEIGHT × batchWidth`, as PaddleOCR's
 * `resize_norm_img`: each line scaled to the height keeping its aspect ratio (squeezed only
 * past the batch width), normalised, left-aligned, and the rest zero (grey, after normalising).
 */
export function lineBatchInput(lines: readonly RgbaPixels[], batchWidth: number): Float32Array {
  const planeSize = LINE_HEIGHT * batchWidth;
  const out = new Float32Array(lines.length * 3 * planeSize);
  lines.forEach((line, i) => {
    const width = lineDrawWidth(line, batchWidth);
    writePlanarInput(
      line,
      { out, offset: i * 3 * planeSize, rowStride: batchWidth, planeSize, width, height: LINE_HEIGHT },
      LINE_NORMALIZATION,
    );
  });
  return out;
}

/** Indices of `lines` by aspect ratio, narrowest first: batches of similar widths waste little padding. */
export function byAspectRatio(lines: readonly RgbaPixels[]): number[] {
  return lines.map((_, i) => i).sort((a, b) => lines[a]!.width / lines[a]!.height - lines[b]!.width / lines[b]!.height);
}

/**
 * Up to `max` windows of the line at `aspect` (width / height), spread evenly from its start to
 * its end and overlapping where they must; a line no wider than that is one window of itself.
 */
export function lineWindows(line: RgbaPixels, aspect: number, max: number): RgbaPixels[] {
  const width = Math.min(line.width, Math.max(1, Math.round(line.height * aspect)));
  if (width >= line.width) return [line];
  const count = Math.min(max, Math.ceil(line.width / width));
  return Array.from({ length: count }, (_, i) => {
    const left = count === 1 ? 0 : Math.round(((line.width - width) * i) / (count - 1));
    const data = new Uint8ClampedArray(width * line.height * 4);
    for (let y = 0; y < line.height; y++) {
      const from = (y * line.width + left) * 4;
      data.set(line.data.subarray(from, from + width * 4), y * width * 4);
    }
    return { width, height: line.height, data };
  });
}
