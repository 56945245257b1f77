import { expect, test } from '@playwright/test';
import { openApp } from './app';

test('files dropped on the drop zone and an image pasted from the clipboard are added', async ({ page }) => {
  await openApp(page);
  // Real DataTransfer and ClipboardEvent objects, dispatched at the real drop target and window.
  await page.evaluate(() => {
    const zone = document.querySelector('section.drop')!;
    const transfer = new DataTransfer();
    transfer.items.add(new File(['dropped one'], 'dropped-1.txt', { type: 'text/plain' }));
    transfer.items.add(new File(['dropped two'], 'dropped-2.txt', { type: 'text/plain' }));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
  });
  await expect(page.getByTestId('ingest-summary')).toContainText('2 added', { timeout: 60_000 });

  await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(64, 48);
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#3a7';
    ctx.fillRect(0, 0, 64, 48);
    const png = await canvas.convertToBlob({ type: 'image/png' });
    const clipboard = new DataTransfer();
    clipboard.items.add(new File([png], 'image.png', { type: 'image/png' }));
    window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: clipboard, bubbles: true, cancelable: true }));
  });
  await expect(page.getByTestId('asset-cell').filter({ hasText: 'pasted-' })).toBeVisible({ timeout: 60_000 });
  const names = await page.evaluate(async () => (await globalThis.damApi!.listAssets({ sort: 'name' })).items.map((c) => c.name));
  expect(names).toEqual(expect.arrayContaining(['dropped-1.txt', 'dropped-2.txt']));
  expect(names.some((n) => /^pasted-\d{4}-\d\d-\d\dT.*\.png$/.test(n ?? ''))).toBe(true);
});
