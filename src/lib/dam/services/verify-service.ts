import type { VerifyReport } from '../../api/dam-api';
import type { SqlExecutor } from '../../db/database';
import type { BlobStore } from '../../storage/blob-store';
import { sha256OfBlob } from './hash-service';

/**
 * Re-hashes every stored original and lists those whose bytes are missing or no longer hash to
 * their key (bit rot, a damaged store). Reads one blob at a time in 4 MB slices.
 */
export async function verifyBlobs(
  db: SqlExecutor,
  blobs: BlobStore,
  onProgress?: (checked: number, total: number) => void,
): Promise<VerifyReport> {
  const { rows } = await db.query<{ entity_id: number; key: string; original_filename: string | null }>(
    `SELECT h.entity_id, encode(h.hash_value, 'hex') AS key, p.original_filename
       FROM component_content_hash_sha256 h LEFT JOIN component_file_properties p ON p.entity_id = h.entity_id ORDER BY h.entity_id`,
  );
  const problems: VerifyReport['problems'][number][] = [];
  let bytesChecked = 0;
  let checked = 0;
  for (const row of rows) {
    const blob = await blobs.get(row.key);
    const base = { entityId: Number(row.entity_id), name: row.original_filename, sha256: row.key };
    if (!blob) problems.push({ ...base, problem: 'missing' });
    else {
      bytesChecked += blob.size;
      if ((await sha256OfBlob(blob)) !== row.key) problems.push({ ...base, problem: 'mismatch' });
    }
    checked++;
    onProgress?.(checked, rows.length);
  }
  return { checked, bytesChecked, problems };
}
