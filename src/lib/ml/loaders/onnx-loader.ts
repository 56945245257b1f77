import type { InferenceSession, Tensor } from 'onnxruntime-web';
import type { ExecutionDevice, LoadedModel, ModelLoader } from '../model-types';
import { requireModelFiles } from './require-files';

/**
 * What this loader needs of ONNX Runtime. The platform passes `onnxruntime-node` in Node and
 * `onnxruntime-web` in the browser, so browser code never imports the Node binding. Types come
 * from onnxruntime-web's declarations; both packages export the same onnxruntime-common API.
 */
export interface OrtModule {
  readonly InferenceSession: {
    create(buffer: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession>;
  };
}

export type OnnxFeeds = Readonly<Record<string, Tensor>>;
export type OnnxResults = Readonly<Record<string, Tensor>>;

/** A raw ONNX model: one session, its input and output names, and a checked `run`. */
export interface OnnxModel extends LoadedModel {
  readonly session: InferenceSession;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs one inference; every graph input must be fed, and nothing else. */
  run(feeds: OnnxFeeds): Promise<OnnxResults>;
}

const EXECUTION_PROVIDERS: Readonly<Record<ExecutionDevice, readonly string[]>> = {
  cpu: ['cpu'],
  wasm: ['wasm'],
  // WebGPU lacks some kernels; ORT places those nodes on wasm when it is listed after.
  webgpu: ['webgpu', 'wasm'],
};

/**
 * Loads `params.file` (default `model.onnx`) from the request's files. Params:
 * `file` (string), `sessionOptions` (extra ORT session options, merged under ours).
 */
export function createOnnxLoader(ort: OrtModule): ModelLoader<OnnxModel> {
  return async (request) => {
    const file = typeof request.params.file === 'string' ? request.params.file : 'model.onnx';
    await requireModelFiles(request.files, request.name, [file]);
    const bytes = await request.files.read(file);
    const extra = (request.params.sessionOptions ?? {}) as InferenceSession.SessionOptions;
    const session = await ort.InferenceSession.create(bytes, {
      ...extra,
      executionProviders: [...EXECUTION_PROVIDERS[request.device]],
    });
    return wrapSession(request.name, request.device, session);
  };
}

function wrapSession(name: string, device: ExecutionDevice, session: InferenceSession): OnnxModel {
  let released: Promise<void> | undefined;
  // onnxruntime-web rejects a second run on a session while one is in flight.
  let queue: Promise<unknown> = Promise.resolve();

  function checkFeeds(feeds: OnnxFeeds): void {
    const given = Object.keys(feeds);
    const missing = session.inputNames.filter((input) => !given.includes(input));
    const unknown = given.filter((input) => !session.inputNames.includes(input));
    if (missing.length > 0 || unknown.length > 0) {
      throw new Error(
        `Model ${name} takes inputs [${session.inputNames.join(', ')}]` +
          (missing.length > 0 ? `; missing ${missing.join(', ')}` : '') +
          (unknown.length > 0 ? `; unknown ${unknown.join(', ')}` : ''),
      );
    }
  }

  return {
    device,
    session,
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds) {
      if (released) throw new Error(`Model ${name} has been disposed`);
      checkFeeds(feeds);
      const result = queue.then(() => session.run(feeds));
      queue = result.catch(() => undefined);
      return result;
    },
    dispose() {
      released ??= queue.then(() => session.release());
      return released;
    },
  };
}

export { isOrtAllocationError } from './ort-errors';
