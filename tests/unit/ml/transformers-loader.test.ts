import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelFiles, ModelLoadRequest, TextEmbedder } from '../../../src/lib/ml/model-types';
import { ModelFileMissingError } from '../../../src/lib/ml/loaders/require-files';
import { transformersTextEmbedderLoader } from '../../../src/lib/ml/loaders/transformers-loader';
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

  async function copyWithout(name: string, missing: string): Promise<string> {
    const target = join(folder, name);
    await cp(fixture, target, { recursive: true });
    await rm(join(target, missing));
    return target;
  }

  it.each(['tokenizer_config.json', 'onnx/model.onnx'])('names a missing %s', async (missing) => {
    const folderWithout = await copyWithout(missing.replace('/', '-'), missing);
    const load = transformersTextEmbedderLoader(request(directoryModelFiles(folderWithout)));
    await expect(load).rejects.toBeInstanceOf(ModelFileMissingError);
    await expect(load).rejects.toThrow(missing);
  });

  it('names the file a quantized dtype needs', async () => {
    await expect(transformersTextEmbedderLoader(request(directoryModelFiles(fixture), { dtype: 'q8' }))).rejects.toThrow(
      'onnx/model_quantized.onnx',
    );
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
