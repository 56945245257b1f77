/**
 * Runs async jobs one at a time, in call order. PGlite has a single connection, so a world's
 * writes and the durability flush that follows them must not interleave with other work.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
