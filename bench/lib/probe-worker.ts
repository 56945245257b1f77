/**
 * The worker side of a bench probe: answers each posted request with `{ result }` or
 * `{ error }` (name, message and stack), and only in a worker, since Node imports probe files for
 * their measuring functions.
 */
export function answerInWorker<Request>(probe: (request: Request) => Promise<unknown>): void {
  if ((globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === undefined) return;
  self.onmessage = (event: MessageEvent<Request>) => {
    probe(event.data).then(
      (result) => self.postMessage({ result }),
      (error: unknown) =>
        self.postMessage({ error: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error) }),
    );
  };
}

/** Which of the app's ORT runtime files this worker fetched (`/ort/…`): what a run really loaded. */
export function ortFilesFetched(): string[] {
  return performance
    .getEntriesByType('resource')
    .map((entry) => new URL(entry.name).pathname)
    .filter((path) => path.startsWith('/ort/'));
}
