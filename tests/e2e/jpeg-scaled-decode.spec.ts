import { expect, test } from './fixtures';
import { bundleProbe } from './probes/bundle-probe';
import type { JpegDecodeProbe } from './probes/jpeg-decode-probe';

const probeScript = (): Promise<string> => bundleProbe('jpeg-decode-probe.ts', ['pdfjs-dist', 'pdfjs-dist/*']);

function close(actual: number[], expected: number[]): boolean {
  return actual.every((v, i) => Math.abs(v - expected[i]!) <= 24);
}

test('a large JPEG is decoded at a reduced scale, turned as its EXIF says, with its full size reported', async ({ page }) => {
  // Any page of the app's origin: WebCodecs needs a secure context (localhost is one).
  await page.goto('/manifest.webmanifest');
  await page.addScriptTag({ content: await probeScript() });
  const run = (orientation: number) =>
    page.evaluate(
      (o) => (globalThis as unknown as { jpegDecodeProbe: (o: number) => Promise<JpegDecodeProbe> }).jpegDecodeProbe(o),
      orientation,
    );

  const upright = await run(1);
  // libjpeg-turbo scaled by 2/8: 400×267 decoded instead of 1600×1067.
  expect(upright.scaledFrame).toEqual({ width: 400, height: 267 });
  expect(upright.decoded).toEqual({ width: 256, height: 171, originalWidth: 1600, originalHeight: 1067 });
  upright.shownQuadrants.forEach((colour, i) => expect(close(colour, upright.storedQuadrants[i]!), `quadrant ${i}: ${colour}`).toBe(true));

  // Orientation 6: the stored picture turned a quarter clockwise to be shown.
  const turned = await run(6);
  expect(turned.scaledFrame).toEqual({ width: 267, height: 400 });
  expect(turned.decoded).toEqual({ width: 171, height: 256, originalWidth: 1067, originalHeight: 1600 });
  // Shown top-left is stored bottom-left, shown top-right is stored top-left, and so on.
  const [tl, tr, br, bl] = turned.storedQuadrants;
  const expected = [bl!, tl!, tr!, br!];
  turned.shownQuadrants.forEach((colour, i) => expect(close(colour, expected[i]!), `quadrant ${i}: ${colour}`).toBe(true));
});
