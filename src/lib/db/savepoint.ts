import type { SqlExecutor } from './database';

/**
 * Runs `fn` inside a savepoint of the caller's transaction: when it throws, its statements are
 * undone and the transaction stays usable (a failed statement otherwise aborts the whole
 * transaction), so one bad item of a batch does not cost the rest.
 */
export async function withSavepoint<T>(tx: SqlExecutor, fn: () => Promise<T>): Promise<T> {
  await tx.query('SAVEPOINT dam_item');
  try {
    const result = await fn();
    await tx.query('RELEASE SAVEPOINT dam_item');
    return result;
  } catch (error) {
    await tx.query('ROLLBACK TO SAVEPOINT dam_item');
    await tx.query('RELEASE SAVEPOINT dam_item');
    throw error;
  }
}
