import { describe, expect, it } from 'vitest';
import { availableBatchMemory, batchSizeFor, reservedForWeights } from '../../../src/lib/ml/batch-size';
import { GIB, type Capabilities } from '../../../src/lib/ml/capabilities';

const MIB = 1024 * 1024;

function caps(overrides: Partial<Capabilities>): Capabilities {
  return {
    runtime: 'browser',
    devices: ['wasm'],
    webgpu: null,
    wasmSimd: true,
    wasmThreads: true,
    crossOriginIsolated: true,
    cores: 2,
    memoryBytes: null,
    storage: null,
    backend: 'wasm',
    ...overrides,
  };
}

const gpu = (binding: number, buffer: number) => ({
  vendor: 'v',
  architecture: 'a',
  description: '',
  maxBufferSize: buffer,
  maxStorageBufferBindingSize: binding,
  features: [],
  isFallbackAdapter: false,
});

describe('batch size arithmetic (seed heuristic, translated)', () => {
  it('reserves min(30%, 1.5 GiB above 3 GiB else 15%)', () => {
    expect(reservedForWeights(8 * GIB)).toBe(1.5 * GIB);
    expect(reservedForWeights(4 * GIB)).toBe(1.2 * GIB); // 30% of 4 GiB is less than 1.5 GiB
    expect(reservedForWeights(2 * GIB)).toBeCloseTo(0.3 * GIB); // 15% at or below 3 GiB
    expect(reservedForWeights(0)).toBe(0);
  });

  it('divides what is left by the item size, clamped to [1, 128]', () => {
    // 1 GiB: reserved 15% → usable 870.4 MiB; 870.4 / 10 = 87.04 → 87.
    expect(batchSizeFor(GIB, 10)).toBe(87);
    expect(batchSizeFor(GIB, 1)).toBe(128);
    expect(batchSizeFor(GIB, 5000)).toBe(1);
    expect(batchSizeFor(0, 10)).toBe(1);
    expect(batchSizeFor(GIB, 0)).toBe(1);
  });

  it('takes the budget from the adapter on WebGPU, from memory on WASM and in Node', () => {
    expect(availableBatchMemory('webgpu', caps({ webgpu: gpu(128 * MIB, 256 * MIB) }))).toBe(128 * MIB);
    expect(availableBatchMemory('webgpu', caps({ webgpu: gpu(2 * GIB, GIB) }))).toBe(GIB);
    expect(availableBatchMemory('webgpu', caps({}))).toBe(0);
    expect(availableBatchMemory('wasm', caps({ memoryBytes: 4 * GIB }))).toBe(GIB);
    expect(availableBatchMemory('wasm', caps({ memoryBytes: 32 * GIB }))).toBe(2 * GIB);
    expect(availableBatchMemory('wasm', caps({ memoryBytes: null }))).toBe(GIB); // 4 GiB assumed
    expect(availableBatchMemory('cpu', caps({ memoryBytes: 6 * GIB }))).toBe(3 * GIB);
    expect(availableBatchMemory('cpu', caps({ memoryBytes: 64 * GIB }))).toBe(8 * GIB);
  });

  it('gives a 128 MiB-binding GPU and 4 MB items 27 a batch', () => {
    // 128 MiB → reserved 19.2 MiB → usable 108.8 MiB / 4 MiB = 27.2 → 27.
    expect(batchSizeFor(availableBatchMemory('webgpu', caps({ webgpu: gpu(128 * MIB, 128 * MIB) })), 4)).toBe(27);
  });
});
