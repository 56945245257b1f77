import type { SqlExecutor } from '../../db/database';

/** The blob keys entities point at (their own bytes and their thumbnails), or every entity's when `ids` is null. */
export async function blobKeysOf(db: SqlExecutor, ids: readonly number[] | null): Promise<string[]> {
  const filter = ids === null ? '' : 'WHERE entity_id = ANY($1::bigint[])';
  const { rows } = await db.query<{ key: string }>(
    `SELECT encode(hash_value, 'hex') AS key FROM component_content_hash_sha256 ${filter}
     UNION SELECT blob_sha256 FROM component_thumbnail ${filter}
     ORDER BY 1`,
    ids === null ? [] : [ids],
  );
  return rows.map((r) => r.key);
}

/** Whether any entity still points at the blob. */
export async function isBlobReferenced(db: SqlExecutor, key: string): Promise<boolean> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM component_content_hash_sha256 WHERE hash_value = decode($1, 'hex'))
          + (SELECT count(*) FROM component_thumbnail WHERE blob_sha256 = $1) AS n`,
    [key],
  );
  return Number(rows[0]?.n ?? 0) > 0;
}
