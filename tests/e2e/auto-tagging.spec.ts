import { expect, test } from './fixtures';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApp } from './app';

const photo = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/photos/${name}`, import.meta.url)));

test('with auto-tagging on, the bundled nsfwjs model rates dropped pictures, and a rejected tag goes', async ({ page }) => {
  await openApp(page);
  await page.getByRole('link', { name: 'Settings' }).click();
  const autoTagging = page.getByRole('region', { name: 'Auto-tagging' });
  const toggle = autoTagging.getByRole('checkbox', { name: 'Tag new images automatically' });
  await expect(toggle).not.toBeChecked();
  await toggle.check();
  await expect(autoTagging.getByTestId('auto-tagging-message')).toHaveText('Auto-tagging is on.');

  await page.getByRole('link', { name: 'Library' }).click();
  await page.getByTestId('file-input').setInputFiles([
    { name: 'chelsea-cat.jpg', mimeType: 'image/jpeg', buffer: photo('chelsea-cat.jpg') },
    { name: 'wizard-drawing.png', mimeType: 'image/png', buffer: photo('wizard-drawing.png') },
  ]);
  await expect(page.getByTestId('ingest-summary')).toContainText('2 added', { timeout: 60_000 });

  // The real MobileNetV2 weights on TF.js wasm in the worker: the same answers as in Node.
  await expect.poll(() => page.evaluate(() => globalThis.damApi!.autoTagging().then((s) => s.pending)), { timeout: 90_000 }).toBe(0);
  const grid = page.getByTestId('asset-grid');
  await grid.getByTestId('asset-cell').filter({ hasText: 'wizard-drawing.png' }).click();
  const tags = page.getByTestId('asset-tags');
  const chips = tags.getByTestId('model-tag-chip');
  await expect(chips.first()).toContainText(/rating:drawing \d+%/, { timeout: 60_000 });

  await page.goBack();
  await grid.getByTestId('asset-cell').filter({ hasText: 'chelsea-cat.jpg' }).click();
  await expect(chips.first()).toContainText(/rating:neutral 9\d%/, { timeout: 60_000 });
  await tags.getByRole('button', { name: 'Reject tag rating:neutral' }).click();
  await expect(chips.filter({ hasText: 'rating:neutral' })).toHaveCount(0);
  const id = Number(new URL(page.url()).pathname.split('/').at(-1));
  const stored = await page.evaluate((entity) => globalThis.damApi!.entityTags(entity), id);
  expect(stored.model.map((t) => t.name)).not.toContain('rating:neutral');
});
