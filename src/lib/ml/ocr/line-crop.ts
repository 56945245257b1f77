import type { RgbaPixels } from '../vision/image-input';
import { distance, type Quad } from './ocr-geometry';

/** A crop at most this much taller than wide is read as a vertical line and turned (PaddleOCR's `get_rotate_crop_image`). */
const VERTICAL_RATIO = 1.5;

/**
 * The projective map from the unit square to the quad (corner 0 at (0,0), 1 at (1,0), 2 at
 * (1,1), 3 at (0,1)), as the coefficients of x = (a u + b v + c) / (g u + h v + 1), y = (d u + e v + f) / (…).
 */
function squareToQuad(quad: Quad): readonly number[] {
  const [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = quad;
  const sx = x0 - x1 + x2 - x3;
  const sy = y0 - y1 + y2 - y3;
  const dx1 = x1 - x2;
  const dx2 = x3 - x2;
  const dy1 = y1 - y2;
  const dy2 = y3 - y2;
  const den = dx1 * dy2 - dx2 * dy1;
  // A parallelogram (every rectangle) is affine; a degenerate quad is treated as one too.
  const g = sx === 0 && sy === 0 ? 0 : den === 0 ? 0 : (sx * dy2 - dx2 * sy) / den;
  const h = sx === 0 && sy === 0 ? 0 : den === 0 ? 0 : (dx1 * sy - sx * dy1) / den;
  return [x1 - x0 + g * x1, x3 - x0 + h * x3, x0, y1 - y0 + g * y1, y3 - y0 + h * y3, y0, g, h];
}

/**
 * The quad's content as an upright picture (corner 0 at top left), sampled bilinearly with the
 * edges repeated and transparency over white; a much taller than wide crop is turned 90°
 * counter-clockwise. Null when the quad has no area to sample.
 */
export function cropLine(image: RgbaPixels, quad: Quad): RgbaPixels | null {
  const width = Math.trunc(Math.max(distance(quad[0], quad[1]), distance(quad[2], quad[3])));
  const height = Math.trunc(Math.max(distance(quad[0], quad[3]), distance(quad[1], quad[2])));
  if (width < 1 || height < 1 || image.width < 1 || image.height < 1) return null;
  const [a, b, c, d, e, f, g, h] = squareToQuad(quad) as [number, number, number, number, number, number, number, number];
  const out = new Uint8ClampedArray(width * height * 4);
  const src = image.data;
  const maxX = image.width - 1;
  const maxY = image.height - 1;
  for (let y = 0; y < height; y++) {
    const v = y / height;
    for (let x = 0; x < width; x++) {
      const u = x / width;
      const w = g * u + h * v + 1;
      const sx = Math.min(maxX, Math.max(0, (a * u + b * v + c) / w));
      const sy = Math.min(maxY, Math.max(0, (d * u + e * v + f) / w));
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = Math.min(maxX, x0 + 1);
      const y1 = Math.min(maxY, y0 + 1);
      const tx = sx - x0;
      const ty = sy - y0;
      const p00 = (y0 * image.width + x0) * 4;
      const p01 = (y0 * image.width + x1) * 4;
      const p10 = (y1 * image.width + x0) * 4;
      const p11 = (y1 * image.width + x1) * 4;
      // Bilinear weights, each tap laid over white by its own alpha.
      const w00 = ((1 - tx) * (1 - ty) * src[p00 + 3]!) / 255;
      const w01 = (tx * (1 - ty) * src[p01 + 3]!) / 255;
      const w10 = ((1 - tx) * ty * src[p10 + 3]!) / 255;
      const w11 = (tx * ty * src[p11 + 3]!) / 255;
      const white = 255 * (1 - w00 - w01 - w10 - w11);
      const o = (y * width + x) * 4;
      out[o] = white + src[p00]! * w00 + src[p01]! * w01 + src[p10]! * w10 + src[p11]! * w11;
      out[o + 1] = white + src[p00 + 1]! * w00 + src[p01 + 1]! * w01 + src[p10 + 1]! * w10 + src[p11 + 1]! * w11;
      out[o + 2] = white + src[p00 + 2]! * w00 + src[p01 + 2]! * w01 + src[p10 + 2]! * w10 + src[p11 + 2]! * w11;
      out[o + 3] = 255;
    }
  }
  const crop = { width, height, data: out };
  return height / width >= VERTICAL_RATIO ? rotateCounterClockwise(crop) : crop;
}

/** 90° counter-clockwise, as `np.rot90`: the right column becomes the top row. */
export function rotateCounterClockwise(image: RgbaPixels): RgbaPixels {
  const { width, height } = image;
  const source = new Uint32Array(image.data.buffer, image.data.byteOffset, width * height);
  const turned = new Uint32Array(width * height);
  for (let y = 0; y < width; y++) {
    for (let x = 0; x < height; x++) turned[y * height + x] = source[x * width + (width - 1 - y)]!;
  }
  return { width: height, height: width, data: new Uint8ClampedArray(turned.buffer) };
}

/** Turned 180° (upside down), in place. */
export function rotateHalfTurn(image: RgbaPixels): RgbaPixels {
  new Uint32Array(image.data.buffer, image.data.byteOffset, image.width * image.height).reverse();
  return image;
}
