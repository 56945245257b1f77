import { chromium, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readTarIndex } from '../../src/lib/dam/worlds/tar';
import { openApp } from './app';
import { expect, test } from './fixtures';

const photo = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/photos/${name}`, import.meta.url)));

/** Every asset of the open world by name: its SHA-256 and manual tags. */
function contents(page: Page) {
  return page.evaluate(async () => {
    const api = globalThis.damApi!;
    const { items } = await api.listAssets({ sort: 'name', limit: 100 });
    return Promise.all(
      items.map(async (card) => ({
        name: card.name,
        sha256: (await api.getAsset(card.id))!.sha256,
        tags: (await api.entityTags(card.id)).manual.map((t) => t.name),
      })),
    );
  });
}

async function importArchive(page: Page, path: string, name?: string) {
  await page.getByRole('link', { name: 'Worlds' }).click();
  // Until the Worlds page is in, the library's type filter (which has an "archive" option) answers too.
  await expect(page.getByRole('heading', { name: 'Worlds', level: 1 })).toBeVisible();
  await page.getByLabel('Archive', { exact: true }).setInputFiles(path);
  if (name) await page.getByLabel('Name (optional)').fill(name);
  await page.getByRole('button', { name: 'Import' }).click();
}

/** The `dam` command, as a user runs it, on a data directory of the test's own. */
function dam(dataDir: string, args: readonly string[]): Record<string, unknown> {
  const bin = fileURLToPath(new URL('../../bin/dam.mjs', import.meta.url));
  const env: Record<string, string | undefined> = { ...process.env, DAM_DATA_DIR: dataDir };
  for (const key of ['DAM_CONFIG', 'DAM_WORLDS_CONFIG', 'DAM_POSTGRES_SERVER']) delete env[key];
  mkdirSync(dataDir, { recursive: true });
  return JSON.parse(execFileSync(process.execPath, [bin, ...args, '--json'], { env, cwd: dataDir, encoding: 'utf8' })) as Record<
    string,
    unknown
  >;
}

const resultNames = async (page: Page) =>
  (await page.getByTestId('search-assets').getByRole('link').allTextContents()).map((t) => t.trim());

test('a world exported, deleted and imported is whole again; the dam command imports it, changes it and exports it back; its search link gives the same results in a fresh profile; a damaged archive is refused', async ({
  page,
  context,
  launchOptions,
  baseURL,
}) => {
  test.setTimeout(240_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page);
  await page.getByTestId('file-input').setInputFiles([
    { name: 'chelsea-cat.jpg', mimeType: 'image/jpeg', buffer: photo('chelsea-cat.jpg') },
    { name: 'coffee-cup.jpg', mimeType: 'image/jpeg', buffer: photo('coffee-cup.jpg') },
    { name: 'rocket.jpg', mimeType: 'image/jpeg', buffer: photo('rocket.jpg') },
  ]);
  await expect(page.getByTestId('ingest-summary')).toContainText('3 added', { timeout: 60_000 });
  await page.evaluate(async () => {
    const api = globalThis.damApi!;
    const { items } = await api.listAssets({ sort: 'name' });
    await api.applyTag(
      items.filter((c) => c.name !== 'coffee-cup.jpg').map((c) => c.id),
      'trip',
    );
  });

  // A query built by typing, sorted by name; the copied link is the page's address.
  await page.getByRole('link', { name: 'Search', exact: true }).click();
  await page.getByRole('combobox', { name: 'Search' }).fill('tag:trip');
  await page.getByLabel('Sort by').selectOption('name');
  await page.getByLabel('Order').selectOption('desc');
  await page.getByRole('combobox', { name: 'Search' }).press('Enter');
  await expect(page.getByText('2 matches for “tag:trip”')).toBeVisible({ timeout: 60_000 });
  const expectedOrder = ['rocket.jpg', 'chelsea-cat.jpg'];
  expect(await resultNames(page)).toEqual(expectedOrder);
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByText('Link copied.')).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toBe(page.url());
  expect(new URL(link).searchParams.get('q')).toBe('tag:trip');

  // Export from Settings: the reminder says it was never done, then gives the date.
  const before = await contents(page);
  await page.getByRole('link', { name: 'Settings' }).click();
  const backup = page.getByRole('region', { name: 'Backup' });
  await expect(backup.getByTestId('backup-status')).toContainText('never been exported');
  const download = page.waitForEvent('download');
  await backup.getByRole('button', { name: 'Export this world' }).click();
  // In the test's output folder, which Playwright clears before each run.
  const archivePath = test.info().outputPath('default.damworld.tar');
  await (await download).saveAs(archivePath);
  expect((await download).suggestedFilename()).toMatch(/^dam-default-\d{4}-\d{2}-\d{2}\.damworld\.tar$/);
  await expect(backup.getByTestId('backup-status')).toContainText('Last exported');
  await expect(backup.getByTestId('backup-status')).toContainText('today');

  // Delete the world, import the archive: the same files, tags and bytes.
  await page.getByRole('link', { name: 'Worlds' }).click();
  page.once('dialog', (dialog) => void dialog.accept());
  await page.locator('tr[data-world="default"]').getByRole('button', { name: 'Delete' }).click();
  await expect(page.locator('tr[data-world="default"]')).toHaveCount(0);
  await importArchive(page, archivePath);
  await expect(page.getByTestId('current-world')).toHaveText('default', { timeout: 60_000 });
  expect(await contents(page)).toEqual(before);
  const verified = await page.evaluate(() => globalThis.damApi!.verifyBlobs());
  expect(verified).toMatchObject({ checked: 3, problems: [] });

  // A damaged copy is refused with the reason, and no world appears.
  const bytes = readFileSync(archivePath);
  const last = (await readTarIndex(new Blob([bytes]))).at(-1)!;
  bytes[last.offset + Math.floor(last.size / 2)]! ^= 0xff;
  const damagedPath = test.info().outputPath('damaged.damworld.tar');
  writeFileSync(damagedPath, bytes);
  await importArchive(page, damagedPath, 'broken');
  await expect(page.getByTestId('import-error')).toContainText('does not match its checksum. Nothing was changed.', { timeout: 60_000 });
  await expect(page.locator('tr[data-world="broken"]')).toHaveCount(0);
  expect((await page.evaluate(() => globalThis.damApi!.listWorlds())).map((w) => w.name)).toEqual(['default']);

  // The browser's archive imports into the command line, which adds a tag and exports it back.
  const cliData = test.info().outputPath('cli-data');
  expect(dam(cliData, ['import-world', archivePath, '--name', 'from-browser'])).toMatchObject({ assetCount: 3 });
  const trip = dam(cliData, ['search', 'query', 'tag:trip', '--world', 'from-browser']) as { items: { id: number; name: string }[] };
  expect(trip.items.map((i) => i.name).sort()).toEqual(['chelsea-cat.jpg', 'rocket.jpg']);
  const cup = dam(cliData, ['search', 'query', 'coffee', '--world', 'from-browser']) as { items: { id: number }[] };
  dam(cliData, ['tag', 'apply', 'kitchen', String(cup.items[0]!.id), '--world', 'from-browser']);
  const cliArchive = test.info().outputPath('from-cli.damworld.tar');
  dam(cliData, ['export-world', '--world', 'from-browser', '--output', cliArchive]);
  await importArchive(page, cliArchive, 'from-cli');
  await expect(page.getByTestId('current-world')).toHaveText('from-cli', { timeout: 60_000 });
  expect(await contents(page)).toEqual(before.map((a) => (a.name === 'coffee-cup.jpg' ? { ...a, tags: ['kitchen'] } : a)));

  // Someone else with the same library (imported into their own, fresh profile) opens the link.
  const other = await chromium.launchPersistentContext('', { ...launchOptions, baseURL });
  try {
    const theirs = await other.newPage();
    await openApp(theirs);
    await importArchive(theirs, archivePath, 'shared');
    await expect(theirs.getByTestId('current-world')).toHaveText('shared', { timeout: 60_000 });
    await theirs.goto(link);
    await expect(theirs.getByText('2 matches for “tag:trip”')).toBeVisible({ timeout: 60_000 });
    expect(await resultNames(theirs)).toEqual(expectedOrder);
  } finally {
    await other.close();
  }
});
