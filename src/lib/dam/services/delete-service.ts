import type { Database } from '../../db/database';
import { ecs } from '../../ecs';
import type { BlobStore } from '../../storage/blob-store';
import { blobKeysOf, isBlobReferenced } from './blob-keys-service';

/**
 * Deletes entities (their components go with them), then drops every blob no remaining entity
 * needs. Blobs go only after the transaction commits: a rollback must never leave a row whose
 * bytes are gone. Returns the entities deleted and whether any of their bytes were dropped.
 */
export async function deleteEntities(
  db: Database,
  blobs: BlobStore,
  entityIds: readonly number[],
): Promise<{ deleted: number[]; blobsRemoved: number }> {
  const { deleted, keys } = await db.transaction(async (tx) => {
    const deleted: number[] = [];
    const keys = new Set<string>();
    for (const id of entityIds) {
      for (const key of await blobKeysOf(tx, [id])) keys.add(key);
      if (await ecs.deleteEntity(tx, id)) deleted.push(id);
    }
    return { deleted, keys };
  });
  let blobsRemoved = 0;
  for (const key of keys) {
    if (!(await isBlobReferenced(db, key)) && (await blobs.delete(key))) blobsRemoved++;
  }
  return { deleted, blobsRemoved };
}
