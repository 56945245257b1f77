import { imageSize } from 'image-size';

export interface ImageDimensions {
  readonly width: number;
  readonly height: number;
}

/**
 * A picture's size as shown, read from its header only (no decoding): JPEG, PNG, GIF, WebP, BMP,
 * TIFF, AVIF/HEIF, ICO, PSD, SVG… For EXIF orientations 5–8 (a quarter turn) width and height are
 * swapped. Null when the bytes are not a picture `image-size` knows, or the header is unreadable.
 */
export function readImageDimensions(bytes: Uint8Array): ImageDimensions | null {
  let size: ReturnType<typeof imageSize>;
  try {
    size = imageSize(bytes);
  } catch {
    return null;
  }
  const { width, height, orientation } = size;
  if (!isPositiveInteger(width) || !isPositiveInteger(height)) return null;
  const quarterTurn = orientation !== undefined && orientation >= 5 && orientation <= 8;
  return quarterTurn ? { width: height, height: width } : { width, height };
}

function isPositiveInteger(value: number): boolean {
  return Number.isInteger(value) && value > 0;
}
