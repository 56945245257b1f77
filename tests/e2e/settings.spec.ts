import { expect, test } from '@playwright/test';
import { openApp } from './app';

test('settings shows what the worker reports about storage, and the page is cross-origin isolated', async ({ page }) => {
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
});
