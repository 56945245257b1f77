import * as ort from 'onnxruntime-node';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  VGGISH_PATCH_SAMPLES,
  hertzToMel,
  vggishLogMel,
  vggishMelMatrix,
  vggishPatchIndices,
  vggishPatches,
} from '../../../src/lib/ml/audio/vggish-features';
import { ModelFileMissingError } from '../../../src/lib/ml/loaders/require-files';
import { createVggishLoader } from '../../../src/lib/ml/loaders/vggish-loader';
import type { AudioEmbedder, ModelFiles } from '../../../src/lib/ml/model-types';
import { directoryModelFiles } from '../../../src/lib/platform/node-model-files';

const fixture = fileURLToPath(new URL('../../fixtures/models/vggish-fixture', import.meta.url));
const rawOnnx = fileURLToPath(new URL('../../fixtures/models/raw-onnx-fixture', import.meta.url));
const RATE = 16_000;
const loadVggish = createVggishLoader(async () => ort);

function tone(hertz: number, seconds: number, amplitude = 0.5): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * RATE) }, (_, i) => amplitude * Math.sin((2 * Math.PI * hertz * i) / RATE));
}

function joined(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  parts.reduce((offset, part) => (out.set(part, offset), offset + part.length), 0);
  return out;
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);

/** `file` of another folder served as this one's model.onnx. */
function modelFrom(dir: string, file: string): ModelFiles {
  const disk = directoryModelFiles(dir);
  return { kind: 'imported', base: '/imported/vggish/', read: () => disk.read(file), has: () => disk.has(file) };
}

/**
 * The fixture by hand (tests/fixtures/models/README.md, vggish-fixture): per patch, each band's
 * mean over the 96 frames plus ln 100, then 64 times 0.01; the clip's vector is the mean over its
 * patches, normalised.
 */
function byHand(clip: Float32Array, maxPatches = 32): Float32Array {
  const patches = vggishPatches(clip, maxPatches);
  const vector = new Float32Array(128);
  for (const patch of patches) {
    for (let band = 0; band < 64; band++) {
      let sum = 0;
      for (let frame = 0; frame < 96; frame++) sum += patch[frame * 64 + band]!;
      vector[band]! += (sum / 96 + Math.log(100)) / patches.length;
    }
  }
  vector.fill(0.01, 64);
  const norm = Math.sqrt(dot(vector, vector));
  return vector.map((value) => value / norm);
}

describe('the VGGish front end', () => {
  it('weighs FFT bins with HTK-mel triangles from 125 to 7,500 Hz, nothing on DC', () => {
    const matrix = vggishMelMatrix();
    expect(matrix).toHaveLength(257 * 64);
    expect(matrix.subarray(0, 64).every((weight) => weight === 0)).toBe(true);
    // Each band's heaviest bin is the one nearest its centre in mel.
    const step = (hertzToMel(7500) - hertzToMel(125)) / 65;
    for (const band of [0, 20, 40, 63]) {
      const centre = hertzToMel(125) + (band + 1) * step;
      const weights = Array.from({ length: 257 }, (_, bin) => matrix[bin * 64 + band]!);
      const heaviest = weights.indexOf(Math.max(...weights));
      const nearest = Array.from({ length: 257 }, (_, bin) => Math.abs(hertzToMel(bin * 31.25) - centre));
      expect(heaviest).toBe(nearest.indexOf(Math.min(...nearest)));
    }
  });

  it('computes ln(mel + 0.01) of a pure tone as a plain DFT does, peaking in the tone’s band', () => {
    const clip = tone(1000, 1);
    const [frame] = [vggishLogMel(clip, 3 * 160, 1)];
    // Reference: a 512-point DFT of the Hann-windowed 400 samples, summed by definition.
    const matrix = vggishMelMatrix();
    const magnitude = Array.from({ length: 257 }, (_, bin) => {
      let re = 0;
      let im = 0;
      for (let n = 0; n < 400; n++) {
        const x = clip[480 + n]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * n) / 400));
        re += x * Math.cos((2 * Math.PI * bin * n) / 512);
        im -= x * Math.sin((2 * Math.PI * bin * n) / 512);
      }
      return Math.hypot(re, im);
    });
    for (let band = 0; band < 64; band++) {
      const mel = magnitude.reduce((sum, value, bin) => sum + value * matrix[bin * 64 + band]!, 0);
      expect(frame![band]).toBeCloseTo(Math.log(mel + 0.01), 4);
    }
    const centres = Array.from({ length: 64 }, (_, band) => hertzToMel(125) + ((band + 1) * (hertzToMel(7500) - hertzToMel(125))) / 65);
    const distance = centres.map((centre) => Math.abs(centre - hertzToMel(1000)));
    expect(frame!.indexOf(Math.max(...frame!))).toBe(distance.indexOf(Math.min(...distance)));
    // A 0.5 sine's Hann-windowed peak is ~100 × 0.5 in magnitude: ln of tens.
    expect(Math.max(...frame!)).toBeGreaterThan(Math.log(20));
    expect(vggishLogMel(new Float32Array(400), 0, 1).every((value) => value === Math.fround(Math.log(0.01)))).toBe(true);
  });

  it('cuts whole patches of 0.96 s, loops a short clip and samples a long one evenly', () => {
    expect(VGGISH_PATCH_SAMPLES).toBe(15_600);
    expect(vggishPatchIndices(15_600, 32)).toEqual([0]);
    expect(vggishPatchIndices(15_599, 32)).toEqual([]);
    expect(vggishPatchIndices(5 * RATE, 32)).toEqual([0, 1, 2, 3, 4]);
    const minute = vggishPatchIndices(60 * RATE, 32); // 5,998 frames: 62 whole patches
    expect(minute).toHaveLength(32);
    expect([minute[0], minute[1], minute.at(-1)]).toEqual([0, 2, 61]);
    expect(vggishPatchIndices(60 * RATE, 1)).toEqual([0]);
    // 0.1 s looped to fill a patch is the same sound as 1 s of it.
    const [short] = vggishPatches(tone(500, 0.1), 32);
    const [second] = vggishPatches(tone(500, 1), 32);
    short!.forEach((value, i) => expect(value).toBeCloseTo(second![i]!, 3));
  });
});

describe('createVggishLoader on the VGGish fixture (onnxruntime-node)', () => {
  let model: AudioEmbedder;
  beforeAll(async () => {
    model = await loadVggish({ name: 'vggish-fixture', params: {}, device: 'cpu', files: directoryModelFiles(fixture) });
  });
  afterAll(() => model.dispose());

  it('loads with 128 dimensions at 16 kHz', () => {
    expect(model).toMatchObject({ device: 'cpu', dimensions: 128, sampleRate: 16_000 });
  });

  it('gives the mean of its patches’ embeddings, normalised, as worked out by hand', async () => {
    const clips = [tone(200, 3), tone(4000, 0.1), new Float32Array(0), joined(tone(300, 2), tone(3000, 1.5)), tone(1000, 60)];
    const vectors = await model.embedClips(clips);
    vectors.forEach((vector, i) => {
      expect(vector).toHaveLength(128);
      expect(Math.sqrt(dot(vector, vector))).toBeCloseTo(1, 5);
      const expected = byHand(clips[i]!);
      // float32 in the graph: a band at the silence floor sums to ~1e-6, not 0.
      vector.forEach((value, j) => expect(value).toBeCloseTo(expected[j]!, 4));
    });
  });

  it('embeds a batch as it embeds each clip alone', async () => {
    const clips = [tone(200, 3), tone(4000, 0.1), tone(700, 45), tone(300, 1)];
    const batch = await model.embedClips(clips);
    const alone = await Promise.all(clips.map(async (clip) => (await model.embedClips([clip]))[0]!));
    batch.forEach((vector, i) => vector.forEach((value, j) => expect(value).toBeCloseTo(alone[i]![j]!, 6)));
    expect(await model.embedClips([])).toEqual([]);
  });

  it('finds the nearest sound to a sound (audio → audio)', async () => {
    const [low, otherLow, high, shortLow, longLow] = await model.embedClips([
      tone(200, 3),
      tone(250, 2),
      tone(4000, 3),
      tone(200, 0.1),
      tone(200, 60),
    ]);
    expect(dot(low!, otherLow!)).toBeGreaterThan(dot(low!, high!) + 0.5);
    expect(dot(low!, shortLow!)).toBeGreaterThan(0.99);
    expect(dot(low!, longLow!)).toBeGreaterThan(0.9999);
    // Two minutes, low then high: the 32 patches cover both halves, not the first half minute.
    const [halves] = await model.embedClips([joined(tone(200, 60), tone(4000, 60))]);
    for (const half of [low!, high!]) {
      expect(dot(halves!, half)).toBeGreaterThan(0.5);
      expect(dot(halves!, half)).toBeLessThan(0.9);
    }
  });

  it('reads a [batch, 1, 96, 64] input as well, with the same answers', async () => {
    const nchw = await loadVggish({ name: 'vggish-nchw', params: {}, device: 'cpu', files: modelFrom(fixture, 'model_nchw.onnx') });
    try {
      const clips = [tone(200, 3), tone(4000, 2)];
      const [a, b] = [await model.embedClips(clips), await nchw.embedClips(clips)];
      a.forEach((vector, i) => vector.forEach((value, j) => expect(value).toBeCloseTo(b[i]![j]!, 6)));
    } finally {
      await nchw.dispose();
    }
  });

  it('refuses to work once disposed', async () => {
    const other = await loadVggish({ name: 'vggish-fixture', params: {}, device: 'cpu', files: directoryModelFiles(fixture) });
    await other.dispose();
    await expect(other.embedClips([tone(200, 1)])).rejects.toThrow('Model vggish-fixture has been disposed');
  });
});

describe('createVggishLoader files', () => {
  it('names the model and the missing model.onnx', async () => {
    const files: ModelFiles = { ...directoryModelFiles(fixture), base: '/imported/vggish/', has: async () => false };
    const load = loadVggish({ name: 'vggish', params: {}, device: 'cpu', files });
    await expect(load).rejects.toThrow(ModelFileMissingError);
    await expect(load).rejects.toThrow('Model vggish: file model.onnx is missing from /imported/vggish/');
  });

  it('refuses a model that does not take log-mel patches, saying what it takes', async () => {
    const load = loadVggish({ name: 'vggish', params: {}, device: 'cpu', files: modelFrom(rawOnnx, 'model.onnx') });
    await expect(load).rejects.toThrow(
      'Model vggish could not be loaded from /imported/vggish/: Model vggish should take one input of log-mel patches [batch, 96, 64] or [batch, 1, 96, 64]; it takes input [batch, 8]',
    );
    await expect(
      loadVggish({ name: 'vggish', params: { maxPatches: 0.5 }, device: 'cpu', files: directoryModelFiles(fixture) }),
    ).rejects.toThrow('Model vggish: maxPatches must be a positive integer');
  });
});
