import { sha256 } from 'hash-wasm';
import type { SqlExecutor } from '../../db/database';
import { ecs, type ComponentInstance, type EntityId } from '../../ecs';
import { ExifMetadataComponent, ImageDimensionsComponent, ThumbnailComponent } from '../components/media';
import { extractExif, type ExifExtraction } from '../media/exif-extractor';
import { readImageDimensions, type ImageDimensions } from '../media/image-header';

/** The embedded EXIF preview, keyed for the blob store. */
export interface ImagePreview {
  readonly sha256: string;
  readonly bytes: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** What an image's header and EXIF say, read from bytes already in memory. Small: no pixels. */
export interface ImageFacts {
  readonly dimensions: ImageDimensions | null;
  readonly exif: ExifExtraction | null;
  readonly preview: ImagePreview | null;
}

/**
 * Dimensions, EXIF/IPTC/XMP and the embedded preview of an image, from its bytes (or their
 * head, which holds them). Cheap (~1 ms), so ingest does it while the bytes are in memory for
 * hashing, instead of reading every file back later.
 */
export async function readImageFacts(bytes: Uint8Array): Promise<ImageFacts> {
  const dimensions = readImageDimensions(bytes);
  const exif = await extractExif(bytes);
  // A copy, not a view into the whole file's buffer (which would travel and be stored with it).
  const previewBytes = exif?.embeddedThumbnail ? exif.embeddedThumbnail.slice() : null;
  const previewSize = previewBytes ? readImageDimensions(previewBytes) : null;
  const preview =
    previewBytes && previewSize
      ? { sha256: await sha256(previewBytes), bytes: previewBytes, width: previewSize.width, height: previewSize.height }
      : null;
  return { dimensions, exif: exif ? { ...exif, embeddedThumbnail: null } : null, preview };
}

/** The components an image's facts become: dimensions, EXIF, and the preview as a thumbnail. */
export function imageFactComponents(facts: ImageFacts): ComponentInstance<object>[] {
  const { dimensions, exif, preview } = facts;
  const out: ComponentInstance<object>[] = [];
  if (dimensions) out.push(ImageDimensionsComponent.create({ widthPixels: dimensions.width, heightPixels: dimensions.height }));
  if (exif) {
    out.push(
      ExifMetadataComponent.create({
        takenAt: exif.takenAt,
        cameraMake: exif.cameraMake,
        cameraModel: exif.cameraModel,
        gpsLatitude: exif.gpsLatitude,
        gpsLongitude: exif.gpsLongitude,
        metadata: exif.metadata,
      }),
    );
  }
  if (preview) {
    out.push(
      ThumbnailComponent.create({
        blobSha256: preview.sha256,
        mimeType: 'image/jpeg',
        widthPixels: preview.width,
        heightPixels: preview.height,
        source: 'exif',
      }),
    );
  }
  return out;
}

/**
 * Writes image facts as components in the caller's transaction, replacing earlier ones. The
 * preview's bytes must be in the blob store (or in a batch flushed) before the transaction commits.
 */
export async function writeImageFacts(tx: SqlExecutor, entityId: EntityId, facts: ImageFacts): Promise<void> {
  for (const component of imageFactComponents(facts)) await ecs.setComponent(tx, entityId, component);
}
