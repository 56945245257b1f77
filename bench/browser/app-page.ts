import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from '../../scripts/chromium.mjs';

/** The app is ready once the worker has opened a world (first load creates `default`: initdb, slow). */
export const APP_READY_TIMEOUT_MS = 120_000;

/** A page of the app in its own, fresh browser profile. */
export interface AppSession {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Reloads the page (a new world worker) and waits until the app has reopened a world. */
  reload(): Promise<void>;
  close(): Promise<void>;
}

export async function waitForAppReady(page: Page): Promise<void> {
  await page.getByTestId('current-world').waitFor({ state: 'visible', timeout: APP_READY_TIMEOUT_MS });
}

/** Launches Chromium with an empty profile under `workDir`, opens the app and waits until it is ready. */
export async function openFreshApp(options: { baseUrl: string; workDir: string; chromiumPath: string }): Promise<AppSession> {
  const profileDir = mkdtempSync(join(options.workDir, 'profile-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: options.chromiumPath,
    args: CHROMIUM_ARGS,
    headless: true,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(APP_READY_TIMEOUT_MS);
    await page.goto(`${options.baseUrl}/`);
    await waitForAppReady(page);
    return {
      context,
      page,
      async reload() {
        await page.reload();
        await waitForAppReady(page);
      },
      async close() {
        await context.close();
        rmSync(profileDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await context.close().catch(() => undefined);
    rmSync(profileDir, { recursive: true, force: true });
    throw error;
  }
}
