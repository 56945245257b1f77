import { expect, type Page } from '@playwright/test';

/** Opens the app and waits until the worker has opened a world. */
export async function openApp(page: Page, path = '/'): Promise<void> {
  await page.goto(path);
  await expect(page.getByTestId('current-world')).toBeVisible({ timeout: 60_000 });
}

/** Creates a world through the Worlds page, which also opens it. */
export async function createWorldInUi(page: Page, name: string, store?: 'idb' | 'opfs-ahp'): Promise<void> {
  await page.getByRole('link', { name: 'Worlds' }).click();
  // Until the Worlds page is in, "Name" also matches the library's "Sort by" select.
  await expect(page.getByRole('heading', { name: 'Worlds', level: 1 })).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill(name);
  if (store) await page.getByLabel('Storage').selectOption(store);
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('current-world')).toHaveText(name, { timeout: 60_000 });
}

/** Adds an entity with a file-properties component through the page's comlink API. */
export async function addNamedEntity(page: Page, filename: string): Promise<number> {
  return page.evaluate(async (name) => {
    const api = globalThis.damApi!;
    const entity = await api.createEntity([
      { component: 'FilePropertiesComponent', fields: { originalFilename: name, fileSizeBytes: 1234 } },
    ]);
    return entity.id;
  }, filename);
}
