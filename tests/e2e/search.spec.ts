import { expect, test } from './fixtures';
import { addNamedEntity, openApp } from './app';

test('a file-name search link reproduces the search, searching updates the link, and a saved search counts new matches', async ({
  page,
}) => {
  await openApp(page);
  await addNamedEntity(page, 'beach-2024.jpg');
  await addNamedEntity(page, 'mountain.jpg');
  await page.goto('/search?q=BEACH&mode=name');
  await expect(page.getByText('1 match for “BEACH”')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('link', { name: 'beach-2024.jpg' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'mountain.jpg' })).toHaveCount(0);

  await expect(page.getByRole('radio', { name: 'Words in names and metadata' })).toBeChecked();
  const box = page.getByRole('combobox', { name: 'Search' });
  await box.fill('.jpg');
  await box.press('Enter');
  await expect(page).toHaveURL(/\/search\?q=\.jpg&mode=name$/);
  await expect(page.getByText('2 matches for “.jpg”')).toBeVisible();

  // Saved, it is listed with no badge; a new match shows as one until the search is seen again.
  await page.getByLabel('Save this search as').fill('Pictures');
  await page.getByRole('button', { name: 'Save search' }).click();
  await expect(page.getByText('Saved as “Pictures”.')).toBeVisible();
  const saved = page.getByRole('navigation', { name: 'Saved searches' }).getByRole('link', { name: /^Pictures/ });
  await expect(saved).toBeVisible();
  await expect(saved.getByTestId('saved-search-badge')).toHaveCount(0);
  await addNamedEntity(page, 'forest.jpg');
  await addNamedEntity(page, 'notes.txt');
  await page.getByRole('link', { name: 'Library', exact: true }).click();
  await expect(saved.getByTestId('saved-search-badge')).toHaveText('1 new');
  await saved.click();
  await expect(page.getByText('3 matches for “.jpg”')).toBeVisible();
  await expect(saved.getByTestId('saved-search-badge')).toHaveCount(0);
  // The name is taken now: a clear error, and still one saved search.
  await page.getByLabel('Save this search as').fill('pictures');
  await page.getByRole('button', { name: 'Save search' }).click();
  await expect(page.getByText('There is already a saved search called "pictures"')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Saved searches' }).getByRole('link')).toHaveCount(1);

  // Hostile links: a note, a safe search, and nothing in them runs.
  await page.goto(`/search?q=${'x'.repeat(5000)}&mode=name`);
  await expect(page.getByText('5,000 characters long, more than the 1000 a search may have')).toBeVisible({ timeout: 60_000 });
  const img = '<img src=x onerror="window.pwned=1">';
  await page.goto(`/search?q=${encodeURIComponent(img)}&mode=name&evil=1&sort=1%3B%20DROP%20TABLE%20entities`);
  await expect(page.getByText(`0 matches for “${img}”`)).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText('which were ignored: evil.')).toBeVisible();
  await expect(page.getByText('unknown order; results are newest first')).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  await page.goto('/search?q=.jpg&mode=name');
  await expect(page.getByText('3 matches for “.jpg”')).toBeVisible({ timeout: 60_000 });
});

test('the search box suggests keys and tags as you type, and each term is a chip that a click removes', async ({ page }) => {
  await openApp(page);
  const beach = await addNamedEntity(page, 'beach.jpg');
  await addNamedEntity(page, 'beach.png');
  await page.evaluate((id) => globalThis.damApi!.applyTag([id], 'trip:summer'), beach);
  await page.goto('/search');
  const box = page.getByRole('combobox', { name: 'Search' });
  const suggestions = page.getByTestId('query-suggestions').locator('option');
  await box.pressSequentially('beach ty');
  await expect(suggestions).toHaveAttribute('value', 'beach type:');
  await box.pressSequentially('pe:im');
  await expect(suggestions).toHaveAttribute('value', 'beach type:image');
  await box.fill('beach tri');
  await expect(suggestions).toHaveAttribute('value', 'beach tag:trip:summer');
  await box.fill('beach tag:trip:summer ext:jpg');
  await page.getByRole('radio', { name: 'Words in names and metadata' }).check();
  await box.press('Enter');
  await expect(page.getByText('1 match for “beach tag:trip:summer ext:jpg”')).toBeVisible({ timeout: 60_000 });

  const chips = page.getByRole('list', { name: 'Search terms' }).getByRole('listitem');
  await expect(chips.locator('span')).toHaveText(['beach', 'tag:trip:summer', 'ext:jpg']);
  await page.getByRole('button', { name: 'Remove tag:trip:summer' }).click();
  await expect(page).toHaveURL(/[?&]q=beach\+ext%3Ajpg(&|$)/);
  await expect(page.getByText('1 match for “beach ext:jpg”')).toBeVisible();
  await page.getByRole('button', { name: 'Remove ext:jpg' }).click();
  await expect(page.getByText('2 matches for “beach”')).toBeVisible();
  await expect(box).toHaveValue('beach');
});
