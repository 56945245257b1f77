import type { SqlExecutor } from '../../db/database';
import { ecs, type ComponentInstance, type EntityId } from '../../ecs';
import type { BlobEntry, BlobStore } from '../../storage/blob-store';
import { ArchiveMemberComponent } from '../components/media';
import { FileLocationComponent, FilePropertiesComponent } from '../components/files';
import {
  ContentHashBLAKE3Component,
  ContentHashCRC32Component,
  ContentHashMD5Component,
  ContentHashSHA1Component,
  ContentHashSHA256Component,
} from '../components/hashes';
import {
  NeedsArchiveExtractionMarker,
  NeedsMetadataExtractionMarker,
  NeedsTextEmbeddingMarker,
  NeedsThumbnailMarker,
  NeedsAudioProcessingMarker,
} from '../components/markers';
import { imageFactComponents, readImageFacts, type ImageFacts } from './image-facts-service';
import { assetKindOf } from '../media/asset-kind';
import { blobChunks, hashBytes, hashChunks, toHex, type ContentHashes } from './hash-service';
import { detectMimeType, MIME_SNIFF_BYTES } from './mime-service';
import { forEachRead, ownBuffer } from './grouped-read';
import { markNewImagesForAutoTagging } from './auto-tagging-settings';
import { markNewForImageUnderstanding } from './image-understanding-settings';

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
  /** Where the ingest queue keeps these bytes, so the blob store can adopt them (`BlobEntry.storageRef`). */
  readonly storageRef?: number;
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
 * already recorded is the same file, so it is not read or hashed again. One query for a batch;
 * the entity of each such source, by its index.
 */
export async function findUnchangedLocations(
  db: SqlExecutor,
  sources: readonly { readonly path?: string; readonly modifiedAt: Date | null }[],
): Promise<Map<number, EntityId>> {
  const paths = [...new Set(sources.flatMap((s) => (s.path && s.modifiedAt ? [s.path] : [])))];
  const found = new Map<number, EntityId>();
  if (paths.length === 0) return found;
  const { rows } = await db.query<{ entity_id: number; url: string; last_modified_at: Date | null }>(
    'SELECT entity_id, url, last_modified_at FROM component_file_location WHERE url = ANY($1::text[]) AND last_modified_at IS NOT NULL',
    [paths],
  );
  const known = new Map(rows.map((r) => [`${r.url}\u0000${new Date(r.last_modified_at!).getTime()}`, Number(r.entity_id)]));
  sources.forEach((s, i) => {
    const entityId = s.path && s.modifiedAt ? known.get(`${s.path}\u0000${s.modifiedAt.getTime()}`) : undefined;
    if (entityId !== undefined) found.set(i, entityId);
  });
  return found;
}

/** The five hashes and the MIME type of a blob: one read for a small file, 4 MB slices for a large one. */
export async function hashBlob(blob: Blob, name: string): Promise<{ hashes: ContentHashes; mimeType: string; bytes: Uint8Array | null }> {
  if (blob.size <= WHOLE_READ_LIMIT) {
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const [hashes, mimeType] = await Promise.all([hashBytes(bytes), detectMimeType(bytes, name)]);
    return { hashes, mimeType, bytes };
  }
  const head = new Uint8Array(await blob.slice(0, MIME_SNIFF_BYTES).arrayBuffer());
  const [hashes, mimeType] = await Promise.all([hashChunks(blobChunks(blob)), detectMimeType(head, name)]);
  return { hashes, mimeType, bytes: null };
}

/** What reading a file's bytes once tells: hashes, MIME type, and an image's header and EXIF. */
export interface FileDigest {
  readonly hashes: ContentHashes;
  readonly mimeType: string;
  /** Read while the bytes were in memory (images up to 16 MB); the metadata stage does the rest. */
  readonly image: ImageFacts | null;
}

/** A file hashed but not yet stored. */
export interface HashedFile extends FileDigest {
  readonly source: IngestSource;
  readonly sha256: string;
}

/** Digests a file's bytes on this thread; for an image already in memory, reads its header and EXIF too. */
export async function digestFile(blob: Blob, name: string): Promise<FileDigest> {
  if (blob.size === 0) throw new EmptyFileError();
  const { hashes, mimeType, bytes } = await hashBlob(blob, name);
  return { hashes, mimeType, image: bytes ? await imageFactsOf(bytes, mimeType) : null };
}

async function imageFactsOf(bytes: Uint8Array, mimeType: string): Promise<ImageFacts | null> {
  return assetKindOf(mimeType) === 'image' ? readImageFacts(bytes).catch(() => null) : null;
}

/** Digests bytes already in memory (which may be a view into a larger buffer). */
async function digestBytes(view: Uint8Array<ArrayBuffer>, name: string): Promise<FileDigest> {
  // A buffer of its own, so nothing a parser returns (a Uint8Array field) can be a view into the
  // whole group's buffer, which sending the digest to another thread would copy along.
  const bytes = ownBuffer(view);
  const [hashes, mimeType] = await Promise.all([hashBytes(bytes), detectMimeType(bytes, name)]);
  return { hashes, mimeType, image: await imageFactsOf(bytes, mimeType) };
}

export interface DigestRequest {
  readonly blob: Blob;
  readonly name: string;
}

/** Digests several files on this thread, in input order, each settled on its own; small files are read together (`forEachRead`). */
export function digestFiles(files: readonly DigestRequest[]): Promise<PromiseSettledResult<FileDigest>[]> {
  return forEachRead(
    files.map((f) => f.blob),
    (i, bytes) => (bytes ? digestBytes(bytes, files[i]!.name) : digestFile(files[i]!.blob, files[i]!.name)),
  );
}

/** Hashes a file on this thread. */
export async function hashFile(source: IngestSource): Promise<HashedFile> {
  const digested = await digestFile(source.blob, source.name);
  return { ...digested, source, sha256: toHex(digested.hashes.sha256) };
}

/** A path of the local file system from its root (`/x`, `C:\x`, `\\server\x`), not one inside a dropped folder. */
const ABSOLUTE_PATH = /^(\/|[A-Za-z]:[\\/]|\\\\)/;

/**
 * A hashed file's bytes as a blob-store entry (adopting the queue's copy where there is one).
 * A file read from an absolute path on disk (the CLI) names that path, so a store that keeps
 * references may point at it; an archive member's path (`zip!/member`) is no file of its own.
 */
export function blobEntryOf(file: HashedFile): BlobEntry {
  const { blob, storageRef, path, archive } = file.source;
  const sourcePath = !archive && path !== undefined && ABSOLUTE_PATH.test(path) ? path : undefined;
  return {
    sha256: file.sha256,
    data: blob,
    ...(storageRef !== undefined && { storageRef }),
    ...(sourcePath !== undefined && { sourcePath }),
  };
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
    const written = await store.putMany(files.map(blobEntryOf));
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
        const wroteBlob = (await store.putMany([blobEntryOf(f)])).has(f.sha256);
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
  const { prepared, failures } = await storeHashedFiles(store, [await hashFile(source)]);
  if (!prepared[0]) throw failures.get(0);
  return prepared[0];
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
  return (await recordFiles(tx, [file], now))[0]!;
}

/** Entity ids by SHA-256 (hex) for the hashes already in the library. */
async function entitiesBySha256(db: SqlExecutor, hashes: readonly Uint8Array[]): Promise<Map<string, EntityId>> {
  if (hashes.length === 0) return new Map();
  const placeholders = hashes.map((_, i) => `$${i + 1}`).join(', ');
  const { rows } = await db.query<{ entity_id: number; hash_value: Uint8Array }>(
    `SELECT entity_id, hash_value FROM component_content_hash_sha256 WHERE hash_value IN (${placeholders})`,
    [...hashes],
  );
  return new Map(rows.map((r) => [toHex(r.hash_value), Number(r.entity_id)]));
}

/**
 * `recordFile` for a batch, in as few statements as the batch allows: one lookup of the known
 * hashes, one insert of the new entities, one bulk insert per component table. Ingest spends
 * its time on per-statement overhead otherwise (BENCHMARKS.md, ingest). Results in input order;
 * a file whose bytes appear earlier in the batch is recorded as a duplicate of that one.
 */
export async function recordFiles(tx: SqlExecutor, files: readonly PreparedFile[], now = new Date()): Promise<IngestResult[]> {
  const known = await entitiesBySha256(tx, [...new Map(files.map((f) => [f.sha256, f.hashes.sha256])).values()]);
  // The first file with new bytes makes the entity (its name is the one shown); the rest are sources.
  const fresh: PreparedFile[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    if (known.has(file.sha256) || seen.has(file.sha256)) continue;
    seen.add(file.sha256);
    fresh.push(file);
  }
  const ids = await ecs.createEntities(tx, fresh.length);
  const components: { entityId: EntityId; component: ComponentInstance<object> }[] = [];
  const add = (entityId: EntityId, component: ComponentInstance<object>) => components.push({ entityId, component });
  const needsMetadata: EntityId[] = [];
  const needsThumbnail: EntityId[] = [];
  const needsArchive: EntityId[] = [];
  const pictures: EntityId[] = [];
  const videos: EntityId[] = [];
  const sounds: EntityId[] = [];
  fresh.forEach((file, i) => {
    const entityId = ids[i]!;
    const { source, hashes } = file;
    add(
      entityId,
      FilePropertiesComponent.create({
        originalFilename: source.name,
        fileSizeBytes: hashes.sizeBytes,
        mimeType: file.mimeType,
        firstSeenAt: now,
      }),
    );
    add(entityId, FileLocationComponent.create({ url: locationOf(file), lastModifiedAt: source.modifiedAt ?? null }));
    add(entityId, ContentHashSHA256Component.create({ hashValue: hashes.sha256 }));
    add(entityId, ContentHashMD5Component.create({ hashValue: hashes.md5 }));
    add(entityId, ContentHashSHA1Component.create({ hashValue: hashes.sha1 }));
    add(entityId, ContentHashCRC32Component.create({ hashValue: hashes.crc32 }));
    add(entityId, ContentHashBLAKE3Component.create({ hashValue: hashes.blake3 }));
    if (file.image) {
      // Header and EXIF were read with the hash: only the decoded thumbnail is left to do.
      for (const component of imageFactComponents(file.image)) add(entityId, component);
      needsThumbnail.push(entityId);
    } else {
      needsMetadata.push(entityId);
    }
    const kind = assetKindOf(file.mimeType);
    if (kind === 'archive') needsArchive.push(entityId);
    else if (kind === 'image') pictures.push(entityId);
    else if (kind === 'video') videos.push(entityId);
    else if (kind === 'audio') sounds.push(entityId);
    known.set(file.sha256, entityId);
  });
  await ecs.addComponentBatch(tx, components);
  await ecs.addMarker(tx, NeedsThumbnailMarker, needsThumbnail);
  await ecs.addMarker(tx, NeedsMetadataExtractionMarker, needsMetadata);
  await ecs.addMarker(tx, NeedsArchiveExtractionMarker, needsArchive);
  await ecs.addMarker(tx, NeedsTextEmbeddingMarker, ids);
  await markNewImagesForAutoTagging(tx, needsThumbnail);
  await markNewForImageUnderstanding(tx, { pictures, videos });
  // A video's sound counts too (seeds §2.6 works on files; the codec reads a video's audio track).
  await ecs.addMarker(tx, NeedsAudioProcessingMarker, [...sounds, ...videos]);
  const created = new Set(fresh);
  const results: IngestResult[] = [];
  for (const file of files) {
    const entityId = known.get(file.sha256)!;
    if (!created.has(file)) await recordAnotherSource(tx, entityId, file, now);
    await recordArchiveMembership(tx, entityId, file.source);
    results.push({ entityId, created: created.has(file), sha256: file.sha256 });
  }
  return results;
}

function locationOf(file: HashedFile): string {
  return file.source.path ?? blobUrl(file.sha256, file.source.name);
}

/** Known bytes from a new source: its location (once per URL) and the earliest first-seen time. */
async function recordAnotherSource(tx: SqlExecutor, entityId: EntityId, file: PreparedFile, now: Date): Promise<void> {
  await tx.query(
    `INSERT INTO component_file_location (entity_id, url, last_modified_at) VALUES ($1, $2, $3)
     ON CONFLICT (entity_id, url) DO NOTHING`,
    [entityId, locationOf(file), file.source.modifiedAt ?? null],
  );
  await tx.query(
    `UPDATE component_file_properties SET first_seen_at = LEAST(COALESCE(first_seen_at, $2), $2), updated_at = now()
      WHERE entity_id = $1`,
    [entityId, now],
  );
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
