import { forEachRead } from '../services/grouped-read';
import { perceptualHashes, type PerceptualHashes } from './perceptual-hash';

/** Straight RGBA pixels, 4 bytes a pixel, row-major. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

export interface DecodedImage {
  /** The picture scaled down so its longer side is at most the asked size (never up). */
  readonly image: RgbaImage;
  readonly originalWidth: number;
  readonly originalHeight: number;
}

/** A picture's thumbnail: its WebP bytes, sizes and perceptual hashes (no pixels, so it travels light). */
export interface ImageThumbnail {
  readonly webp: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly originalWidth: number;
  readonly originalHeight: number;
  readonly hashes: PerceptualHashes;
}

/** One decoded frame of a video and when it is shown. */
export interface VideoKeyframe {
  readonly timeSeconds: number;
  readonly image: RgbaImage;
}

/** Bytes that are not a picture this codec can decode (truncated, corrupt, unsupported). */
export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
}

/**
 * Decoding and encoding pictures, which each host does its own way: the browser worker with
 * `createImageBitmap` and `OffscreenCanvas`, Node with WASM/JS codecs. A global resource, so
 * systems ask for `Res(ImageCodec)`.
 */
export abstract class ImageCodec {
  /**
   * Pictures worth having in flight at once. Browsers decode off the JS thread, so a few
   * overlap (1.4–1.7× with 2–4 in flight, BENCHMARKS.md); a pool of workers wants more.
   */
  readonly concurrency: number = 3;
  /** Decodes `bytes` (JPEG, PNG, GIF, WebP, BMP…) and scales it to fit `maxSide`. */
  abstract decode(bytes: Blob | Uint8Array<ArrayBuffer>, maxSide: number): Promise<DecodedImage>;
  /** WebP bytes of the image at `quality` (0–1). */
  abstract encodeWebp(image: RgbaImage, quality: number): Promise<Blob>;
  /**
   * Decode, perceptual hashes and WebP encode of a picture in one call, so a codec that works in
   * other threads does it all there and sends back only the small results.
   */
  async imageThumbnail(bytes: Blob | Uint8Array<ArrayBuffer>, maxSide: number, quality: number): Promise<ImageThumbnail> {
    const { image, originalWidth, originalHeight } = await this.decode(bytes, maxSide);
    const webp = new Uint8Array(await (await this.encodeWebp(image, quality)).arrayBuffer());
    return { webp, width: image.width, height: image.height, originalWidth, originalHeight, hashes: perceptualHashes(image) };
  }
  /** `imageThumbnail` for several pictures, in input order, each settled on its own; small files are read together. */
  imageThumbnails(pictures: readonly Blob[], maxSide: number, quality: number): Promise<PromiseSettledResult<ImageThumbnail>[]> {
    return forEachRead(pictures, (i, bytes) => this.imageThumbnail(bytes ?? pictures[i]!, maxSide, quality));
  }
  /** A video's first shown frame, scaled to fit `maxSide`; null where this host cannot decode video. */
  videoPosterFrame(_bytes: Blob, _maxSide: number): Promise<RgbaImage | null> {
    return Promise.resolve(null);
  }
  /**
   * Up to `count` keyframes spread over a video's length (the first among them), each scaled to
   * fit `maxSide`, with its presentation time; empty where this host cannot decode video.
   */
  videoKeyframes(_bytes: Blob, _maxSide: number, _count: number): Promise<VideoKeyframe[]> {
    return Promise.resolve([]);
  }
  /** A PDF's first page, rendered to fit `maxSide`; null where this host cannot render PDF. */
  pdfFirstPage(_bytes: Blob, _maxSide: number): Promise<RgbaImage | null> {
    return Promise.resolve(null);
  }
}
