import type { AudioCodec, DecodedAudioFacts } from '../../../src/lib/dam/media/audio-codec';

/**
 * One decode through an AudioCodec and what the tests check about it: how many samples came
 * out, whether the windows join without gaps, and the strength of the tone's frequencies. The
 * same function runs in Node (unit tests, the benchmark's Node rows) and in a browser worker (the
 * e2e probe, the benchmark's Chromium rows), so the two are compared like for like.
 */
export interface DecodeMeasurement {
  readonly facts: DecodedAudioFacts | null;
  /** `Name: message` of the error, when decoding failed. */
  readonly error: string | null;
  readonly samples: number;
  readonly windows: number;
  readonly longestWindow: number;
  /** Windows before the last that were shorter than asked. */
  readonly shortWindows: number;
  /** Windows whose start was not where the ones before ended. */
  readonly gaps: number;
  /** Amplitude of each asked frequency over the decoded sound, its first and last quarter second left out. */
  readonly amplitudes: Record<string, number>;
  /** Samples the sound lags `reference` by (best correlation within ±MAX_LAG), over the same stretch; null without one. */
  readonly lag: number | null;
  readonly milliseconds: number;
}

/** What tests/fixtures/make-audio-fixtures.sh records of a fixture (tests/fixtures/audio/expected.json). */
export interface AudioFileFacts {
  readonly ffprobe: { codec: string; sampleRate: number; channels: number; durationTs: number; durationSeconds: number };
  readonly ffmpegDecodedFrames: number;
}

/** The fixtures that decode and the codec each is: the WebAssembly decoders', then AAC (browsers only). */
export const AUDIO_FIXTURES = {
  'tone-s16.wav': 'wav',
  'tone-f32.wav': 'wav',
  'tone.mp3': 'mp3',
  'tone.flac': 'flac',
  'tone.opus': 'opus',
  'tone.ogg': 'vorbis',
  'tone.m4a': 'aac',
  'clip-aac.mp4': 'aac',
} as const;

/** The fixtures' mono mix, as [frequency, amplitude] sines: 0.5·sin(440 Hz) + 0.125·sin(1 kHz). */
export const FIXTURE_TONE = [
  [440, 0.5],
  [1000, 0.125],
] as const;

/**
 * Samples (per channel, at the file's rate) each codec may differ by from ffmpeg's decode and
 * still be right. WAV and FLAC: exact. MP3: one frame (1,152), for streams whose LAME tag does
 * not name the encoder delay and padding (mpg123 drops them where it does). Opus and Vorbis:
 * exact (the decoders trim the pre-skip and cut the end at the last page's granule position).
 * AAC (browsers only): one frame (1,024) of priming, for an MP4 without an edit list.
 */
export const SLACK_SOURCE_SAMPLES: Readonly<Record<string, number>> = { wav: 0, flac: 0, mp3: 1152, opus: 0, vorbis: 0, aac: 1024 };

/** Samples at `rate` a fixture should decode to: ffmpeg's count resampled; for AAC the edit list's length (ffmpeg keeps the end padding). */
export function expectedSamples(facts: AudioFileFacts, rate: number): number {
  const frames = facts.ffprobe.codec === 'aac' ? facts.ffprobe.durationTs : facts.ffmpegDecodedFrames;
  return Math.ceil((frames * rate) / facts.ffprobe.sampleRate);
}

export interface MeasureOptions {
  readonly sampleRate: number;
  readonly windowSeconds: number;
  readonly maxSeconds?: number;
  /** Frequencies (Hz) to measure; the samples are kept only when there are some. */
  readonly frequencies?: readonly number[];
  /** The sound expected, as [frequency (Hz), amplitude] sines starting at time 0, to find the lag against. */
  readonly reference?: readonly (readonly [number, number])[];
}

/** Lags searched: ±12.5 ms at 16 kHz, less than half the tone's 25 ms period, more than any codec's delay misplaced. */
const MAX_LAG = 200;

/** The lag (samples) at which `samples`, starting at sample `first` of the sound, best match the reference sines. */
function lagAgainst(samples: Float32Array, first: number, sampleRate: number, reference: readonly (readonly [number, number])[]): number {
  let best = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let lag = -MAX_LAG; lag <= MAX_LAG; lag++) {
    let score = 0;
    for (let i = 0; i < samples.length; i++) {
      const t = (first + i - lag) / sampleRate;
      let expected = 0;
      for (const [frequency, amplitude] of reference) expected += amplitude * Math.sin(2 * Math.PI * frequency * t);
      score += samples[i]! * expected;
    }
    if (score > bestScore) [best, bestScore] = [lag, score];
  }
  return best;
}

/** The amplitude of a sinusoid at `frequency` in `samples` (Goertzel over a Hann window). */
export function toneAmplitude(samples: Float32Array, sampleRate: number, frequency: number): number {
  const n = samples.length;
  if (n < 2) return 0;
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
  let previous = 0;
  let beforePrevious = 0;
  let weights = 0;
  for (let i = 0; i < n; i++) {
    const weight = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    weights += weight;
    const current = samples[i]! * weight + coefficient * previous - beforePrevious;
    beforePrevious = previous;
    previous = current;
  }
  const power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
  return (2 * Math.sqrt(Math.max(0, power))) / weights;
}

export async function measureDecode(codec: AudioCodec, bytes: Blob, options: MeasureOptions): Promise<DecodeMeasurement> {
  const { sampleRate, windowSeconds, frequencies = [], reference } = options;
  const asked = Math.max(1, Math.round(windowSeconds * sampleRate));
  const kept: Float32Array[] = [];
  const lengths: number[] = [];
  let samples = 0;
  let gaps = 0;
  let facts: DecodedAudioFacts | null = null;
  let error: string | null = null;
  const started = performance.now();
  try {
    facts = await codec.decodeWindows(
      bytes,
      sampleRate,
      windowSeconds,
      (window) => {
        if (Math.abs(window.startSeconds - samples / sampleRate) > 1e-9) gaps++;
        samples += window.samples.length;
        lengths.push(window.samples.length);
        if (frequencies.length || reference) kept.push(window.samples);
      },
      options.maxSeconds === undefined ? {} : { maxSeconds: options.maxSeconds },
    );
  } catch (caught) {
    error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
  }
  const milliseconds = performance.now() - started;
  const whole = new Float32Array(samples);
  let at = 0;
  for (const part of kept) {
    whole.set(part, at);
    at += part.length;
  }
  const edge = Math.round(0.25 * sampleRate);
  const middle = whole.subarray(edge, Math.max(edge, whole.length - edge));
  const amplitudes = Object.fromEntries(frequencies.map((f) => [String(f), toneAmplitude(middle, sampleRate, f)]));
  return {
    facts,
    error,
    samples,
    windows: lengths.length,
    longestWindow: Math.max(0, ...lengths),
    shortWindows: lengths.slice(0, -1).filter((n) => n !== asked).length,
    gaps,
    amplitudes,
    // A quarter second is plenty to place the tone and keeps the 401 lags cheap.
    lag: reference && middle.length ? lagAgainst(middle.subarray(0, Math.round(0.25 * sampleRate)), edge, sampleRate, reference) : null,
    milliseconds,
  };
}
