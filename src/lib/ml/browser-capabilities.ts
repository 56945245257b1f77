import type { Capabilities, CapabilityProbe, GpuAdapterSummary } from './capabilities';
import { GIB } from './capabilities';
import type { ExecutionDevice } from './model-types';

/*
 * Runs in a page or a worker: it reads `navigator` only, never the DOM. The GPU types are
 * declared locally because the project's TypeScript lib does not include WebGPU.
 */

interface GpuAdapterLike {
  readonly info?: { vendor?: string; architecture?: string; description?: string };
  readonly limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
  readonly features: Iterable<string>;
  readonly isFallbackAdapter?: boolean;
}

interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

interface NavigatorLike {
  readonly gpu?: GpuLike;
  readonly hardwareConcurrency?: number;
  readonly deviceMemory?: number;
  readonly storage?: { estimate?(): Promise<{ usage?: number; quota?: number }> };
}

/** wasm-feature-detect's SIMD probe (i32.const, i8x16.splat, i8x16.popcnt): validates only with SIMD. */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

export function wasmSimdSupported(): boolean {
  try {
    return WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

export async function gpuAdapterSummary(gpu: GpuLike | undefined): Promise<GpuAdapterSummary | null> {
  if (!gpu) return null;
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  if (!adapter) return null;
  return {
    vendor: adapter.info?.vendor ?? '',
    architecture: adapter.info?.architecture ?? '',
    description: adapter.info?.description ?? '',
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    features: [...adapter.features].sort(),
    isFallbackAdapter: adapter.isFallbackAdapter ?? false,
  };
}

export const browserCapabilities: CapabilityProbe = async (): Promise<Capabilities> => {
  const nav = (globalThis as { navigator?: NavigatorLike }).navigator ?? {};
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const webgpu = await gpuAdapterSummary(nav.gpu);
  const estimate = await nav.storage?.estimate?.().catch(() => null);
  const devices: ExecutionDevice[] = webgpu ? ['webgpu', 'wasm'] : ['wasm'];
  return {
    runtime: 'browser',
    devices,
    webgpu,
    wasmSimd: wasmSimdSupported(),
    wasmThreads: isolated && typeof SharedArrayBuffer !== 'undefined',
    crossOriginIsolated: isolated,
    cores: nav.hardwareConcurrency ?? 1,
    memoryBytes: nav.deviceMemory ? nav.deviceMemory * GIB : null,
    storage: estimate ? { usageBytes: estimate.usage ?? 0, quotaBytes: estimate.quota ?? 0 } : null,
    backend: 'wasm',
  };
};
