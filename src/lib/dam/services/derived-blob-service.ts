import { sha256 } from 'hash-wasm';
import type { SqlExecutor } from '../../db/database';
import { ecs, type EntityId } from '../../ecs';
import type { BlobStore } from '../../storage/blob-store';
import { ThumbnailComponent } from '../components/media';

/** Stores bytes made from an asset (a thumbnail) under their own SHA-256; returns the key. */
export async function storeDerivedBlob(blobs: BlobStore, data: Uint8Array | Blob): Promise<string> {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(await data.arrayBuffer());
  const key = await sha256(bytes);
  await blobs.put(key, bytes);
  return key;
}

export interface ThumbnailImage {
  readonly bytes: Uint8Array | Blob;
  readonly mimeType: string;
  readonly width: number;
  readonly height: number;
  /** `exif`, `image`, `video` or `pdf`. */
  readonly source: string;
}

/**
 * Blob writes gathered while a stage runs and stored in one go before it commits: one
 * IndexedDB transaction for a batch of thumbnails instead of one each. The rows that point at
 * them are not visible until the commit, which comes after `flush`.
 */
export class BlobWriteBatch {
  private readonly entries = new Map<string, Uint8Array>();

  add(sha256: string, bytes: Uint8Array): void {
    this.entries.set(sha256, bytes);
  }

  async flush(blobs: BlobStore): Promise<void> {
    if (this.entries.size === 0) return;
    await blobs.putMany([...this.entries].map(([sha256, data]) => ({ sha256, data })));
    this.entries.clear();
  }
}

/**
 * Stores a thumbnail's bytes (now, or in `batch` to be flushed before the commit) and points
 * the entity's thumbnail component at them.
 */
export async function setThumbnail(
  tx: SqlExecutor,
  blobs: BlobStore,
  entityId: EntityId,
  thumbnail: ThumbnailImage,
  batch?: BlobWriteBatch,
): Promise<void> {
  const bytes = thumbnail.bytes instanceof Uint8Array ? thumbnail.bytes : new Uint8Array(await thumbnail.bytes.arrayBuffer());
  let blobSha256: string;
  if (batch) {
    blobSha256 = await sha256(bytes);
    batch.add(blobSha256, bytes);
  } else {
    blobSha256 = await storeDerivedBlob(blobs, bytes);
  }
  await ecs.setComponent(
    tx,
    entityId,
    ThumbnailComponent.create({
      blobSha256,
      mimeType: thumbnail.mimeType,
      widthPixels: thumbnail.width,
      heightPixels: thumbnail.height,
      source: thumbnail.source,
    }),
  );
}

/** `setThumbnail` for many entities at once: bytes into `batch`, one delete and one insert for the rows. */
export async function setThumbnails(
  tx: SqlExecutor,
  items: readonly { readonly entityId: EntityId; readonly thumbnail: ThumbnailImage }[],
  batch: BlobWriteBatch,
): Promise<void> {
  if (items.length === 0) return;
  const rows = [];
  for (const { entityId, thumbnail } of items) {
    const bytes = thumbnail.bytes instanceof Uint8Array ? thumbnail.bytes : new Uint8Array(await thumbnail.bytes.arrayBuffer());
    const blobSha256 = await sha256(bytes);
    batch.add(blobSha256, bytes);
    const { mimeType, width: widthPixels, height: heightPixels, source } = thumbnail;
    rows.push({ entityId, fields: { blobSha256, mimeType, widthPixels, heightPixels, source } });
  }
  await ecs.removeComponentsFrom(
    tx,
    ThumbnailComponent,
    items.map((i) => i.entityId),
  );
  await ecs.addComponents(tx, ThumbnailComponent, rows);
}
