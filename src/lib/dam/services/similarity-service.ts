import type { SqlExecutor } from '../../db/database';
import type { PerceptualHashes } from '../media/perceptual-hash';

export const DEFAULT_SIMILARITY_THRESHOLD = 4;

export interface SimilarEntity {
  readonly id: number;
  readonly name: string | null;
  readonly distance: number;
}

export const PERCEPTUAL_HASH_TABLES = [
  'component_image_perceptual_phash',
  'component_image_perceptual_ahash',
  'component_image_perceptual_dhash',
] as const;

/**
 * Images whose pHash, aHash or dHash is within `threshold` bits (Hamming distance) of the
 * query entity's, as the seed does it: the query entity excluded, each entity's smallest
 * distance over the three hashes kept, sorted by (distance, id). One SQL statement, scanned in
 * the database (`bit_count` of the XOR).
 */
export function findSimilarImages(
  db: SqlExecutor,
  entityId: number,
  options: { threshold?: number; limit?: number } = {},
): Promise<SimilarEntity[]> {
  const distances = PERCEPTUAL_HASH_TABLES.map(
    (table) => `SELECT o.entity_id, bit_count((o.hash_value # q.hash_value)::bit(64))::int AS distance
      FROM ${table} q JOIN ${table} o ON o.entity_id <> q.entity_id WHERE q.entity_id = $1`,
  );
  return nearestImages(db, distances, [entityId], options);
}

/**
 * `findSimilarImages` for a picture that is not in the library (the CLI's
 * `find-similar-images FILE`): its perceptual hashes, computed by the caller from the picture
 * decoded as thumbnails are (`THUMBNAIL_SIZE`), against every stored image's.
 */
export function findImagesNearHashes(
  db: SqlExecutor,
  hashes: PerceptualHashes,
  options: { threshold?: number; limit?: number } = {},
): Promise<SimilarEntity[]> {
  // Stored as signed int8 (the column's conversion): the query's hashes go in the same way.
  const values = [hashes.phash, hashes.ahash, hashes.dhash].map((h) => BigInt.asIntN(64, h).toString());
  const distances = PERCEPTUAL_HASH_TABLES.map(
    (table, i) => `SELECT entity_id, bit_count((hash_value # $${i + 1}::bigint)::bit(64))::int AS distance FROM ${table}`,
  );
  return nearestImages(db, distances, values, options);
}

/** Each entity's smallest distance over the `distances` selects (params `$1…`), within the threshold, nearest first. */
async function nearestImages(
  db: SqlExecutor,
  distances: readonly string[],
  params: readonly unknown[],
  options: { threshold?: number; limit?: number },
): Promise<SimilarEntity[]> {
  const threshold = Math.max(0, Math.min(64, Math.floor(options.threshold ?? DEFAULT_SIMILARITY_THRESHOLD)));
  const limit = Math.max(1, Math.min(1000, Math.floor(options.limit ?? 50)));
  const { rows } = await db.query<{ entity_id: number; distance: number; original_filename: string | null }>(
    `SELECT s.entity_id, s.distance, p.original_filename FROM (
       SELECT entity_id, min(distance) AS distance FROM (${distances.join(' UNION ALL ')}) d
        WHERE distance <= $${params.length + 1} GROUP BY entity_id
     ) s LEFT JOIN component_file_properties p ON p.entity_id = s.entity_id
     ORDER BY s.distance, s.entity_id LIMIT ${limit}`,
    [...params, threshold],
  );
  return rows.map((r) => ({ id: Number(r.entity_id), name: r.original_filename, distance: Number(r.distance) }));
}

/**
 * Pairs of images within `threshold` bits on pHash (the most robust of the three), each pair
 * once, for grouping near duplicates. A full self-join: fine for thousands of images; a BK-tree
 * or LSH index is the next step for 100k.
 */
export async function similarImagePairs(db: SqlExecutor, threshold = DEFAULT_SIMILARITY_THRESHOLD): Promise<[number, number, number][]> {
  const { rows } = await db.query<{ a: number; b: number; distance: number }>(
    `SELECT a.entity_id AS a, b.entity_id AS b, bit_count((a.hash_value # b.hash_value)::bit(64))::int AS distance
       FROM component_image_perceptual_phash a JOIN component_image_perceptual_phash b ON a.entity_id < b.entity_id
      WHERE bit_count((a.hash_value # b.hash_value)::bit(64)) <= $1`,
    [threshold],
  );
  return rows.map((r) => [Number(r.a), Number(r.b), Number(r.distance)]);
}
