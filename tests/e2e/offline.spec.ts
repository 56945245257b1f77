import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures';
import { addNamedEntity, openApp } from './app';

test.use({ serviceWorkers: 'allow' });

/** Real sentences under neutral names: only their meaning can match. Expected: the football note for "soccer game results". */
const NOTES: Record<string, string> = {
  'note-1.txt': 'Preheat the oven to 200 degrees, mix flour, butter and sugar, and bake the cookies for twelve minutes.',
  'note-2.txt': 'The striker scored twice in the second half and the home team won the league match three to one.',
  'note-3.txt': 'We walked up the mountain trail through pine forest and camped beside a cold alpine lake.',
};

test('settings report storage and isolation; after one online visit the app reloads offline and searches by meaning', async ({
  page,
  context,
}) => {
  await openApp(page, '/settings');
  const report = await page.evaluate(() => globalThis.damApi!.storageReport());
  expect(report.quotaBytes).toBeGreaterThan(0);
  expect(report.usageBytes).toBeGreaterThan(0);
  await expect(page.getByTestId('storage-quota')).not.toHaveText('unknown');
  await expect(page.getByTestId('storage-usage')).toHaveText(/\d+(\.\d)? (B|KB|MB|GB|TB)/);
  await expect(page.getByTestId('storage-persisted')).toHaveText(report.persisted ? 'yes' : /^no/);
  await expect(page.getByTestId('cross-origin-isolated')).toHaveText('yes');
  const manifest = await page.evaluate(async () => (await fetch('/manifest.webmanifest')).json());
  expect(manifest).toMatchObject({ name: expect.stringContaining('DAM'), display: 'standalone' });
  await page.getByRole('link', { name: 'Library' }).click();
  await addNamedEntity(page, 'offline-proof.jpg');
  // Text files are embedded by the bundled USE-lite model while ingest finishes.
  await page.evaluate(async (notes) => {
    const api = globalThis.damApi!;
    await api.enqueueFiles(Object.entries(notes).map(([name, text]) => ({ name, file: new Blob([text], { type: 'text/plain' }) })));
  }, NOTES);
  await expect
    .poll(
      async () => {
        const status = await page.evaluate(() => globalThis.damApi!.ingestStatus());
        return { phase: status.phase, done: status.filesDone, error: status.error, pending: status.pendingWork.length };
      },
      { timeout: 90_000 },
    )
    .toEqual({ phase: 'idle', done: 3, error: null, pending: 0 });
  // Wait until the service worker has installed (precached everything) and controls the page.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await expect(page.getByTestId('current-world')).toBeVisible({ timeout: 60_000 });
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('current-world')).toHaveText('default', { timeout: 60_000 });
  await expect(page.getByTestId('asset-cell').filter({ hasText: 'offline-proof.jpg' })).toBeVisible();

  // Offline, a new worker loads the model from the service worker's cache to embed the query.
  await page.getByRole('link', { name: 'Search' }).click();
  await page.getByRole('combobox', { name: 'Search' }).fill('soccer game results');
  await page.getByRole('combobox', { name: 'Search' }).press('Enter');
  const hits = page.getByTestId('semantic-hit');
  await expect(hits.first()).toContainText('note-2.txt', { timeout: 60_000 });
  await expect(hits.first()).toContainText(/\d+% match/);
  await expect(hits.first()).toContainText('in text content');
  // Meaning and a 30% least match are the defaults, which links leave out.
  await expect(page).toHaveURL(/\/search\?q=soccer\+game\+results$/);

  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByTestId('cross-origin-isolated')).toHaveText('yes');
  const useLite = page.getByTestId('model-list').getByRole('row', { name: /use-lite/ });
  await expect(useLite).toContainText('Bundled with the app (works offline)');
  await expect(useLite.getByTestId('model-state')).toHaveText('Loaded');

  // Importing a folder runs the real transformers.js loader in the worker on the files kept in
  // OPFS. The MiniLM fixture has MiniLM's layout but 64-d vectors, so it is refused by name.
  const minilm = page.getByTestId('model-list').getByRole('row', { name: /all-MiniLM-L6-v2/ });
  await expect(minilm).toContainText('Not on this device');
  await minilm.getByLabel(/Import folder/).setInputFiles(fileURLToPath(new URL('../fixtures/models/minilm-fixture', import.meta.url)));
  await expect(page.getByRole('alert')).toContainText('64-dimensional vectors, but all-MiniLM-L6-v2 has 384', { timeout: 60_000 });
  await expect(minilm).toContainText('Not on this device');
  await expect(minilm.getByTestId('model-state')).toHaveText('Unavailable');
});
