import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../../../../src/lib/dam/media/image-codec';
import {
  averageHash,
  differenceHash,
  hammingDistance,
  perceptualHash,
  perceptualHashes,
  resizeGray,
  resizeRgba,
  toGrayscale,
} from '../../../../src/lib/dam/media/perceptual-hash';
import { NodeImageCodec } from '../../../../src/lib/platform/node-image-codec';

const TWO_64 = 1n << 64n;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A photo-like synthetic scene: a two-colour gradient background and a dozen soft-edged
 * discs and boxes, all chosen by `seed`. Drawn in resolution-independent coordinates, so
 * the same seed at two sizes is the same picture.
 */
function scene(seed: number, width: number, height: number): RgbaImage {
  const rnd = mulberry32(seed);
  const colour = () => [rnd() * 255, rnd() * 255, rnd() * 255] as const;
  const top = colour();
  const bottom = colour();
  const angle = rnd() * Math.PI * 2;
  const shapes = Array.from({ length: 12 }, () => ({
    disc: rnd() < 0.5,
    cx: rnd(),
    cy: rnd(),
    r: 0.05 + rnd() * 0.25,
    c: colour(),
  }));
  const data = new Uint8ClampedArray(width * height * 4);
  const soft = 0.01;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = (x + 0.5) / width;
      const v = (y + 0.5) / height;
      const t = Math.min(1, Math.max(0, 0.5 + (u - 0.5) * Math.cos(angle) + (v - 0.5) * Math.sin(angle)));
      let r = top[0] + (bottom[0] - top[0]) * t;
      let g = top[1] + (bottom[1] - top[1]) * t;
      let b = top[2] + (bottom[2] - top[2]) * t;
      for (const s of shapes) {
        const d = s.disc ? Math.hypot(u - s.cx, v - s.cy) - s.r : Math.max(Math.abs(u - s.cx), Math.abs(v - s.cy)) - s.r;
        const a = Math.min(1, Math.max(0, 0.5 - d / soft));
        r += (s.c[0] - r) * a;
        g += (s.c[1] - g) * a;
        b += (s.c[2] - b) * a;
      }
      const p = (y * width + x) * 4;
      data[p] = r;
      data[p + 1] = g;
      data[p + 2] = b;
      data[p + 3] = 255;
    }
  }
  return { width, height, data };
}

function solid(width: number, height: number, pixel: (x: number, y: number) => number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = pixel(x, y);
      data.set([v, v, v, 255], (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

function toJpeg(image: RgbaImage, quality: number): Blob {
  const encoded = jpeg.encode({ width: image.width, height: image.height, data: image.data }, quality);
  return new Blob([new Uint8Array(encoded.data)], { type: 'image/jpeg' });
}

function distances(a: RgbaImage, b: RgbaImage): { phash: number; ahash: number; dhash: number } {
  const ha = perceptualHashes(a);
  const hb = perceptualHashes(b);
  return {
    phash: hammingDistance(ha.phash, hb.phash),
    ahash: hammingDistance(ha.ahash, hb.ahash),
    dhash: hammingDistance(ha.dhash, hb.dhash),
  };
}

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../../fixtures/media/${name}`, import.meta.url)));

describe('hammingDistance', () => {
  it('counts differing bits of unsigned 64-bit values', () => {
    expect(hammingDistance(0n, 0n)).toBe(0);
    expect(hammingDistance(0b1011n, 0b0001n)).toBe(2);
    expect(hammingDistance(0n, TWO_64 - 1n)).toBe(64);
    expect(hammingDistance(1n << 63n, 1n)).toBe(2);
    expect(hammingDistance(0xdeadbeefcafebaben, 0xdeadbeefcafebaben)).toBe(0);
    expect(hammingDistance(0x0123456789abcdefn, 0xfedcba9876543210n)).toBe(hammingDistance(0xfedcba9876543210n, 0x0123456789abcdefn));
    // Values stored as signed 64-bit (a Postgres bigint) compare the same as their unsigned form.
    const [a, b] = [0xf123456789abcdefn, 0x8edcba9876543210n];
    expect(hammingDistance(BigInt.asIntN(64, a), BigInt.asIntN(64, b))).toBe(hammingDistance(a, b));
    expect(hammingDistance(BigInt.asIntN(64, a), b)).toBe(hammingDistance(a, b));
  });
});

describe('grayscale and area-averaging resize', () => {
  it('uses ITU-R 601-2 luma, like Pillow', () => {
    const image: RgbaImage = { width: 2, height: 1, data: new Uint8ClampedArray([255, 0, 0, 255, 0, 255, 0, 255]) };
    const gray = toGrayscale(image);
    expect(gray[0]).toBeCloseTo(76.245, 3);
    expect(gray[1]).toBeCloseTo(149.685, 3);
  });

  it('averages every covered source pixel, with fractional edges', () => {
    // 4×1 → 2×1: plain pairs; 3×1 → 2×1: cells of 1.5 pixels.
    expect(Array.from(resizeGray([0, 10, 20, 30], 4, 1, 2, 1))).toEqual([5, 25]);
    const out = resizeGray([0, 30, 60], 3, 1, 2, 1);
    expect(out[0]).toBeCloseTo((0 * 1 + 30 * 0.5) / 1.5, 5);
    expect(out[1]).toBeCloseTo((30 * 0.5 + 60 * 1) / 1.5, 5);
    // The mean is preserved by any downscale.
    const src = Array.from({ length: 37 * 23 }, (_, i) => (i * 7919) % 256);
    const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;
    expect(mean(resizeGray(src, 37, 23, 8, 8))).toBeCloseTo(mean(src), 3);
  });

  it('resizes RGBA without bleeding the colour of transparent pixels', () => {
    const image: RgbaImage = { width: 2, height: 1, data: new Uint8ClampedArray([200, 100, 50, 255, 0, 0, 0, 0]) };
    const out = resizeRgba(image, 1, 1);
    expect(Array.from(out.data)).toEqual([200, 100, 50, 128]);
  });
});

describe('hash values', () => {
  it('gives a known aHash, first pixel as the most significant bit (imagehash order)', () => {
    // Left half white, right half black: every row reads 11110000.
    const halves = solid(8, 8, (x) => (x < 4 ? 255 : 0));
    expect(averageHash(halves)).toBe(0xf0f0f0f0f0f0f0f0n);
    // The same picture at 32×32 averages down to the same cells.
    expect(averageHash(solid(32, 32, (x) => (x < 16 ? 255 : 0)))).toBe(0xf0f0f0f0f0f0f0f0n);
    // Only the top-left pixel bright: only the most significant bit.
    expect(averageHash(solid(8, 8, (x, y) => (x === 0 && y === 0 ? 255 : 0)))).toBe(1n << 63n);
  });

  it('gives a known dHash (a cell brighter than its left neighbour is 1)', () => {
    expect(differenceHash(solid(9, 8, (x) => x * 20))).toBe(TWO_64 - 1n);
    expect(differenceHash(solid(9, 8, (x) => 255 - x * 20))).toBe(0n);
  });

  it('keeps every hash within 0 ≤ h < 2^64', () => {
    const images = [scene(1, 120, 90), scene(2, 64, 64), solid(8, 8, () => 255), solid(5, 3, (x, y) => x * 40 + y * 10)];
    for (const image of images) {
      const h = perceptualHashes(image);
      for (const value of [h.phash, h.ahash, h.dhash, perceptualHash(image), averageHash(image), differenceHash(image)]) {
        expect(value).toBeGreaterThanOrEqual(0n);
        expect(value).toBeLessThan(TWO_64);
      }
      expect(perceptualHash(image)).toBe(h.phash);
      expect(averageHash(image)).toBe(h.ahash);
      expect(differenceHash(image)).toBe(h.dhash);
    }
    // A picture that is bright at the bottom right sets low bits (the top bit is not a sign).
    expect(averageHash(solid(8, 8, (x, y) => (x === 7 && y === 7 ? 255 : 0)))).toBe(1n);
  });
});

describe('perceptual similarity', () => {
  const codec = new NodeImageCodec();
  const original = scene(7, 800, 600);

  it('barely moves under resizing', async () => {
    const smaller = resizeRgba(original, 401, 301);
    const rendered = scene(7, 256, 192);
    const decoded = (await codec.decode(toJpeg(original, 95), 333)).image;
    expect(decoded.width).toBe(333);
    for (const copy of [smaller, rendered, decoded]) {
      const d = distances(original, copy);
      expect(d.phash).toBeLessThanOrEqual(4);
      expect(d.ahash).toBeLessThanOrEqual(4);
      expect(d.dhash).toBeLessThanOrEqual(6);
    }
  });

  it('barely moves under JPEG re-encoding at another quality', async () => {
    const q90 = (await codec.decode(toJpeg(original, 90), 10_000)).image;
    const q40 = (await codec.decode(toJpeg(original, 40), 10_000)).image;
    const q40small = (await codec.decode(toJpeg(resizeRgba(original, 500, 375), 40), 10_000)).image;
    for (const copy of [q40, q40small]) {
      const d = distances(q90, copy);
      expect(d.phash).toBeLessThanOrEqual(4);
      expect(d.ahash).toBeLessThanOrEqual(4);
      expect(d.dhash).toBeLessThanOrEqual(6);
    }
  });

  it('tells unrelated pictures apart', () => {
    const hashes = [1, 2, 3, 4, 5, 6].map((seed) => perceptualHashes(scene(seed * 101, 320, 240)));
    for (let i = 0; i < hashes.length; i++) {
      for (let j = i + 1; j < hashes.length; j++) {
        expect(hammingDistance(hashes[i]!.phash, hashes[j]!.phash)).toBeGreaterThanOrEqual(16);
        expect(hammingDistance(hashes[i]!.ahash, hashes[j]!.ahash)).toBeGreaterThanOrEqual(10);
        expect(hammingDistance(hashes[i]!.dhash, hashes[j]!.dhash)).toBeGreaterThanOrEqual(10);
      }
    }
  });

  it('matches the fixture photo with its resized copy, not with the other picture', async () => {
    const photo = (await codec.decode(new Blob([fixture('photo.jpg')]), 4096)).image;
    const resized = (await codec.decode(new Blob([fixture('photo-resized.jpg')]), 4096)).image;
    const other = (await codec.decode(new Blob([fixture('other.png')]), 4096)).image;
    expect([photo.width, resized.width, other.width]).toEqual([640, 320, 300]);
    const same = distances(photo, resized);
    expect(same.phash).toBeLessThanOrEqual(4);
    expect(same.ahash).toBeLessThanOrEqual(4);
    expect(same.dhash).toBeLessThanOrEqual(6);
    for (const d of [distances(photo, other), distances(resized, other)]) {
      expect(d.phash).toBeGreaterThanOrEqual(16);
      expect(d.ahash).toBeGreaterThanOrEqual(16);
      expect(d.dhash).toBeGreaterThanOrEqual(16);
    }
  });
});
