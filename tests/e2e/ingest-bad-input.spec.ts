import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { openApp } from './app';

const MEDIA = join(import.meta.dirname, '../fixtures/media');
const XSS_NAME = '<img src=x onerror=alert(1)>.png';

test('bad files each get a clear error and the others go in; drop and paste add files too', async ({ page }) => {
  let dialogs = 0;
  page.on('dialog', (dialog) => {
    dialogs++;
    void dialog.dismiss();
  });
  await openApp(page);
  await page.getByTestId('file-input').setInputFiles([
    { name: 'empty.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(0) },
    { name: 'truncated.jpg', mimeType: 'image/jpeg', buffer: readFileSync(join(MEDIA, 'truncated.jpg')) },
    { name: 'not-really.png', mimeType: 'image/png', buffer: readFileSync(join(MEDIA, 'not-really.png')) },
    { name: XSS_NAME, mimeType: 'image/png', buffer: readFileSync(join(MEDIA, 'other.png')) },
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') },
  ]);
  await expect(page.getByTestId('ingest-summary')).toContainText('4 added, 0 already in the library, 1 not added.', { timeout: 60_000 });
  await expect(page.getByTestId('ingest-errors')).toContainText('empty.jpg');
  await expect(page.getByTestId('ingest-errors')).toContainText('empty');

  // The wrong extension is read by its bytes; the truncated JPEG is kept, with its error shown.
  await expect
    .poll(
      async () => {
        const page1 = await page.evaluate(() => globalThis.damApi!.listAssets({ sort: 'name' }));
        return page1.items.map((c) => [c.name, c.mimeType, c.hasThumbnail, c.error !== null]);
      },
      { timeout: 60_000 },
    )
    .toEqual([
      [XSS_NAME, 'image/png', true, false],
      ['not-really.png', 'image/jpeg', true, false],
      ['notes.txt', 'text/plain', false, false],
      // Its EXIF preview survived the cut, so it has a thumbnail; the full decode failed.
      ['truncated.jpg', 'image/jpeg', true, true],
    ]);
  const grid = page.getByTestId('asset-grid');
  await expect(grid.getByTestId('asset-cell').filter({ hasText: XSS_NAME })).toBeVisible();
  await grid.getByTestId('asset-cell').filter({ hasText: 'truncated.jpg' }).click();
  await expect(page.getByRole('alert').filter({ hasText: /truncated or corrupt/ })).toBeVisible({ timeout: 60_000 });
  expect(dialogs).toBe(0);
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  await page.getByText('All components').click();
  await expect(page.getByRole('heading', { name: 'ContentHashSHA256Component' })).toBeVisible();

  // Adding the same files again adds nothing; the bytes live in the world's blob store.
  await page.goBack();
  await page.getByTestId('file-input').setInputFiles([
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') },
    { name: 'empty.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(0) },
  ]);
  await expect(page.getByTestId('ingest-summary')).toContainText('0 added, 1 already in the library, 1 not added.', { timeout: 60_000 });
  await expect(page.getByTestId('entity-count')).toContainText('4 assets');
  expect(await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))).toContain('dam-blobs-default');

  // Files dropped on the real drop target, then an image pasted from the clipboard.
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

test('running out of quota leaves each file either added or rolled back with a clear error', async ({ page }) => {
  await openApp(page);
  const origin = new URL(page.url()).origin;
  const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  const cdp = await page.context().newCDPSession(page);
  // A real quota, set small. Chromium enforces it where its usage accounting catches up, which
  // is not every time (seen: one run refused every write, the next accepted all): so the test
  // asserts what must hold either way, not which files fit.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 6 * 1024 * 1024 });
  const names = ['small-1.txt', 'too-big.bin', 'small-2.txt'];
  try {
    const big = Buffer.alloc(16 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 512) big[i] = (i / 512) & 0xff;
    await page.getByTestId('file-input').setInputFiles([
      { name: names[0]!, mimeType: 'text/plain', buffer: Buffer.from('one') },
      { name: names[1]!, mimeType: 'application/octet-stream', buffer: big },
      { name: names[2]!, mimeType: 'text/plain', buffer: Buffer.from('two') },
    ]);
    await expect
      .poll(() => page.evaluate(async () => (await globalThis.damApi!.ingestStatus()).recent.length), { timeout: 90_000 })
      .toBe(3);
  } finally {
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  }
  const outcome = await page.evaluate(async () => {
    const api = globalThis.damApi!;
    const status = await api.ingestStatus();
    const assets = (await api.listAssets({ sort: 'name' })).items.map((c) => c.name);
    return { recent: status.recent, assets, report: await api.verifyBlobs() };
  });
  for (const name of names) {
    const result = outcome.recent.find((r) => r.name === name)!;
    if (result.error === null) expect(outcome.assets).toContain(name);
    else {
      expect(result.error).toMatch(/Storage is full/);
      expect(outcome.assets).not.toContain(name);
    }
  }
  // Whatever fitted is whole: every stored file's bytes are there and match their hash.
  expect(outcome.report.problems).toEqual([]);
  expect(outcome.report.checked).toBe(outcome.assets.length);
});
