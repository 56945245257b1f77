import type { RgbaPixels } from '../vision/image-input';

/**
 * Per output channel, `value × scale + bias` on 0–255 values, and which source channel (0 R,
 * 1 G, 2 B) feeds it. PaddleOCR's models were trained on OpenCV's BGR pictures with the
 * normalisation constants applied in that order, so `source` is [2, 1, 0] for all three.
 */
export interface PlanarNormalization {
  readonly source: readonly [number, number, number];
  readonly scale: readonly [number, number, number];
  readonly bias: readonly [number, number, number];
}

/** Where the three planes of one picture go in a CHW buffer, and the size the picture is drawn at. */
export interface PlanarTarget {
  readonly out: Float32Array;
  readonly offset: number;
  /** Floats per row of a plane (the tensor's width, which may exceed `width`: the rest is padding). */
  readonly rowStride: number;
  readonly planeSize: number;
  readonly width: number;
  readonly height: number;
}

/** Per output index along one axis: the first source index and the weights of the source indices from there. */
interface AxisFilter {
  readonly first: Int32Array;
  readonly weights: Float32Array[];
  /** The most source indices any output index reads. */
  readonly span: number;
}

/**
 * A triangle (bilinear) filter with half-pixel centres: exactly OpenCV's `INTER_LINEAR` when
 * enlarging, and widened to the scale when shrinking, so every source pixel counts (OpenCV,
 * and so PaddleOCR, samples only the 2 nearest: strokes between samples vanish, and a large
 * photo's lines read worse than the same lines at screen size).
 */
function axisFilter(source: number, target: number): AxisFilter {
  const scale = source / target;
  const support = Math.max(1, scale);
  const first = new Int32Array(target);
  const weights: Float32Array[] = [];
  let span = 0;
  for (let i = 0; i < target; i++) {
    const center = (i + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support));
    const hi = Math.min(source - 1, Math.ceil(center + support));
    const w = new Float32Array(hi - lo + 1);
    let total = 0;
    for (let j = lo; j <= hi; j++) total += w[j - lo] = Math.max(0, 1 - Math.abs(j + 0.5 - center) / support);
    // At an edge the taps that fell outside are dropped and the rest renormalised: edges repeat.
    if (total > 0) for (let k = 0; k < w.length; k++) w[k]! /= total;
    else w[Math.min(w.length - 1, Math.max(0, Math.round(center - 0.5) - lo))] = 1;
    first[i] = lo;
    weights.push(w);
    span = Math.max(span, w.length);
  }
  return { first, weights, span };
}

/**
 * Resizes the picture to `target.width × target.height` (separable triangle filter, see
 * `axisFilter`) and writes it as three normalised planes. Transparent pixels count as white,
 * as on a page. Rows filtered horizontally are kept in a ring, so memory stays a few rows.
 */
export function writePlanarInput(image: RgbaPixels, target: PlanarTarget, normalization: PlanarNormalization): void {
  const { out, offset, rowStride, planeSize, width, height } = target;
  const { data } = image;
  const xs = axisFilter(image.width, width);
  const ys = axisFilter(image.height, height);
  const ring = Array.from({ length: ys.span + 1 }, () => ({ row: -1, rgb: new Float32Array(width * 3) }));
  const filteredRow = (sourceRow: number): Float32Array => {
    const slot = ring[sourceRow % ring.length]!;
    if (slot.row === sourceRow) return slot.rgb;
    slot.row = sourceRow;
    const base = sourceRow * image.width;
    for (let x = 0; x < width; x++) {
      const w = xs.weights[x]!;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0, p = (base + xs.first[x]!) * 4; k < w.length; k++, p += 4) {
        const weight = w[k]!;
        const cover = data[p + 3]! / 255;
        // Laid over white before filtering, so a transparent pixel's hidden colour never shows.
        r += weight * (255 - (255 - data[p]!) * cover);
        g += weight * (255 - (255 - data[p + 1]!) * cover);
        b += weight * (255 - (255 - data[p + 2]!) * cover);
      }
      slot.rgb[x * 3] = r;
      slot.rgb[x * 3 + 1] = g;
      slot.rgb[x * 3 + 2] = b;
    }
    return slot.rgb;
  };
  const row = new Float32Array(width * 3);
  const { source, scale, bias } = normalization;
  for (let y = 0; y < height; y++) {
    row.fill(0);
    const w = ys.weights[y]!;
    for (let k = 0; k < w.length; k++) {
      const weight = w[k]!;
      const rgb = filteredRow(ys.first[y]! + k);
      for (let i = 0; i < rgb.length; i++) row[i]! += weight * rgb[i]!;
    }
    for (let channel = 0; channel < 3; channel++) {
      const from = source[channel]!;
      const s = scale[channel]!;
      const o = bias[channel]!;
      const base = offset + channel * planeSize + y * rowStride;
      for (let x = 0; x < width; x++) out[base + x] = row[x * 3 + from]! * s + o;
    }
  }
}

/** PaddleOCR's detector normalisation: ImageNet mean and std on 0–1 values, in BGR order. */
export const DETECTION_NORMALIZATION: PlanarNormalization = {
  source: [2, 1, 0],
  scale: [1 / (255 * 0.229), 1 / (255 * 0.224), 1 / (255 * 0.225)],
  bias: [-0.485 / 0.229, -0.456 / 0.224, -0.406 / 0.225],
};

/** The classifier's and recogniser's: (x / 255 − 0.5) / 0.5, BGR. */
export const LINE_NORMALIZATION: PlanarNormalization = {
  source: [2, 1, 0],
  scale: [2 / 255, 2 / 255, 2 / 255],
  bias: [-1, -1, -1],
};
