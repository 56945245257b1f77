import { ImageCodec, ImageDecodeError, type DecodedImage, type RgbaImage, type VideoKeyframe } from '../dam/media/image-codec';
import { renderPdfFirstPage } from '../dam/media/pdf-extractor';
import { decodeJpegScaled } from './jpeg-scaled-decode';
import { mp4FirstKeyframe } from './mp4-first-frame';
import { decodeVideoKeyframes } from './video-keyframes-decode';

const CORRUPT_MESSAGE = 'The image could not be decoded (it may be truncated or corrupt)';
/** How long a video decoder may take for one keyframe before we give up. */
const VIDEO_DECODE_TIMEOUT_MS = 20_000;
/** Bytes read from the end of a JPEG for the quick "ends with EOI" check. */
const JPEG_TAIL_BYTES = 4096;
/** Pictures up to this size are read into memory once before the checks and the decode. */
const IN_MEMORY_DECODE_LIMIT = 64 * 1024 * 1024;

/** The size that fits `maxSide` (never larger than the original), at least 1×1. */
function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  const longer = Math.max(width, height);
  if (!(maxSide > 0) || longer <= maxSide) return { width, height };
  const scale = maxSide / longer;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Whether the bytes, less trailing zero padding, end with the EOI marker FF D9. */
function endsWithEoi(tail: Uint8Array): boolean {
  let end = tail.length;
  while (end > 0 && tail[end - 1] === 0) end--;
  return end >= 2 && tail[end - 2] === 0xff && tail[end - 1] === 0xd9;
}

/**
 * Whether a JPEG's marker structure reaches its EOI marker: segments are skipped by their
 * lengths (so an EXIF thumbnail's own EOI does not count) and entropy-coded data is scanned
 * for the next marker (`FF` not followed by `00`, a restart marker or fill). Data after EOI
 * (phone makers' trailers, motion-photo videos) is allowed.
 */
export function jpegReachesEoi(bytes: Uint8Array): boolean {
  const n = bytes.length;
  if (n < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return false;
  let pos = 2;
  for (;;) {
    // At a marker: skip fill bytes.
    if (bytes[pos] !== 0xff) return false;
    while (pos < n && bytes[pos] === 0xff) pos++;
    if (pos >= n) return false;
    const marker = bytes[pos++]!;
    if (marker === 0xd9) return true;
    // Stand-alone markers carry no length.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) continue;
    if (pos + 2 > n) return false;
    const length = (bytes[pos]! << 8) | bytes[pos + 1]!;
    if (length < 2) return false;
    pos += length;
    if (pos > n) return false;
    if (marker !== 0xda) continue;
    // Start of scan: entropy-coded data runs to the next real marker.
    for (;;) {
      const ff = bytes.indexOf(0xff, pos);
      if (ff < 0 || ff + 1 >= n) return false;
      const next = bytes[ff + 1]!;
      if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) pos = ff + 2;
      else if (next === 0xff) pos = ff + 1;
      else {
        pos = ff;
        break;
      }
    }
  }
}

/**
 * Chromium paints a truncated JPEG's missing rows grey without reporting an error, so a JPEG
 * must end with EOI (after trailing zero padding) or its markers must reach EOI before its end.
 */
function jpegIsComplete(bytes: Uint8Array): boolean {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) return true;
  return endsWithEoi(bytes.subarray(Math.max(0, bytes.length - JPEG_TAIL_BYTES))) || jpegReachesEoi(bytes);
}

/** The same check on a Blob too large to hold in memory: its head and tail, then all of it only if needed. */
async function checkJpegComplete(bytes: Blob): Promise<void> {
  const head = new Uint8Array(await bytes.slice(0, 3).arrayBuffer());
  if (head[0] !== 0xff || head[1] !== 0xd8 || head[2] !== 0xff) return;
  const tail = new Uint8Array(await bytes.slice(Math.max(0, bytes.size - JPEG_TAIL_BYTES)).arrayBuffer());
  if (endsWithEoi(tail)) return;
  if (jpegReachesEoi(new Uint8Array(await bytes.arrayBuffer()))) return;
  throw new ImageDecodeError(CORRUPT_MESSAGE);
}

function context2d(canvas: OffscreenCanvas): OffscreenCanvasRenderingContext2D {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('OffscreenCanvas 2D context is not available');
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  return ctx;
}

/** Draws `source` (already oriented) scaled to `width × height` and reads the pixels back. */
function drawScaled(source: CanvasImageSource, width: number, height: number): RgbaImage {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = context2d(canvas);
  ctx.drawImage(source, 0, 0, width, height);
  const { data } = ctx.getImageData(0, 0, width, height);
  return { width, height, data };
}

/** The image's pixels as an `ImageData` (copied only when they cannot be used as they are). */
function toImageData(image: RgbaImage): ImageData {
  const { width, height, data } = image;
  const length = width * height * 4;
  if (data.length < length) throw new RangeError(`Pixel buffer too short for ${width}×${height}`);
  const pixels =
    data.buffer instanceof ArrayBuffer && data.length === length
      ? new Uint8ClampedArray(data.buffer, data.byteOffset, length)
      : new Uint8ClampedArray(data.subarray(0, length));
  return new ImageData(pixels, width, height);
}

/** Decodes one keyframe with WebCodecs; resolves with the first frame it outputs. */
function decodeKeyframe(config: VideoDecoderConfig, chunk: EncodedVideoChunk): Promise<VideoFrame> {
  return new Promise<VideoFrame>((resolve, reject) => {
    let frame: VideoFrame | undefined;
    let settled = false;
    const timer = setTimeout(() => finish(new Error('The video decoder timed out')), VIDEO_DECODE_TIMEOUT_MS);
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (decoder.state !== 'closed') decoder.close();
      if (error === undefined && frame) resolve(frame);
      else {
        frame?.close();
        reject(error instanceof Error ? error : new Error(error === undefined ? 'The video decoder produced no frame' : String(error)));
      }
    };
    const decoder = new VideoDecoder({
      output: (f) => {
        if (frame || settled) f.close();
        else frame = f;
      },
      error: (e) => finish(e),
    });
    try {
      decoder.configure(config);
      decoder.decode(chunk);
      decoder.flush().then(
        () => finish(),
        (e: unknown) => finish(e ?? new Error('The video decoder failed')),
      );
    } catch (e) {
      finish(e);
    }
  });
}

/**
 * Pictures in a dedicated module worker (Chromium): decode with `createImageBitmap`, scale
 * with an `OffscreenCanvas`, encode WebP with `convertToBlob`; video posters with mp4box.js and
 * WebCodecs; PDF pages with pdf.js.
 */
export class BrowserImageCodec extends ImageCodec {
  override async decode(stored: Blob | Uint8Array<ArrayBuffer>, maxSide: number): Promise<DecodedImage> {
    // Every Blob read costs a few milliseconds of CPU however small (BENCHMARKS.md): a picture
    // of ordinary size is read once, checked and decoded from memory, and becomes a Blob again
    // only for a full decode.
    const inMemory =
      stored instanceof Uint8Array ? stored : stored.size <= IN_MEMORY_DECODE_LIMIT ? new Uint8Array(await stored.arrayBuffer()) : null;
    if (!inMemory) await checkJpegComplete(stored as Blob);
    else if (!jpegIsComplete(inMemory)) throw new ImageDecodeError(CORRUPT_MESSAGE);
    const scaled = inMemory ? await decodeJpegScaled(inMemory, maxSide) : null;
    if (scaled) {
      try {
        const fit = fitWithin(scaled.originalWidth, scaled.originalHeight, maxSide);
        return {
          image: drawScaled(scaled.frame, fit.width, fit.height),
          originalWidth: scaled.originalWidth,
          originalHeight: scaled.originalHeight,
        };
      } finally {
        scaled.frame.close();
      }
    }
    let bitmap: ImageBitmap;
    try {
      // A full decode, then one drawImage downscale: measured faster than createImageBitmap's
      // own resize options, and 'high' smoothing gives a proper area-like filter.
      const bytes = inMemory ? new Blob([inMemory]) : (stored as Blob);
      bitmap = await createImageBitmap(bytes, { imageOrientation: 'from-image' });
    } catch (error) {
      throw new ImageDecodeError(CORRUPT_MESSAGE, { cause: error });
    }
    try {
      const originalWidth = bitmap.width;
      const originalHeight = bitmap.height;
      if (!(originalWidth > 0 && originalHeight > 0)) throw new ImageDecodeError(CORRUPT_MESSAGE);
      const fit = fitWithin(originalWidth, originalHeight, maxSide);
      return { image: drawScaled(bitmap, fit.width, fit.height), originalWidth, originalHeight };
    } finally {
      bitmap.close();
    }
  }

  override async encodeWebp(image: RgbaImage, quality: number): Promise<Blob> {
    const canvas = new OffscreenCanvas(image.width, image.height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('OffscreenCanvas 2D context is not available');
    ctx.putImageData(toImageData(image), 0, 0);
    const blob = await canvas.convertToBlob({ type: 'image/webp', quality: Math.min(1, Math.max(0, quality)) });
    // A browser without a WebP encoder silently falls back to PNG.
    if (blob.type !== 'image/webp') throw new Error(`This browser cannot encode WebP (it produced ${blob.type || 'an unknown type'})`);
    return blob;
  }

  /**
   * The first keyframe of an MP4 / MOV's first video track, decoded with WebCodecs. Null when
   * WebCodecs is missing, the file is not MP4 / MOV or has no video track, or the browser has no
   * decoder for its codec; ImageDecodeError when the container or the frame is broken.
   * The track's rotation matrix is not applied.
   */
  override async videoPosterFrame(bytes: Blob, maxSide: number): Promise<RgbaImage | null> {
    if (typeof VideoDecoder === 'undefined' || typeof EncodedVideoChunk === 'undefined') return null;
    let keyframe;
    try {
      keyframe = await mp4FirstKeyframe(bytes);
    } catch (error) {
      throw new ImageDecodeError(`The video could not be read (it may be truncated or corrupt)`, { cause: error });
    }
    if (!keyframe) return null;
    const config: VideoDecoderConfig = {
      codec: keyframe.codec,
      codedWidth: keyframe.codedWidth,
      codedHeight: keyframe.codedHeight,
      ...(keyframe.description ? { description: keyframe.description } : {}),
      optimizeForLatency: true,
    };
    let support: VideoDecoderSupport;
    try {
      support = await VideoDecoder.isConfigSupported(config);
    } catch {
      return null; // A malformed codec string is a TypeError here: treat it as unsupported.
    }
    if (!support.supported) return null;
    const chunk = new EncodedVideoChunk({ type: 'key', timestamp: keyframe.timestamp, duration: keyframe.duration, data: keyframe.data });
    let frame: VideoFrame;
    try {
      frame = await decodeKeyframe(support.config ?? config, chunk);
    } catch (error) {
      throw new ImageDecodeError('The video frame could not be decoded (it may be truncated or corrupt)', { cause: error });
    }
    try {
      const fit = fitWithin(frame.displayWidth, frame.displayHeight, maxSide);
      return drawScaled(frame, fit.width, fit.height);
    } finally {
      frame.close();
    }
  }

  /** `decodeVideoKeyframes`, each frame scaled to fit `maxSide`; the track's rotation matrix is not applied. */
  override videoKeyframes(bytes: Blob, maxSide: number, count: number): Promise<VideoKeyframe[]> {
    return decodeVideoKeyframes(bytes, count, (frame) => {
      const fit = fitWithin(frame.displayWidth, frame.displayHeight, maxSide);
      return drawScaled(frame, fit.width, fit.height);
    });
  }

  /** The first page rendered by pdf.js; ImageDecodeError (with pdf.js's reason) for an unreadable PDF. */
  override async pdfFirstPage(bytes: Blob, maxSide: number): Promise<RgbaImage | null> {
    const data = new Uint8Array(await bytes.arrayBuffer());
    try {
      return await renderPdfFirstPage(data, maxSide);
    } catch (error) {
      throw new ImageDecodeError(error instanceof Error ? error.message : `Not a readable PDF: ${String(error)}`, { cause: error });
    }
  }
}
