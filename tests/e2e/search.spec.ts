import { expect, test } from './fixtures';
import { addNamedEntity, openApp } from './app';

test('a file-name search link reproduces the search, and searching updates the link', async ({ page }) => {
  await openApp(page);
  await addNamedEntity(page, 'beach-2024.jpg');
  await addNamedEntity(page, 'mountain.jpg');
  await page.goto('/search?q=BEACH&mode=name');
  await expect(page.getByText('1 match for “BEACH”')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('link', { name: 'beach-2024.jpg' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'mountain.jpg' })).toHaveCount(0);

  await expect(page.getByRole('radio', { name: 'File name' })).toBeChecked();
  const box = page.getByRole('searchbox', { name: 'Search' });
  await box.fill('.jpg');
  await box.press('Enter');
  await expect(page).toHaveURL(/\/search\?q=\.jpg&mode=name$/);
  await expect(page.getByText('2 matches for “.jpg”')).toBeVisible();
});
