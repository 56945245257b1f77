import { expect, test } from './fixtures';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApp } from './app';

/*
 * Real espeak-ng recordings (tests/fixtures/speech) through the bundled speech embedding on
 * onnxruntime-web in the worker. Expected before running: one sentence in two voices is each
 * other's nearest sound; the tone is not similar to speech.
 */
const speech = (name: string) => ({
  name,
  mimeType: 'audio/wav',
  buffer: readFileSync(fileURLToPath(new URL(`../fixtures/speech/${name}`, import.meta.url))),
});

test('dropped recordings get similar sounds, the same sentence in another voice first, and a waveform', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('file-input').setInputFiles(['lights-us.wav', 'lights-gb.wav', 'snow-us.wav', 'tone.wav'].map(speech));
  await expect(page.getByTestId('ingest-summary')).toContainText('4 added', { timeout: 60_000 });
  await expect
    .poll(
      () =>
        page.evaluate(() =>
          globalThis.damApi!.worldStats().then((s) => s.pendingWork.find((w) => w.marker === 'NeedsAudioProcessingMarker')?.count ?? 0),
        ),
      { timeout: 120_000 },
    )
    .toBe(0);

  await page.getByTestId('asset-grid').getByTestId('asset-cell').filter({ hasText: 'lights-us.wav' }).click();
  const similar = page.getByTestId('similar-sounds');
  await expect(similar.getByTestId('similar-sounds-item').first()).toContainText('lights-gb.wav', { timeout: 60_000 });
  await expect(similar).not.toContainText('tone.wav');
  const waveform = page.getByTestId('waveform');
  await expect(waveform).toBeVisible();
  expect(await waveform.locator('rect').count()).toBe(240);
});
