import { expect, test } from './fixtures';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformersClapLoader } from '../../src/lib/ml/loaders/clap-loader';
import { transformersClipLoader } from '../../src/lib/ml/loaders/clip-loader';
import { transformersTextEmbedderLoader } from '../../src/lib/ml/loaders/transformers-loader';
import { directoryModelFiles } from '../../src/lib/platform/node-model-files';
import { bundleProbe } from './probes/bundle-probe';
import { runInWorker } from './probes/run-in-worker';
import { makeTone, type ClapProbe, type ClapProbeRequest, type ToneSpec } from './probes/clap-probe';
import { drawPicture, type ClipProbe, type ClipProbeRequest, type PictureSpec } from './probes/clip-probe';
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

test('the CLIP loader embeds texts and pictures on wasm as natively: fp32 equal, q8 by default', async ({ page, baseURL }) => {
  const clipFixture = fileURLToPath(new URL('../fixtures/models/clip-fixture', import.meta.url));
  const texts = ['a red photo', 'green', 'a checkered pattern', `${'blue '.repeat(90)}red`];
  const pictures: PictureSpec[] = [
    { kind: 'plain', width: 300, height: 200, rgba: [255, 0, 0, 255] },
    { kind: 'plain', width: 30, height: 45, rgba: [0, 255, 0, 255] },
    { kind: 'checkerboard', size: 224, square: 32 },
    { kind: 'plain', width: 64, height: 64, rgba: [0, 0, 255, 100] },
  ];
  const native = await transformersClipLoader({ name: 'clip-fixture', params: {}, device: 'cpu', files: directoryModelFiles(clipFixture) });
  const reference = {
    texts: (await native.embedTexts(texts)).map((v) => Array.from(v)),
    images: (await native.embedImages(pictures.map(drawPicture))).map((v) => Array.from(v)),
  };
  await native.dispose();

  await page.goto('/manifest.webmanifest');
  const request: ClipProbeRequest = { origin: new URL(baseURL!).origin, files: folderBytes(clipFixture), texts, pictures };
  const outcome = await runInWorker<ClipProbeRequest, ClipProbe>(page, await bundleProbe('clip-probe.ts'), request);
  expect(outcome.error).toBeUndefined();
  const { auto, fp32 } = outcome.result!;
  expect(auto).toMatchObject({ device: 'wasm', precision: 'q8', dimensions: 512 });
  expect(fp32).toMatchObject({ device: 'wasm', precision: 'fp32', dimensions: 512 });
  for (const kind of ['texts', 'images'] as const) {
    reference[kind].forEach((vector, i) => {
      // The pictures' pixels are computed in JS on both sides, so fp32 inputs and outputs match.
      fp32[kind][i]!.forEach((value, j) => expect(value).toBeCloseTo(vector[j]!, 5));
      expect(dot(auto[kind][i]!, vector)).toBeGreaterThan(0.99);
    });
  }
  // The red picture is still nearest "a red photo" on wasm.
  const scores = fp32.images.map((image) => dot(fp32.texts[0]!, image));
  expect(scores.indexOf(Math.max(...scores))).toBe(0);
});

test('the CLAP loader embeds sounds and texts on wasm as natively: fp32 equal, q8 by default', async ({ page, baseURL }) => {
  const clapFixture = fileURLToPath(new URL('../fixtures/models/clap-fixture', import.meta.url));
  const texts = ['low', 'This is a sound of a whistle.', 'voice', `${'hum '.repeat(600)}high`];
  // Low, middle and high tones; a short one (repeat-padded) and one of 25 s (three windows).
  const tones: ToneSpec[] = [
    { hertz: 200, seconds: 2, amplitude: 0.5 },
    { hertz: 1500, seconds: 0.1, amplitude: 0.3 },
    { hertz: 4000, seconds: 25, amplitude: 0.5 },
  ];
  const native = await transformersClapLoader({ name: 'clap-fixture', params: {}, device: 'cpu', files: directoryModelFiles(clapFixture) });
  const reference = {
    texts: (await native.embedTexts(texts)).map((v) => Array.from(v)),
    clips: (await native.embedClips(tones.map((tone) => makeTone(tone, native.sampleRate)))).map((v) => Array.from(v)),
  };
  await native.dispose();

  await page.goto('/manifest.webmanifest');
  const request: ClapProbeRequest = { origin: new URL(baseURL!).origin, files: folderBytes(clapFixture), texts, tones };
  const outcome = await runInWorker<ClapProbeRequest, ClapProbe>(page, await bundleProbe('clap-probe.ts'), request);
  expect(outcome.error).toBeUndefined();
  const { auto, fp32 } = outcome.result!;
  expect(auto).toMatchObject({ device: 'wasm', precision: 'q8', dimensions: 512, sampleRate: 48_000 });
  expect(fp32).toMatchObject({ device: 'wasm', precision: 'fp32', dimensions: 512, sampleRate: 48_000 });
  for (const kind of ['texts', 'clips'] as const) {
    reference[kind].forEach((vector, i) => {
      // The mel features are computed by the same JS on both sides, so fp32 inputs and outputs match.
      fp32[kind][i]!.forEach((value, j) => expect(value).toBeCloseTo(vector[j]!, 5));
      expect(dot(auto[kind][i]!, vector)).toBeGreaterThan(0.99);
    });
  }
  // The low tone is still nearest "low" on wasm, and the high one nearest the whistle.
  const nearest = (text: number[]) =>
    fp32.clips.map((clip) => dot(text, clip)).reduce((best, score, i, all) => (score > all[best]! ? i : best), 0);
  expect(nearest(fp32.texts[0]!)).toBe(0);
  expect(nearest(fp32.texts[1]!)).toBe(2);
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
