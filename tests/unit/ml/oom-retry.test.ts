import { describe, expect, it } from 'vitest';
import { DeviceLostError, isDeviceLostError, isOutOfMemoryError } from '../../../src/lib/ml/model-errors';
import { withOomRetry } from '../../../src/lib/ml/oom-retry';

/** What WebGPU's error scope gives (a GPUError, not an Error), as a plain object of that shape. */
class GPUOutOfMemoryError {
  readonly message = 'Out of memory';
}

const items = Array.from({ length: 20 }, (_, i) => i);

describe('withOomRetry', () => {
  it('halves the batch on out-of-memory, keeps every item once and in order', async () => {
    const seen: number[][] = [];
    const done: number[] = [];
    const out = await withOomRetry(
      items,
      (batch) => {
        if (batch.length > 5) return Promise.reject(new GPUOutOfMemoryError());
        seen.push([...batch]);
        return Promise.resolve(batch.map((x) => x * 10));
      },
      { batchSize: 16, onProgress: (n) => done.push(n) },
    );
    expect(out).toEqual(items.map((x) => x * 10));
    expect(seen.map((b) => b.length)).toEqual([4, 4, 4, 4, 4]); // 16 → 8 → 4, then stays
    expect(seen.flat()).toEqual(items);
    expect(done).toEqual([4, 8, 12, 16, 20]);
  });

  it('raises the memory error at the minimum batch size and after max retries', async () => {
    const oom = () => Promise.reject(new Error('Failed to allocate memory for requested buffer of size 123'));
    await expect(withOomRetry(items, oom, { batchSize: 1 })).rejects.toThrow('Failed to allocate');
    let calls = 0;
    await expect(
      withOomRetry(
        items,
        () => {
          calls += 1;
          return oom();
        },
        { batchSize: 128, maxRetries: 3 },
      ),
    ).rejects.toThrow('Failed to allocate');
    expect(calls).toBe(4); // 1 + maxRetries attempts
  });

  it('re-raises other errors at once', async () => {
    let calls = 0;
    const failure = new TypeError('input_ids has the wrong shape');
    await expect(
      withOomRetry(
        items,
        () => {
          calls += 1;
          return Promise.reject(failure);
        },
        { batchSize: 8 },
      ),
    ).rejects.toBe(failure);
    expect(calls).toBe(1);
  });

  it('recovers from a lost device before retrying, without repeating finished batches', async () => {
    const processed: number[] = [];
    let lost = true;
    let recoveries = 0;
    const out = await withOomRetry(
      items,
      (batch) => {
        if (batch[0] === 8 && lost) return Promise.reject(new DeviceLostError('GPU device was lost', 'destroyed'));
        processed.push(...batch);
        return Promise.resolve(batch.map(String));
      },
      {
        batchSize: 8,
        recover: () => {
          recoveries += 1;
          lost = false;
          return Promise.resolve();
        },
      },
    );
    expect(recoveries).toBe(1);
    expect(processed).toEqual(items);
    expect(out).toEqual(items.map(String));
    await expect(withOomRetry(items, () => Promise.reject(new DeviceLostError('lost')), { batchSize: 4 })).rejects.toThrow('lost');
  });

  it('refuses a batch that returns the wrong number of results', async () => {
    await expect(withOomRetry(items, (batch) => Promise.resolve(batch.slice(1)), { batchSize: 4 })).rejects.toThrow(
      '3 results for 4 items',
    );
  });
});

describe('error classification', () => {
  it('tells memory and lost-device errors from others', () => {
    expect(isOutOfMemoryError(new GPUOutOfMemoryError())).toBe(true);
    expect(isOutOfMemoryError(new RangeError('Array buffer allocation failed'))).toBe(true);
    expect(isOutOfMemoryError(new Error('wrapped', { cause: new Error('std::bad_alloc') }))).toBe(true);
    expect(isOutOfMemoryError(new Error('Input "input_ids" is missing'))).toBe(false);
    expect(isDeviceLostError(new DeviceLostError('x'))).toBe(true);
    expect(isDeviceLostError(new Error('GPUDevice was lost: device was destroyed'))).toBe(true);
    expect(isDeviceLostError(new Error('Out of memory'))).toBe(false);
  });
});
