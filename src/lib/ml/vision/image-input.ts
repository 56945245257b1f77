/** Straight RGBA pixels, 4 bytes a pixel, row-major (what a decoder gives). */
export interface RgbaPixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

/** How an image model wants its input: a square of `size`, NHWC float32. */
export interface ImageInputSpec {
  readonly size: number;
  readonly channels: 'RGB' | 'BGR';
  /** `unit`: 0–1; `byte`: 0–255. */
  readonly range: 'unit' | 'byte';
  /**
   * `stretch`: the whole picture squeezed to the square (nsfwjs); `pad`: the picture centred on
   * a white square, then scaled (the WD taggers), so nothing is distorted or cut.
   */
  readonly fit: 'stretch' | 'pad';
}

/** Bilinear sample of channel `c` at (x, y) in source pixel coordinates, edges clamped. */
function sample(image: RgbaPixels, x: number, y: number, c: number): number {
  const x0 = Math.max(0, Math.min(image.width - 1, Math.floor(x)));
  const y0 = Math.max(0, Math.min(image.height - 1, Math.floor(y)));
  const x1 = Math.min(image.width - 1, x0 + 1);
  const y1 = Math.min(image.height - 1, y0 + 1);
  const fx = Math.max(0, Math.min(1, x - x0));
  const fy = Math.max(0, Math.min(1, y - y0));
  const at = (px: number, py: number) => image.data[(py * image.width + px) * 4 + c]!;
  const top = at(x0, y0) * (1 - fx) + at(x1, y0) * fx;
  const bottom = at(x0, y1) * (1 - fx) + at(x1, y1) * fx;
  return top * (1 - fy) + bottom * fy;
}

/**
 * Writes one picture as the model's input into `out` at `offset` (size × size × 3 floats).
 * Transparent pixels count as white, as on a page. Resizing is bilinear with aligned corners,
 * as nsfwjs does it with `tf.image.resizeBilinear(…, alignCorners = true)`.
 */
export function writeImageInput(image: RgbaPixels, spec: ImageInputSpec, out: Float32Array, offset = 0): void {
  const { size } = spec;
  const scale = spec.range === 'unit' ? 1 / 255 : 1;
  const order = spec.channels === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  // The square the picture occupies, in output pixels: all of it, or the centred fit.
  const side = Math.max(image.width, image.height);
  const drawWidth = spec.fit === 'stretch' ? size : (size * image.width) / side;
  const drawHeight = spec.fit === 'stretch' ? size : (size * image.height) / side;
  const left = (size - drawWidth) / 2;
  const top = (size - drawHeight) / 2;
  const sx = drawWidth > 1 ? (image.width - 1) / (drawWidth - 1) : 0;
  const sy = drawHeight > 1 ? (image.height - 1) / (drawHeight - 1) : 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const o = offset + (y * size + x) * 3;
      const u = x - left;
      const v = y - top;
      if (u < -0.5 || v < -0.5 || u > drawWidth - 0.5 || v > drawHeight - 0.5) {
        out[o] = out[o + 1] = out[o + 2] = 255 * scale;
        continue;
      }
      const srcX = u * sx;
      const srcY = v * sy;
      const alpha = sample(image, srcX, srcY, 3) / 255;
      for (let c = 0; c < 3; c++) out[o + c] = (sample(image, srcX, srcY, order[c]!) * alpha + 255 * (1 - alpha)) * scale;
    }
  }
}

/** A batch of pictures as one NHWC float32 buffer. */
export function imageBatchInput(images: readonly RgbaPixels[], spec: ImageInputSpec): Float32Array {
  const stride = spec.size * spec.size * 3;
  const out = new Float32Array(images.length * stride);
  images.forEach((image, i) => writeImageInput(image, spec, out, i * stride));
  return out;
}
