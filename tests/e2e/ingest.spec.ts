import { expect, test } from '@playwright/test';
import { openApp } from './app';

const XSS_NAME = '<img src=x onerror=alert(1)>.png';

test('adding files: each becomes an entity, bad ones are named, and adding them again adds nothing', async ({ page }) => {
  let dialogs = 0;
  page.on('dialog', (dialog) => {
    dialogs++;
    void dialog.dismiss();
  });
  await openApp(page);
  const files = [
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello from a text file') },
    { name: 'empty.png', mimeType: 'image/png', buffer: Buffer.alloc(0) },
    { name: XSS_NAME, mimeType: 'image/png', buffer: Buffer.from('not really an image') },
  ];
  await page.getByTestId('file-input').setInputFiles(files);
  await expect(page.getByTestId('ingest-summary')).toHaveText('2 added, 0 already in the library, 1 not added.', { timeout: 60_000 });
  await expect(page.getByTestId('ingest-errors')).toContainText('empty.png: The file is empty');
  await expect(page.getByTestId('entity-count')).toContainText('2 entities');
  await expect(page.getByRole('link', { name: XSS_NAME })).toBeVisible();
  await expect(page.getByRole('link', { name: 'notes.txt' })).toBeVisible();

  await page.getByTestId('file-input').setInputFiles(files);
  await expect(page.getByTestId('ingest-summary')).toHaveText('0 added, 2 already in the library, 1 not added.', { timeout: 60_000 });
  await expect(page.getByTestId('entity-count')).toContainText('2 entities');

  // The bytes are in the world's blob store, and the hostile name never ran as markup.
  const blobDatabases = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  expect(blobDatabases).toContain('dam-blobs-default');
  expect(dialogs).toBe(0);

  await page.getByRole('link', { name: 'notes.txt' }).click();
  await expect(page.getByRole('heading', { name: 'ContentHashSHA256Component' })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('row', { name: /mimeType/ })).toContainText('text/plain');
});
