import type { Database, SqlExecutor } from '../../db/database';
import { ecs } from '../../ecs';
import type { BlobStore } from '../../storage/blob-store';

/** The blob keys an entity points at: its own bytes and its thumbnail. */
async function blobKeysOf(db: SqlExecutor, entityId: number): Promise<string[]> {
  const { rows } = await db.query<{ key: string }>(
    `SELECT encode(hash_value, 'hex') AS key FROM component_content_hash_sha256 WHERE entity_id = $1
     UNION SELECT blob_sha256 FROM component_thumbnail WHERE entity_id = $1`,
    [entityId],
  );
  return rows.map((r) => r.key);
}

async function isReferenced(db: SqlExecutor, key: string): Promise<boolean> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM component_content_hash_sha256 WHERE hash_value = decode($1, 'hex'))
          + (SELECT count(*) FROM component_thumbnail WHERE blob_sha256 = $1) AS n`,
    [key],
  );
  return Number(rows[0]?.n ?? 0) > 0;
}

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
      for (const key of await blobKeysOf(tx, id)) keys.add(key);
      if (await ecs.deleteEntity(tx, id)) deleted.push(id);
    }
    return { deleted, keys };
  });
  let blobsRemoved = 0;
  for (const key of keys) {
    if (!(await isReferenced(db, key)) && (await blobs.delete(key))) blobsRemoved++;
  }
  return { deleted, blobsRemoved };
}
