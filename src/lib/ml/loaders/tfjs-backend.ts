import { DeviceLostError } from '../model-errors';
import type { ExecutionDevice } from '../model-types';
import { isNodeRuntime } from '../runtime';

export type Tf = typeof import('@tensorflow/tfjs-core');

/** The TF.js backends this app ships. Node has no native TF.js here, so `cpu` is wasm too. */
export type TfjsBackendName = 'wasm' | 'webgpu';

/** Where the wasm backend finds its `.wasm` files and how many threads it may use (browser only). */
export interface TfjsWasmOptions {
  /** A folder URL ending in `/`; the app serves the three binaries at `/tfjs/`. */
  readonly wasmPaths?: string;
  readonly numThreads?: number;
  /**
   * False keeps TF.js on its single-threaded SIMD build. Its threaded build starts each thread
   * from `wasmFactoryThreadedSimd.toString()`, which a minifying bundler breaks (the function's
   * text names variables of the bundle: "e is not defined" in every thread), so minified app
   * bundles must say false.
   */
  readonly threads?: boolean;
}

/**
 * One start of a TF.js backend. Models loaded on it run through it; once its GPU device is
 * lost every run fails with `DeviceLostError`, and the next `startTfjsBackend` starts afresh.
 */
export interface TfjsBackend {
  readonly name: TfjsBackendName;
  readonly lost: boolean;
  /**
   * Runs `job` with this backend current and no other TF.js work in between: TF.js keeps one
   * global backend, and an `executeAsync` yields midway.
   */
  run<T>(job: (tf: Tf) => Promise<T>): Promise<T>;
  /** Like `run`, but also after a loss: for freeing what was loaded on it. */
  release(job: (tf: Tf) => Promise<void>): Promise<void>;
}

const DEFAULT_WASM_PATHS = '/tfjs/';
/** How long a failed WebGPU job waits for `device.lost` to say whether the device caused it. */
const LOSS_SETTLE_MS = 100;

let wasmOptions: TfjsWasmOptions = {};
const started = new Map<TfjsBackendName, Promise<TfjsBackend>>();
let queue: Promise<unknown> = Promise.resolve();

/** Serialises all TF.js work in this thread (see `TfjsBackend.run`). */
function enqueue<T>(job: () => Promise<T>): Promise<T> {
  const run = queue.then(job);
  queue = run.catch(() => undefined);
  return run;
}

/**
 * Sets where the wasm backend's binaries are served from. TF.js reads this once, when the
 * backend starts, so call it before the first TF.js model loads; later it throws.
 */
export function configureTfjsWasm(options: TfjsWasmOptions): void {
  if (started.has('wasm')) throw new Error('The TF.js wasm backend has already started; configure it before the first load');
  wasmOptions = { ...wasmOptions, ...options };
}

/**
 * The backend for a device. Node 20 runs TF.js on wasm (measured on USE-lite: ~120–230
 * sentences/s against ~8 for tfjs-core's pure-JS cpu kernels), and in the browser wasm is the CPU.
 */
export function tfjsBackendFor(device: ExecutionDevice): TfjsBackendName {
  return device === 'webgpu' ? 'webgpu' : 'wasm';
}

async function initWasm(tf: Tf): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // In Node the package reads its binaries from its own folder; a URL prefix would break that.
  if (!isNodeRuntime()) wasm.setWasmPaths(wasmOptions.wasmPaths ?? DEFAULT_WASM_PATHS);
  if (wasmOptions.numThreads !== undefined) wasm.setThreadsCount(wasmOptions.numThreads);
  if (wasmOptions.threads === false) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (!(await tf.setBackend('wasm'))) throw new Error('TF.js: the wasm backend failed to start');
}

/** Starts WebGPU, in place of an instance whose device was lost; gives back its device. */
async function initWebGpu(tf: Tf): Promise<GPUDevice | undefined> {
  // Registers itself only where `navigator.gpu` exists.
  await import('@tensorflow/tfjs-backend-webgpu');
  const factory = tf.findBackendFactory('webgpu');
  if (factory === null) throw new Error('TF.js: WebGPU is not available here');
  // TF.js would hand back the old instance: remove it (and its factory), then register anew.
  if ('webgpu' in tf.engine().registry) {
    tf.removeBackend('webgpu');
    tf.registerBackend('webgpu', factory, 3);
  }
  if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js: the webgpu backend failed to start');
  return (tf.backend() as unknown as { device?: GPUDevice }).device;
}

async function start(name: TfjsBackendName): Promise<TfjsBackend> {
  const tf = await import('@tensorflow/tfjs-core');
  let lost: GPUDeviceLostInfo | null = null;
  let deviceLost: Promise<GPUDeviceLostInfo> | undefined;
  if (name === 'wasm') await initWasm(tf);
  else deviceLost = (await initWebGpu(tf))?.lost;
  void deviceLost?.then((info) => (lost = info));

  const lostError = (cause?: unknown) =>
    Object.assign(new DeviceLostError(`TF.js ${name}: GPU device lost (${lost?.message || 'no message'})`, lost?.reason ?? 'unknown'), {
      cause,
    });
  const backend: TfjsBackend = {
    name,
    get lost() {
      return lost !== null;
    },
    run: (job) =>
      enqueue(async () => {
        if (lost) throw lostError();
        if (tf.getBackend() !== name) await tf.setBackend(name);
        try {
          return await job(tf);
        } catch (error) {
          if (deviceLost) await Promise.race([deviceLost, new Promise((resolve) => setTimeout(resolve, LOSS_SETTLE_MS))]);
          throw lost ? lostError(error) : error;
        }
      }),
    release: (job) =>
      enqueue(async () => {
        if (!lost && tf.getBackend() !== name) await tf.setBackend(name);
        await job(tf).catch((error: unknown) => {
          if (!lost) throw error;
        });
      }),
  };
  return backend;
}

function launch(name: TfjsBackendName): Promise<TfjsBackend> {
  const pending = enqueue(() => start(name));
  started.set(name, pending);
  // A chunk that did not arrive or a failed init may work next time.
  pending.catch(() => started.get(name) === pending && started.delete(name));
  return pending;
}

/**
 * The running backend for `name`, started on first use (TF.js and the backend are imported
 * then, so the app pulls them in only when a model needs them) and again after a lost device.
 */
export async function startTfjsBackend(name: TfjsBackendName): Promise<TfjsBackend> {
  const pending = started.get(name) ?? launch(name);
  const backend = await pending;
  if (!backend.lost) return backend;
  return started.get(name) === pending ? launch(name) : startTfjsBackend(name);
}
