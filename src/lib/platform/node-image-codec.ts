import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { init as initWebpEncode } from '@jsquash/webp/encode';
import encodeWebpWasm from '@jsquash/webp/encode';
import { ImageCodec, ImageDecodeError, type DecodedImage, type RgbaImage } from '../dam/media/image-codec';
import { resizeRgba } from '../dam/media/perceptual-hash';

/** jpeg-js refuses pictures above this many megapixels, and above this much working memory. */
const JPEG_MAX_MEGAPIXELS = 150;
const JPEG_MAX_MEMORY_MB = 2048;

type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp' | 'tiff' | 'heif' | 'unknown';

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  return prefix.every((b, i) => bytes[at + i] === b);
}

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

/** The format by its magic bytes. */
function sniffFormat(bytes: Uint8Array): ImageFormat {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, ascii('GIF8'))) return 'gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(bytes, ascii('BM'))) return 'bmp';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (startsWith(bytes, ascii('ftyp'), 4)) return 'heif';
  return 'unknown';
}

/**
 * EXIF orientation (1–8) from jpeg-js's `exifBuffer` (the APP1 payload after `Exif\0`, which
 * starts with one padding byte before the TIFF header); 1 when absent or unreadable.
 */
export function exifOrientation(exif: Uint8Array | undefined): number {
  if (!exif) return 1;
  // Find the TIFF header ("II*\0" or "MM\0*") in the first bytes.
  let base = -1;
  for (let i = 0; i < 4 && i + 4 <= exif.length; i++) {
    if (startsWith(exif, [0x49, 0x49, 0x2a, 0x00], i) || startsWith(exif, [0x4d, 0x4d, 0x00, 0x2a], i)) {
      base = i;
      break;
    }
  }
  if (base < 0) return 1;
  const view = new DataView(exif.buffer, exif.byteOffset, exif.byteLength);
  const little = exif[base] === 0x49;
  try {
    const ifd = base + view.getUint32(base + 4, little);
    const entries = view.getUint16(ifd, little);
    for (let i = 0; i < entries; i++) {
      const entry = ifd + 2 + i * 12;
      if (view.getUint16(entry, little) === 0x0112) {
        const value = view.getUint16(entry + 8, little);
        return value >= 1 && value <= 8 ? value : 1;
      }
    }
  } catch {
    // A RangeError from a bogus offset: treat as no orientation.
  }
  return 1;
}

/**
 * The picture as it should be shown for EXIF `orientation`: for each shown pixel (x, y) the
 * stored pixel it comes from. Orientations 5–8 swap width and height.
 */
function applyOrientation(image: RgbaImage, orientation: number): RgbaImage {
  if (orientation <= 1 || orientation > 8) return image;
  const { width: W, height: H, data } = image;
  const swap = orientation >= 5;
  const outW = swap ? H : W;
  const outH = swap ? W : H;
  const out = new Uint8ClampedArray(outW * outH * 4);
  const src = data.byteOffset % 4 === 0 ? data : data.slice();
  const view32 = new Uint32Array(src.buffer, src.byteOffset, W * H);
  const out32 = new Uint32Array(out.buffer);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      let sx: number;
      let sy: number;
      switch (orientation) {
        case 2: // mirrored horizontally
          sx = W - 1 - x;
          sy = y;
          break;
        case 3: // rotated 180°
          sx = W - 1 - x;
          sy = H - 1 - y;
          break;
        case 4: // mirrored vertically
          sx = x;
          sy = H - 1 - y;
          break;
        case 5: // transposed
          sx = y;
          sy = x;
          break;
        case 6: // needs 90° clockwise
          sx = y;
          sy = H - 1 - x;
          break;
        case 7: // transversed
          sx = W - 1 - y;
          sy = H - 1 - x;
          break;
        default: // 8: needs 90° counter-clockwise
          sx = W - 1 - y;
          sy = x;
      }
      out32[y * outW + x] = view32[sy * W + sx]!;
    }
  }
  return { width: outW, height: outH, data: out };
}

/** The size that fits `maxSide` (never larger than the original), at least 1×1. */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  const longer = Math.max(width, height);
  if (!(maxSide > 0) || longer <= maxSide) return { width, height };
  const scale = maxSide / longer;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

function decodeJpeg(bytes: Uint8Array): { image: RgbaImage; orientation: number } {
  // jpeg-js walks the markers up to EOI and throws when the data ends first ("marker was not
  // found" / "unknown JPEG marker 0"), so a truncated file is an error here, not a partial picture.
  const decoded = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: true,
    maxResolutionInMP: JPEG_MAX_MEGAPIXELS,
    maxMemoryUsageInMB: JPEG_MAX_MEMORY_MB,
  }) as ReturnType<typeof jpeg.decode> & { exifBuffer?: Uint8Array };
  const { width, height, data } = decoded;
  if (!(width > 0 && height > 0) || data.length < width * height * 4) throw new Error('no picture in the JPEG');
  return {
    image: { width, height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, width * height * 4) },
    orientation: exifOrientation(decoded.exifBuffer),
  };
}

function decodePng(bytes: Uint8Array): RgbaImage {
  // pngjs expands palette, grey and 16-bit pictures to 8-bit RGBA and throws on truncation.
  const png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const { width, height, data } = png;
  if (!(width > 0 && height > 0) || data.length < width * height * 4) throw new Error('no picture in the PNG');
  return { width, height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, width * height * 4) };
}

let webpEncoderReady: Promise<void> | undefined;

/**
 * `@jsquash/webp` finds its WASM by URL, which Node cannot fetch, so the module is compiled
 * from the file in node_modules and handed to the package's `init`. `init` picks the SIMD
 * build when the runtime validates SIMD; the same choice is made here by trying to compile it.
 */
function ensureWebpEncoder(): Promise<void> {
  webpEncoderReady ??= (async () => {
    const require = createRequire(import.meta.url);
    let module: WebAssembly.Module;
    try {
      module = await WebAssembly.compile(await readFile(require.resolve('@jsquash/webp/codec/enc/webp_enc_simd.wasm')));
    } catch {
      module = await WebAssembly.compile(await readFile(require.resolve('@jsquash/webp/codec/enc/webp_enc.wasm')));
    }
    // The package's typings only declare `init(options?)`; its code also takes the module.
    const init = initWebpEncode as unknown as (module: WebAssembly.Module) => Promise<unknown>;
    await init(module);
  })();
  webpEncoderReady.catch(() => {
    webpEncoderReady = undefined;
  });
  return webpEncoderReady;
}

/** Pictures in Node: JPEG with jpeg-js, PNG with pngjs, WebP out with libwebp (WASM). */
export class NodeImageCodec extends ImageCodec {
  override async decode(bytes: Blob | Uint8Array<ArrayBuffer>, maxSide: number): Promise<DecodedImage> {
    const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(await bytes.arrayBuffer());
    const format = sniffFormat(data);
    let raw: RgbaImage;
    let orientation = 1;
    try {
      if (format === 'jpeg') ({ image: raw, orientation } = decodeJpeg(data));
      else if (format === 'png') raw = decodePng(data);
      else if (format === 'unknown') throw new ImageDecodeError('The file is not a picture this app can read.');
      else throw new ImageDecodeError(`${format.toUpperCase()} pictures cannot be decoded here (only JPEG and PNG).`);
    } catch (error) {
      if (error instanceof ImageDecodeError) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      throw new ImageDecodeError(`The ${format.toUpperCase()} image could not be decoded (it may be truncated or corrupt): ${detail}`, {
        cause: error,
      });
    }
    const swap = orientation >= 5;
    const originalWidth = swap ? raw.height : raw.width;
    const originalHeight = swap ? raw.width : raw.height;
    const fit = fitWithin(originalWidth, originalHeight, maxSide);
    // Shrink first (cheaper), in stored orientation, then turn the small picture.
    const scaled =
      fit.width === originalWidth && fit.height === originalHeight
        ? raw
        : resizeRgba(raw, swap ? fit.height : fit.width, swap ? fit.width : fit.height);
    return { image: applyOrientation(scaled, orientation), originalWidth, originalHeight };
  }

  override async encodeWebp(image: RgbaImage, quality: number): Promise<Blob> {
    await ensureWebpEncoder();
    const q = Math.round(Math.min(1, Math.max(0, quality)) * 100);
    // The encoder reads only data/width/height of its ImageData argument (Node has no ImageData).
    const out = await encodeWebpWasm(image as unknown as ImageData, { quality: q });
    return new Blob([out], { type: 'image/webp' });
  }
}
