import { expect, test } from '@playwright/test';
import { addNamedEntity, openApp } from './app';

test('after one online visit the app reloads offline and opens the world', async ({ page, context }) => {
  await openApp(page);
  await addNamedEntity(page, 'offline-proof.jpg');
  // Wait until the service worker has installed (precached everything) and controls the page.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await expect(page.getByTestId('current-world')).toBeVisible({ timeout: 60_000 });
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('current-world')).toHaveText('default', { timeout: 60_000 });
  await expect(page.getByTestId('asset-cell').filter({ hasText: 'offline-proof.jpg' })).toBeVisible();
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByTestId('cross-origin-isolated')).toHaveText('yes');
});
