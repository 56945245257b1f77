import { chromium, test as base, type BrowserContext } from '@playwright/test';

/**
 * `test` with each test's context in a fresh on-disk profile (`launchPersistentContext` on a
 * temporary directory) instead of Playwright's default off-the-record context. Off the record,
 * OPFS lives in the browser process and every access-handle call is a round trip: creating a
 * world's access-handle pool and laying its template took several times longer there
 * (AGENTS.md, Benchmarks). Users run the app in a normal profile, so this is also the realistic
 * one. Options from the config (`baseURL`, `serviceWorkers`, the launch options) still apply.
 */
export const test = base.extend<{ context: BrowserContext }>({
  context: async ({ launchOptions, baseURL, serviceWorkers, viewport }, use) => {
    const context = await chromium.launchPersistentContext('', { ...launchOptions, baseURL, serviceWorkers, viewport });
    await use(context);
    await context.close();
  },
});

export { expect } from '@playwright/test';
