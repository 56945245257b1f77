import { GIB, type Capabilities } from './capabilities';
import type { ExecutionDevice } from './model-types';

/*
 * The seed's heuristic (SEED-BEHAVIOURS.md), translated from "free VRAM" to what a browser can
 * know. `available` is the memory one batch may use on the device:
 * - webgpu: the adapter's `maxStorageBufferBindingSize` (capped by `maxBufferSize`). A batch's
 *   largest tensor must fit one binding, and browsers expose no free-memory figure.
 * - wasm: a quarter of the device memory (`navigator.deviceMemory`, 4 GiB when unknown), at most
 *   2 GiB, because ONNX Runtime and TF.js share one 32-bit heap of at most 4 GiB with the weights
 *   and the page's other work.
 * - cpu (Node, native): half the machine's RAM, at most 8 GiB.
 * Then reserved = min(0.3 · available, available > 3 GiB ? 1.5 GiB : 0.15 · available) for weights
 * and overhead, usable = available − reserved, batch = floor(usable / item size) clamped to
 * [1, 128]; usable ≤ 0 gives 1.
 */

export const MAX_BATCH_SIZE = 128;
export const WASM_BUDGET_CAP = 2 * GIB;
export const CPU_BUDGET_CAP = 8 * GIB;
export const ASSUMED_DEVICE_MEMORY = 4 * GIB;

/** Bytes one batch may use on `device`, before the reserve for weights. */
export function availableBatchMemory(device: ExecutionDevice, capabilities: Capabilities): number {
  switch (device) {
    case 'webgpu': {
      const gpu = capabilities.webgpu;
      return gpu ? Math.min(gpu.maxStorageBufferBindingSize, gpu.maxBufferSize) : 0;
    }
    case 'wasm':
      return Math.min((capabilities.memoryBytes ?? ASSUMED_DEVICE_MEMORY) / 4, WASM_BUDGET_CAP);
    case 'cpu':
      return Math.min((capabilities.memoryBytes ?? ASSUMED_DEVICE_MEMORY) / 2, CPU_BUDGET_CAP);
  }
}

export function reservedForWeights(available: number): number {
  return Math.min(0.3 * available, available > 3 * GIB ? 1.5 * GIB : 0.15 * available);
}

/** The batch size for items of `itemSizeMb` given `available` bytes, per the heuristic above. */
export function batchSizeFor(available: number, itemSizeMb: number): number {
  const usable = available - reservedForWeights(available);
  if (usable <= 0 || !(itemSizeMb > 0)) return 1;
  const itemBytes = itemSizeMb * 1024 * 1024;
  return Math.max(1, Math.min(MAX_BATCH_SIZE, Math.floor(usable / itemBytes)));
}
