import { readFile } from 'node:fs/promises';
import { unzipSync } from 'fflate';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { addNamedEntity, createWorldInUi, openApp } from './app';

const PG_CONTROL_DAMAGE = 0x5a;

/** Overwrites the world's `global/pg_control` in IndexedDB, as a failing disk might. */
async function damageIdbWorld(page: Page, world: string): Promise<void> {
  await page.evaluate(
    async ({ world, damage }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(`/pglite/dam-${world}`);
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
      value.contents = new Uint8Array(value.contents.length).fill(damage);
      objects.put(value, key);
      await new Promise((resolve) => (tx.oncomplete = resolve));
      db.close();
    },
    { world, damage: PG_CONTROL_DAMAGE },
  );
}

/** Overwrites the pool file that backs `global/pg_control` in the world's OPFS store. */
async function damageOpfsWorld(page: Page, world: string): Promise<void> {
  await page.evaluate(
    async ({ world, damage }) => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(`dam-${world}`);
      // state.txt: a JSON snapshot of the file tree, then journal lines; the last record wins.
      const [snapshot, ...journal] = (await (await (await dir.getFileHandle('state.txt')).getFile()).text()).split('\n');
      const tree = JSON.parse(snapshot!) as {
        root: { children: Record<string, { children: Record<string, { backingFilename: string }> }> };
      };
      let backing = tree.root.children.global?.children.pg_control?.backingFilename;
      for (const line of journal.filter(Boolean)) {
        const op = JSON.parse(line) as { opp: string; args: [string, { backingFilename?: string }] };
        if (op.opp === 'createFileNode' && op.args[0].endsWith('global/pg_control')) backing = op.args[1].backingFilename;
      }
      if (!backing) throw new Error('pg_control not found in the store');
      const handle = await (await dir.getDirectoryHandle('data')).getFileHandle(backing);
      const size = (await handle.getFile()).size;
      const writable = await handle.createWritable();
      await writable.write(new Uint8Array(size).fill(damage));
      await writable.close();
    },
    { world, damage: PG_CONTROL_DAMAGE },
  );
}

for (const store of ['idb', 'opfs-ahp'] as const) {
  test(`a corrupt ${store} world is reported, exports its data directory, can be deleted, and others keep working`, async ({ page }) => {
    await openApp(page);
    await createWorldInUi(page, 'broken', store);
    await addNamedEntity(page, 'precious.raw');
    await page
      .getByRole('row', { name: /default/ })
      .getByRole('button', { name: /Open/ })
      .click();
    await expect(page.getByTestId('current-world')).toHaveText('default');

    await (store === 'idb' ? damageIdbWorld(page, 'broken') : damageOpfsWorld(page, 'broken'));

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
    expect(new TextDecoder().decode(files['PG_VERSION']).trim()).toMatch(/^\d+$/);
    expect(files['global/pg_control']?.every((byte) => byte === PG_CONTROL_DAMAGE)).toBe(true);

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
}
