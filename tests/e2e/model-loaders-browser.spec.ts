import { expect, test } from './fixtures';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformersTextEmbedderLoader } from '../../src/lib/ml/loaders/transformers-loader';
import { directoryModelFiles } from '../../src/lib/platform/node-model-files';
import { bundleProbe } from './probes/bundle-probe';
import { runInWorker } from './probes/run-in-worker';
import type { FolderBytes } from './probes/memory-model-files';
import type { TfjsLayersProbe, TfjsLayersProbeRequest } from './probes/tfjs-layers-probe';
import type { TransformersProbe, TransformersProbeRequest } from './probes/transformers-probe';

const fixture = fileURLToPath(new URL('../fixtures/models/minilm-fixture', import.meta.url));
const TEXTS = ['a cat sat on the mat', 'rockets fly to the moon at night', 'the tax invoice report'];

function folderBytes(dir: string): FolderBytes {
  const files: FolderBytes = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[relative(dir, path)] = Array.from(readFileSync(path));
  }
  return files;
}

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);

test('the transformers.js loader runs int8 weights on wasm by default, and fp32 matches native', async ({ page, baseURL }) => {
  // The same fixture through the same loader in Node (onnxruntime-node, fp32): the reference.
  const native = await transformersTextEmbedderLoader({
    name: 'minilm-fixture',
    params: {},
    device: 'cpu',
    files: directoryModelFiles(fixture),
  });
  const reference = (await native.embed(TEXTS)).map((v) => Array.from(v));
  await native.dispose();
  expect(native.precision).toBe('fp32');

  await page.goto('/manifest.webmanifest');
  const request: TransformersProbeRequest = { origin: new URL(baseURL!).origin, files: folderBytes(fixture), texts: TEXTS };
  const outcome = await runInWorker<TransformersProbeRequest, TransformersProbe>(page, await bundleProbe('transformers-probe.ts'), request);
  expect(outcome.error).toBeUndefined();
  const { auto, fp32 } = outcome.result!;

  expect(auto).toMatchObject({ device: 'wasm', precision: 'q8' });
  expect(fp32).toMatchObject({ device: 'wasm', precision: 'fp32' });
  TEXTS.forEach((_, i) => {
    // fp32 on wasm computes what native computes; q8 differs by quantisation error only.
    fp32.vectors[i]!.forEach((value, j) => expect(value).toBeCloseTo(reference[i]![j]!, 5));
    const cosine = dot(auto.vectors[i]!, reference[i]!);
    expect(cosine).toBeGreaterThan(0.99);
    expect(cosine).toBeLessThan(1 - 1e-7);
  });
});

test('a TF.js layers (Keras) model loads in a worker on TF.js wasm and predicts what its weights say', async ({ page, baseURL }) => {
  await page.goto('/manifest.webmanifest');
  const inputs = [
    [0, 1, 2, 3, 4, 5, 6, 7],
    [-1, -2, 0.5, 0, 3, 0, -4, 1],
  ];
  const request: TfjsLayersProbeRequest = {
    origin: new URL(baseURL!).origin,
    files: folderBytes(fileURLToPath(new URL('../fixtures/models/tfjs-layers-fixture', import.meta.url))),
    inputs,
  };
  const outcome = await runInWorker<TfjsLayersProbeRequest, TfjsLayersProbe>(page, await bundleProbe('tfjs-layers-probe.ts'), request);
  expect(outcome.error).toBeUndefined();
  const { backend, inputShapes, outputs } = outcome.result!;
  expect(backend).toBe('wasm');
  expect(inputShapes).toEqual([[null, 8]]);
  // relu(input · W + b) with W[i][j] = (i - 2j) / 4 and b[j] = j / 2, worked out by hand.
  const byHand = [
    [35, 21.5, 8, 0],
    [0, 0.25, 2, 3.75],
  ];
  outputs.forEach((row, i) => row.forEach((value, j) => expect(value).toBeCloseTo(byHand[i]![j]!, 5)));
});
