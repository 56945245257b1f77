import { readFile } from 'node:fs/promises';
import { unzipSync } from 'fflate';
import { expect, test } from '@playwright/test';
import { addNamedEntity, createWorldInUi, openApp } from './app';

test('a world whose database is corrupt is reported, can be exported and deleted, and others keep working', async ({ page }) => {
  await openApp(page);
  await createWorldInUi(page, 'broken');
  await addNamedEntity(page, 'precious.raw');
  await page
    .getByRole('row', { name: /default/ })
    .getByRole('button', { name: /Open/ })
    .click();
  await expect(page.getByTestId('current-world')).toHaveText('default');

  // Damage the control file of the world's database, straight in IndexedDB.
  const damaged = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('/pglite/dam-broken');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const store = db.objectStoreNames[0]!;
    const tx = db.transaction(store, 'readwrite');
    const objects = tx.objectStore(store);
    const keys = await new Promise<IDBValidKey[]>((resolve) => {
      const request = objects.getAllKeys();
      request.onsuccess = () => resolve(request.result);
    });
    const key = keys.find((k) => String(k).endsWith('/global/pg_control'))!;
    const value = await new Promise<{ contents: Uint8Array }>((resolve) => {
      const request = objects.get(key);
      request.onsuccess = () => resolve(request.result as { contents: Uint8Array });
    });
    value.contents = new Uint8Array(value.contents.length).fill(0x5a);
    objects.put(value, key);
    await new Promise((resolve) => (tx.oncomplete = resolve));
    db.close();
    return String(key);
  });
  expect(damaged).toContain('pg_control');

  await page.getByRole('link', { name: 'Worlds' }).click();
  await page
    .getByRole('row', { name: /broken/ })
    .getByRole('button', { name: /Open/ })
    .click();
  const banner = page.getByRole('alert').filter({ hasText: 'could not be opened' });
  await expect(banner).toContainText('“broken” could not be opened', { timeout: 60_000 });

  const downloadPromise = page.waitForEvent('download');
  await banner.getByRole('button', { name: 'Export raw data' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/^dam-broken-raw-.*\.zip$/);
  const files = unzipSync(new Uint8Array(await readFile((await download.path())!)));
  const names = Object.keys(files);
  expect(names.some((n) => n.endsWith('PG_VERSION'))).toBe(true);

  page.on('dialog', (dialog) => void dialog.accept());
  await banner.getByRole('button', { name: 'Delete “broken”' }).click();
  await expect(banner).toHaveCount(0);
  await expect(page.getByRole('row', { name: /broken/ })).toHaveCount(0);

  await page
    .getByRole('row', { name: /default/ })
    .getByRole('button', { name: /Open/ })
    .click();
  await expect(page.getByTestId('current-world')).toHaveText('default');
});
