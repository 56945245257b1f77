import type { Tensor } from '@tensorflow/tfjs-core';
import { configureTfjsWasm, tfjsLayersModelLoader } from '../../../src/lib/ml/loaders/tfjs-loader';
import { memoryModelFiles, type FolderBytes } from './memory-model-files';

/** Runs in a dedicated worker; the page posts the fixture's files and the rows to predict. */
export interface TfjsLayersProbeRequest {
  readonly origin: string;
  readonly files: FolderBytes;
  readonly inputs: number[][];
}

export interface TfjsLayersProbe {
  readonly backend: string;
  readonly inputShapes: readonly (readonly (number | null)[])[];
  readonly outputs: number[][];
}

async function probe({ origin, files, inputs }: TfjsLayersProbeRequest): Promise<TfjsLayersProbe> {
  configureTfjsWasm({ wasmPaths: `${origin}/tfjs/` });
  const model = await tfjsLayersModelLoader({
    name: 'tfjs-layers-fixture',
    params: {},
    device: 'wasm',
    files: memoryModelFiles(files, 'memory://tfjs-layers-fixture/'),
  });
  try {
    const outputs = await model.run(async (tf, layers) => {
      const input = tf.tensor2d(inputs);
      const output = layers.predict(input) as Tensor;
      const values = (await output.array()) as number[][];
      tf.dispose([input, output]);
      return values;
    });
    return { backend: model.backend, inputShapes: model.inputShapes, outputs };
  } finally {
    await model.dispose();
  }
}

self.onmessage = (event: MessageEvent<TfjsLayersProbeRequest>) => {
  probe(event.data).then(
    (result) => self.postMessage({ result }),
    (error: unknown) =>
      self.postMessage({ error: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error) }),
  );
};
