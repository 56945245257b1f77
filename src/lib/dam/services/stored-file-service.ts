import { isConflictError } from '../../db/conflict';
import type { SqlExecutor } from '../../db/database';
import { ecs, type EntityId } from '../../ecs';
import type { BlobStore } from '../../storage/blob-store';
import { ProcessingErrorComponent } from '../components/media';
import { toHex } from './hash-service';

/** What processing steps need to know of an entity's file. */
export interface StoredFile {
  readonly entityId: EntityId;
  readonly name: string | null;
  readonly mimeType: string | null;
  readonly sizeBytes: number | null;
  readonly sha256: string;
}

/** The stored files of these entities (those without a SHA-256 are left out), in id order. */
export async function loadStoredFiles(db: SqlExecutor, entityIds: readonly EntityId[]): Promise<StoredFile[]> {
  if (entityIds.length === 0) return [];
  const { rows } = await db.query<{
    entity_id: number;
    original_filename: string | null;
    mime_type: string | null;
    file_size_bytes: number | null;
    hash_value: Uint8Array;
  }>(
    `SELECT h.entity_id, p.original_filename, p.mime_type, p.file_size_bytes, h.hash_value
       FROM component_content_hash_sha256 h LEFT JOIN component_file_properties p ON p.entity_id = h.entity_id
      WHERE h.entity_id = ANY($1::bigint[]) ORDER BY h.entity_id`,
    [entityIds],
  );
  return rows.map((r) => ({
    entityId: Number(r.entity_id),
    name: r.original_filename,
    mimeType: r.mime_type,
    sizeBytes: r.file_size_bytes === null ? null : Number(r.file_size_bytes),
    sha256: toHex(r.hash_value),
  }));
}

/** The file's bytes from the store; a clear error when they are gone. */
export async function readStoredBlob(blobs: BlobStore, file: StoredFile): Promise<Blob> {
  const blob = await blobs.get(file.sha256);
  if (!blob) throw new Error(`The stored bytes of ${file.name ?? `entity ${file.entityId}`} are missing`);
  return blob;
}

/** Records why a step failed for an entity, replacing an earlier failure of the same step. */
export async function recordProcessingError(db: SqlExecutor, entityId: EntityId, step: string, error: unknown): Promise<void> {
  // Losing a race to another session on the server is not this file's fault: the whole stage
  // rolls back and runs again (PostgresDatabase.transaction), where it will find its locks free.
  if (isConflictError(error)) throw error;
  const message = error instanceof Error ? error.message : String(error);
  await db.query('DELETE FROM component_processing_error WHERE entity_id = $1 AND step = $2', [entityId, step]);
  await ecs.addComponent(db, entityId, ProcessingErrorComponent.create({ step, message: message.slice(0, 2000) }));
}
