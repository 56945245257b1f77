import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GIB, type Capabilities } from '../../../src/lib/ml/capabilities';
import { createOnnxLoader, type OnnxModel } from '../../../src/lib/ml/loaders/onnx-loader';
import { ModelExecutionManager, modelCacheKey, UnknownModelLoaderError } from '../../../src/lib/ml/model-execution-manager';
import type { ModelLoader } from '../../../src/lib/ml/model-types';
import { nodeCapabilities } from '../../../src/lib/platform/node-capabilities';
import { directoryModelFiles } from '../../../src/lib/platform/node-model-files';

const fixture = fileURLToPath(new URL('../../fixtures/models/raw-onnx-fixture', import.meta.url));
const loadOnnx = createOnnxLoader(ort);

/** The real ONNX loader on the fixture, counting loads and disposals. */
function countingLoader() {
  const counts = { loads: 0, disposals: 0 };
  const loader: ModelLoader<OnnxModel> = async (request) => {
    counts.loads += 1;
    const model = await loadOnnx(request);
    return {
      ...model,
      run: model.run.bind(model),
      dispose: async () => {
        counts.disposals += 1;
        await model.dispose();
      },
    };
  };
  return { loader, counts };
}

function manager(capabilities?: Partial<Capabilities>) {
  const m = new ModelExecutionManager({
    probe: async () => ({ ...(await nodeCapabilities()), ...capabilities }),
    resolveFiles: () => Promise.resolve(directoryModelFiles(fixture)),
  });
  return m;
}

describe('ModelExecutionManager', () => {
  it('keys the cache by identifier, name and params, whatever the key order', () => {
    expect(modelCacheKey('onnx', 'm', { a: 1, b: { c: 2, d: 3 } })).toBe(modelCacheKey('onnx', 'm', { b: { d: 3, c: 2 }, a: 1 }));
    expect(modelCacheKey('onnx', 'm', { a: 1 })).not.toBe(modelCacheKey('onnx', 'm', { a: 2 }));
    expect(modelCacheKey('onnx', 'm')).not.toBe(modelCacheKey('onnx', 'n'));
    expect(modelCacheKey('onnx', 'm')).not.toBe(modelCacheKey('other', 'm'));
  });

  it('shares one load between concurrent calls for one key and loads other params separately', async () => {
    const m = manager();
    const { loader, counts } = countingLoader();
    m.registerModelLoader('onnx', loader);
    const [a, b, c] = await Promise.all([
      m.getModel<OnnxModel>('onnx', 'fixture', { file: 'model.onnx' }),
      m.getModel<OnnxModel>('onnx', 'fixture', { file: 'model.onnx' }),
      m.getModel<OnnxModel>('onnx', 'fixture', { file: 'model.onnx', variant: 2 }),
    ]);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(counts.loads).toBe(2);
    expect(m.loadedModels().map((x) => [x.name, x.device, x.state])).toEqual([
      ['fixture', 'cpu', 'ready'],
      ['fixture', 'cpu', 'ready'],
    ]);
    const out = await a.run({ input: new ort.Tensor('float32', new Float32Array(8).fill(1), [1, 8]) });
    expect(out.embedding?.dims).toEqual([1, 4]);
    await m.unloadAll();
  });

  it('unloads: disposes the session, forgets the model, and loads afresh next time', async () => {
    const m = manager();
    const { loader, counts } = countingLoader();
    m.registerModelLoader('onnx', loader);
    const first = await m.getModel<OnnxModel>('onnx', 'fixture');
    expect(await m.unloadModel('onnx', 'fixture')).toBe(true);
    expect(counts.disposals).toBe(1);
    expect(m.loadedModels()).toEqual([]);
    expect(await m.unloadModel('onnx', 'fixture')).toBe(false);
    await expect(first.run({ input: new ort.Tensor('float32', new Float32Array(8), [1, 8]) })).rejects.toThrow();
    const second = await m.getModel<OnnxModel>('onnx', 'fixture');
    expect(second).not.toBe(first);
    expect(counts.loads).toBe(2);
    await m.getModel('onnx', 'fixture', {}, { forceReload: true });
    expect(counts.loads).toBe(3);
    expect(counts.disposals).toBe(2);
    await m.unloadAll();
  });

  it('forgets a failed load so the next call tries again, and names an unknown loader', async () => {
    const m = manager();
    let failNext = true;
    m.registerModelLoader('onnx', (request) => {
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('disk went away'));
      }
      return loadOnnx(request);
    });
    await expect(m.getModel('onnx', 'fixture')).rejects.toThrow('disk went away');
    expect(m.loadedModels()).toEqual([]);
    await expect(m.getModel('onnx', 'fixture')).resolves.toBeDefined();
    await expect(m.getModel('nope', 'fixture')).rejects.toBeInstanceOf(UnknownModelLoaderError);
    await m.unloadAll();
  });

  it('prefers WASM over a CPU-emulated WebGPU adapter, honours the user, and keeps the faster device by timing', async () => {
    const swiftshader = {
      vendor: 'google',
      architecture: 'swiftshader',
      description: '',
      maxBufferSize: GIB,
      maxStorageBufferBindingSize: GIB,
      features: [],
      isFallbackAdapter: true,
    };
    const m = manager({ runtime: 'browser', devices: ['webgpu', 'wasm'], webgpu: swiftshader });
    expect(await m.getModelDevicePreference('onnx', 'fixture')).toBe('wasm');
    await m.setDevicePreference('onnx', 'fixture', 'webgpu');
    expect(await m.getModelDevicePreference('onnx', 'fixture')).toBe('webgpu');
    await m.setDevicePreference('onnx', 'fixture', null);

    // Timing runs the trial on each device; the loader here runs the same ORT CPU session for
    // both, and the injected clock makes WASM the faster one.
    m.registerModelLoader('onnx', (request) =>
      loadOnnx({ ...request, device: 'cpu' }).then((model) => ({ ...model, device: request.device })),
    );
    const clock = { t: 0 };
    const choice = await m.chooseDeviceByTiming(
      'onnx',
      'fixture',
      {},
      (model) => {
        clock.t += model.device === 'webgpu' ? 50 : 5;
        return Promise.resolve();
      },
      () => clock.t,
    );
    expect(choice).toEqual({ device: 'wasm', chosenBy: 'timed', timings: { webgpu: 50, wasm: 5 } });
    expect(await m.getModelDevicePreference('onnx', 'fixture')).toBe('wasm');
    expect(m.loadedModels().map((x) => x.device)).toEqual(['wasm']);
    await m.unloadAll();
  });

  it('sizes batches with a registered sizer first, falling back to the heuristic when it throws', async () => {
    const m = manager({ memoryBytes: 16 * GIB });
    // cpu: available = min(16 GiB / 2, 8 GiB) = 8 GiB; reserved 1.5 GiB; usable 6.5 GiB → capped at 128.
    expect(await m.getOptimalBatchSize('onnx', 'fixture', 10, 8)).toBe(128);
    // 6.5 GiB / 100 MB = 66.56 → 66.
    expect(await m.getOptimalBatchSize('onnx', 'fixture', 100, 8)).toBe(66);
    m.registerBatchSizer('onnx', ({ itemSizeEstimateMb }) => (itemSizeEstimateMb > 50 ? 3 : Number.NaN));
    expect(await m.getOptimalBatchSize('onnx', 'fixture', 100, 8)).toBe(3);
    // NaN is not a batch size: the heuristic answers.
    expect(await m.getOptimalBatchSize('onnx', 'fixture', 10, 8)).toBe(128);
    m.registerBatchSizer('onnx', () => {
      throw new Error('sizer broke');
    });
    expect(await m.getOptimalBatchSize('onnx', 'fixture', 100, 8)).toBe(66);
  });

  it('uses the fallback when the host cannot be probed', async () => {
    const m = new ModelExecutionManager({
      probe: () => Promise.reject(new Error('no probe')),
      resolveFiles: () => Promise.resolve(directoryModelFiles(fixture)),
    });
    expect(await m.getOptimalBatchSize('onnx', 'fixture', 10, 8)).toBe(8);
  });
});
