import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { addNamedEntity, createWorldInUi, openApp } from './app';

for (const store of ['opfs-ahp', 'idb'] as const) {
  test(`a write the API reported as done survives an immediate reload (${store})`, async ({ page }) => {
    await openApp(page);
    await createWorldInUi(page, 'durable', store);
    const ids: number[] = [];
    for (const name of ['one.jpg', 'two.jpg', 'three.jpg']) ids.push(await addNamedEntity(page, name));
    await page.reload();
    await expect(page.getByTestId('current-world')).toHaveText('durable', { timeout: 60_000 });
    await page.getByRole('link', { name: 'Library' }).click();
    await expect(page.getByTestId('entity-count')).toContainText('3 assets');
    const grid = page.getByTestId('asset-grid');
    for (const name of ['one.jpg', 'two.jpg', 'three.jpg'])
      await expect(grid.getByTestId('asset-cell').filter({ hasText: name })).toBeVisible();
    const last = await page.evaluate((id) => globalThis.damApi!.getEntity(id), ids[2]!);
    expect(last?.components.find((c) => c.name === 'FilePropertiesComponent')?.fields.originalFilename).toBe('three.jpg');

    // A deep link to the entity opens it directly.
    await page.goto(`/asset/${ids[2]}`);
    await expect(page.getByRole('heading', { name: 'three.jpg' })).toBeVisible({ timeout: 60_000 });
    await page.getByText('All components').click();
    await expect(page.getByRole('row', { name: /originalFilename/ })).toContainText('three.jpg');

    // The new OPFS store was laid out from the template directly, not through PGlite's loader.
    if (store === 'opfs-ahp') expect(await opfsAhpState(page, 'dam-durable')).toContain('"backingFilename":"template-');
  });
}

/** The `state.txt` of a PGlite `opfs-ahp` store, read from a worker of the page. */
function opfsAhpState(page: Page, storeName: string): Promise<string> {
  return page.evaluate(async (name) => {
    const root = await navigator.storage.getDirectory();
    const file = await (await (await root.getDirectoryHandle(name)).getFileHandle('state.txt')).getFile();
    return file.text();
  }, storeName);
}

test('switching worlds shows each world its own entities', async ({ page }) => {
  await openApp(page);
  await addNamedEntity(page, 'in-default.png');
  await createWorldInUi(page, 'second');
  await addNamedEntity(page, 'in-second.png');
  await page.getByRole('link', { name: 'Library' }).click();
  const cell = (name: string) => page.getByTestId('asset-cell').filter({ hasText: name });
  await expect(cell('in-second.png')).toBeVisible();
  await expect(cell('in-default.png')).toHaveCount(0);

  await page.getByRole('link', { name: 'Worlds' }).click();
  await page
    .getByRole('row', { name: /default/ })
    .getByRole('button', { name: /Open/ })
    .click();
  await expect(page.getByTestId('current-world')).toHaveText('default');
  await expect(cell('in-default.png')).toBeVisible();
  await expect(cell('in-second.png')).toHaveCount(0);

  // The choice survives a reload.
  await page.reload();
  await expect(page.getByTestId('current-world')).toHaveText('default', { timeout: 60_000 });
});

test('an invalid or duplicate world name gets a clear error and creates nothing', async ({ page }) => {
  await openApp(page, '/worlds');
  await page.getByLabel('Name', { exact: true }).fill('My Photos!');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('alert')).toContainText('not a valid world name');
  await page.getByLabel('Name', { exact: true }).fill('default');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('alert')).toContainText('already exists');
  const names = await page.evaluate(async () => (await globalThis.damApi!.listWorlds()).map((w) => w.name));
  expect(names).toEqual(['default']);
});

test('deleting a world removes it and its data', async ({ page }) => {
  await openApp(page);
  await createWorldInUi(page, 'doomed');
  await addNamedEntity(page, 'gone.txt');
  page.on('dialog', (dialog) => void dialog.accept());
  await page
    .getByRole('row', { name: /doomed/ })
    .getByRole('button', { name: /Delete/ })
    .click();
  await expect(page.getByRole('row', { name: /doomed/ })).toHaveCount(0);
  const remaining = await page.evaluate(async () => {
    const opfs: string[] = [];
    const root = (await navigator.storage.getDirectory()) as unknown as { keys(): AsyncIterable<string> };
    for await (const name of root.keys()) opfs.push(name);
    return {
      worlds: (await globalThis.damApi!.listWorlds()).map((w) => w.name),
      databases: (await indexedDB.databases()).map((d) => d.name),
      opfs,
    };
  });
  expect(remaining.worlds).toEqual(['default']);
  expect(remaining.opfs).toContain('dam-default');
  expect(remaining.opfs).not.toContain('dam-doomed');
  expect(remaining.databases).not.toContain('/pglite/dam-doomed');
});

test('a world open in one tab is refused in a second tab with a clear message, until the first lets go', async ({ page, context }) => {
  await openApp(page);
  const second = await context.newPage();
  await second.goto('/');
  const banner = second.getByRole('alert').filter({ hasText: 'could not be opened' });
  await expect(banner).toContainText('open in another tab', { timeout: 60_000 });
  await expect(banner.getByRole('button', { name: 'Delete “default”' })).toHaveCount(0);
  await page.close();
  await banner.getByRole('button', { name: 'Try again' }).click();
  await expect(second.getByTestId('current-world')).toHaveText('default', { timeout: 60_000 });
});
