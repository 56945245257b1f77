import type { AudioEmbedder, ExecutionDevice } from '../model-types';
import {
  MEL_BINS,
  melSpectrogram,
  SPEECH_SAMPLE_RATE,
  WINDOW_FRAMES,
  windowStarts,
  type MelFrames,
  type SpeechNetwork,
} from './speech-features';

export const SPEECH_EMBEDDING_DIMENSIONS = 96;
/**
 * Windows per embedding run (64 cover 5 s of audio). In Node, 741 windows took 1.28 s one at a
 * time, 0.81 s in 16s, 0.76 s in 64s and 0.68 s in 256s; the largest activation is 222 KB a
 * window, so 64 keep a run to tens of MB, which matters more in a wasm heap than the last 10%.
 */
const EMBEDDING_BATCH = 64;

export interface SpeechNetworks {
  /** `melspectrogram.onnx`: samples [1, N] → dB [1, 1, frames, 32]. */
  readonly mel: SpeechNetwork;
  /** `embedding_model.onnx`: mel windows [B, 76, 32, 1] → [B, 1, 1, 96]. */
  readonly embedding: SpeechNetwork;
}

/** How long each stage took, summed over the clips of one call (for the benchmark). */
export interface SpeechTimings {
  melMs: number;
  embeddingMs: number;
}

export interface TimedSpeechEmbedder extends AudioEmbedder {
  embedClipsTimed(clips: readonly Float32Array[]): Promise<{ vectors: Float32Array[]; timings: SpeechTimings }>;
}

/**
 * Each window's weight: how far its mel values sit above the clip's floor (peak − 80 dB), on
 * average, in the embedding input's units (dB / 10). Silence at the floor weighs nothing, so
 * pauses and padding do not pull a clip's vector towards "silence". Measured on 24 espeak clips
 * (6 sentences × 4 voices) and the same clips with 1.5 s of silence on each side: with a plain
 * mean a padded clip found a clip of its own sentence first 13 times in 24 and kept a cosine of
 * 0.91–0.93 to its unpadded self; weighted, 23 in 24 and 0.98–0.99, with the same separation of
 * sentences (24 in 24 either way, d′ 2.6). Mean of unit vectors, squared weights and counting
 * loud frames measured the same or worse.
 */
function windowWeights(mel: MelFrames, starts: readonly number[]): Float64Array {
  // Prefix sums of each frame's level, so a window's weight costs two lookups.
  const prefix = new Float64Array(mel.frames + 1);
  for (let frame = 0; frame < mel.frames; frame++) {
    let level = 0;
    for (let bin = 0; bin < MEL_BINS; bin++) level += mel.data[frame * MEL_BINS + bin]! - mel.floor;
    prefix[frame + 1] = prefix[frame]! + level / MEL_BINS;
  }
  return Float64Array.from(starts, (start) => (prefix[start + WINDOW_FRAMES]! - prefix[start]!) / WINDOW_FRAMES);
}

function normalize(sum: Float64Array): Float32Array {
  let squares = 0;
  for (const value of sum) squares += value * value;
  const norm = Math.sqrt(squares);
  return Float32Array.from(sum, (value) => (norm > 0 ? value / norm : 0));
}

/**
 * One clip: mel frames, windows of 76 frames every 8 in batches of `EMBEDDING_BATCH`, pooled as
 * a weighted mean (see `windowWeights`) and L2-normalised. Frame vectors are summed as they come,
 * so memory is the clip, its mel frames (a fifth of the samples) and one batch.
 */
async function embedClip(clip: Float32Array, networks: SpeechNetworks, timings: SpeechTimings): Promise<Float32Array> {
  let started = performance.now();
  const mel = await melSpectrogram(clip, networks.mel);
  timings.melMs += performance.now() - started;
  started = performance.now();
  const starts = windowStarts(mel.frames);
  const weights = windowWeights(mel, starts);
  // A clip with nothing above its floor (digital silence) still gets a vector: the plain mean.
  const uniform = weights.every((weight) => weight <= 0);
  const sum = new Float64Array(SPEECH_EMBEDDING_DIMENSIONS);
  const windowSize = WINDOW_FRAMES * MEL_BINS;
  for (let first = 0; first < starts.length; first += EMBEDDING_BATCH) {
    const batch = starts.slice(first, first + EMBEDDING_BATCH);
    const input = new Float32Array(batch.length * windowSize);
    batch.forEach((start, i) => input.set(mel.data.subarray(start * MEL_BINS, start * MEL_BINS + windowSize), i * windowSize));
    await networks.embedding.run(input, [batch.length, WINDOW_FRAMES, MEL_BINS, 1], (output, dims) => {
      if (output.length !== batch.length * SPEECH_EMBEDDING_DIMENSIONS) {
        throw new Error(`The embedding model gave [${dims.join(', ')}] for ${batch.length} windows`);
      }
      batch.forEach((_, i) => {
        const weight = uniform ? 1 : weights[first + i]!;
        for (let d = 0; d < SPEECH_EMBEDDING_DIMENSIONS; d++) sum[d]! += weight * output[i * SPEECH_EMBEDDING_DIMENSIONS + d]!;
      });
    });
  }
  timings.embeddingMs += performance.now() - started;
  return normalize(sum);
}

/**
 * Google's speech_embedding behind openWakeWord's front end as an `AudioEmbedder`: 16 kHz mono
 * clips in, one 96-d unit vector per clip out. Clips run one after another (the windows of one
 * clip already fill a batch; a clip shorter than 0.78 s is padded with silence to one window).
 * The vectors share a narrow cone, so thresholds must be high: on the 24 espeak clips one
 * sentence in two voices scored 0.94–0.99 and different sentences 0.89–0.97 (ranking works
 * better than any fixed floor), speech against noise, a tone or a chord 0.74–0.84.
 */
export function createSpeechEmbedder(
  networks: SpeechNetworks,
  model: { readonly device: ExecutionDevice; dispose(): Promise<void> },
): TimedSpeechEmbedder {
  async function embedClipsTimed(clips: readonly Float32Array[]) {
    const timings: SpeechTimings = { melMs: 0, embeddingMs: 0 };
    const vectors: Float32Array[] = [];
    for (const clip of clips) vectors.push(await embedClip(clip, networks, timings));
    return { vectors, timings };
  }
  return {
    device: model.device,
    precision: 'fp32',
    dimensions: SPEECH_EMBEDDING_DIMENSIONS,
    sampleRate: SPEECH_SAMPLE_RATE,
    embedClipsTimed,
    embedClips: async (clips) => (await embedClipsTimed(clips)).vectors,
    dispose: () => model.dispose(),
  };
}
