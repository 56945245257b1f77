import type { SqlExecutor } from '../../db/database';
import { ecs, type EntityId } from '../../ecs';
import type { BlobStore } from '../../storage/blob-store';
import { FileLocationComponent, FilePropertiesComponent } from '../components/files';
import {
  ContentHashBLAKE3Component,
  ContentHashCRC32Component,
  ContentHashMD5Component,
  ContentHashSHA1Component,
  ContentHashSHA256Component,
} from '../components/hashes';
import { NeedsMetadataExtractionMarker } from '../components/markers';
import { hashChunks, toHex } from './hash-service';
import { detectMimeType } from './mime-service';

export interface IngestSource {
  /** The file's name as the user knows it. */
  readonly name: string;
  /** Where it came from (a dropped path, an archive member path); defaults to the blob URL. */
  readonly path?: string;
  readonly bytes: Uint8Array;
  readonly modifiedAt?: Date | null;
}

export interface IngestResult {
  readonly entityId: EntityId;
  /** False when the bytes were already in the library (deduplicated). */
  readonly created: boolean;
  readonly sha256: string;
}

/** The location URL of bytes kept in the content-addressed store. */
export function blobUrl(sha256Hex: string, name: string): string {
  return `dam://blob/${sha256Hex}#${encodeURIComponent(name)}`;
}

export async function findEntityBySha256(db: SqlExecutor, sha256: Uint8Array): Promise<EntityId | null> {
  const { rows } = await db.query<{ entity_id: number }>('SELECT entity_id FROM component_content_hash_sha256 WHERE hash_value = $1', [
    sha256,
  ]);
  return rows[0] ? Number(rows[0].entity_id) : null;
}

/**
 * Adds one file to the library in the caller's transaction. The same bytes give one entity:
 * a known SHA-256 only adds the new location (each distinct source once) and keeps the
 * earliest first-seen time. New bytes go to the blob store first (content-addressed, so a
 * rolled-back transaction leaves at most an unreferenced blob), then become an entity with its
 * file properties (MIME type from the bytes), location, five hashes, and the metadata-extraction
 * marker.
 */
export async function ingestBytes(tx: SqlExecutor, store: BlobStore, source: IngestSource, now = new Date()): Promise<IngestResult> {
  const hashes = await hashChunks([source.bytes]);
  const sha256 = toHex(hashes.sha256);
  const url = source.path ?? blobUrl(sha256, source.name);
  const existing = await findEntityBySha256(tx, hashes.sha256);
  if (existing !== null) {
    await tx.query(
      `INSERT INTO component_file_location (entity_id, url, last_modified_at) VALUES ($1, $2, $3)
       ON CONFLICT (entity_id, url) DO NOTHING`,
      [existing, url, source.modifiedAt ?? null],
    );
    await tx.query(
      `UPDATE component_file_properties SET first_seen_at = LEAST(COALESCE(first_seen_at, $2), $2), updated_at = now()
        WHERE entity_id = $1`,
      [existing, now],
    );
    return { entityId: existing, created: false, sha256 };
  }
  const mimeType = await detectMimeType(source.bytes, source.name);
  await store.put(sha256, source.bytes);
  const entityId = await ecs.createEntity(tx);
  await ecs.addComponent(
    tx,
    entityId,
    FilePropertiesComponent.create({ originalFilename: source.name, fileSizeBytes: hashes.sizeBytes, mimeType, firstSeenAt: now }),
  );
  await ecs.addComponent(tx, entityId, FileLocationComponent.create({ url, lastModifiedAt: source.modifiedAt ?? null }));
  await ecs.addComponent(tx, entityId, ContentHashSHA256Component.create({ hashValue: hashes.sha256 }));
  await ecs.addComponent(tx, entityId, ContentHashMD5Component.create({ hashValue: hashes.md5 }));
  await ecs.addComponent(tx, entityId, ContentHashSHA1Component.create({ hashValue: hashes.sha1 }));
  await ecs.addComponent(tx, entityId, ContentHashCRC32Component.create({ hashValue: hashes.crc32 }));
  await ecs.addComponent(tx, entityId, ContentHashBLAKE3Component.create({ hashValue: hashes.blake3 }));
  await ecs.addMarker(tx, NeedsMetadataExtractionMarker, [entityId]);
  return { entityId, created: true, sha256 };
}
