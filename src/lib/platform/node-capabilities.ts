import { availableParallelism, totalmem } from 'node:os';
import type { Capabilities, CapabilityProbe } from '../ml/capabilities';
import { wasmSimdSupported } from '../ml/browser-capabilities';

/** Node runs models natively (onnxruntime-node) on the CPU; no GPU is used by default. */
export const nodeCapabilities: CapabilityProbe = (): Promise<Capabilities> =>
  Promise.resolve({
    runtime: 'node',
    devices: ['cpu'],
    webgpu: null,
    wasmSimd: wasmSimdSupported(),
    wasmThreads: typeof SharedArrayBuffer !== 'undefined',
    crossOriginIsolated: false,
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    storage: null,
    backend: 'onnxruntime-node',
  });
