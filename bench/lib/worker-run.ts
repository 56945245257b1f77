import type { Page } from '@playwright/test';

/**
 * Runs a bundled probe script in a fresh dedicated worker of the page, posts it `request`, and
 * returns what it posts back. A worker that has not answered by `timeoutMs` is terminated.
 * No named functions inside the evaluated code: tsx would wrap them in a helper the page lacks.
 */
export function runProbeInWorker<Request, Result>(
  page: Page,
  script: string,
  request: Request,
  timeoutMs: number,
): Promise<{ result?: Result; error?: string }> {
  return page.evaluate(
    ([source, message, timeout]) =>
      new Promise<{ result?: Result; error?: string }>((done) => {
        const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
        const timer = setTimeout(() => {
          worker.terminate();
          done({ error: `no answer from the worker in ${timeout / 1000} s` });
        }, timeout);
        worker.onmessage = (event: MessageEvent<{ result?: Result; error?: string }>) => {
          clearTimeout(timer);
          worker.terminate();
          done(event.data);
        };
        worker.onerror = (event) => {
          clearTimeout(timer);
          worker.terminate();
          done({ error: event.message || 'worker error' });
        };
        worker.postMessage(message);
      }),
    [script, request, timeoutMs] as const,
  );
}
