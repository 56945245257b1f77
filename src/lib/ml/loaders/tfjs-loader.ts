import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { LoadedModel, ModelLoader } from '../model-types';
import { requireModelFiles } from './require-files';
import { startTfjsBackend, tfjsBackendFor, type Tf, type TfjsBackendName } from './tfjs-backend';
import { modelFilesIOHandler } from './tfjs-io';

export { configureTfjsWasm, tfjsBackendFor, type Tf, type TfjsBackendName, type TfjsWasmOptions } from './tfjs-backend';
export { modelFilesIOHandler } from './tfjs-io';

/** A TF.js graph model on its backend. */
export interface TfjsGraphModel extends LoadedModel {
  readonly backend: TfjsBackendName;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /**
   * Runs `job` on this model's backend, with no other TF.js work in between. The job creates
   * and disposes its own tensors (`tf.tidy` cannot span `executeAsync`). Fails with
   * `DeviceLostError` once the backend's GPU device is lost; load the model again then.
   */
  run<T>(job: (tf: Tf, model: GraphModel) => Promise<T>): Promise<T>;
}

/**
 * Loads a TF.js graph model (`params.file`, default `model.json`, and the shards its
 * weightsManifest names) from the request's files onto the device's backend.
 */
export const tfjsGraphModelLoader: ModelLoader<TfjsGraphModel> = async (request) => {
  const file = typeof request.params.file === 'string' ? request.params.file : 'model.json';
  await requireModelFiles(request.files, request.name, [file]);
  const { loadGraphModel } = await import('@tensorflow/tfjs-converter');
  const backend = await startTfjsBackend(tfjsBackendFor(request.device));
  const model = await backend.run((tf) => loadGraphModel(modelFilesIOHandler(tf, request.files, file)));

  let released: Promise<void> | undefined;
  return {
    device: request.device,
    backend: backend.name,
    inputNames: model.inputNodes,
    outputNames: model.outputNodes,
    run(job) {
      if (released) return Promise.reject(new Error(`Model ${request.name} has been disposed`));
      return backend.run((tf) => job(tf, model));
    },
    dispose() {
      // Queued behind running jobs, so their weights are not freed under them.
      released ??= backend.release(async () => model.dispose());
      return released;
    },
  };
};

// Layers models (`tf.loadLayersModel`) need @tensorflow/tfjs-layers, which is not a dependency;
// `modelFilesIOHandler` serves them unchanged once it is.
