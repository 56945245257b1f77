import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { join } from 'node:path';
import { openApp } from './app';

const MEDIA = join(import.meta.dirname, '../fixtures/media');

async function waitUntilIdle(page: Page): Promise<void> {
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          const status = await globalThis.damApi!.ingestStatus();
          return status.phase === 'idle' && status.pendingWork.every((w) => w.count === 0);
        }),
      { timeout: 120_000, intervals: [250] },
    )
    .toBe(true);
}

test('a dropped folder of mixed files becomes a browsable library with thumbnails and metadata', async ({ page }) => {
  await openApp(page);
  // The folder input is the fallback of "Choose folder…"; Playwright gives it the real directory.
  await page.getByTestId('folder-input').setInputFiles(MEDIA);
  await expect(page.getByTestId('ingest-summary')).toContainText('added', { timeout: 120_000 });
  await waitUntilIdle(page);

  const stats = await page.evaluate(() => globalThis.damApi!.worldStats());
  const total = stats.entityCount;
  // 16 media files (expected.json lists them), two of them the same bytes, plus three zip members (one is the loose photo).
  expect(total).toBeGreaterThanOrEqual(16);
  expect(stats.componentCounts.ThumbnailComponent).toBeGreaterThanOrEqual(5);
  expect(stats.componentCounts.ArchiveMemberComponent).toBe(3);

  // The grid shows decoded thumbnails (images, the video's poster, the PDF's first page).
  const grid = page.getByTestId('asset-grid');
  const photoCell = grid.getByTestId('asset-cell').filter({ hasText: 'photo.jpg' }).first();
  await expect(photoCell.locator('img')).toBeVisible();
  await expect.poll(() => photoCell.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(100);
  const thumbnailSources = await page.evaluate(async () => {
    const api = globalThis.damApi!;
    const page = await api.listAssets({ limit: 100 });
    const out: Record<string, string | null> = {};
    for (const card of page.items) {
      const detail = await api.getAsset(card.id);
      const thumb = detail?.entity.components.find((c) => c.name === 'ThumbnailComponent');
      out[card.name ?? String(card.id)] = (thumb?.fields.source as string | undefined) ?? null;
    }
    return out;
  });
  expect(thumbnailSources['photo.jpg']).toBe('image');
  expect(thumbnailSources['clip.mp4']).toBe('video');
  expect(thumbnailSources['doc.pdf']).toBe('pdf');

  // The asset page shows the metadata.
  await photoCell.click();
  const metadata = page.getByTestId('asset-metadata');
  await expect(metadata).toContainText('DAMCam', { timeout: 60_000 });
  await expect(metadata).toContainText('640');
  await expect(page.getByTestId('asset-locations')).toContainText('photo.jpg');
  await page.goBack();

  // Dropping the same folder again adds no entity.
  await page.getByTestId('folder-input').setInputFiles(MEDIA);
  await expect(page.getByTestId('ingest-summary')).toContainText('already in the library', { timeout: 120_000 });
  await waitUntilIdle(page);
  expect((await page.evaluate(() => globalThis.damApi!.worldStats())).entityCount).toBe(total);
});

test('reloading in the middle of an ingest loses nothing and finishes the rest', async ({ page }) => {
  await openApp(page);
  const count = 200;
  // Distinct 256 KB files, several batches of them, so the reload lands mid-way.
  await page.evaluate(async (n) => {
    const files = [];
    for (let i = 0; i < n; i++) {
      const bytes = new Uint8Array(256 * 1024);
      for (let j = 0; j < bytes.length; j += 64) bytes[j] = (i * 7 + j) & 0xff;
      bytes[0] = i;
      files.push({ name: `file-${String(i).padStart(3, '0')}.bin`, path: `many/file-${i}.bin`, file: new Blob([bytes]), lastModified: 1 });
      // Two copies under other names: their queued bytes must go, not linger beside the stored ones.
      if (i === 10 || i === 150)
        files.push({ name: `copy-${i}.bin`, path: `many/copy-${i}.bin`, file: new Blob([bytes]), lastModified: 1 });
    }
    await globalThis.damApi!.enqueueFiles(files);
  }, count);
  await expect
    .poll(() => page.evaluate(async () => (await globalThis.damApi!.ingestStatus()).filesDone), { intervals: [50] })
    .toBeGreaterThan(0);
  const doneBeforeReload = await page.evaluate(async () => (await globalThis.damApi!.ingestStatus()).filesDone);
  expect(doneBeforeReload).toBeLessThan(count);
  await page.reload();
  await expect(page.getByTestId('current-world')).toBeVisible({ timeout: 60_000 });
  await waitUntilIdle(page);
  const names = await page.evaluate(async () =>
    (await globalThis.damApi!.listAssets({ sort: 'name', limit: 500 })).items.map((c) => c.name),
  );
  expect(names.filter((n) => n?.startsWith('file-'))).toHaveLength(count);
  await expect(page.getByTestId('entity-count')).toContainText(String(count));
  // Every stored original reads back with its SHA-256, and the world's blob database holds each
  // added file's bytes once: no queued row left, no copy of a duplicate kept.
  const check = await page.evaluate(async () => {
    const api = globalThis.damApi!;
    const report = await api.verifyBlobs();
    const world = await api.currentWorld();
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open(`dam-blobs-${world}`);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const count = (store: string) =>
      new Promise<number>((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).count();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const counts = { files: await count('files'), queue: await count('queue') };
    db.close();
    return { problems: report.problems, checked: report.checked, ...counts };
  });
  expect(check).toEqual({ problems: [], checked: count, files: count, queue: 0 });
});
