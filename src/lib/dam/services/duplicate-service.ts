import type { DuplicateReport, ExactDuplicate, NearDuplicateGroup } from '../../api/dam-api';
import type { SqlExecutor } from '../../db/database';
import { DEFAULT_SIMILARITY_THRESHOLD, similarImagePairs } from './similarity-service';

/** Entities found in more than one place: one copy of the bytes, several locations. */
async function exactDuplicates(db: SqlExecutor): Promise<ExactDuplicate[]> {
  const { rows } = await db.query<{ entity_id: number; original_filename: string | null; file_size_bytes: number | null; urls: string[] }>(
    `SELECT l.entity_id, p.original_filename, p.file_size_bytes, array_agg(l.url ORDER BY l.url) AS urls
       FROM component_file_location l LEFT JOIN component_file_properties p ON p.entity_id = l.entity_id
      GROUP BY l.entity_id, p.original_filename, p.file_size_bytes HAVING count(*) > 1 ORDER BY l.entity_id`,
  );
  return rows.map((r) => ({
    entityId: Number(r.entity_id),
    name: r.original_filename,
    sizeBytes: r.file_size_bytes === null ? null : Number(r.file_size_bytes),
    locations: r.urls,
  }));
}

/** Union-find over similar pairs: images connected by a chain of near matches form a group. */
function groupPairs(pairs: readonly [number, number, number][]): number[][] {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let root = x;
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  for (const [a, b] of pairs) {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
  }
  const groups = new Map<number, number[]>();
  for (const id of parent.keys()) {
    const root = find(id);
    groups.set(root, [...(groups.get(root) ?? []), id]);
  }
  return [...groups.values()];
}

/**
 * Exact duplicates and near duplicates (pHash within `threshold`). In a near group the
 * suggested keeper comes first: the most pixels, then the largest file, then the oldest.
 */
export async function duplicateReport(db: SqlExecutor, threshold = DEFAULT_SIMILARITY_THRESHOLD): Promise<DuplicateReport> {
  const exact = await exactDuplicates(db);
  const groups = groupPairs(await similarImagePairs(db, threshold));
  const ids = groups.flat();
  if (ids.length === 0) return { exact, near: [] };
  const { rows } = await db.query<{
    entity_id: number;
    original_filename: string | null;
    file_size_bytes: number | null;
    pixels: number | null;
    phash: string;
  }>(
    `SELECT h.entity_id, p.original_filename, p.file_size_bytes, (d.width_pixels::bigint * d.height_pixels) AS pixels, h.hash_value::text AS phash
       FROM component_image_perceptual_phash h
       LEFT JOIN component_file_properties p ON p.entity_id = h.entity_id
       LEFT JOIN component_image_dimensions d ON d.entity_id = h.entity_id
      WHERE h.entity_id = ANY($1::bigint[])`,
    [ids],
  );
  const info = new Map(rows.map((r) => [Number(r.entity_id), r]));
  const near: NearDuplicateGroup[] = groups.map((group) => {
    const ordered = [...group].sort((a, b) => {
      const x = info.get(a)!;
      const y = info.get(b)!;
      return Number(y.pixels ?? 0) - Number(x.pixels ?? 0) || Number(y.file_size_bytes ?? 0) - Number(x.file_size_bytes ?? 0) || a - b;
    });
    const keeper = BigInt(info.get(ordered[0]!)!.phash);
    return {
      members: ordered.map((id) => {
        const r = info.get(id)!;
        return {
          id,
          name: r.original_filename,
          sizeBytes: r.file_size_bytes === null ? null : Number(r.file_size_bytes),
          distance: popcount(BigInt.asUintN(64, BigInt(r.phash) ^ keeper)),
        };
      }),
    };
  });
  near.sort((a, b) => a.members[0]!.id - b.members[0]!.id);
  return { exact, near };
}

function popcount(value: bigint): number {
  let count = 0;
  for (let v = value; v > 0n; v >>= 1n) count += Number(v & 1n);
  return count;
}
