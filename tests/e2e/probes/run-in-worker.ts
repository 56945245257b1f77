import type { Page } from '@playwright/test';

/**
 * Runs a bundled probe script in a dedicated worker of the page and returns what it posts back
 * (`{ result }` or `{ error }`). The page must be on the app's origin, for its isolation headers.
 */
export function runInWorker<Request, Result>(page: Page, script: string, message: Request): Promise<{ result?: Result; error?: string }> {
  return page.evaluate(
    ([source, request]) =>
      new Promise<{ result?: Result; error?: string }>((resolve) => {
        const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
        worker.onmessage = (event: MessageEvent<{ result?: Result; error?: string }>) => {
          worker.terminate();
          resolve(event.data);
        };
        worker.onerror = (event) => resolve({ error: event.message });
        worker.postMessage(request);
      }),
    [script, message] as const,
  );
}
