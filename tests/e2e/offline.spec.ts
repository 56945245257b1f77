import { expect, test } from '@playwright/test';
import { addNamedEntity, openApp } from './app';

test.use({ serviceWorkers: 'allow' });

test('settings report storage and isolation; after one online visit the app reloads offline', async ({ page, context }) => {
  await openApp(page, '/settings');
  const report = await page.evaluate(() => globalThis.damApi!.storageReport());
  expect(report.quotaBytes).toBeGreaterThan(0);
  expect(report.usageBytes).toBeGreaterThan(0);
  await expect(page.getByTestId('storage-quota')).not.toHaveText('unknown');
  await expect(page.getByTestId('storage-usage')).toHaveText(/\d+(\.\d)? (B|KB|MB|GB|TB)/);
  await expect(page.getByTestId('storage-persisted')).toHaveText(report.persisted ? 'yes' : /^no/);
  await expect(page.getByTestId('cross-origin-isolated')).toHaveText('yes');
  const manifest = await page.evaluate(async () => (await fetch('/manifest.webmanifest')).json());
  expect(manifest).toMatchObject({ name: expect.stringContaining('DAM'), display: 'standalone' });
  await page.getByRole('link', { name: 'Library' }).click();
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
