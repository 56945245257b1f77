import type { RgbaPixels } from '../vision/image-input';
import { DETECTION_NORMALIZATION, writePlanarInput } from './planar-input';

/** PaddleOCR's `det_limit_side_len` with `det_limit_type = max`: larger pictures are scaled down to this. */
export const DETECTION_MAX_SIDE = 960;

/** Python's `round`: halves go to the even neighbour (720 / 32 = 22.5 → 22), so sizes match PaddleOCR's. */
function roundHalfEven(x: number): number {
  const nearest = Math.round(x);
  return x - Math.floor(x) === 0.5 && nearest % 2 !== 0 ? nearest - 1 : nearest;
}

/**
 * The detector's input size, as PaddleOCR's `DetResizeForTest` (type 0) picks it: the longer side
 * at most `maxSide`, then each side rounded to a multiple of 32 (DBNet downsamples 32×), at least 32.
 * Small pictures are not scaled up beyond that rounding.
 */
export function detectionInputSize(width: number, height: number, maxSide = DETECTION_MAX_SIDE): { width: number; height: number } {
  const ratio = Math.max(width, height) > maxSide ? maxSide / Math.max(width, height) : 1;
  const side = (n: number) => Math.max(roundHalfEven(Math.trunc(n * ratio) / 32) * 32, 32);
  return { width: side(width), height: side(height) };
}

/** The picture as the detector's NCHW float32 input (batch of one), at `detectionInputSize`. */
export function detectionInput(image: RgbaPixels, maxSide = DETECTION_MAX_SIDE): { data: Float32Array; width: number; height: number } {
  const { width, height } = detectionInputSize(image.width, image.height, maxSide);
  const data = new Float32Array(3 * width * height);
  writePlanarInput(image, { out: data, offset: 0, rowStride: width, planeSize: width * height, width, height }, DETECTION_NORMALIZATION);
  return { data, width, height };
}
