import { availableBatchMemory, batchSizeFor } from './batch-size';
import type { Capabilities, CapabilityProbe } from './capabilities';
import { memoryDevicePreferences, type DevicePreferenceStore, type StoredDevicePreference } from './device-preferences';
import type { ExecutionDevice, LoadedModel, ModelFiles, ModelLoader, ModelSourceKind } from './model-types';
import { withOomRetry, type OomRetryOptions } from './oom-retry';
import { stableJson } from './stable-json';

export type ModelParams = Readonly<Record<string, unknown>>;

/** Finds a model's files: bundled with the app, imported by the user, or the hub when allowed. */
export type ModelFilesResolver = (identifier: string, name: string, params: ModelParams) => Promise<ModelFiles>;

/** A model-specific batch size; return a positive integer or throw to fall back to the heuristic. */
export type BatchSizer = (request: {
  readonly name: string;
  readonly itemSizeEstimateMb: number;
  readonly device: ExecutionDevice;
  readonly capabilities: Capabilities;
}) => number;

export interface LoadedModelInfo {
  readonly identifier: string;
  readonly name: string;
  readonly params: ModelParams;
  /** Null while the load is deciding where to go. */
  readonly device: ExecutionDevice | null;
  readonly state: 'loading' | 'ready';
  /** The loaded model's weight format, where it reports one (`fp32`, `q8`). */
  readonly precision: string | null;
}

interface CacheEntry {
  readonly identifier: string;
  readonly name: string;
  readonly params: ModelParams;
  /** Null until the preference is known, while the load starts. */
  device: ExecutionDevice | null;
  promise: Promise<LoadedModel>;
  ready: boolean;
  precision: string | null;
}

/** Disposes what the entry loaded (waiting for a load in flight); false when it never loaded. */
async function release(entry: CacheEntry): Promise<boolean> {
  const model = await entry.promise.catch(() => null);
  await model?.dispose();
  return model !== null;
}

export class UnknownModelLoaderError extends Error {
  override readonly name = 'UnknownModelLoaderError';
}

export function modelCacheKey(identifier: string, name: string, params: ModelParams = {}): string {
  return `${identifier}\u0000${name}\u0000${stableJson(params)}`;
}

/**
 * The one place models are loaded, cached, placed on a device and sized for (seeds §4). One
 * instance per worker or Node process, registered as a global resource; services receive it (or
 * a model it vends) as an argument.
 */
export class ModelExecutionManager {
  private readonly loaders = new Map<string, ModelLoader>();
  private readonly sizers = new Map<string, BatchSizer>();
  private readonly cache = new Map<string, CacheEntry>();
  private readonly preferences: DevicePreferenceStore;
  private probed: Promise<Capabilities> | null = null;

  constructor(
    private readonly options: {
      readonly probe: CapabilityProbe;
      readonly resolveFiles: ModelFilesResolver;
      readonly preferences?: DevicePreferenceStore;
    },
  ) {
    this.preferences = options.preferences ?? memoryDevicePreferences();
  }

  /** What this host offers; probed once, again when `refresh` (after a lost GPU device). */
  capabilities(refresh = false): Promise<Capabilities> {
    if (refresh || !this.probed) {
      this.probed = this.options.probe();
      this.probed.catch(() => (this.probed = null));
    }
    return this.probed;
  }

  registerModelLoader(identifier: string, loader: ModelLoader): void {
    this.loaders.set(identifier, loader);
  }

  hasModelLoader(identifier: string): boolean {
    return this.loaders.has(identifier);
  }

  /** Where the model's files would come from (bundled, imported, hub when allowed), or null. */
  async modelSource(identifier: string, name: string, params: ModelParams = {}): Promise<ModelSourceKind | null> {
    return this.options.resolveFiles(identifier, name, params).then(
      (files) => files.kind,
      () => null,
    );
  }

  async isAvailable(identifier: string, name: string, params: ModelParams = {}): Promise<boolean> {
    return (await this.modelSource(identifier, name, params)) !== null;
  }

  registerBatchSizer(identifier: string, sizer: BatchSizer): void {
    this.sizers.set(identifier, sizer);
  }

  /**
   * The model for (identifier, name, params), loading it once: concurrent calls for one key share
   * one load, and a failed load is forgotten so the next call tries again. `device` overrides the
   * preference for this load; `forceReload` unloads first.
   */
  async getModel<M extends LoadedModel = LoadedModel>(
    identifier: string,
    name: string,
    params: ModelParams = {},
    options: { readonly forceReload?: boolean; readonly device?: ExecutionDevice } = {},
  ): Promise<M> {
    const key = modelCacheKey(identifier, name, params);
    const cached = this.cache.get(key);
    if (cached && !options.forceReload && (!options.device || options.device === cached.device)) return cached.promise as Promise<M>;
    const loader = this.loaders.get(identifier);
    if (!loader) throw new UnknownModelLoaderError(`No model loader is registered for "${identifier}"`);
    // The entry goes into the cache before the first await, so a concurrent call finds it.
    if (cached) this.cache.delete(key);
    const entry: CacheEntry = {
      identifier,
      name,
      params,
      device: options.device ?? null,
      promise: Promise.resolve(null!),
      ready: false,
      precision: null,
    };
    entry.promise = (async () => {
      if (cached) await release(cached);
      const device = options.device ?? (await this.getModelDevicePreference(identifier, name));
      entry.device = device;
      const files = await this.options.resolveFiles(identifier, name, params);
      return loader({ name, params, device, files });
    })();
    this.cache.set(key, entry);
    entry.promise.then(
      (model) => {
        entry.ready = true;
        entry.precision = model.precision ?? null;
      },
      () => {
        if (this.cache.get(key) === entry) this.cache.delete(key);
      },
    );
    return entry.promise as Promise<M>;
  }

  /** Releases the model's sessions and GPU memory. False when it was not loaded. */
  async unloadModel(identifier: string, name: string, params: ModelParams = {}): Promise<boolean> {
    const key = modelCacheKey(identifier, name, params);
    const entry = this.cache.get(key);
    if (!entry) return false;
    this.cache.delete(key);
    return release(entry);
  }

  async unloadAll(): Promise<void> {
    const entries = [...this.cache.values()];
    await Promise.all(entries.map((e) => this.unloadModel(e.identifier, e.name, e.params)));
  }

  loadedModels(): LoadedModelInfo[] {
    return [...this.cache.values()].map(({ identifier, name, params, device, ready, precision }) => ({
      identifier,
      name,
      params,
      device,
      state: ready ? 'ready' : 'loading',
      precision,
    }));
  }

  /**
   * The device for a model: the user's choice, else the one timing picked, else the best this
   * host has. A CPU-emulated WebGPU adapter (SwiftShader) is correct but far slower than WASM,
   * so it is never a default.
   */
  async getModelDevicePreference(identifier?: string, name?: string): Promise<ExecutionDevice> {
    const capabilities = await this.capabilities();
    if (identifier !== undefined && name !== undefined) {
      const stored = await this.preferences.get(preferenceKey(identifier, name));
      if (stored && capabilities.devices.includes(stored.device)) return stored.device;
    }
    const usable = capabilities.devices.filter((d) => d !== 'webgpu' || !capabilities.webgpu?.isFallbackAdapter);
    return usable[0] ?? capabilities.devices[0] ?? 'wasm';
  }

  /** The user's override from Settings; null goes back to timing. */
  async setDevicePreference(identifier: string, name: string, device: ExecutionDevice | null): Promise<void> {
    await this.preferences.set(preferenceKey(identifier, name), device ? { device, chosenBy: 'user' } : null);
  }

  devicePreference(identifier: string, name: string): Promise<StoredDevicePreference | null> {
    return this.preferences.get(preferenceKey(identifier, name));
  }

  /**
   * Times `trial` (a small batch) on every device this host has, keeps the faster one for the
   * model, and loads it there. WASM beats WebGPU for some small models, so this is measured,
   * not assumed. A user's override is left alone.
   */
  async chooseDeviceByTiming<M extends LoadedModel>(
    identifier: string,
    name: string,
    params: ModelParams,
    trial: (model: M) => Promise<unknown>,
    now: () => number = () => performance.now(),
  ): Promise<StoredDevicePreference> {
    const key = preferenceKey(identifier, name);
    const existing = await this.preferences.get(key);
    if (existing?.chosenBy === 'user') return existing;
    const { devices } = await this.capabilities();
    const timings: Partial<Record<ExecutionDevice, number>> = {};
    for (const device of devices) {
      try {
        const model = await this.getModel<M>(identifier, name, params, { device });
        await trial(model); // warm-up: shader compilation and first allocations
        const start = now();
        await trial(model);
        timings[device] = now() - start;
      } catch {
        // A device that cannot run the model simply is not chosen.
      }
    }
    const [fastest] = (Object.entries(timings) as [ExecutionDevice, number][]).sort((a, b) => a[1] - b[1]);
    if (!fastest) throw new Error(`"${name}" could not run on any device here (${devices.join(', ')})`);
    const preference: StoredDevicePreference = { device: fastest[0], chosenBy: 'timed', timings };
    await this.preferences.set(key, preference);
    await this.getModel(identifier, name, params, { device: preference.device });
    return preference;
  }

  /**
   * The batch size for items of about `itemSizeEstimateMb` each: a registered sizer first (one
   * that throws falls through), else the heuristic in `batch-size.ts`, else `fallback`.
   */
  async getOptimalBatchSize(identifier: string, name: string, itemSizeEstimateMb: number, fallback: number): Promise<number> {
    const capabilities = await this.capabilities().catch(() => null);
    if (!capabilities) return fallback;
    const device = this.loadedDevice(identifier, name) ?? (await this.getModelDevicePreference(identifier, name));
    const sizer = this.sizers.get(identifier);
    if (sizer) {
      try {
        const size = sizer({ name, itemSizeEstimateMb, device, capabilities });
        if (Number.isInteger(size) && size > 0) return size;
      } catch {
        // Fall through to the heuristic, as the seed does.
      }
    }
    const available = availableBatchMemory(device, capabilities);
    return available > 0 ? batchSizeFor(available, itemSizeEstimateMb) : fallback;
  }

  /**
   * Runs a batched job on a model with the retry rules of `withOomRetry`. After a lost GPU
   * device the model is reloaded: on a new device when the host still has an adapter, else on
   * WASM. `runBatch` receives the model to use for each batch.
   */
  async runBatched<T, R, M extends LoadedModel>(
    identifier: string,
    name: string,
    params: ModelParams,
    items: readonly T[],
    runBatch: (model: M, batch: readonly T[]) => Promise<readonly R[]>,
    options: Omit<OomRetryOptions, 'recover'>,
  ): Promise<R[]> {
    return withOomRetry(items, async (batch) => runBatch(await this.getModel<M>(identifier, name, params), batch), {
      ...options,
      recover: async () => {
        const lostOn = this.loadedDevice(identifier, name) ?? 'webgpu';
        await this.unloadModel(identifier, name, params);
        const capabilities = await this.capabilities(true);
        const device = lostOn === 'webgpu' && capabilities.webgpu ? 'webgpu' : fallbackDevice(capabilities);
        await this.getModel(identifier, name, params, { device });
      },
    });
  }

  private loadedDevice(identifier: string, name: string): ExecutionDevice | null {
    for (const entry of this.cache.values()) if (entry.identifier === identifier && entry.name === name) return entry.device;
    return null;
  }
}

function preferenceKey(identifier: string, name: string): string {
  return `${identifier}/${name}`;
}

function fallbackDevice(capabilities: Capabilities): ExecutionDevice {
  return capabilities.devices.find((d) => d !== 'webgpu') ?? 'wasm';
}
