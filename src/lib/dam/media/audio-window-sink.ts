import type { AudioWindow } from './audio-codec';
import { downmixToMono, MonoResampler } from './audio-resample';

/**
 * Where every decoder's output goes: mixed to mono, resampled to the model's rate and cut into
 * windows of a fixed length, each handed over (and awaited) as soon as it is full, so at most
 * one window and one decoder output are held at a time. Stops taking input once `maxSeconds`
 * of output are made.
 */
export class AudioWindowSink {
  private readonly windowLength: number;
  private readonly limit: number;
  private resampler: MonoResampler | null = null;
  private window: Float32Array;
  private filled = 0;
  /** Output samples handed over in earlier windows. */
  private emitted = 0;
  private sourceFrames = 0;
  private sourceSecondsBefore = 0;

  constructor(
    readonly sampleRate: number,
    windowSeconds: number,
    private readonly onWindow: (window: AudioWindow) => Promise<void> | void,
    maxSeconds?: number,
  ) {
    if (!(Number.isInteger(sampleRate) && sampleRate > 0))
      throw new RangeError(`The sample rate must be a positive whole number (got ${sampleRate})`);
    if (!(windowSeconds > 0 && Number.isFinite(windowSeconds)))
      throw new RangeError(`The window must be a positive length (got ${windowSeconds} s)`);
    if (maxSeconds !== undefined && !(maxSeconds >= 0)) throw new RangeError(`maxSeconds must be 0 or more (got ${maxSeconds})`);
    this.windowLength = Math.max(1, Math.round(windowSeconds * sampleRate));
    this.limit = maxSeconds === undefined ? Number.POSITIVE_INFINITY : Math.round(maxSeconds * sampleRate);
    this.window = new Float32Array(this.windowLength);
  }

  /** True once `maxSeconds` of output are made: the decoder can stop. */
  get full(): boolean {
    return this.emitted + this.filled >= this.limit;
  }

  /** Seconds of the source taken in so far, at its own rate(s). */
  get sourceSeconds(): number {
    return this.sourceSecondsBefore + (this.resampler ? this.sourceFrames / this.resampler.inputRate : 0);
  }

  /** Source frames taken in at the current source rate. */
  get frames(): number {
    return this.sourceFrames;
  }

  /** The first `frames` frames of each channel, at `sourceRate`. */
  push(channels: readonly Float32Array[], frames: number, sourceRate: number): Promise<void> {
    return this.pushMono(downmixToMono(channels, frames), sourceRate);
  }

  async pushMono(mono: Float32Array, sourceRate: number): Promise<void> {
    if (mono.length === 0 || this.full) return;
    if (this.resampler?.inputRate !== sourceRate) {
      // A chained stream may change rate: end the old one's output and start afresh.
      if (this.resampler) await this.take(this.resampler.flush());
      this.sourceSecondsBefore = this.sourceSeconds;
      this.sourceFrames = 0;
      this.resampler = new MonoResampler(sourceRate, this.sampleRate);
    }
    this.sourceFrames += mono.length;
    await this.take(this.resampler.process(mono));
  }

  /** Makes the last output and hands over the last, shorter window. */
  async finish(): Promise<void> {
    if (this.resampler && !this.full) await this.take(this.resampler.flush());
    if (this.filled > 0) await this.emit(this.window.slice(0, this.filled));
  }

  private async take(samples: Float32Array): Promise<void> {
    let offset = 0;
    let count = Math.min(samples.length, this.limit - this.emitted - this.filled);
    while (count > 0) {
      const n = Math.min(count, this.windowLength - this.filled);
      this.window.set(samples.subarray(offset, offset + n), this.filled);
      this.filled += n;
      offset += n;
      count -= n;
      if (this.filled === this.windowLength) {
        const full = this.window;
        this.window = new Float32Array(this.windowLength);
        await this.emit(full);
      }
    }
  }

  private async emit(samples: Float32Array): Promise<void> {
    const startSeconds = this.emitted / this.sampleRate;
    this.emitted += samples.length;
    this.filled = 0;
    await this.onWindow({ startSeconds, samples });
  }
}
