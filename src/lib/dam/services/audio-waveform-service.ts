import type { AudioWaveform } from '../../api/audio-types';
import type { AudioCodec } from '../media/audio-codec';

/** Decoding for a picture of the sound needs no fidelity: the envelope survives 8 kHz. */
const WAVEFORM_RATE = 8000;
const WINDOW_SECONDS = 10;
const MAX_SECONDS = 600;
/** Peaks are first kept per 1/50 s, then merged into the buckets asked for. */
const STEPS_PER_SECOND = 50;

/** The loudest sample of each of `buckets` equal stretches of the sound (its first ten minutes). */
export async function audioWaveform(codec: AudioCodec, bytes: Blob, buckets: number): Promise<AudioWaveform> {
  const count = Math.max(1, Math.min(2000, Math.floor(buckets)));
  const steps: number[] = [];
  const step = WAVEFORM_RATE / STEPS_PER_SECOND;
  await codec.decodeWindows(
    bytes,
    WAVEFORM_RATE,
    WINDOW_SECONDS,
    ({ startSeconds, samples }) => {
      const first = Math.round(startSeconds * STEPS_PER_SECOND);
      for (let i = 0; i < samples.length; i++) {
        const index = first + Math.floor(i / step);
        steps[index] = Math.max(steps[index] ?? 0, Math.abs(samples[i]!));
      }
    },
    { maxSeconds: MAX_SECONDS },
  );
  const durationSeconds = steps.length / STEPS_PER_SECOND;
  const peaks = Array.from({ length: steps.length === 0 ? 0 : count }, (_, b) => {
    const from = Math.floor((b * steps.length) / count);
    const to = Math.max(from + 1, Math.floor(((b + 1) * steps.length) / count));
    let peak = 0;
    for (let i = from; i < to && i < steps.length; i++) peak = Math.max(peak, steps[i] ?? 0);
    return Math.min(1, peak);
  });
  return { peaks, durationSeconds };
}
