import type { SqlExecutor } from '../../db/database';
import { ecs } from '../../ecs';
import type { BlobStore } from '../../storage/blob-store';
import {
  ImageDimensionsComponent,
  ImagePerceptualAHashComponent,
  ImagePerceptualDHashComponent,
  ImagePerceptualPHashComponent,
} from '../components/media';
import { assetKindOf } from '../media/asset-kind';
import type { ImageCodec, RgbaImage } from '../media/image-codec';
import type { PerceptualHashes } from '../media/perceptual-hash';
import { setThumbnail, setThumbnails, type BlobWriteBatch } from './derived-blob-service';
import { readStoredBlob, type StoredFile } from './stored-file-service';

/** The longer side of a thumbnail, in pixels. */
export const THUMBNAIL_SIZE = 256;
const WEBP_QUALITY = 0.8;

/** A thumbnail made but not yet saved: the pure, parallelisable part of the work. */
export interface RenderedThumbnail {
  readonly file: StoredFile;
  readonly webp: { readonly bytes: Uint8Array | Blob; readonly width: number; readonly height: number } | null;
  readonly hashes: PerceptualHashes | null;
  readonly originalSize: { readonly width: number; readonly height: number } | null;
}

/**
 * Decodes one stored file and encodes its thumbnail, touching no database: a WebP of about
 * 256 px for an image (whose perceptual hashes come from the same decode), a video's poster
 * frame, or a PDF's first page. Hosts that cannot decode video or render PDF give none. Throws
 * `ImageDecodeError` for a picture that does not decode.
 */
export async function renderThumbnail(blobs: BlobStore, codec: ImageCodec, file: StoredFile): Promise<RenderedThumbnail> {
  const kind = assetKindOf(file.mimeType);
  const blob = await readStoredBlob(blobs, file);
  if (kind === 'image') {
    const made = await codec.imageThumbnail(blob, THUMBNAIL_SIZE, WEBP_QUALITY);
    return {
      file,
      webp: { bytes: made.webp, width: made.width, height: made.height },
      hashes: made.hashes,
      originalSize: { width: made.originalWidth, height: made.originalHeight },
    };
  }
  let picture: RgbaImage | null = null;
  if (kind === 'video') picture = await codec.videoPosterFrame(blob, THUMBNAIL_SIZE);
  else if (kind === 'pdf') picture = await codec.pdfFirstPage(blob, THUMBNAIL_SIZE);
  const webp = picture ? { bytes: await codec.encodeWebp(picture, WEBP_QUALITY), width: picture.width, height: picture.height } : null;
  return { file, webp, hashes: null, originalSize: null };
}

/**
 * The thumbnails of several pictures, in input order, each settled on its own: one call to the
 * codec, which reads the small files together (`ImageCodec.imageThumbnails`). A file whose
 * stored bytes are missing fails alone.
 */
export async function renderImageThumbnails(
  blobs: BlobStore,
  codec: ImageCodec,
  files: readonly StoredFile[],
): Promise<PromiseSettledResult<RenderedThumbnail>[]> {
  const stored = await Promise.allSettled(files.map((file) => readStoredBlob(blobs, file)));
  const readable = stored.flatMap((s, i) => (s.status === 'fulfilled' ? [{ i, blob: s.value }] : []));
  const made = await codec.imageThumbnails(
    readable.map((r) => r.blob),
    THUMBNAIL_SIZE,
    WEBP_QUALITY,
  );
  const results: PromiseSettledResult<RenderedThumbnail>[] = stored.map((s) =>
    s.status === 'rejected' ? s : { status: 'rejected', reason: null },
  );
  readable.forEach(({ i }, k) => {
    const result = made[k]!;
    const file = files[i]!;
    results[i] =
      result.status === 'rejected'
        ? result
        : {
            status: 'fulfilled',
            value: {
              file,
              webp: { bytes: result.value.webp, width: result.value.width, height: result.value.height },
              hashes: result.value.hashes,
              originalSize: { width: result.value.originalWidth, height: result.value.originalHeight },
            },
          };
  });
  return results;
}

/** Writes a rendered thumbnail, its perceptual hashes and missing dimensions in the caller's transaction. */
export async function saveThumbnail(tx: SqlExecutor, blobs: BlobStore, rendered: RenderedThumbnail, batch?: BlobWriteBatch): Promise<void> {
  const { file, webp, hashes, originalSize } = rendered;
  const id = file.entityId;
  if (hashes) {
    await ecs.setComponent(tx, id, ImagePerceptualPHashComponent.create({ hashValue: hashes.phash }));
    await ecs.setComponent(tx, id, ImagePerceptualAHashComponent.create({ hashValue: hashes.ahash }));
    await ecs.setComponent(tx, id, ImagePerceptualDHashComponent.create({ hashValue: hashes.dhash }));
  }
  if (originalSize && !(await ecs.getComponent(tx, id, ImageDimensionsComponent))) {
    await ecs.addComponent(tx, id, ImageDimensionsComponent.create({ widthPixels: originalSize.width, heightPixels: originalSize.height }));
  }
  if (!webp) return;
  const source = assetKindOf(file.mimeType);
  await setThumbnail(tx, blobs, id, { bytes: webp.bytes, mimeType: 'image/webp', width: webp.width, height: webp.height, source }, batch);
}

/**
 * `saveThumbnail` for many rendered thumbnails in the caller's transaction, a few statements for
 * all of them instead of several each: perceptual hashes, missing dimensions, thumbnail rows.
 * All or nothing: a caller whose batch fails saves them one by one to find the bad one.
 */
export async function saveThumbnails(tx: SqlExecutor, rendered: readonly RenderedThumbnail[], batch: BlobWriteBatch): Promise<void> {
  const hashed = rendered.flatMap((r) => (r.hashes ? [{ entityId: r.file.entityId, hashes: r.hashes }] : []));
  const hashIds = hashed.map((h) => h.entityId);
  for (const [type, pick] of [
    [ImagePerceptualPHashComponent, (h: PerceptualHashes) => h.phash],
    [ImagePerceptualAHashComponent, (h: PerceptualHashes) => h.ahash],
    [ImagePerceptualDHashComponent, (h: PerceptualHashes) => h.dhash],
  ] as const) {
    await ecs.removeComponentsFrom(tx, type, hashIds);
    await ecs.addComponents(
      tx,
      type,
      hashed.map((h) => ({ entityId: h.entityId, fields: { hashValue: pick(h.hashes) } })),
    );
  }
  const sized = rendered.flatMap((r) => (r.originalSize ? [{ entityId: r.file.entityId, size: r.originalSize }] : []));
  if (sized.length > 0) {
    const { rows } = await tx.query<{ entity_id: number }>(
      `SELECT entity_id FROM ${ImageDimensionsComponent.table} WHERE entity_id = ANY($1::bigint[])`,
      [sized.map((s) => s.entityId)],
    );
    const known = new Set(rows.map((r) => Number(r.entity_id)));
    await ecs.addComponents(
      tx,
      ImageDimensionsComponent,
      sized
        .filter((s) => !known.has(s.entityId))
        .map((s) => ({ entityId: s.entityId, fields: { widthPixels: s.size.width, heightPixels: s.size.height } })),
    );
  }
  await setThumbnails(
    tx,
    rendered.flatMap(({ file, webp }) =>
      webp
        ? [
            {
              entityId: file.entityId,
              thumbnail: {
                bytes: webp.bytes,
                mimeType: 'image/webp',
                width: webp.width,
                height: webp.height,
                source: assetKindOf(file.mimeType),
              },
            },
          ]
        : [],
    ),
    batch,
  );
}

/** Renders and saves one file's thumbnail (the sequential form, for callers with one file). */
export async function makeThumbnail(tx: SqlExecutor, blobs: BlobStore, codec: ImageCodec, file: StoredFile): Promise<void> {
  await saveThumbnail(tx, blobs, await renderThumbnail(blobs, codec, file));
}
