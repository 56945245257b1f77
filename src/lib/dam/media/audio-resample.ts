/**
 * Mono mixdown and band-limited resampling for audio models, in pieces: a sound arrives a
 * decoder's output at a time and leaves in windows, never whole.
 *
 * The resampler is a windowed-sinc (Kaiser) interpolator evaluated at exact rational positions:
 * output sample n sits at input position n·M/L (L/M the reduced rate ratio). Its cut-off is
 * below the lower of the two Nyquist frequencies, so content the target rate cannot carry is
 * removed rather than folded back (linear interpolation would alias a 12 kHz tone to 4 kHz at
 * 16 kHz). The input it still needs is carried from one call to the next, so the output of
 * consecutive calls is the same as one call on the whole sound.
 */

/** Zero crossings of the sinc on each side: ~100 taps an output at 44.1 → 16 kHz. */
const ZERO_CROSSINGS = 16;
/** Cut-off as a share of the lower Nyquist frequency; the transition band lies above it. */
const ROLLOFF = 0.88;
/** Kaiser β: stopband attenuation of about 85 dB. */
const KAISER_BETA = 8.5;
/** Phases tabulated at most; a ratio with more (44,101 → 16,000 Hz) snaps to the nearest. */
const MAX_PHASES = 4096;

/** The channels averaged into one (the usual mixdown for analysis). */
export function downmixToMono(channels: readonly Float32Array[], frames: number): Float32Array {
  const count = channels.length;
  if (count === 0) return new Float32Array(frames);
  if (count === 1) return channels[0]!.subarray(0, frames);
  const mono = new Float32Array(frames);
  for (const channel of channels) for (let i = 0; i < frames; i++) mono[i]! += channel[i]!;
  const scale = 1 / count;
  for (let i = 0; i < frames; i++) mono[i]! *= scale;
  return mono;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0 (for the Kaiser window). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 64 && term > sum * 1e-12; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

interface Kernel {
  /** Taps on each side of the position: output n reads inputs floor(t) − half + 1 … floor(t) + half. */
  readonly half: number;
  readonly phases: number;
  /** `phases` rows of 2·half taps, each row summing to 1. */
  readonly taps: Float32Array;
}

const kernels = new Map<string, Kernel>();

function kernelFor(up: number, down: number): Kernel {
  const key = `${up}/${down}`;
  const cached = kernels.get(key);
  if (cached) return cached;
  // Cycles per input sample; the sinc's first zero is 1 / (2·cutoff) input samples away.
  const cutoff = 0.5 * Math.min(1, up / down) * ROLLOFF;
  const reach = ZERO_CROSSINGS / (2 * cutoff);
  const half = Math.ceil(reach);
  const phases = Math.min(up, MAX_PHASES);
  const width = 2 * half;
  const taps = new Float32Array(phases * width);
  const norm = besselI0(KAISER_BETA);
  for (let p = 0; p < phases; p++) {
    const row = p * width;
    let sum = 0;
    for (let j = 0; j < width; j++) {
      const x = j - half + 1 - p / phases;
      const ratio = x / reach;
      if (Math.abs(ratio) >= 1) continue;
      const arg = 2 * cutoff * x;
      const sinc = arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
      const value = 2 * cutoff * sinc * (besselI0(KAISER_BETA * Math.sqrt(1 - ratio * ratio)) / norm);
      taps[row + j] = value;
      sum += value;
    }
    for (let j = 0; j < width; j++) taps[row + j]! /= sum;
  }
  const kernel = { half, phases, taps };
  if (kernels.size >= 16) kernels.clear();
  kernels.set(key, kernel);
  return kernel;
}

/** Resamples one mono stream from `inputRate` to `outputRate`, a piece at a time. */
export class MonoResampler {
  private readonly up: number;
  private readonly down: number;
  private readonly kernel: Kernel | null;
  /** Input kept, starting at absolute input index `bufferStart` (negative: the zeros before the start). */
  private buffer: Float32Array;
  private bufferStart: number;
  /** The next output's position: input index `position` + `remainder / up`. */
  private position = 0;
  private remainder = 0;
  private produced = 0;
  private consumed = 0;

  constructor(
    readonly inputRate: number,
    readonly outputRate: number,
  ) {
    if (!(inputRate > 0 && outputRate > 0 && Number.isInteger(inputRate) && Number.isInteger(outputRate)))
      throw new RangeError(`Sample rates must be positive whole numbers (got ${inputRate} → ${outputRate})`);
    const divisor = gcd(inputRate, outputRate);
    this.up = outputRate / divisor;
    this.down = inputRate / divisor;
    this.kernel = inputRate === outputRate ? null : kernelFor(this.up, this.down);
    const half = this.kernel?.half ?? 0;
    this.buffer = new Float32Array(half);
    this.bufferStart = -half;
  }

  /** Output for `input`, the samples that follow the previous call's (`input` itself when the rates are equal). */
  process(input: Float32Array): Float32Array {
    this.consumed += input.length;
    if (!this.kernel) {
      this.produced += input.length;
      return input;
    }
    this.append(input);
    return this.produce(this.bufferStart + this.buffer.length, Number.POSITIVE_INFINITY);
  }

  /** The last outputs, as if zeros followed the input: ⌈inputs · outputRate / inputRate⌉ outputs in all. */
  flush(): Float32Array {
    if (!this.kernel) return new Float32Array(0);
    const total = Math.ceil((this.consumed * this.up) / this.down);
    this.append(new Float32Array(2 * this.kernel.half + 1));
    return this.produce(this.bufferStart + this.buffer.length, total - this.produced);
  }

  private append(input: Float32Array): void {
    const next = new Float32Array(this.buffer.length + input.length);
    next.set(this.buffer);
    next.set(input, this.buffer.length);
    this.buffer = next;
  }

  /** Every output whose taps lie before input index `end`, at most `limit`; then drops the input no output needs. */
  private produce(end: number, limit: number): Float32Array {
    const { half, phases, taps } = this.kernel!;
    const width = 2 * half;
    const { up, down } = this;
    // Output k reads up to input position_k + half + 1 (one more where a snapped phase rounds up),
    // so it can be made while position_k ≤ end − half − 2.
    const room = end - half - 2 - this.position;
    const available = Math.max(0, Math.min(limit, Math.floor(((room + 1) * up - this.remainder - 1) / down) + 1));
    const out = new Float32Array(available);
    const buffer = this.buffer;
    let position = this.position;
    let remainder = this.remainder;
    for (let n = 0; n < available; n++) {
      let phase = phases === up ? remainder : Math.round((remainder * phases) / up);
      let base = position - half + 1 - this.bufferStart;
      if (phase === phases) {
        phase = 0;
        base += 1;
      }
      const row = phase * width;
      // Four running sums: independent additions pipeline (1.5× faster in V8 than one sum).
      let a = 0;
      let b = 0;
      let c = 0;
      let d = 0;
      let j = 0;
      for (; j + 3 < width; j += 4) {
        a += taps[row + j]! * buffer[base + j]!;
        b += taps[row + j + 1]! * buffer[base + j + 1]!;
        c += taps[row + j + 2]! * buffer[base + j + 2]!;
        d += taps[row + j + 3]! * buffer[base + j + 3]!;
      }
      for (; j < width; j++) a += taps[row + j]! * buffer[base + j]!;
      out[n] = a + b + c + d;
      remainder += down;
      position += Math.floor(remainder / up);
      remainder %= up;
    }
    this.position = position;
    this.remainder = remainder;
    this.produced += available;
    const keepFrom = position - half + 1 - this.bufferStart;
    if (keepFrom > 0) {
      this.buffer = this.buffer.slice(keepFrom);
      this.bufferStart += keepFrom;
    }
    return out;
  }
}
