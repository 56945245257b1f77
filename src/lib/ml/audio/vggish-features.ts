/**
 * VGGish's input, computed as its release does (`vggish_input.py`, `mel_features.py`) in plain
 * TypeScript, so Node and the browser feed the model the same numbers: mono 16 kHz samples, 25 ms
 * periodic Hann windows every 10 ms, the magnitude (not power) of a 512-point FFT, 64 HTK-mel
 * bands from 125 to 7,500 Hz whose triangles are drawn in mel space, `ln(mel + 0.01)`, and
 * patches of 96 frames (0.96 s) that do not overlap. A partial patch at the end is dropped, as
 * the release drops it.
 */

export const VGGISH_SAMPLE_RATE = 16_000;
export const VGGISH_BANDS = 64;
export const VGGISH_PATCH_FRAMES = 96;
const WINDOW = 400;
const HOP = 160;
const FFT = 512;
const BINS = FFT / 2 + 1;
const LOWER_HERTZ = 125;
const UPPER_HERTZ = 7_500;
const LOG_OFFSET = 0.01;
/** What one patch reads: 400 + 95 × 160 samples (0.975 s). */
export const VGGISH_PATCH_SAMPLES = WINDOW + (VGGISH_PATCH_FRAMES - 1) * HOP;
/** Every patch is 96 × 64 numbers, frame by frame. */
export const VGGISH_PATCH_SIZE = VGGISH_PATCH_FRAMES * VGGISH_BANDS;

/** HTK's mel scale, natural-log form, as `mel_features.hertz_to_mel`. */
export function hertzToMel(hertz: number): number {
  return 1127 * Math.log(1 + hertz / 700);
}

/**
 * The [257 bins × 64 bands] weights (row-major by bin) of `spectrogram_to_mel_matrix`: band i
 * rises from edge i to edge i + 1 and falls to edge i + 2, edges evenly spaced in mel; the DC
 * bin weighs nothing.
 */
export function vggishMelMatrix(): Float64Array {
  const matrix = new Float64Array(BINS * VGGISH_BANDS);
  const lower = hertzToMel(LOWER_HERTZ);
  const step = (hertzToMel(UPPER_HERTZ) - lower) / (VGGISH_BANDS + 1);
  for (let bin = 1; bin < BINS; bin++) {
    const mel = hertzToMel((bin * (VGGISH_SAMPLE_RATE / 2)) / (BINS - 1));
    for (let band = 0; band < VGGISH_BANDS; band++) {
      const left = lower + band * step;
      const centre = left + step;
      const right = centre + step;
      const weight = Math.min((mel - left) / (centre - left), (right - mel) / (right - centre));
      matrix[bin * VGGISH_BANDS + band] = Math.max(0, weight);
    }
  }
  return matrix;
}

interface Tables {
  readonly mel: Float64Array;
  readonly window: Float64Array;
  readonly cos: Float64Array;
  readonly sin: Float64Array;
  readonly reversed: Uint16Array;
}

let tables: Tables | undefined;

function getTables(): Tables {
  if (tables) return tables;
  const window = Float64Array.from({ length: WINDOW }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / WINDOW));
  const cos = Float64Array.from({ length: FFT / 2 }, (_, i) => Math.cos((-2 * Math.PI * i) / FFT));
  const sin = Float64Array.from({ length: FFT / 2 }, (_, i) => Math.sin((-2 * Math.PI * i) / FFT));
  const bits = Math.log2(FFT);
  const reversed = Uint16Array.from({ length: FFT }, (_, i) => {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    return r;
  });
  tables = { mel: vggishMelMatrix(), window, cos, sin, reversed };
  return tables;
}

/** In-place radix-2 FFT of `re`/`im` (length 512, already in bit-reversed order). */
function fft(re: Float64Array, im: Float64Array, { cos, sin }: Tables): void {
  for (let size = 2; size <= FFT; size *= 2) {
    const half = size / 2;
    const stride = FFT / size;
    for (let start = 0; start < FFT; start += size) {
      for (let k = 0; k < half; k++) {
        const c = cos[k * stride]!;
        const s = sin[k * stride]!;
        const a = start + k;
        const b = a + half;
        const tr = re[b]! * c - im[b]! * s;
        const ti = re[b]! * s + im[b]! * c;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
    }
  }
}

/**
 * `frames` log-mel frames (× 64, frame by frame) of the frames that start at sample `start`,
 * `start + 160`, …; each needs 400 samples from `samples`.
 */
export function vggishLogMel(samples: Float32Array, start: number, frames: number): Float32Array {
  const t = getTables();
  const out = new Float32Array(frames * VGGISH_BANDS);
  const re = new Float64Array(FFT);
  const im = new Float64Array(FFT);
  const magnitude = new Float64Array(BINS);
  for (let frame = 0; frame < frames; frame++) {
    re.fill(0);
    im.fill(0);
    const offset = start + frame * HOP;
    if (offset + WINDOW > samples.length) throw new RangeError(`VGGish frame ${frame} runs past the clip's ${samples.length} samples`);
    for (let i = 0; i < WINDOW; i++) re[t.reversed[i]!] = samples[offset + i]! * t.window[i]!;
    fft(re, im, t);
    for (let bin = 0; bin < BINS; bin++) magnitude[bin] = Math.hypot(re[bin]!, im[bin]!);
    for (let band = 0; band < VGGISH_BANDS; band++) {
      let sum = 0;
      for (let bin = 1; bin < BINS; bin++) sum += magnitude[bin]! * t.mel[bin * VGGISH_BANDS + band]!;
      out[frame * VGGISH_BANDS + band] = Math.log(sum + LOG_OFFSET);
    }
  }
  return out;
}

/**
 * Which of a clip's whole patches to embed (their indices): all of them up to `maxPatches`, else
 * that many spread evenly from the first to the last, so a long recording is sampled throughout
 * rather than cut after its first minutes.
 */
export function vggishPatchIndices(length: number, maxPatches: number): number[] {
  const frames = length < WINDOW ? 0 : 1 + Math.floor((length - WINDOW) / HOP);
  const whole = Math.floor(frames / VGGISH_PATCH_FRAMES);
  if (whole <= maxPatches) return Array.from({ length: whole }, (_, i) => i);
  if (maxPatches <= 1) return [0];
  return Array.from({ length: maxPatches }, (_, i) => Math.round((i * (whole - 1)) / (maxPatches - 1)));
}

/**
 * A clip's patches (each 96 × 64). A clip shorter than one patch is looped until it fills one
 * (an empty clip is silence): VGGish itself returns nothing for it, and a short sound repeated
 * keeps its character where padding with silence would drown it.
 */
export function vggishPatches(clip: Float32Array, maxPatches: number): Float32Array[] {
  const indices = vggishPatchIndices(clip.length, maxPatches);
  if (indices.length > 0) return indices.map((index) => vggishLogMel(clip, index * VGGISH_PATCH_FRAMES * HOP, VGGISH_PATCH_FRAMES));
  const looped = new Float32Array(VGGISH_PATCH_SAMPLES);
  if (clip.length > 0) for (let i = 0; i < looped.length; i += clip.length) looped.set(clip.subarray(0, looped.length - i), i);
  return [vggishLogMel(looped, 0, VGGISH_PATCH_FRAMES)];
}
