import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { LayersModel } from '@tensorflow/tfjs-layers';
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

/** A TF.js layers (Keras) model on its backend. */
export interface TfjsLayersModel extends LoadedModel {
  readonly backend: TfjsBackendName;
  readonly inputShapes: readonly (readonly (number | null)[])[];
  readonly outputShapes: readonly (readonly (number | null)[])[];
  /** As `TfjsGraphModel.run`: jobs on this model's backend, one at a time. */
  run<T>(job: (tf: Tf, model: LayersModel) => Promise<T>): Promise<T>;
}

/** Keras shapes are one shape, or a list of them for a model with several inputs or outputs. */
function shapeList(shape: Shape | Shape[]): (number | null)[][] {
  return Array.isArray(shape[0]) || shape.length === 0 ? (shape as Shape[]) : [shape as Shape];
}
type Shape = (number | null)[];

/**
 * Loads a TF.js layers model (`model.json` with a Keras `modelTopology`, as the TF.js converter
 * writes from a Keras model, and its weight shards) from the request's files onto the device's
 * backend. `params.file` names another model.json.
 */
export const tfjsLayersModelLoader: ModelLoader<TfjsLayersModel> = async (request) => {
  const file = typeof request.params.file === 'string' ? request.params.file : 'model.json';
  await requireModelFiles(request.files, request.name, [file]);
  // Imported with the backend's TF.js: tfjs-layers registers its layers against tfjs-core.
  const { loadLayersModel } = await import('@tensorflow/tfjs-layers');
  const backend = await startTfjsBackend(tfjsBackendFor(request.device));
  let model: LayersModel;
  try {
    model = await backend.run((tf) => loadLayersModel(modelFilesIOHandler(tf, request.files, file)));
  } catch (error) {
    throw new Error(`Model ${request.name} could not be loaded from ${request.files.base}: ${(error as Error).message}`, { cause: error });
  }

  let released: Promise<void> | undefined;
  return {
    device: request.device,
    backend: backend.name,
    inputShapes: shapeList(model.inputs.length === 1 ? (model.inputs[0]!.shape as Shape) : model.inputs.map((i) => i.shape as Shape)),
    outputShapes: shapeList(model.outputs.length === 1 ? (model.outputs[0]!.shape as Shape) : model.outputs.map((o) => o.shape as Shape)),
    run(job) {
      if (released) return Promise.reject(new Error(`Model ${request.name} has been disposed`));
      return backend.run((tf) => job(tf, model));
    },
    dispose() {
      released ??= backend.release(async () => {
        model.dispose();
      });
      return released;
    },
  };
};
