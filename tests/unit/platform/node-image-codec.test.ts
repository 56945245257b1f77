import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { ImageDecodeError, type RgbaImage } from '../../../src/lib/dam/media/image-codec';
import { NodeImageCodec, exifOrientation, fitWithin } from '../../../src/lib/platform/node-image-codec';

const codec = new NodeImageCodec();

function gradient(width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data.set([(x * 255) / width, (y * 255) / height, ((x + y) * 3) % 256, 255], (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

/** Left half pure red, right half pure blue. */
function redBlue(width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(x < width / 2 ? [255, 0, 0, 255] : [0, 0, 255, 255], (y * width + x) * 4);
  }
  return { width, height, data };
}

function jpegBytes(image: RgbaImage, quality = 90): Uint8Array {
  return new Uint8Array(jpeg.encode({ width: image.width, height: image.height, data: image.data }, quality).data);
}

function pngBytes(image: RgbaImage): Uint8Array {
  const png = new pngjs.PNG({ width: image.width, height: image.height });
  png.data.set(image.data);
  return new Uint8Array(pngjs.PNG.sync.write(png));
}

/** A JPEG with an EXIF APP1 segment carrying `orientation`, inserted right after SOI. */
function withOrientation(jpegData: Uint8Array, orientation: number): Uint8Array {
  const tiff = [
    ...[0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08], // big-endian TIFF header, IFD0 at 8
    ...[0x00, 0x01], // one entry
    ...[0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, orientation, 0x00, 0x00], // Orientation, SHORT, 1
    ...[0x00, 0x00, 0x00, 0x00], // no next IFD
  ];
  const payload = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00, ...tiff]; // "Exif\0\0"
  const length = payload.length + 2;
  const app1 = [0xff, 0xe1, length >> 8, length & 0xff, ...payload];
  return new Uint8Array([...jpegData.subarray(0, 2), ...app1, ...jpegData.subarray(2)]);
}

const blob = (bytes: Uint8Array) => new Blob([new Uint8Array(bytes)]);
const fixture = (name: string) => new Blob([readFileSync(fileURLToPath(new URL(`../../fixtures/media/${name}`, import.meta.url)))]);

function pixel(image: RgbaImage, x: number, y: number): number[] {
  const p = (y * image.width + x) * 4;
  return Array.from(image.data.subarray(p, p + 4));
}

describe('NodeImageCodec.decode', () => {
  it('decodes JPEG and PNG and scales them down to fit maxSide', async () => {
    const image = gradient(800, 600);
    for (const bytes of [jpegBytes(image), pngBytes(image)]) {
      const small = await codec.decode(blob(bytes), 200);
      expect([small.originalWidth, small.originalHeight]).toEqual([800, 600]);
      expect([small.image.width, small.image.height]).toEqual([200, 150]);
      expect(small.image.data.length).toBe(200 * 150 * 4);

      const tall = await codec.decode(blob(bytes), 333);
      expect(Math.max(tall.image.width, tall.image.height)).toBeLessThanOrEqual(333);
      expect([tall.image.width, tall.image.height]).toEqual([333, 250]);

      // Never scaled up.
      const full = await codec.decode(blob(bytes), 4000);
      expect([full.image.width, full.image.height]).toEqual([800, 600]);
    }
  });

  it('keeps PNG pixels exact and averages when shrinking', async () => {
    const image = redBlue(64, 32);
    const full = await codec.decode(blob(pngBytes(image)), 64);
    expect(Array.from(full.image.data)).toEqual(Array.from(image.data));
    const half = await codec.decode(blob(pngBytes(image)), 32);
    expect(pixel(half.image, 0, 0)).toEqual([255, 0, 0, 255]);
    expect(pixel(half.image, 31, 15)).toEqual([0, 0, 255, 255]);
  });

  it('applies the EXIF orientation and reports the shown size', async () => {
    const stored = jpegBytes(redBlue(80, 40), 95);
    expect(exifOrientation(undefined)).toBe(1);

    const plain = await codec.decode(blob(withOrientation(stored, 1)), 1000);
    expect([plain.image.width, plain.image.height]).toEqual([80, 40]);

    // 6: turn 90° clockwise, so the left (red) half becomes the top half.
    const turned = await codec.decode(blob(withOrientation(stored, 6)), 1000);
    expect([turned.originalWidth, turned.originalHeight]).toEqual([40, 80]);
    expect([turned.image.width, turned.image.height]).toEqual([40, 80]);
    const [r1, , b1] = pixel(turned.image, 20, 10);
    const [r2, , b2] = pixel(turned.image, 20, 70);
    expect(r1).toBeGreaterThan(200);
    expect(b1).toBeLessThan(60);
    expect(b2).toBeGreaterThan(200);
    expect(r2).toBeLessThan(60);

    // 3: upside down, so red moves to the right.
    const flipped = await codec.decode(blob(withOrientation(stored, 3)), 1000);
    expect([flipped.image.width, flipped.image.height]).toEqual([80, 40]);
    expect(pixel(flipped.image, 75, 20)[0]).toBeGreaterThan(200);

    // Scaled and turned: fits maxSide in the shown orientation.
    const small = await codec.decode(blob(withOrientation(stored, 8)), 20);
    expect([small.image.width, small.image.height]).toEqual([10, 20]);
  });

  it('rejects truncated JPEGs', async () => {
    const bytes = jpegBytes(gradient(320, 240));
    for (const cut of [0.2, 0.5, 0.9, 0.999]) {
      await expect(codec.decode(blob(bytes.subarray(0, Math.floor(bytes.length * cut))), 100)).rejects.toBeInstanceOf(ImageDecodeError);
    }
    // Just the EOI marker missing.
    await expect(codec.decode(blob(bytes.subarray(0, bytes.length - 2)), 100)).rejects.toBeInstanceOf(ImageDecodeError);
    await expect(codec.decode(fixture('truncated.jpg'), 100)).rejects.toThrow(/truncated or corrupt/);
  });

  it('rejects truncated PNGs, random bytes and unsupported formats', async () => {
    const png = pngBytes(gradient(64, 64));
    await expect(codec.decode(blob(png.subarray(0, png.length >> 1)), 100)).rejects.toBeInstanceOf(ImageDecodeError);

    let seed = 12345;
    const random = Uint8Array.from({ length: 4096 }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    await expect(codec.decode(blob(random), 100)).rejects.toBeInstanceOf(ImageDecodeError);
    await expect(codec.decode(blob(new Uint8Array(0)), 100)).rejects.toBeInstanceOf(ImageDecodeError);
    // A JPEG signature followed by junk.
    await expect(codec.decode(blob(new Uint8Array([0xff, 0xd8, 0xff, ...random.subarray(0, 500)])), 100)).rejects.toBeInstanceOf(
      ImageDecodeError,
    );
    const gif = new TextEncoder().encode('GIF89a\x01\x00\x01\x00\x00\x00\x00;');
    await expect(codec.decode(blob(gif), 100)).rejects.toThrow(/GIF/);
  });

  it('decodes the fixtures by their content, not their name', async () => {
    const photo = await codec.decode(fixture('photo.jpg'), 256);
    expect([photo.originalWidth, photo.originalHeight]).toEqual([640, 427]);
    expect([photo.image.width, photo.image.height]).toEqual([256, 171]);
    const disguised = await codec.decode(fixture('not-really.png'), 1000);
    expect([disguised.originalWidth, disguised.originalHeight]).toEqual([320, 213]);
    const other = await codec.decode(fixture('other.png'), 1000);
    expect([other.originalWidth, other.originalHeight]).toEqual([300, 200]);
  });
});

describe('fitWithin', () => {
  it('fits the longer side, keeps the aspect ratio, never enlarges', () => {
    expect(fitWithin(4000, 3000, 1000)).toEqual({ width: 1000, height: 750 });
    expect(fitWithin(3000, 4000, 1000)).toEqual({ width: 750, height: 1000 });
    expect(fitWithin(100, 50, 1000)).toEqual({ width: 100, height: 50 });
    expect(fitWithin(10_000, 1, 100)).toEqual({ width: 100, height: 1 });
  });
});

describe('NodeImageCodec.encodeWebp', () => {
  it('returns WebP bytes', async () => {
    const image = gradient(160, 120);
    const webp = await codec.encodeWebp(image, 0.8);
    expect(webp.type).toBe('image/webp');
    const bytes = new Uint8Array(await webp.arrayBuffer());
    const text = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
    expect(text(0, 4)).toBe('RIFF');
    expect(text(8, 12)).toBe('WEBP');
    // The RIFF size covers the rest of the file.
    expect(new DataView(bytes.buffer).getUint32(4, true)).toBe(bytes.length - 8);
    // Lower quality, smaller file.
    const rough = await codec.encodeWebp(image, 0.1);
    expect(rough.size).toBeLessThan(webp.size);
  });

  it('encodes a decoded picture (a thumbnail round trip)', async () => {
    const decoded = await codec.decode(fixture('photo.jpg'), 320);
    const webp = await codec.encodeWebp(decoded.image, 0.75);
    expect(webp.size).toBeGreaterThan(100);
    expect(String.fromCharCode(...new Uint8Array(await webp.slice(8, 12).arrayBuffer()))).toBe('WEBP');
  });
});
