import type { SqlExecutor } from '../../db/database';
import { withSavepoint } from '../../db/savepoint';
import type { BlobStore } from '../../storage/blob-store';
import { readZipDirectory, readZipEntry } from '../media/zip-reader';
import { archiveMemberUrl, prepareFile, recordFile } from './ingest-service';
import { readStoredBlob, recordProcessingError, type StoredFile } from './stored-file-service';

/** Members larger than this are left out (each is unpacked into memory or a Blob). */
export const MAX_MEMBER_BYTES = 1024 * 1024 * 1024;

export interface ArchiveExtraction {
  readonly members: number;
  readonly created: number;
  readonly failed: readonly { readonly path: string; readonly message: string }[];
}

/**
 * Adds every member of a zip archive as an entity of its own (deduplicated like any file),
 * linked to the archive by an archive-member component. A member that cannot be unpacked is
 * recorded as an error on the archive; the others still go in. Throws when the archive's
 * directory cannot be read at all.
 */
export async function extractArchiveMembers(tx: SqlExecutor, blobs: BlobStore, archive: StoredFile): Promise<ArchiveExtraction> {
  const blob = await readStoredBlob(blobs, archive);
  const entries = await readZipDirectory(blob);
  const { rows } = await tx.query<{ url: string }>('SELECT url FROM component_file_location WHERE entity_id = $1 ORDER BY id LIMIT 1', [
    archive.entityId,
  ]);
  const archiveLocation = rows[0]?.url ?? archive.name ?? `entity-${archive.entityId}`;
  const failed: { path: string; message: string }[] = [];
  let members = 0;
  let created = 0;
  for (const entry of entries) {
    if (entry.isDirectory) continue;
    try {
      const memberBlob = await readZipEntry(blob, entry, MAX_MEMBER_BYTES);
      if (memberBlob.size === 0) continue;
      const prepared = await prepareFile(blobs, {
        name: entry.path.split('/').pop() || entry.path,
        path: archiveMemberUrl(archiveLocation, entry.path),
        blob: memberBlob,
        modifiedAt: entry.modifiedAt,
        archive: { archiveEntityId: archive.entityId, pathInArchive: entry.path, compressedSizeBytes: entry.compressedSize },
      });
      const result = await withSavepoint(tx, () => recordFile(tx, prepared));
      members++;
      if (result.created) created++;
    } catch (error) {
      failed.push({ path: entry.path, message: error instanceof Error ? error.message : String(error) });
    }
  }
  if (failed.length > 0) {
    const list = failed
      .slice(0, 10)
      .map((f) => `${f.path}: ${f.message}`)
      .join('; ');
    await recordProcessingError(tx, archive.entityId, 'archive', `${failed.length} member(s) could not be added: ${list}`);
  }
  return { members, created, failed };
}
