import * as ort from 'onnxruntime-web/webgpu';
import { browserCapabilities } from '../../../src/lib/ml/browser-capabilities';
import { createOnnxLoader, type OnnxModel } from '../../../src/lib/ml/loaders/onnx-loader';
import { ModelExecutionManager } from '../../../src/lib/ml/model-execution-manager';
import type { ModelFiles } from '../../../src/lib/ml/model-types';
import { inputRow } from './gpu-retry-inputs';

/**
 * Runs in a dedicated worker with WebGPU on SwiftShader. A batched job over the raw ONNX fixture
 * (embedding = input·W + b, 8 → 4) goes through `ModelExecutionManager.runBatched` on WebGPU,
 * with a real GPU fault on the way:
 * - `oom`: before each WebGPU batch the job asks ORT's GPU device for a working buffer that
 *   grows with the batch (256 MiB per item, as activations grow), inside an out-of-memory
 *   error scope. SwiftShader's 1 GiB cannot be had, so a batch of 4 or more gets a real
 *   `GPUOutOfMemoryError`, and only a smaller batch goes through.
 * - `lost`: the second batch destroys ORT's GPU device first (a real `device.lost`).
 */
export interface GpuRetryRequest {
  readonly origin: string;
  readonly model: Uint8Array;
  readonly scenario: 'oom' | 'lost';
  readonly items: number;
  readonly batchSize: number;
}

export interface GpuRetryProbe {
  readonly adapter: { fallback: boolean; maxBufferSize: number } | null;
  /** Every batch attempted: its size, device, and how it ended. */
  readonly attempts: { size: number; device: string; outcome: string }[];
  /** Item index → how many batches computed it to the end (once each, or it was done twice). */
  readonly keptPerItem: number[];
  readonly outputs: number[][];
  readonly finalDevice: string | null;
}

const MIB = 1024 * 1024;

function memoryFiles(bytes: Uint8Array): ModelFiles {
  return {
    kind: 'imported',
    base: 'memory:',
    read: async (path) => {
      if (path !== 'model.onnx') throw new Error(`no ${path}`);
      return bytes;
    },
    has: async (path) => path === 'model.onnx',
  };
}

async function probe(request: GpuRetryRequest): Promise<GpuRetryProbe> {
  ort.env.wasm.wasmPaths = `${request.origin}/ort/`;
  ort.env.wasm.numThreads = 1;
  const manager = new ModelExecutionManager({ probe: browserCapabilities, resolveFiles: async () => memoryFiles(request.model) });
  manager.registerModelLoader('onnx', createOnnxLoader(ort));
  const capabilities = await manager.capabilities();
  // SwiftShader is never chosen by default; the user's override puts the model on it.
  await manager.setDevicePreference('onnx', 'fixture', 'webgpu');

  const attempts: GpuRetryProbe['attempts'] = [];
  const kept = new Array<number>(request.items).fill(0);
  const items = Array.from({ length: request.items }, (_, i) => i);
  let webgpuBatches = 0;
  const outputs = await manager.runBatched<number, number[], OnnxModel>(
    'onnx',
    'fixture',
    {},
    items,
    async (model, batch) => {
      const attempt = { size: batch.length, device: model.device, outcome: 'ok' };
      attempts.push(attempt);
      try {
        if (model.device === 'webgpu') {
          webgpuBatches += 1;
          const device = await ort.env.webgpu.device;
          if (request.scenario === 'oom') {
            device.pushErrorScope('out-of-memory');
            const buffer = device.createBuffer({ size: Math.min(batch.length * 256 * MIB, 1024 * MIB), usage: GPUBufferUsage.STORAGE });
            const error = await device.popErrorScope();
            buffer.destroy();
            if (error) throw error;
          }
          if (request.scenario === 'lost' && webgpuBatches === 2) device.destroy();
        }
        const input = new ort.Tensor('float32', Float32Array.from(batch.flatMap(inputRow)), [batch.length, 8]);
        const { embedding } = await model.run({ input });
        const data = Array.from(embedding!.data as Float32Array);
        for (const item of batch) kept[item]! += 1;
        return batch.map((_, r) => data.slice(r * 4, r * 4 + 4));
      } catch (error) {
        attempt.outcome = `${(error as { constructor?: { name?: string } }).constructor?.name ?? 'Error'}: ${(error as { message?: string }).message ?? String(error)}`;
        throw error;
      }
    },
    { batchSize: request.batchSize, maxRetries: 4 },
  );
  const loaded = manager.loadedModels().find((m) => m.name === 'fixture');
  await manager.unloadAll();
  return {
    adapter: capabilities.webgpu
      ? { fallback: capabilities.webgpu.isFallbackAdapter, maxBufferSize: capabilities.webgpu.maxBufferSize }
      : null,
    attempts,
    keptPerItem: kept,
    outputs,
    finalDevice: loaded?.device ?? null,
  };
}

self.onmessage = (event: MessageEvent<GpuRetryRequest>) => {
  probe(event.data).then(
    (result) => self.postMessage({ result }),
    (error: unknown) => self.postMessage({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
  );
};
