import { BrowserImageCodec } from '../../../src/lib/platform/browser-image-codec';
import { decodeJpegScaled } from '../../../src/lib/platform/jpeg-scaled-decode';
import type { RgbaImage } from '../../../src/lib/dam/media/image-codec';

/** The colours of the four quadrants of the stored (unturned) picture, top-left clockwise. */
const QUADRANTS: readonly (readonly [number, number, number])[] = [
  [220, 40, 40],
  [40, 200, 60],
  [40, 70, 220],
  [230, 210, 40],
];

/** A minimal EXIF APP1 segment that holds only Orientation (big-endian TIFF, one IFD0 entry). */
function orientationApp1(orientation: number): Uint8Array {
  const tiff = [0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0];
  const payload = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
  const length = payload.length + 2;
  return Uint8Array.from([0xff, 0xe1, length >> 8, length & 0xff, ...payload]);
}

/** A 1600×1067 JPEG of four coloured quadrants, with EXIF `orientation`, in place of its JFIF segment. */
async function quadrantJpeg(orientation: number): Promise<Uint8Array<ArrayBuffer>> {
  const canvas = new OffscreenCanvas(1600, 1067);
  const ctx = canvas.getContext('2d')!;
  QUADRANTS.forEach(([r, g, b], i) => {
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    const [x, y] = [
      [0, 0],
      [800, 0],
      [800, 533],
      [0, 533],
    ][i]!;
    ctx.fillRect(x!, y!, 800, 534);
  });
  const jpeg = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 })).arrayBuffer());
  // Chromium writes SOI then a JFIF APP0: keep SOI, put the EXIF segment where APP0 was.
  const app0Length = jpeg[2] === 0xff && jpeg[3] === 0xe0 ? ((jpeg[4]! << 8) | jpeg[5]!) + 2 : 0;
  const exif = orientationApp1(orientation);
  const out = new Uint8Array(jpeg.length - app0Length + exif.length);
  out.set(jpeg.subarray(0, 2));
  out.set(exif, 2);
  out.set(jpeg.subarray(2 + app0Length), 2 + exif.length);
  return out;
}

/** The mean colour of a small square around (fx, fy), given as fractions of the picture. */
function sample(image: RgbaImage, fx: number, fy: number): number[] {
  const cx = Math.floor(image.width * fx);
  const cy = Math.floor(image.height * fy);
  const sum = [0, 0, 0];
  let n = 0;
  for (let y = cy - 4; y <= cy + 4; y++)
    for (let x = cx - 4; x <= cx + 4; x++) {
      const at = (y * image.width + x) * 4;
      for (let c = 0; c < 3; c++) sum[c]! += image.data[at + c]!;
      n++;
    }
  return sum.map((s) => Math.round(s / n));
}

export interface JpegDecodeProbe {
  readonly orientation: number;
  readonly scaledFrame: { width: number; height: number } | null;
  readonly decoded: { width: number; height: number; originalWidth: number; originalHeight: number };
  /** Colours at the centres of the shown picture's quadrants, top-left clockwise. */
  readonly shownQuadrants: number[][];
  readonly storedQuadrants: number[][];
}

async function probe(orientation: number): Promise<JpegDecodeProbe> {
  const bytes = await quadrantJpeg(orientation);
  const scaled = await decodeJpegScaled(bytes, 256);
  const scaledFrame = scaled ? { width: scaled.frame.displayWidth, height: scaled.frame.displayHeight } : null;
  scaled?.frame.close();
  const { image, originalWidth, originalHeight } = await new BrowserImageCodec().decode(new Blob([bytes], { type: 'image/jpeg' }), 256);
  const centres = [
    [0.25, 0.25],
    [0.75, 0.25],
    [0.75, 0.75],
    [0.25, 0.75],
  ] as const;
  return {
    orientation,
    scaledFrame,
    decoded: { width: image.width, height: image.height, originalWidth, originalHeight },
    shownQuadrants: centres.map(([x, y]) => sample(image, x, y)),
    storedQuadrants: QUADRANTS.map((q) => [...q]),
  };
}

(globalThis as { jpegDecodeProbe?: (orientation: number) => Promise<JpegDecodeProbe> }).jpegDecodeProbe = probe;
