/**
 * Perceptual hashes of pictures: pure functions over decoded pixels, no I/O.
 *
 * Conventions follow the Python `imagehash` library where practical:
 * - Grayscale is ITU-R 601-2 luma (`L = 0.299 R + 0.587 G + 0.114 B`), as Pillow's `convert('L')`;
 *   alpha is ignored, as Pillow does.
 * - Bit order: the hash bits are the cells read row by row, left to right, and the first cell
 *   is the most significant bit (imagehash's hex string reads the same way), so
 *   `hash.toString(16).padStart(16, '0')` equals imagehash's `str(hash)` for the same bits.
 * - aHash: 8×8, bit = cell > mean of the 64 cells.
 * - dHash: 9×8 (9 columns, 8 rows), bit = cell > the cell to its left (imagehash's
 *   horizontal `dhash`).
 * - pHash: 32×32, unnormalised 2-D DCT-II, the top-left 8×8 block of coefficients, bit =
 *   coefficient > median of those 64 coefficients, DC included (imagehash's `phash`, not the
 *   "exclude DC" variant).
 *
 * One deliberate difference: imagehash shrinks with Pillow's Lanczos filter; here the shrink is
 * a box filter that averages every source pixel a cell covers (with fractional weights at the
 * edges), so values are close to imagehash's but not bit-identical. Box averaging makes the hash
 * of a picture and of a resized copy of it agree closely.
 *
 * Every hash is an unsigned 64-bit integer as a bigint: 0 ≤ h < 2^64.
 */
import type { RgbaImage } from './image-codec';

export interface PerceptualHashes {
  readonly phash: bigint;
  readonly ahash: bigint;
  readonly dhash: bigint;
}

/** Luma of each pixel (0–255, not rounded), row-major, `width × height` values. */
export function toGrayscale(image: RgbaImage): Float32Array {
  const { width, height, data } = image;
  const n = width * height;
  const gray = new Float32Array(n);
  for (let i = 0, p = 0; i < n; i++, p += 4) {
    gray[i] = 0.299 * data[p]! + 0.587 * data[p + 1]! + 0.114 * data[p + 2]!;
  }
  return gray;
}

/**
 * Box-filter weights for resampling one axis of `src` samples into `dst` samples: output `i`
 * covers the source interval `[i·src/dst, (i+1)·src/dst)` and each source sample weighs the
 * length of its overlap with it, normalised to sum 1. Works for enlarging too (then each output
 * takes one or two source samples).
 */
interface AxisWeights {
  /** First source index of output i. */
  readonly start: Int32Array;
  /** Number of source samples of output i. */
  readonly count: Int32Array;
  /** Offset of output i's weights in `weights`. */
  readonly offset: Int32Array;
  readonly weights: Float64Array;
}

function axisWeights(src: number, dst: number): AxisWeights {
  const scale = src / dst;
  const start = new Int32Array(dst);
  const count = new Int32Array(dst);
  const offset = new Int32Array(dst);
  const list: number[] = [];
  for (let i = 0; i < dst; i++) {
    const lo = i * scale;
    const hi = Math.min(src, (i + 1) * scale);
    const first = Math.min(src - 1, Math.floor(lo));
    const last = Math.max(first, Math.min(src - 1, Math.ceil(hi) - 1));
    start[i] = first;
    count[i] = last - first + 1;
    offset[i] = list.length;
    let sum = 0;
    const from = list.length;
    for (let j = first; j <= last; j++) {
      const w = Math.max(0, Math.min(hi, j + 1) - Math.max(lo, j));
      list.push(w);
      sum += w;
    }
    // Normalise (sum is `scale` except at float edges); a zero sum cannot happen but guard it.
    for (let k = from; k < list.length; k++) list[k] = sum > 0 ? list[k]! / sum : 1 / (last - first + 1);
  }
  return { start, count, offset, weights: Float64Array.from(list) };
}

function checkSize(w: number, h: number, outW: number, outH: number, length: number, channels: number): void {
  for (const v of [w, h, outW, outH]) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`Image sizes must be positive integers (got ${w}×${h} → ${outW}×${outH})`);
  }
  if (length < w * h * channels) throw new RangeError(`Pixel buffer too short for ${w}×${h}`);
}

/**
 * Resizes a one-channel image (`w × h`, row-major) to `outW × outH` by area averaging: each
 * output value is the mean of the source pixels its cell covers, weighted by the covered area.
 */
export function resizeGray(gray: ArrayLike<number>, w: number, h: number, outW: number, outH: number): Float32Array {
  checkSize(w, h, outW, outH, gray.length, 1);
  const xs = axisWeights(w, outW);
  const ys = axisWeights(h, outH);
  // Horizontal pass: h rows of outW.
  const mid = new Float32Array(outW * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < outW; x++) {
      const s = xs.start[x]!;
      const c = xs.count[x]!;
      const o = xs.offset[x]!;
      let acc = 0;
      for (let k = 0; k < c; k++) acc += gray[row + s + k]! * xs.weights[o + k]!;
      mid[y * outW + x] = acc;
    }
  }
  // Vertical pass: outH rows of outW.
  const out = new Float32Array(outW * outH);
  for (let y = 0; y < outH; y++) {
    const s = ys.start[y]!;
    const c = ys.count[y]!;
    const o = ys.offset[y]!;
    for (let x = 0; x < outW; x++) {
      let acc = 0;
      for (let k = 0; k < c; k++) acc += mid[(s + k) * outW + x]! * ys.weights[o + k]!;
      out[y * outW + x] = acc;
    }
  }
  return out;
}

/**
 * Resizes straight RGBA pixels to `outW × outH` by area averaging (the same box filter as
 * {@link resizeGray}). Colours are averaged weighted by alpha, so transparent pixels do not
 * bleed their (meaningless) colour into their neighbours.
 */
export function resizeRgba(image: RgbaImage, outW: number, outH: number): RgbaImage {
  const { width: w, height: h, data } = image;
  checkSize(w, h, outW, outH, data.length, 4);
  if (w === outW && h === outH) return { width: w, height: h, data: new Uint8ClampedArray(data) };
  const xs = axisWeights(w, outW);
  const ys = axisWeights(h, outH);
  // Horizontal pass into premultiplied floats: h rows of outW × 4.
  const mid = new Float32Array(outW * h * 4);
  for (let y = 0; y < h; y++) {
    const row = y * w * 4;
    for (let x = 0; x < outW; x++) {
      const s = xs.start[x]!;
      const c = xs.count[x]!;
      const o = xs.offset[x]!;
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let k = 0; k < c; k++) {
        const p = row + (s + k) * 4;
        const alpha = data[p + 3]!;
        const wa = xs.weights[o + k]! * alpha;
        r += data[p]! * wa;
        g += data[p + 1]! * wa;
        b += data[p + 2]! * wa;
        a += wa;
      }
      const q = (y * outW + x) * 4;
      mid[q] = r;
      mid[q + 1] = g;
      mid[q + 2] = b;
      mid[q + 3] = a;
    }
  }
  const out = new Uint8ClampedArray(outW * outH * 4);
  for (let y = 0; y < outH; y++) {
    const s = ys.start[y]!;
    const c = ys.count[y]!;
    const o = ys.offset[y]!;
    for (let x = 0; x < outW; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let k = 0; k < c; k++) {
        const q = ((s + k) * outW + x) * 4;
        const wy = ys.weights[o + k]!;
        r += mid[q]! * wy;
        g += mid[q + 1]! * wy;
        b += mid[q + 2]! * wy;
        a += mid[q + 3]! * wy;
      }
      const p = (y * outW + x) * 4;
      if (a > 0) {
        out[p] = Math.round(r / a);
        out[p + 1] = Math.round(g / a);
        out[p + 2] = Math.round(b / a);
      }
      out[p + 3] = Math.round(a);
    }
  }
  return { width: outW, height: outH, data: out };
}

/** 64 booleans (first = most significant) as an unsigned 64-bit bigint. */
function bitsToBigint(bits: ArrayLike<boolean>): bigint {
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 32; i++) hi = ((hi << 1) | (bits[i] ? 1 : 0)) >>> 0;
  for (let i = 32; i < 64; i++) lo = ((lo << 1) | (bits[i] ? 1 : 0)) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

function grayOf(image: RgbaImage): { gray: Float32Array; w: number; h: number } {
  if (image.width < 1 || image.height < 1) throw new RangeError('Cannot hash an empty image');
  return { gray: toGrayscale(image), w: image.width, h: image.height };
}

type Gray = ReturnType<typeof grayOf>;

function aHashOf({ gray, w, h }: Gray): bigint {
  const cells = resizeGray(gray, w, h, 8, 8);
  let sum = 0;
  for (const v of cells) sum += v;
  const mean = sum / 64;
  return bitsToBigint(Array.from(cells, (v) => v > mean));
}

function dHashOf({ gray, w, h }: Gray): bigint {
  const cells = resizeGray(gray, w, h, 9, 8);
  const bits: boolean[] = [];
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) bits.push(cells[y * 9 + x + 1]! > cells[y * 9 + x]!);
  }
  return bitsToBigint(bits);
}

const DCT_N = 32;
const DCT_K = 8;
/** cos(π·k·(2n+1) / 2N) for k < 8, n < 32: the DCT-II basis (scipy's unnormalised type II, up to the factor 2). */
const DCT_BASIS: Float64Array = (() => {
  const t = new Float64Array(DCT_K * DCT_N);
  for (let k = 0; k < DCT_K; k++) {
    for (let n = 0; n < DCT_N; n++) t[k * DCT_N + n] = Math.cos((Math.PI * k * (2 * n + 1)) / (2 * DCT_N));
  }
  return t;
})();

function pHashOf({ gray, w, h }: Gray): bigint {
  const px = resizeGray(gray, w, h, DCT_N, DCT_N);
  // Along each row (x → u), keeping the 8 lowest frequencies: 32 rows × 8.
  const rows = new Float64Array(DCT_N * DCT_K);
  for (let y = 0; y < DCT_N; y++) {
    for (let u = 0; u < DCT_K; u++) {
      let acc = 0;
      for (let x = 0; x < DCT_N; x++) acc += px[y * DCT_N + x]! * DCT_BASIS[u * DCT_N + x]!;
      rows[y * DCT_K + u] = acc;
    }
  }
  // Along each column (y → v): 8 × 8, row v, column u (imagehash's dct[:8, :8]).
  const coeffs = new Float64Array(DCT_K * DCT_K);
  for (let v = 0; v < DCT_K; v++) {
    for (let u = 0; u < DCT_K; u++) {
      let acc = 0;
      for (let y = 0; y < DCT_N; y++) acc += rows[y * DCT_K + u]! * DCT_BASIS[v * DCT_N + y]!;
      coeffs[v * DCT_K + u] = acc;
    }
  }
  const sorted = Float64Array.from(coeffs).sort();
  const median = (sorted[31]! + sorted[32]!) / 2;
  return bitsToBigint(Array.from(coeffs, (c) => c > median));
}

/** Average hash: 8×8 grayscale, each cell brighter than the mean → 1. */
export function averageHash(image: RgbaImage): bigint {
  return aHashOf(grayOf(image));
}

/** Difference hash: 9×8 grayscale, each cell brighter than its left neighbour → 1. */
export function differenceHash(image: RgbaImage): bigint {
  return dHashOf(grayOf(image));
}

/** Perceptual (DCT) hash: 32×32 grayscale, DCT-II, low 8×8 coefficients above their median → 1. */
export function perceptualHash(image: RgbaImage): bigint {
  return pHashOf(grayOf(image));
}

/** The three hashes, sharing one grayscale conversion. */
export function perceptualHashes(image: RgbaImage): PerceptualHashes {
  const g = grayOf(image);
  return { phash: pHashOf(g), ahash: aHashOf(g), dhash: dHashOf(g) };
}

function popcount32(v: number): number {
  let x = v - ((v >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Number of differing bits between two 64-bit hashes (0–64). */
export function hammingDistance(a: bigint, b: bigint): number {
  const x = BigInt.asUintN(64, a ^ b);
  return popcount32(Number(x & 0xffffffffn)) + popcount32(Number(x >> 32n));
}
