import { expect, test } from './fixtures';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApp } from './app';

/*
 * No npm package ships CLIP, so the image model is the CLIP-shaped fixture (the hub is never
 * reached): a plain red picture is the "red" concept, and so on (tests/fixtures/models/README.md).
 * It goes through the real import, transformers.js on wasm in the worker, the tables and the
 * page. OCR is the real bundled PP-OCRv4 on onnxruntime-web.
 */
const clipFolder = fileURLToPath(new URL('../fixtures/models/clip-fixture', import.meta.url));
const receipt = readFileSync(fileURLToPath(new URL('../fixtures/ocr/receipt.png', import.meta.url)));
/** 3 s at 64×48 with a keyframe every 0.5 s and colours that turn (tests/fixtures/media/expected.json). */
const clip = readFileSync(fileURLToPath(new URL('../fixtures/media/clip-keyframes.mp4', import.meta.url)));

function folderBytes(dir: string): { path: string; bytes: number[] }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => ({
      path: relative(dir, join(entry.parentPath, entry.name)),
      bytes: [...readFileSync(join(entry.parentPath, entry.name))],
    }));
}

/** Plain-colour PNGs made in the page and dropped, as real DragEvents with a real DataTransfer, on `selector`. */
async function dropPictures(
  page: import('@playwright/test').Page,
  selector: string,
  pictures: Record<string, string>,
  extra: { name: string; type: string; bytes: number[] }[] = [],
) {
  await page.evaluate(
    async ({ selector, pictures, extra }) => {
      const transfer = new DataTransfer();
      for (const [name, colour] of Object.entries(pictures)) {
        const canvas = new OffscreenCanvas(64, 64);
        const ctx = canvas.getContext('2d')!;
        ctx.fillStyle = colour;
        ctx.fillRect(0, 0, 64, 64);
        transfer.items.add(new File([await canvas.convertToBlob({ type: 'image/png' })], name, { type: 'image/png' }));
      }
      for (const file of extra) transfer.items.add(new File([new Uint8Array(file.bytes)], file.name, { type: file.type }));
      const target = document.querySelector(selector)!;
      for (const type of ['dragenter', 'dragover', 'drop'])
        target.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    },
    { selector, pictures, extra },
  );
}

test('pictures are found by words and by a dropped picture, a slider sets how alike, and text in a picture is read and shown', async ({
  page,
}) => {
  await openApp(page);
  const status = await page.evaluate(async (files) => {
    const folder = files.map((f) => ({ path: f.path, file: new Blob([new Uint8Array(f.bytes)]) }));
    return globalThis.damApi!.importModel('clip-vit-base-patch32', folder);
  }, folderBytes(clipFolder));
  expect(status).toMatchObject({ task: 'image-embedding', source: 'imported', state: 'ready' });

  await dropPictures(
    page,
    'section.drop',
    { 'red.png': '#e61414', 'reddish.png': '#c83c3c', 'green.png': '#14c81e', 'blue.png': '#191ede' },
    [
      { name: 'receipt.png', type: 'image/png', bytes: [...receipt] },
      { name: 'clip.mp4', type: 'video/mp4', bytes: [...clip] },
    ],
  );
  await expect(page.getByTestId('ingest-summary')).toContainText('6 added', { timeout: 60_000 });
  await expect
    .poll(() => page.evaluate(() => globalThis.damApi!.imageUnderstanding().then((s) => s.pendingEmbeddings + s.pendingOcr)), {
      timeout: 120_000,
    })
    .toBe(0);
  // One vector a picture, and four keyframes of the video (WebCodecs in the worker).
  const stats = await page.evaluate(() => globalThis.damApi!.worldStats());
  expect(stats.componentCounts.ImageEmbeddingClipVitB32Dim512Component).toBe(5 + 4);

  // Words: the pictures that look like them, above the slider's floor.
  await page.goto('/search?q=a+red+photo&pmin=0');
  const pictures = page.getByRole('region', { name: 'Pictures that look like it' });
  const hits = pictures.getByTestId('picture-hit');
  await expect(hits.first()).toBeVisible({ timeout: 60_000 });
  const names = await hits.locator('.name').allTextContents();
  expect(new Set(names.slice(0, 2))).toEqual(new Set(['red.png', 'reddish.png']));
  const loose = names.length;
  expect(loose).toBeGreaterThan(2);
  const slider = pictures.getByLabel('Picture match at least');
  await slider.evaluate((input: HTMLInputElement) => {
    input.value = '85';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await expect(page).toHaveURL(/pmin=85/);
  await expect(pictures.getByTestId('picture-count')).toHaveText('2 pictures at least 85% alike');
  await expect(hits).toHaveCount(2);
  // The keyboard moves it too: End is 100%, where nothing is that alike.
  await slider.focus();
  await page.keyboard.press('End');
  await expect(page).toHaveURL(/pmin=100/);
  await expect(hits).toHaveCount(0);

  // A picture dropped on the search box: searched by likeness, not added to the library.
  await dropPictures(page, 'form[role="search"]', { 'query.png': '#28be28' });
  const byPicture = page.getByRole('region', { name: 'Pictures like query.png' });
  await expect(byPicture.getByTestId('by-picture-hit').first()).toContainText('green.png', { timeout: 60_000 });
  expect(await page.evaluate(() => globalThis.damApi!.listAssets({}).then((p) => p.total))).toBe(6);

  // Text read in a picture: found by its words, listed on its page, with boxes over the picture.
  await page.goto('/search?q=invoice&mode=name');
  const found = page.getByTestId('search-assets');
  await expect(found.getByRole('link')).toHaveCount(1, { timeout: 60_000 });
  await found.getByRole('link').click();
  const ocr = page.getByRole('region', { name: 'Text in this picture' });
  await expect(ocr.getByTestId('ocr-lines')).toContainText('INVOICE 2024');
  await expect(ocr.getByTestId('ocr-lines')).toContainText('Total 42.50');
  await expect(page.getByTestId('ocr-boxes')).toHaveCount(0);
  await ocr.getByRole('button', { name: 'Show where the text is' }).click();
  const boxes = page.getByTestId('ocr-boxes');
  await expect(boxes).toBeVisible();
  expect(await boxes.locator('polygon').count()).toBeGreaterThanOrEqual(4);
  // The overlay covers the shown picture exactly, so the boxes sit on the text.
  const [picture, overlay] = await Promise.all([page.locator('figure img').boundingBox(), boxes.boundingBox()]);
  expect(overlay).toEqual(picture);

  // Settings → Pictures: the model in use, the OCR switch and the vocabulary, which re-tags.
  await page.getByRole('link', { name: 'Settings' }).click();
  const settings = page.getByRole('region', { name: 'Pictures' });
  await expect(settings.getByTestId('image-model-status')).toContainText('clip-vit-base-patch32');
  await expect(settings.getByRole('checkbox', { name: /Read text in pictures/ })).toBeChecked();
  await settings.getByLabel('Vocabulary (one label a line)').fill('red\ngreen\nblue');
  await settings.getByRole('button', { name: 'Save vocabulary' }).click();
  await expect(settings.getByRole('status')).toContainText('Vocabulary saved');
  const red = await page.evaluate(async () => {
    const api = globalThis.damApi!;
    const [asset] = (await api.listAssets({ search: 'red', sort: 'name' })).items;
    return (await api.entityTags(asset!.id)).model.map((t) => t.name);
  });
  expect(red[0]).toBe('red');
});
