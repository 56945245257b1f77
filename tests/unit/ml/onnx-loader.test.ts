import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnnxLoader, isOrtAllocationError, type OnnxModel } from '../../../src/lib/ml/loaders/onnx-loader';
import { ModelFileMissingError } from '../../../src/lib/ml/loaders/require-files';
import type { ModelLoadRequest } from '../../../src/lib/ml/model-types';
import { directoryModelFiles } from '../../../src/lib/platform/node-model-files';

const fixture = fileURLToPath(new URL('../../fixtures/models/raw-onnx-fixture', import.meta.url));
const loadOnnx = createOnnxLoader(ort);

function request(params: Record<string, unknown> = {}): ModelLoadRequest {
  return { name: 'raw-onnx-fixture', params, device: 'cpu', files: directoryModelFiles(fixture) };
}

/** The fixture's weights, as make-fixture-models.py writes them: W[i][j] = (i - 2j) / 4, b[j] = j / 2. */
function expectedEmbedding(input: readonly number[]): number[] {
  return [0, 1, 2, 3].map((j) => input.reduce((sum, x, i) => sum + x * ((i - 2 * j) / 4), j / 2));
}

describe('createOnnxLoader', () => {
  let model: OnnxModel;

  beforeAll(async () => {
    model = await loadOnnx(request());
  });

  afterAll(async () => {
    await model.dispose();
  });

  it('exposes the graph inputs and outputs', () => {
    expect(model.device).toBe('cpu');
    expect(model.inputNames).toEqual(['input']);
    expect(model.outputNames).toEqual(['embedding']);
  });

  it('computes what the weights say, row by row', async () => {
    const rows = [
      [1, 0, 0, 0, 0, 0, 0, 0],
      [1, 2, 3, 4, 5, 6, 7, 8],
      [-0.5, 0.25, 3, -2, 0, 1.5, -7, 0.125],
    ];
    const input = new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, 8]);
    const { embedding } = await model.run({ input });
    expect(embedding?.dims).toEqual([3, 4]);
    const data = Array.from(embedding?.data as Float32Array);
    rows.forEach((row, r) => {
      expectedEmbedding(row).forEach((value, j) => expect(data[r * 4 + j]).toBeCloseTo(value, 5));
    });
  });

  it('names missing and unknown inputs', async () => {
    const extra = new ort.Tensor('float32', new Float32Array(8), [1, 8]);
    await expect(model.run({})).rejects.toThrow('missing input');
    await expect(model.run({ input: extra, other: extra })).rejects.toThrow('unknown other');
  });

  it('names a missing model file', async () => {
    const load = loadOnnx(request({ file: 'onnx/absent.onnx' }));
    await expect(load).rejects.toBeInstanceOf(ModelFileMissingError);
    await expect(load).rejects.toThrow('onnx/absent.onnx');
  });

  it('releases the session once, and refuses to run afterwards', async () => {
    const own = await loadOnnx(request());
    await own.dispose();
    await own.dispose();
    const input = new ort.Tensor('float32', new Float32Array(8), [1, 8]);
    await expect(own.run({ input })).rejects.toThrow('disposed');
  });
});

describe('isOrtAllocationError', () => {
  it.each([
    'Failed to allocate memory for requested buffer of size 1073741824',
    "Can't create a session. failed to allocate a buffer of size 90000000.",
    'BFC Arena ran out of memory trying to allocate 123',
    'std::bad_alloc',
    'Memory allocation failed. Size=42',
    'RangeError: Array buffer allocation failed',
    'WebAssembly.Memory.grow(): Maximum memory size exceeded',
    'Aborted(OOM)',
  ])('recognises %s', (message) => {
    expect(isOrtAllocationError(new Error(message))).toBe(true);
  });

  it('looks through causes, plain strings and GPU error objects', () => {
    const wrapped = new Error('Model x could not be loaded', { cause: new Error('bad_alloc') });
    expect(isOrtAllocationError(wrapped)).toBe(true);
    expect(isOrtAllocationError('Out of memory')).toBe(true);
    class GPUOutOfMemoryError {
      readonly message = '';
    }
    expect(isOrtAllocationError(new GPUOutOfMemoryError())).toBe(true);
  });

  it('leaves other failures alone', () => {
    expect(isOrtAllocationError(new Error('Got invalid dimensions for input: input'))).toBe(false);
    expect(isOrtAllocationError(new Error('Load model from x failed: Protobuf parsing failed.'))).toBe(false);
    expect(isOrtAllocationError(undefined)).toBe(false);
    expect(isOrtAllocationError(null)).toBe(false);
  });
});
