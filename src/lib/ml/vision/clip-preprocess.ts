import type { RgbaPixels } from './image-input';

/**
 * CLIP's image preprocessing (transformers' `CLIPImageProcessor`) in plain JS, so Node and the
 * browser give the model identical inputs without sharp or a canvas: resize so the shorter side
 * is `shortest_edge` with PIL's antialiased bicubic (what CLIP was trained with; each pass kept
 * as 8-bit, as PIL stores it), centre crop, rescale by 1/255, normalise per channel, NCHW
 * float32. Transparent pixels are composited onto white first, as on a page (transformers'
 * `convert_rgb` drops alpha instead, which turns transparent areas into whatever colour they hide).
 */
export interface ClipPreprocessing {
  /** The shorter side becomes `shortestEdge` (aspect kept), or the picture is stretched to `width` × `height`; null: no resize. */
  readonly resize: { readonly shortestEdge: number } | { readonly width: number; readonly height: number } | null;
  /** The centred window the model sees; null: the resized picture as is. */
  readonly crop: { readonly width: number; readonly height: number } | null;
  readonly filter: 'bicubic' | 'bilinear';
  readonly rescale: number;
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
}

type Json = Record<string, unknown>;

function positiveInt(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

function triple(value: unknown, fallback: number): readonly [number, number, number] | null {
  if (value === undefined) return [fallback, fallback, fallback];
  if (typeof value === 'number') return [value, value, value];
  if (!Array.isArray(value) || value.length !== 3 || !value.every((v) => typeof v === 'number')) return null;
  const [a, b, c] = value as [number, number, number];
  return [a, b, c];
}

/** transformers writes sizes as a number (older configs) or as `{shortest_edge}` / `{height, width}`. */
function sizeOf(value: unknown): ClipPreprocessing['resize'] {
  const edge = positiveInt(value);
  if (edge !== null) return { shortestEdge: edge };
  const size = (value ?? {}) as Json;
  const shortestEdge = positiveInt(size.shortest_edge);
  if (shortestEdge !== null) return { shortestEdge };
  const width = positiveInt(size.width);
  const height = positiveInt(size.height);
  return width !== null && height !== null ? { width, height } : null;
}

/** Reads a model folder's preprocessor_config.json; `source` names it in errors. */
export function parseClipPreprocessing(json: unknown, source: string): ClipPreprocessing {
  const config = (json ?? {}) as Json;
  const fail = (what: string): never => {
    throw new Error(`${source}: ${what}`);
  };
  const resize = config.do_resize === false ? null : (sizeOf(config.size) ?? fail('no usable size'));
  let crop: ClipPreprocessing['crop'] = null;
  if (config.do_center_crop !== false && config.crop_size !== undefined) {
    const size = sizeOf(config.crop_size) ?? fail('no usable crop_size');
    // A bare number means a square; `shortestEdge` is what sizeOf calls it.
    crop = 'shortestEdge' in size ? { width: size.shortestEdge, height: size.shortestEdge } : size;
  }
  const resample = config.resample ?? 3;
  // PIL's numbering, which transformers keeps: 2 is bilinear, 3 bicubic.
  if (resample !== 2 && resample !== 3) fail(`resample ${String(resample)} is not supported (2: bilinear, 3: bicubic)`);
  const factor = config.rescale_factor ?? 1 / 255;
  if (typeof factor !== 'number') fail('rescale_factor is not a number');
  const normalise = config.do_normalize !== false;
  const mean = normalise ? (triple(config.image_mean, 0) ?? fail('image_mean is not three numbers')) : ([0, 0, 0] as const);
  const std = normalise ? (triple(config.image_std, 1) ?? fail('image_std is not three numbers')) : ([1, 1, 1] as const);
  return {
    resize,
    crop,
    filter: resample === 2 ? 'bilinear' : 'bicubic',
    rescale: config.do_rescale === false ? 1 : (factor as number),
    mean,
    std,
  };
}

/** The resized size, as transformers computes it (the longer side truncated, not rounded). */
export function clipResizedSize(width: number, height: number, p: ClipPreprocessing): { width: number; height: number } {
  if (!p.resize) return { width, height };
  if (!('shortestEdge' in p.resize)) return p.resize;
  const edge = p.resize.shortestEdge;
  return width <= height
    ? { width: edge, height: Math.trunc((edge * height) / width) }
    : { width: Math.trunc((edge * width) / height), height: edge };
}

/** The model's input size for one picture of `width` × `height`. */
export function clipInputSize(width: number, height: number, p: ClipPreprocessing): { width: number; height: number } {
  return p.crop ?? clipResizedSize(width, height, p);
}

const FILTERS = {
  // PIL's bicubic convolution, a = -0.5.
  bicubic: {
    support: 2,
    weight(x: number): number {
      const t = Math.abs(x);
      if (t < 1) return (1.5 * t - 2.5) * t * t + 1;
      if (t < 2) return -0.5 * (((t - 5) * t + 8) * t - 4);
      return 0;
    },
  },
  bilinear: { support: 1, weight: (x: number) => Math.max(0, 1 - Math.abs(x)) },
};

interface Taps {
  readonly start: Int32Array;
  readonly count: Int32Array;
  readonly weights: Float32Array;
  readonly stride: number;
}

/**
 * PIL's `precompute_coeffs` for the outputs `first` … `first + length - 1` of a resize from
 * `inSize` to `outSize`: the filter widened by the scale when shrinking (the antialiasing),
 * clipped at the edges and renormalised. An axis that keeps its size is copied, as PIL skips it.
 */
function taps(inSize: number, outSize: number, first: number, length: number, filter: (typeof FILTERS)['bicubic']): Taps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const stride = inSize === outSize ? 1 : Math.ceil(support) * 2 + 1;
  const start = new Int32Array(length);
  const count = new Int32Array(length);
  const weights = new Float32Array(length * stride);
  for (let i = 0; i < length; i++) {
    const out = first + i;
    if (inSize === outSize) {
      start[i] = out;
      count[i] = 1;
      weights[i] = 1;
      continue;
    }
    const center = (out + 0.5) * scale;
    const lo = Math.max(0, Math.trunc(center - support + 0.5));
    const hi = Math.min(inSize, Math.trunc(center + support + 0.5));
    let total = 0;
    for (let x = lo; x < hi; x++) total += weights[i * stride + x - lo] = filter.weight((x - center + 0.5) / filterScale);
    if (total !== 0) for (let x = lo; x < hi; x++) weights[i * stride + x - lo]! /= total;
    start[i] = lo;
    count[i] = hi - lo;
  }
  return { start, count, weights, stride };
}

const byte = (value: number) => (value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value));

/**
 * Writes one picture's model input into `out` at `offset` (3 × height × width floats, NCHW).
 * Only the rows and columns inside the crop are resampled, so a large photo costs its source
 * rows once each, not a full-size intermediate.
 */
export function writeClipPixels(image: RgbaPixels, p: ClipPreprocessing, out: Float32Array, offset = 0): void {
  const { width: w, height: h, data } = image;
  if (!(w > 0 && h > 0) || data.length < w * h * 4) throw new Error(`Not an RGBA picture: ${w}×${h}, ${data.length} bytes`);
  const resized = clipResizedSize(w, h, p);
  const target = clipInputSize(w, h, p);
  // Python's floor division, as transformers' center_crop: a crop larger than the picture pads it.
  const left = Math.floor((resized.width - target.width) / 2);
  const top = Math.floor((resized.height - target.height) / 2);
  const x0 = Math.max(0, left);
  const x1 = Math.min(resized.width, left + target.width);
  const y0 = Math.max(0, top);
  const y1 = Math.min(resized.height, top + target.height);
  const filter = FILTERS[p.filter];
  const across = taps(w, resized.width, x0, Math.max(0, x1 - x0), filter);
  const down = taps(h, resized.height, y0, Math.max(0, y1 - y0), filter);
  const columns = x1 - x0;
  const rowFrom = down.count.length ? down.start[0]! : 0;
  const rowTo = down.count.length ? down.start[down.count.length - 1]! + down.count[down.count.length - 1]! : 0;

  // Horizontal pass over the source rows the vertical taps read, alpha composited onto white.
  const row = new Float32Array(w * 3);
  const wide = new Float32Array(Math.max(0, rowTo - rowFrom) * columns * 3);
  for (let y = rowFrom; y < rowTo; y++) {
    for (let x = 0, i = y * w * 4; x < w; x++, i += 4) {
      const alpha = data[i + 3]!;
      const white = 255 - alpha;
      row[x * 3] = (data[i]! * alpha) / 255 + white;
      row[x * 3 + 1] = (data[i + 1]! * alpha) / 255 + white;
      row[x * 3 + 2] = (data[i + 2]! * alpha) / 255 + white;
    }
    const base = (y - rowFrom) * columns * 3;
    for (let c = 0; c < columns; c++) {
      let r = 0;
      let g = 0;
      let b = 0;
      const from = across.start[c]!;
      for (let k = 0, at = c * across.stride; k < across.count[c]!; k++, at++) {
        const weight = across.weights[at]!;
        const s = (from + k) * 3;
        r += row[s]! * weight;
        g += row[s + 1]! * weight;
        b += row[s + 2]! * weight;
      }
      wide[base + c * 3] = byte(r);
      wide[base + c * 3 + 1] = byte(g);
      wide[base + c * 3 + 2] = byte(b);
    }
  }

  // Vertical pass, then rescale and normalise; what the crop holds beyond the picture is black.
  const plane = target.width * target.height;
  const scale = p.rescale;
  const [m0, m1, m2] = p.mean;
  const [s0, s1, s2] = p.std;
  for (let y = 0; y < target.height; y++) {
    const ry = y + top;
    for (let x = 0; x < target.width; x++) {
      const rx = x + left;
      let r = 0;
      let g = 0;
      let b = 0;
      if (ry >= y0 && ry < y1 && rx >= x0 && rx < x1) {
        const t = ry - y0;
        const from = down.start[t]!;
        for (let k = 0, at = t * down.stride; k < down.count[t]!; k++, at++) {
          const weight = down.weights[at]!;
          const s = ((from + k - rowFrom) * columns + (rx - x0)) * 3;
          r += wide[s]! * weight;
          g += wide[s + 1]! * weight;
          b += wide[s + 2]! * weight;
        }
      }
      const o = offset + y * target.width + x;
      out[o] = (byte(r) * scale - m0) / s0;
      out[o + plane] = (byte(g) * scale - m1) / s1;
      out[o + 2 * plane] = (byte(b) * scale - m2) / s2;
    }
  }
}

/** A batch as one NCHW buffer; every picture must come out the same size (true whenever there is a crop). */
export function clipPixelBatch(
  images: readonly RgbaPixels[],
  p: ClipPreprocessing,
): { data: Float32Array; dims: [number, number, number, number] } {
  const sizes = images.map((image) => clipInputSize(image.width, image.height, p));
  const { width, height } = sizes[0] ?? p.crop ?? { width: 0, height: 0 };
  if (sizes.some((size) => size.width !== width || size.height !== height))
    throw new Error('Pictures of different input sizes cannot share a batch');
  const stride = 3 * width * height;
  const data = new Float32Array(images.length * stride);
  images.forEach((image, i) => writeClipPixels(image, p, data, i * stride));
  return { data, dims: [images.length, 3, height, width] };
}
