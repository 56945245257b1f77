import { isDeviceLostError, isOutOfMemoryError } from './model-errors';

export interface OomRetryOptions {
  /** The first batch size tried. */
  readonly batchSize: number;
  /** Memory failures tolerated over the whole job; the next one is raised (seed: 3). */
  readonly maxRetries?: number;
  /** Each memory failure multiplies the batch size by this (seed: 0.5). */
  readonly factor?: number;
  readonly minBatchSize?: number;
  /**
   * Called after a lost device, before the failed batch is tried again: get a new device, or
   * move the model to WASM. Without it a lost device is raised.
   */
  readonly recover?: (error: unknown) => Promise<void>;
  /** Told after each batch that succeeded, with how many items are done. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Runs `runBatch` over `items` in consecutive batches and returns its results in item order.
 * On an out-of-memory error the batch shrinks (× factor, not below minBatchSize) and the same
 * items are tried again; on a lost device `recover` runs first. A batch's results are kept only
 * when the whole batch succeeded, so no item is dropped or done twice. A failure at the minimum
 * size, past `maxRetries`, or of any other kind, is raised at once.
 */
export async function withOomRetry<T, R>(
  items: readonly T[],
  runBatch: (batch: readonly T[], batchSize: number) => Promise<readonly R[]>,
  options: OomRetryOptions,
): Promise<R[]> {
  const { maxRetries = 3, factor = 0.5, minBatchSize = 1, recover, onProgress } = options;
  let batchSize = Math.max(minBatchSize, Math.floor(options.batchSize));
  let retriesLeft = maxRetries;
  const results: R[] = [];
  while (results.length < items.length) {
    const batch = items.slice(results.length, results.length + batchSize);
    try {
      const out = await runBatch(batch, batchSize);
      if (out.length !== batch.length) {
        throw new Error(`A model batch returned ${out.length} results for ${batch.length} items`);
      }
      results.push(...out);
      onProgress?.(results.length, items.length);
    } catch (error) {
      const lost = isDeviceLostError(error);
      if (!lost && !isOutOfMemoryError(error)) throw error;
      if (retriesLeft <= 0) throw error;
      if (lost) {
        if (!recover) throw error;
        await recover(error);
      } else if (batchSize <= minBatchSize) {
        throw error;
      }
      retriesLeft -= 1;
      batchSize = Math.max(minBatchSize, Math.floor(batchSize * factor));
    }
  }
  return results;
}
