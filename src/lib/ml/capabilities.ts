import type { ExecutionDevice } from './model-types';

/** The WebGPU adapter as the manager sizes batches against it. */
export interface GpuAdapterSummary {
  readonly vendor: string;
  readonly architecture: string;
  readonly description: string;
  readonly maxBufferSize: number;
  readonly maxStorageBufferBindingSize: number;
  readonly features: readonly string[];
  /** SwiftShader and other CPU implementations: correct, but far slower than WASM. */
  readonly isFallbackAdapter: boolean;
}

export interface StorageEstimateSummary {
  readonly usageBytes: number;
  readonly quotaBytes: number;
}

/** What this worker or process can run models on. */
export interface Capabilities {
  readonly runtime: 'browser' | 'node';
  /** The devices models can be put on here, best first. */
  readonly devices: readonly ExecutionDevice[];
  readonly webgpu: GpuAdapterSummary | null;
  readonly wasmSimd: boolean;
  /** WASM threads need SharedArrayBuffer, which needs cross-origin isolation in a browser. */
  readonly wasmThreads: boolean;
  readonly crossOriginIsolated: boolean;
  readonly cores: number;
  /** `navigator.deviceMemory` (GiB, rounded and capped at 8 by browsers) or the machine's RAM. */
  readonly memoryBytes: number | null;
  readonly storage: StorageEstimateSummary | null;
  /** The native backend in Node (`onnxruntime-node`), or the browser's `wasm`. */
  readonly backend: string;
}

/** Finds out what the host offers; one per runtime (`browserCapabilities`, Node's in platform). */
export type CapabilityProbe = () => Promise<Capabilities>;

export const GIB = 1024 ** 3;
