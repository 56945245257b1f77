import { expect, test } from './fixtures';
import { addNamedEntity, openApp } from './app';

test('tag an asset by keyboard, with autocomplete, then remove it', async ({ page }) => {
  await openApp(page);
  const id = await addNamedEntity(page, 'alice-at-the-party.jpg');
  await page.evaluate(() => globalThis.damApi!.createTag('character:alice liddell'));
  await page.goto(`/asset/${id}`);
  const tags = page.getByTestId('asset-tags');
  await expect(tags.getByText('No tags yet.')).toBeVisible({ timeout: 60_000 });

  const input = tags.getByRole('combobox', { name: 'Add a tag to this asset' });
  await input.focus();
  await page.keyboard.type('alice');
  const option = tags.getByRole('option', { name: /character:alice liddell/ });
  await expect(option).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await expect(option).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(tags.getByTestId('tag-chip')).toHaveText([/character:alice liddell/]);

  // A new tag straight from the keyboard, normalised; then a value on a tag that takes none is refused.
  await page.keyboard.type('  Party ');
  await page.keyboard.press('Enter');
  await expect(tags.getByTestId('tag-chip')).toHaveText([/character:alice liddell/, /party/]);
  await page.keyboard.type('party=big');
  await page.keyboard.press('Enter');
  await expect(tags.getByRole('alert')).toContainText('takes no value');

  await tags.getByRole('button', { name: 'Remove tag party' }).click();
  await expect(tags.getByTestId('tag-chip')).toHaveText([/character:alice liddell/]);
  const stored = await page.evaluate((entity) => globalThis.damApi!.entityTags(entity), id);
  expect(stored.manual.map((t) => t.name)).toEqual(['character:alice liddell']);
});

test('bulk-tag three assets, make an alias, and a tag link shows the same assets in a new page', async ({ page, context }) => {
  await openApp(page, '/?sort=name');
  const ids = [await addNamedEntity(page, 'cat-1.jpg'), await addNamedEntity(page, 'cat-2.jpg'), await addNamedEntity(page, 'cat-3.jpg')];
  await addNamedEntity(page, 'dog.jpg');
  // Client-side navigations from here on: the world stays open in the worker.
  await page.getByRole('link', { name: 'Tags' }).click();
  await page.getByRole('link', { name: 'Library' }).click();
  await page.getByRole('button', { name: 'Select…' }).click();
  for (const name of ['cat-1.jpg', 'cat-2.jpg', 'cat-3.jpg']) {
    await page.getByRole('checkbox', { name }).click();
    await expect(page.getByRole('checkbox', { name })).toHaveAttribute('aria-checked', 'true');
  }
  await expect(page.getByRole('checkbox', { name: 'dog.jpg' })).toHaveAttribute('aria-checked', 'false');
  const bar = page.getByTestId('selection-bar');
  await expect(bar).toContainText('3 assets selected');
  const add = bar.getByRole('combobox', { name: 'Add a tag to the selected assets' });
  await add.fill('feline');
  await add.press('Enter');
  await expect(bar.getByRole('status')).toHaveText('Tagged 3 assets with feline');
  for (const id of ids) {
    expect((await page.evaluate((entity) => globalThis.damApi!.entityTags(entity), id)).manual.map((t) => t.name)).toEqual(['feline']);
  }

  // "feline" becomes another name for "cat": cat's page lists feline's assets.
  await page.getByRole('link', { name: 'Tags' }).click();
  await expect(page.getByTestId('tag-list').getByRole('listitem').filter({ hasText: 'feline' })).toContainText('3');
  await page.getByRole('link', { name: 'feline' }).click();
  const sibling = page.getByRole('combobox', { name: 'Make this another name for' });
  await sibling.fill('cat');
  await sibling.press('Enter');
  await expect(page.getByText(/^Another name for/)).toContainText('Another name for cat');
  await page.getByRole('link', { name: 'cat', exact: true }).click();
  await expect(page).toHaveURL(/\/tags\/cat$/);
  await expect(page.getByTestId('tagged-assets').getByRole('link')).toHaveText(['cat-1.jpg', 'cat-2.jpg', 'cat-3.jpg']);

  // One tab holds a world at a time: the link opens in a new page once the first lets go.
  const link = page.url();
  await page.close();
  const other = await context.newPage();
  await openApp(other, new URL(link).pathname);
  await expect(other.getByTestId('tagged-assets').getByRole('link')).toHaveText(['cat-1.jpg', 'cat-2.jpg', 'cat-3.jpg']);
  await expect(other.getByText('Other names (shown as this one)')).toBeVisible();
  await expect(other.getByRole('link', { name: 'feline' })).toBeVisible();

  // The search box takes tag terms: the alias finds the preferred tag's assets, and the link
  // holds the query and the order.
  await other.getByRole('link', { name: 'Search' }).click();
  const box = other.getByRole('combobox', { name: 'Search' });
  await box.fill('tag:feline');
  await other.getByLabel('Sort by').selectOption('name');
  await box.press('Enter');
  await expect(other).toHaveURL(/\/search\?q=tag%3Afeline&sort=name$/);
  await expect(other.getByText('3 matches for “tag:feline”')).toBeVisible();
  await expect(other.getByTestId('search-assets').getByRole('link')).toHaveText(['cat-1.jpg', 'cat-2.jpg', 'cat-3.jpg']);
  await box.fill('-tag:cat');
  await box.press('Enter');
  await expect(other.getByTestId('search-assets').getByRole('link')).toHaveText(['dog.jpg']);
  await box.fill('tag:cat (');
  await box.press('Enter');
  await expect(other.getByRole('alert')).toHaveText('This parenthesis is never closed (at character 9)');
});
