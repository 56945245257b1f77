import type { SqlExecutor } from '../../db/database';
import { ecs, type EntityId } from '../../ecs';
import type { BlobStore } from '../../storage/blob-store';
import { ArchiveMemberComponent } from '../components/media';
import { FileLocationComponent, FilePropertiesComponent } from '../components/files';
import {
  ContentHashBLAKE3Component,
  ContentHashCRC32Component,
  ContentHashMD5Component,
  ContentHashSHA1Component,
  ContentHashSHA256Component,
} from '../components/hashes';
import { NeedsArchiveExtractionMarker, NeedsMetadataExtractionMarker, NeedsThumbnailMarker } from '../components/markers';
import { readImageFacts, writeImageFacts, type ImageFacts } from './image-facts-service';
import { assetKindOf } from '../media/asset-kind';
import { blobChunks, hashChunks, toHex, type ContentHashes } from './hash-service';
import { detectMimeType, MIME_SNIFF_BYTES } from './mime-service';

/** Files up to this size are read in one go (one read is cheaper than many); larger ones stream. */
const WHOLE_READ_LIMIT = 16 * 1024 * 1024;

export interface ArchiveOrigin {
  readonly archiveEntityId: EntityId;
  readonly pathInArchive: string;
  readonly compressedSizeBytes: number | null;
}

export interface IngestSource {
  /** The file's name as the user knows it. */
  readonly name: string;
  /** Where it came from (a dropped path, an archive member path); defaults to the blob URL. */
  readonly path?: string;
  readonly blob: Blob;
  readonly modifiedAt?: Date | null;
  /** Set for a member of an archive that is already in the library. */
  readonly archive?: ArchiveOrigin;
}

/** A file hashed and stored, ready to be recorded in a transaction. */
export interface PreparedFile extends HashedFile {
  /** True when this call wrote the bytes: no committed row can need them yet. */
  readonly wroteBlob: boolean;
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

/** Where an archive member was found: the archive's own location, `!/`, the member's path. */
export function archiveMemberUrl(archiveLocation: string, pathInArchive: string): string {
  return `${archiveLocation}!/${pathInArchive}`;
}

export async function findEntityBySha256(db: SqlExecutor, sha256: Uint8Array): Promise<EntityId | null> {
  const { rows } = await db.query<{ entity_id: number }>('SELECT entity_id FROM component_content_hash_sha256 WHERE hash_value = $1', [
    sha256,
  ]);
  return rows[0] ? Number(rows[0].entity_id) : null;
}

/**
 * The seed's shortcut for a re-added folder: a source whose path and modification time are
 * already recorded is the same file, so it is not read or hashed again.
 */
export async function findUnchangedLocation(db: SqlExecutor, path: string, modifiedAt: Date): Promise<EntityId | null> {
  const { rows } = await db.query<{ entity_id: number }>(
    'SELECT entity_id FROM component_file_location WHERE url = $1 AND last_modified_at = $2 LIMIT 1',
    [path, modifiedAt],
  );
  return rows[0] ? Number(rows[0].entity_id) : null;
}

/** The five hashes and the MIME type of a blob: one read for a small file, 4 MB slices for a large one. */
export async function hashBlob(blob: Blob, name: string): Promise<{ hashes: ContentHashes; mimeType: string; bytes: Uint8Array | null }> {
  if (blob.size <= WHOLE_READ_LIMIT) {
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const [hashes, mimeType] = await Promise.all([hashChunks([bytes]), detectMimeType(bytes, name)]);
    return { hashes, mimeType, bytes };
  }
  const head = new Uint8Array(await blob.slice(0, MIME_SNIFF_BYTES).arrayBuffer());
  const [hashes, mimeType] = await Promise.all([hashChunks(blobChunks(blob)), detectMimeType(head, name)]);
  return { hashes, mimeType, bytes: null };
}

/** A file hashed but not yet stored. */
export interface HashedFile {
  readonly source: IngestSource;
  readonly hashes: ContentHashes;
  readonly sha256: string;
  readonly mimeType: string;
  /** Read while the bytes were in memory (images up to 16 MB); the metadata stage does the rest. */
  readonly image: ImageFacts | null;
}

/** Hashes a file and, for an image already in memory, reads its header and EXIF too. */
export async function hashFile(source: IngestSource): Promise<HashedFile> {
  if (source.blob.size === 0) throw new EmptyFileError();
  const { hashes, mimeType, bytes } = await hashBlob(source.blob, source.name);
  const image = bytes && assetKindOf(mimeType) === 'image' ? await readImageFacts(bytes).catch(() => null) : null;
  return { source, hashes, sha256: toHex(hashes.sha256), mimeType, image };
}

/**
 * Stores the bytes of many hashed files in one go (one transaction where the store has them)
 * and returns them prepared. Stores one by one when the lot fails, so a file that does not fit
 * fails alone; `failures` holds those, by index.
 */
export async function storeHashedFiles(
  store: BlobStore,
  files: readonly HashedFile[],
): Promise<{ prepared: (PreparedFile | null)[]; failures: Map<number, unknown> }> {
  const failures = new Map<number, unknown>();
  try {
    const written = await store.putMany(files.map((f) => ({ sha256: f.sha256, data: f.source.blob })));
    const previews = files.flatMap((f) => (f.image?.preview ? [{ sha256: f.image.preview.sha256, data: f.image.preview.bytes }] : []));
    if (previews.length > 0) await store.putMany(previews);
    const claimed = new Set<string>();
    const prepared = files.map((f) => {
      // Two files of one batch may share bytes: only the first "wrote" them.
      const wroteBlob = written.has(f.sha256) && !claimed.has(f.sha256);
      if (wroteBlob) claimed.add(f.sha256);
      return { ...f, wroteBlob };
    });
    return { prepared, failures };
  } catch {
    const prepared: (PreparedFile | null)[] = [];
    for (const [i, f] of files.entries()) {
      try {
        const wroteBlob = !(await store.has(f.sha256)) && (await store.put(f.sha256, f.source.blob));
        if (f.image?.preview) await store.put(f.image.preview.sha256, f.image.preview.bytes);
        prepared.push({ ...f, wroteBlob });
      } catch (error) {
        failures.set(i, error);
        prepared.push(null);
      }
    }
    return { prepared, failures };
  }
}

/**
 * Hashes the bytes and puts them in the blob store, outside any transaction. Content-addressed,
 * so a later rollback leaves at most an unreferenced blob, never a row without bytes.
 */
export async function prepareFile(store: BlobStore, source: IngestSource): Promise<PreparedFile> {
  const hashed = await hashFile(source);
  const wroteBlob = !(await store.has(hashed.sha256)) && (await store.put(hashed.sha256, source.blob));
  if (hashed.image?.preview) await store.put(hashed.image.preview.sha256, hashed.image.preview.bytes);
  return { ...hashed, wroteBlob };
}

export class EmptyFileError extends Error {
  constructor() {
    super('The file is empty (0 bytes), so nothing was added.');
    this.name = 'EmptyFileError';
  }
}

/**
 * Records a prepared file in the caller's transaction. The same bytes give one entity: a known
 * SHA-256 only adds the new location (each distinct source once) and keeps the earliest
 * first-seen time. New bytes become an entity with its file properties, location, five hashes
 * and the markers for the work that follows (metadata; members, for an archive).
 */
export async function recordFile(tx: SqlExecutor, file: PreparedFile, now = new Date()): Promise<IngestResult> {
  const { source, hashes, sha256 } = file;
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
    await recordArchiveMembership(tx, existing, source);
    return { entityId: existing, created: false, sha256 };
  }
  const entityId = await ecs.createEntity(tx);
  await ecs.addComponent(
    tx,
    entityId,
    FilePropertiesComponent.create({
      originalFilename: source.name,
      fileSizeBytes: hashes.sizeBytes,
      mimeType: file.mimeType,
      firstSeenAt: now,
    }),
  );
  await ecs.addComponent(tx, entityId, FileLocationComponent.create({ url, lastModifiedAt: source.modifiedAt ?? null }));
  await ecs.addComponent(tx, entityId, ContentHashSHA256Component.create({ hashValue: hashes.sha256 }));
  await ecs.addComponent(tx, entityId, ContentHashMD5Component.create({ hashValue: hashes.md5 }));
  await ecs.addComponent(tx, entityId, ContentHashSHA1Component.create({ hashValue: hashes.sha1 }));
  await ecs.addComponent(tx, entityId, ContentHashCRC32Component.create({ hashValue: hashes.crc32 }));
  await ecs.addComponent(tx, entityId, ContentHashBLAKE3Component.create({ hashValue: hashes.blake3 }));
  await recordArchiveMembership(tx, entityId, source);
  if (file.image) {
    // Header and EXIF were read with the hash: only the decoded thumbnail is left to do.
    await writeImageFacts(tx, entityId, file.image);
    await ecs.addMarker(tx, NeedsThumbnailMarker, [entityId]);
  } else {
    await ecs.addMarker(tx, NeedsMetadataExtractionMarker, [entityId]);
  }
  if (assetKindOf(file.mimeType) === 'archive') await ecs.addMarker(tx, NeedsArchiveExtractionMarker, [entityId]);
  return { entityId, created: true, sha256 };
}

async function recordArchiveMembership(tx: SqlExecutor, entityId: EntityId, source: IngestSource): Promise<void> {
  if (!source.archive) return;
  const { fields: member } = ArchiveMemberComponent.create({
    archiveEntityId: source.archive.archiveEntityId,
    pathInArchive: source.archive.pathInArchive,
    fileSizeBytes: source.blob.size,
    compressedSizeBytes: source.archive.compressedSizeBytes,
    modifiedAt: source.modifiedAt ?? null,
  });
  await tx.query(
    `INSERT INTO component_archive_member (entity_id, archive_entity_id, path_in_archive, file_size_bytes, compressed_size_bytes, modified_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (entity_id, archive_entity_id, path_in_archive) DO NOTHING`,
    [entityId, member.archiveEntityId, member.pathInArchive, member.fileSizeBytes, member.compressedSizeBytes, member.modifiedAt],
  );
}

/** Hashes and stores one file, then records it in the caller's transaction. */
export async function ingestBlob(tx: SqlExecutor, store: BlobStore, source: IngestSource, now = new Date()): Promise<IngestResult> {
  return recordFile(tx, await prepareFile(store, source), now);
}
