import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clapWindows, transformersClapLoader } from '../../../src/lib/ml/loaders/clap-loader';
import { ModelFileMissingError } from '../../../src/lib/ml/loaders/require-files';
import { transformers } from '../../../src/lib/ml/loaders/transformers-loader';
import type { AudioTextEmbedder, ModelFiles } from '../../../src/lib/ml/model-types';
import { directoryModelFiles } from '../../../src/lib/platform/node-model-files';

const fixture = fileURLToPath(new URL('../../fixtures/models/clap-fixture', import.meta.url));
const RATE = 48_000;

function tone(hertz: number, seconds: number, amplitude = 0.5): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * RATE) }, (_, i) => amplitude * Math.sin((2 * Math.PI * hertz * i) / RATE));
}

function joined(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  parts.reduce((offset, part) => (out.set(part, offset), offset + part.length), 0);
  return out;
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);
const nearest = (query: Float32Array, candidates: readonly Float32Array[]) =>
  candidates.map((vector, index) => ({ index, score: dot(query, vector) })).sort((a, b) => b.score - a.score)[0]!.index;

/** The fixture's files with some left out or replaced by JSON, served from memory. */
function editedFixture(change: Record<string, unknown>): ModelFiles {
  const disk = directoryModelFiles(fixture);
  return {
    kind: 'imported',
    base: '/imported/clap-fixture/',
    read: async (path) => (path in change ? new TextEncoder().encode(JSON.stringify(change[path])) : disk.read(path)),
    has: async (path) => (path in change ? change[path] !== null : disk.has(path)),
  };
}

// Tones in the fixture's three concept bands (tests/fixtures/models/README.md, clap-fixture).
const SOUNDS = { low: tone(200, 2), middle: tone(1500, 2), high: tone(4000, 2) };
const NAMES = Object.keys(SOUNDS);
const CLIPS = Object.values(SOUNDS);

describe('transformersClapLoader on the CLAP fixture (onnxruntime-node)', () => {
  let model: AudioTextEmbedder;
  beforeAll(async () => {
    model = await transformersClapLoader({ name: 'clap-fixture', params: {}, device: 'cpu', files: directoryModelFiles(fixture) });
  });
  afterAll(() => model.dispose());

  it('loads fp32 natively: 512 dimensions, 48 kHz', () => {
    expect(model).toMatchObject({ device: 'cpu', precision: 'fp32', dimensions: 512, sampleRate: 48_000 });
  });

  it('gives unit vectors of 512 dimensions for clips of any length and for texts', async () => {
    const clips = [tone(200, 0.1), new Float32Array(0), new Float32Array(RATE), tone(4000, 60), tone(1500, 10)];
    const vectors = [...(await model.embedClips(clips)), ...(await model.embedTexts(['low', '', 'zebra!']))];
    for (const vector of vectors) {
      expect(vector).toHaveLength(512);
      expect(Math.sqrt(dot(vector, vector))).toBeCloseTo(1, 5);
    }
  });

  it('embeds a batch as it embeds each input alone', async () => {
    const clips = [...CLIPS, tone(300, 25), tone(200, 0.1)];
    const texts = ['low', 'This is a sound of a whistle.', 'the dog hum of a car'];
    const batch = [...(await model.embedClips(clips)), ...(await model.embedTexts(texts))];
    const alone = [
      ...(await Promise.all(clips.map(async (clip) => (await model.embedClips([clip]))[0]!))),
      ...(await Promise.all(texts.map(async (text) => (await model.embedTexts([text]))[0]!))),
    ];
    batch.forEach((vector, i) => vector.forEach((value, j) => expect(value).toBeCloseTo(alone[i]![j]!, 6)));
    expect(await model.embedClips([])).toEqual([]);
    expect(await model.embedTexts([])).toEqual([]);
  });

  it('finds the sound a text names (text → audio)', async () => {
    const sounds = await model.embedClips(CLIPS);
    const queries = { low: 'low', hum: 'low', 'This is a sound of middle.': 'middle', voice: 'middle', high: 'high', 'a whistle': 'high' };
    for (const [text, expected] of Object.entries(queries)) {
      const [query] = await model.embedTexts([text]);
      expect(NAMES[nearest(query!, sounds)], text).toBe(expected);
      expect(dot(query!, sounds[NAMES.indexOf(expected)]!), text).toBeGreaterThan(0.85);
    }
    // A word no concept owns points nowhere in particular.
    const [dog] = await model.embedTexts(['dog']);
    for (const sound of sounds) expect(Math.abs(dot(dog!, sound))).toBeLessThan(0.1);
  });

  it('finds the nearest sound to a sound (audio → audio)', async () => {
    const [low, otherLow, high, shortLow] = await model.embedClips([tone(200, 3), tone(300, 5, 0.1), tone(4000, 3), tone(250, 0.1)]);
    expect(dot(low!, otherLow!)).toBeGreaterThan(0.95);
    expect(dot(low!, shortLow!)).toBeGreaterThan(0.95);
    expect(dot(low!, high!)).toBeLessThan(0.05);
  });

  it('embeds a long clip as the mean of 10 s windows spread over all of it', async () => {
    // Two minutes, low then high: six windows from 0 to 110 s, three in each half.
    const [steady, short, halves] = await model.embedClips([tone(200, 60), tone(200, 2), joined(tone(200, 60), tone(4000, 60))]);
    steady!.forEach((value, i) => expect(value).toBeCloseTo(short![i]!, 5));
    const [low, high] = await model.embedClips([SOUNDS.low, SOUNDS.high]);
    // The clip is as much the one as the other, not its first minute.
    expect(dot(halves!, low!)).toBeCloseTo(dot(halves!, high!), 2);
    expect(dot(halves!, low!)).toBeGreaterThan(0.6);
    // maxWindows 1 reads the first 10 s only.
    const first = await transformersClapLoader({
      name: 'clap-fixture',
      params: { maxWindows: 1 },
      device: 'cpu',
      files: directoryModelFiles(fixture),
    });
    try {
      const [head] = await first.embedClips([joined(tone(200, 30), tone(4000, 30))]);
      expect(dot(head!, low!)).toBeGreaterThan(0.99);
    } finally {
      await first.dispose();
    }
  });

  it('refuses to work once disposed', async () => {
    const other = await transformersClapLoader({ name: 'clap-fixture', params: {}, device: 'cpu', files: directoryModelFiles(fixture) });
    await other.dispose();
    await expect(other.embedClips([tone(200, 1)])).rejects.toThrow('Model clap-fixture has been disposed');
  });
});

describe('CLAP windows and features', () => {
  it('cuts a clip into windows of exactly 10 s, repeat-padding a short one as Python does', () => {
    const short = Float32Array.from({ length: 14_400 }, (_, i) => i + 1); // 0.3 s: 33 whole copies fit in 10 s
    const [padded, ...more] = clapWindows(short, 480_000, 6);
    expect(more).toHaveLength(0);
    expect(padded).toHaveLength(480_000);
    expect(padded![14_400 * 33 - 1]).toBe(14_400);
    expect(padded!.subarray(14_400 * 33).every((value) => value === 0)).toBe(true);
    expect(clapWindows(new Float32Array(0), 480_000, 6)[0]!.every((value) => value === 0)).toBe(true);

    const long = Float32Array.from({ length: 25 * RATE }, (_, i) => i);
    expect(clapWindows(long, 480_000, 6).map((window) => [window.length, window[0]])).toEqual([
      [480_000, 0],
      [480_000, 360_000],
      [480_000, 720_000],
    ]);
    const hour = new Float32Array(3600 * RATE);
    const windows = clapWindows(hour, 480_000, 6);
    expect(windows).toHaveLength(6);
    expect(windows.at(-1)!.byteOffset / 4 + 480_000).toBe(hour.length);
  });

  it('feeds the tower slaney-mel dB frames whose peak band holds the tone', async () => {
    const { ClapFeatureExtractor } = await transformers();
    const config = JSON.parse(await readFile(`${fixture}/preprocessor_config.json`, 'utf8')) as Record<string, unknown>;
    const extractor = new ClapFeatureExtractor(config);
    // Band 24's centre on the slaney scale (linear to 1 kHz, then logarithmic), 64 bands over 50–14,000 Hz.
    const toMel = (hz: number) => (hz < 1000 ? (3 * hz) / 200 : 15 + (Math.log(hz / 1000) * 27) / Math.log(6.4));
    const toHz = (mel: number) => (mel < 15 ? (200 * mel) / 3 : 1000 * Math.exp(((mel - 15) * Math.log(6.4)) / 27));
    const centre = toHz(toMel(50) + ((toMel(14_000) - toMel(50)) * 25) / 65);
    const { input_features } = (await extractor(tone(centre, 10))) as { input_features: { dims: number[]; data: Float32Array } };
    expect(input_features.dims).toEqual([1, 1, 1001, 64]);
    const frame = input_features.data.subarray(500 * 64, 501 * 64);
    expect(frame.indexOf(Math.max(...frame))).toBe(24);
    // Far from the tone only the Hann window's leakage is left, tens of dB down.
    expect(frame[24]! - frame[60]!).toBeGreaterThan(60);
  });
});

describe('transformersClapLoader files', () => {
  it('runs the q8 towers when asked, with the same answers', async () => {
    const model = await transformersClapLoader({
      name: 'clap-fixture',
      params: { dtype: 'q8' },
      device: 'cpu',
      files: directoryModelFiles(fixture),
    });
    try {
      expect(model).toMatchObject({ precision: 'q8', dimensions: 512 });
      const sounds = await model.embedClips(CLIPS);
      for (const word of NAMES) expect(NAMES[nearest((await model.embedTexts([word]))[0]!, sounds)]).toBe(word);
    } finally {
      await model.dispose();
    }
  });

  it.each(['onnx/audio_model.onnx', 'onnx/text_model.onnx', 'preprocessor_config.json', 'tokenizer.json'])(
    'names the model and the missing %s',
    async (missing) => {
      const load = transformersClapLoader({
        name: 'clap-fixture',
        params: { dtype: 'fp32' },
        device: 'cpu',
        files: editedFixture({ [missing]: null }),
      });
      await expect(load).rejects.toThrow(ModelFileMissingError);
      await expect(load).rejects.toThrow(`Model clap-fixture: file ${missing} is missing from /imported/clap-fixture/`);
    },
  );

  it('refuses a fused CLAP, a preprocessor without a rate and a bad maxWindows, naming the model', async () => {
    const config = JSON.parse(await readFile(`${fixture}/config.json`, 'utf8')) as { audio_config: object };
    const fused = editedFixture({ 'config.json': { ...config, audio_config: { ...config.audio_config, enable_fusion: true } } });
    await expect(transformersClapLoader({ name: 'clap-fixture', params: {}, device: 'cpu', files: fused })).rejects.toThrow(
      'Model clap-fixture is a fused CLAP',
    );
    const rateless = editedFixture({ 'preprocessor_config.json': { feature_size: 64 } });
    await expect(transformersClapLoader({ name: 'clap-fixture', params: {}, device: 'cpu', files: rateless })).rejects.toThrow(
      'Model clap-fixture: preprocessor_config.json needs sampling_rate and nb_max_samples',
    );
    await expect(
      transformersClapLoader({ name: 'clap-fixture', params: { maxWindows: 0 }, device: 'cpu', files: directoryModelFiles(fixture) }),
    ).rejects.toThrow('Model clap-fixture: maxWindows must be a positive integer');
  });
});
