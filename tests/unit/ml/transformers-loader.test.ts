import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelFiles, ModelLoadRequest, TextEmbedder } from '../../../src/lib/ml/model-types';
import { ModelFileMissingError } from '../../../src/lib/ml/loaders/require-files';
import { chooseOnnxDtype, onnxModelPath, transformersTextEmbedderLoader } from '../../../src/lib/ml/loaders/transformers-loader';
import { directoryModelFiles } from '../../../src/lib/platform/node-model-files';

const fixture = fileURLToPath(new URL('../../fixtures/models/minilm-fixture', import.meta.url));
const fixtureFiles = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'];

function request(files: ModelFiles, params: Record<string, unknown> = {}): ModelLoadRequest {
  return { name: 'minilm-fixture', params, device: 'cpu', files };
}

function dot(a: Float32Array, b: Float32Array): number {
  return a.reduce((sum, value, index) => sum + value * (b[index] ?? 0), 0);
}

/** A folder that exists only in memory, so a pass proves the files came through ModelFiles. */
async function memoryFiles(): Promise<ModelFiles> {
  const contents = new Map<string, Uint8Array>();
  for (const path of fixtureFiles) contents.set(path, new Uint8Array(await readFile(join(fixture, path))));
  return {
    kind: 'imported',
    base: '/nowhere/on/disk/',
    read: async (path) => {
      const bytes = contents.get(path);
      if (!bytes) throw new Error(`no ${path}`);
      return bytes;
    },
    has: async (path) => contents.has(path),
  };
}

describe('chooseOnnxDtype', () => {
  const holding = (...paths: string[]): ModelFiles => ({
    kind: 'imported',
    base: '/x/',
    read: () => Promise.reject(new Error('not read')),
    has: async (path) => paths.includes(path),
  });
  const both = holding('onnx/model.onnx', 'onnx/model_quantized.onnx');

  it("follows transformers.js's defaults: q8 on wasm, fp32 natively and on WebGPU", async () => {
    expect(await chooseOnnxDtype(undefined, 'wasm', both)).toBe('q8');
    expect(await chooseOnnxDtype('auto', 'cpu', both)).toBe('fp32');
    expect(await chooseOnnxDtype(undefined, 'webgpu', both)).toBe('fp32');
  });

  it('takes the other file when the folder holds only one, and the preferred name when it holds none', async () => {
    expect(await chooseOnnxDtype(undefined, 'wasm', holding('onnx/model.onnx'))).toBe('fp32');
    expect(await chooseOnnxDtype(undefined, 'cpu', holding('onnx/model_quantized.onnx'))).toBe('q8');
    expect(await chooseOnnxDtype(undefined, 'wasm', holding())).toBe('q8');
  });

  it('keeps an explicit dtype whatever the folder holds', async () => {
    expect(await chooseOnnxDtype('fp16', 'wasm', both)).toBe('fp16');
    expect(onnxModelPath('fp16')).toBe('onnx/model_fp16.onnx');
    expect(() => onnxModelPath('q3')).toThrow('Unknown dtype q3');
  });
});

describe('transformersTextEmbedderLoader', () => {
  let embedder: TextEmbedder;

  beforeAll(async () => {
    embedder = await transformersTextEmbedderLoader(request(directoryModelFiles(fixture)));
  });

  afterAll(async () => {
    await embedder.dispose();
  });

  it('reports the hidden size and the device it runs on', () => {
    expect(embedder.dimensions).toBe(64);
    expect(embedder.device).toBe('cpu');
  });

  it('returns one unit vector per text, in order', async () => {
    const texts = ['a cat', 'the big red car runs fast at night', 'Sunset!'];
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(3);
    for (const vector of vectors) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector).toHaveLength(64);
      expect(Math.sqrt(dot(vector, vector))).toBeCloseTo(1, 5);
    }
    expect(await embedder.embed([])).toEqual([]);
  });

  it('gives a padded batch the same vectors as one text at a time', async () => {
    const texts = ['cat', 'a small dog sits on the mat in the park', 'rockets fly to the moon', 'unknown zebra words'];
    const batch = await embedder.embed(texts);
    for (const [index, text] of texts.entries()) {
      const [single] = await embedder.embed([text]);
      const expected = Array.from(single ?? []);
      Array.from(batch[index] ?? []).forEach((value, at) => expect(value).toBeCloseTo(expected[at] ?? NaN, 5));
    }
  });

  it('puts texts that share words closer than unrelated ones', async () => {
    const [cat, catAgain, rocket] = await embedder.embed(['the cat sat on the mat', 'a cat sits on a mat', 'rockets fly to space']);
    expect(dot(cat!, catAgain!)).toBeGreaterThan(dot(cat!, rocket!));
    expect(dot(catAgain!, cat!)).toBeGreaterThan(dot(catAgain!, rocket!));
  });

  it('truncates a text longer than the model takes', async () => {
    const [vector] = await embedder.embed([Array.from({ length: 400 }, () => 'tree').join(' ')]);
    expect(vector).toHaveLength(64);
  });

  it('reads the model through ModelFiles, not the disk', async () => {
    const fromMemory = await transformersTextEmbedderLoader(request(await memoryFiles()));
    try {
      const [a] = await fromMemory.embed(['blue sea']);
      const [b] = await embedder.embed(['blue sea']);
      expect(Array.from(a!)).toEqual(Array.from(b!));
    } finally {
      await fromMemory.dispose();
    }
  });
});

describe('transformersTextEmbedderLoader errors and disposal', () => {
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'dam-minilm-'));
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  async function copyWithout(name: string, ...missing: string[]): Promise<string> {
    const target = join(folder, name);
    await cp(fixture, target, { recursive: true });
    for (const path of missing) await rm(join(target, path));
    return target;
  }

  it.each([
    ['tokenizer_config.json', ['tokenizer_config.json']],
    // Neither weight file: the name is the one this device would run (fp32 natively).
    ['onnx/model.onnx', ['onnx/model.onnx', 'onnx/model_quantized.onnx']],
  ])('names a missing %s', async (expected, missing) => {
    const folderWithout = await copyWithout(missing.map((m) => m.replace('/', '-')).join('+'), ...missing);
    const load = transformersTextEmbedderLoader(request(directoryModelFiles(folderWithout)));
    await expect(load).rejects.toBeInstanceOf(ModelFileMissingError);
    await expect(load).rejects.toThrow(expected);
  });

  it('names the file an explicit dtype needs', async () => {
    const onlyFloat = await copyWithout('only-fp32', 'onnx/model_quantized.onnx');
    await expect(transformersTextEmbedderLoader(request(directoryModelFiles(onlyFloat), { dtype: 'q8' }))).rejects.toThrow(
      'onnx/model_quantized.onnx',
    );
  });

  it('refuses an unknown dtype by name', async () => {
    await expect(transformersTextEmbedderLoader(request(directoryModelFiles(fixture), { dtype: 'q3' }))).rejects.toThrow(
      /minilm-fixture: Unknown dtype q3/,
    );
  });

  it('runs fp32 natively when both weight files are there, and the int8 file when it is the only one', async () => {
    const both = await transformersTextEmbedderLoader(request(directoryModelFiles(fixture)));
    const onlyInt8 = await copyWithout('only-q8', 'onnx/model.onnx');
    const quantized = await transformersTextEmbedderLoader(request(directoryModelFiles(onlyInt8)));
    try {
      expect(both.precision).toBe('fp32');
      expect(quantized.precision).toBe('q8');
      // The int8 weights are the fp32 ones rounded: the same vectors up to quantisation error.
      const texts = ['a cat sat on the mat', 'rockets fly to the moon', 'tax invoice report'];
      const [exact, approximate] = [await both.embed(texts), await quantized.embed(texts)];
      exact.forEach((vector, i) => {
        expect(dot(vector, approximate[i]!)).toBeGreaterThan(0.99);
        expect(dot(vector, approximate[i]!)).toBeLessThan(1 - 1e-7);
      });
    } finally {
      await both.dispose();
      await quantized.dispose();
    }
  });

  it('says which model and folder failed when a file is corrupt', async () => {
    const target = join(folder, 'corrupt');
    await cp(fixture, target, { recursive: true });
    await writeFile(join(target, 'onnx/model.onnx'), 'not an onnx model');
    await expect(transformersTextEmbedderLoader(request(directoryModelFiles(target)))).rejects.toThrow(
      /minilm-fixture could not be loaded from .*corrupt/,
    );
  });

  it('disposes once, and refuses to embed afterwards', async () => {
    const embedder = await transformersTextEmbedderLoader(request(directoryModelFiles(fixture)));
    await embedder.dispose();
    await embedder.dispose();
    await expect(embedder.embed(['cat'])).rejects.toThrow('disposed');
  });
});
