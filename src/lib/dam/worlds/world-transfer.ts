import type { WorldTransferResult } from '../../api/world-types';
import type { SqlExecutor } from '../../db/database';
import type { ComponentType } from '../../ecs';
import type { BlobStore } from '../../storage/blob-store';
import { blobKeysOf } from '../services/blob-keys-service';
import { EntityTagLinkComponent, TagConceptComponent } from '../components/tags';
import { allocateEntities, copyComponentRows, existingTables } from './component-copy';

/** Where the source world's bytes come from: its blob store, or a verified archive. */
export type BlobSource = (sha256: string) => Promise<Blob | null>;

/** What a transfer copied (the API's merge and split results). */
export type TransferReport = WorldTransferResult;

export interface TransferOptions {
  /** The source assets to copy; all of them when absent. */
  readonly assetIds?: readonly number[];
  /** Every component type the worlds know (the target world's registry). */
  readonly componentTypes: readonly ComponentType<object>[];
  readonly onProgress?: (done: number, total: number) => void;
}

const BATCH = 500;
const BLOB_BATCH_BYTES = 64 * 1024 * 1024;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Tags by name: the target's tag for each source tag, creating (with its relations) those it lacks. */
async function mapTags(
  source: SqlExecutor,
  target: SqlExecutor,
  types: readonly ComponentType<object>[],
  map: Map<number, number>,
): Promise<number> {
  const { rows: sourceTags } = await source.query<{ entity_id: number; tag_name: string }>(
    `SELECT entity_id, tag_name FROM ${TagConceptComponent.table} ORDER BY entity_id`,
  );
  const { rows: targetTags } = await target.query<{ entity_id: number; tag_name: string }>(
    `SELECT entity_id, tag_name FROM ${TagConceptComponent.table} WHERE tag_name = ANY($1::text[])`,
    [sourceTags.map((t) => t.tag_name)],
  );
  const byName = new Map(targetTags.map((t) => [t.tag_name, Number(t.entity_id)]));
  const fresh = sourceTags.filter((t) => !byName.has(t.tag_name)).map((t) => Number(t.entity_id));
  for (const t of sourceTags) if (byName.has(t.tag_name)) map.set(Number(t.entity_id), byName.get(t.tag_name)!);
  const ids = await allocateEntities(target, fresh.length);
  fresh.forEach((id, i) => map.set(id, ids[i]!));
  // The new tags' own components (concept, parents, siblings): relations to tags the target
  // already had are kept, since those map by name too.
  for (const type of types) await copyComponentRows(source, target, type, fresh, map);
  return fresh.length;
}

/** Copies the blobs the target lacks, a batch at a time. */
async function copyBlobs(keys: readonly string[], from: BlobSource, to: BlobStore): Promise<{ copied: number; missing: number }> {
  let copied = 0;
  let missing = 0;
  let batch: { sha256: string; data: Blob }[] = [];
  let batchBytes = 0;
  const flush = async () => {
    copied += (await to.putMany(batch)).size;
    batch = [];
    batchBytes = 0;
  };
  for (const key of keys) {
    if (await to.has(key)) continue;
    const data = await from(key);
    if (!data) {
      missing++;
      continue;
    }
    batch.push({ sha256: key, data });
    batchBytes += data.size;
    if (batchBytes >= BLOB_BATCH_BYTES || batch.length >= BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  return { copied, missing };
}

/**
 * Copies assets from one world into another, add-new only: an asset the target already holds
 * (same SHA-256) is kept as it is and gains only the manual tags it lacks; a new asset comes
 * with every component it has (metadata, hashes, thumbnails, embeddings, tags, pending-work
 * markers, which the target then works through). Tags are joined by name. The target's rows
 * are written through `target`, which the caller runs in one transaction; blobs are stored
 * first, so a row never points at bytes the target lacks.
 */
export async function transferAssets(
  source: SqlExecutor,
  sourceBlobs: BlobSource,
  target: SqlExecutor,
  targetBlobs: BlobStore,
  options: TransferOptions,
): Promise<TransferReport> {
  const present = await existingTables(source);
  const types = options.componentTypes.filter((t) => present.has(t.table));
  const { rows: assets } = await source.query<{ entity_id: number; key: string }>(
    `SELECT entity_id, encode(hash_value, 'hex') AS key FROM component_content_hash_sha256
      ${options.assetIds ? 'WHERE entity_id = ANY($1::bigint[])' : ''} ORDER BY entity_id`,
    options.assetIds ? [options.assetIds] : [],
  );
  const { rows: known } = await target.query<{ entity_id: number; key: string }>(
    `SELECT entity_id, encode(hash_value, 'hex') AS key FROM component_content_hash_sha256
      WHERE hash_value = ANY(SELECT decode(k, 'hex') FROM unnest($1::text[]) AS k)`,
    [assets.map((a) => a.key)],
  );
  const targetByKey = new Map(known.map((k) => [k.key, Number(k.entity_id)]));
  const map = new Map<number, number>();
  const tagsCreated = await mapTags(source, target, types, map);

  const fresh = assets.filter((a) => !targetByKey.has(a.key)).map((a) => Number(a.entity_id));
  const duplicates = assets.filter((a) => targetByKey.has(a.key));
  const ids = await allocateEntities(target, fresh.length);
  fresh.forEach((id, i) => map.set(id, ids[i]!));
  for (const d of duplicates) map.set(Number(d.entity_id), targetByKey.get(d.key)!);

  const blobs = await copyBlobs(await blobKeysOf(source, fresh), sourceBlobs, targetBlobs);
  const assetTypes = types.filter((t) => t.table !== TagConceptComponent.table);
  let done = 0;
  for (const batch of chunks(fresh, BATCH)) {
    for (const type of assetTypes) await copyComponentRows(source, target, type, batch, map);
    done += batch.length;
    options.onProgress?.(done, assets.length);
  }
  const tagLinksAdded = await addMissingTagLinks(
    source,
    target,
    duplicates.map((d) => Number(d.entity_id)),
    map,
  );
  options.onProgress?.(assets.length, assets.length);
  return {
    added: fresh.length,
    alreadyPresent: duplicates.length,
    tagsCreated,
    tagLinksAdded,
    blobsCopied: blobs.copied,
    blobsMissing: blobs.missing,
  };
}

/** The manual tags (with values) that assets present in both worlds have only in the source. */
async function addMissingTagLinks(
  source: SqlExecutor,
  target: SqlExecutor,
  ids: readonly number[],
  map: Map<number, number>,
): Promise<number> {
  let added = 0;
  for (const batch of chunks(ids, BATCH)) {
    const { rows } = await source.query<{ entity_id: number; tag_concept_entity_id: number; tag_value: string | null }>(
      `SELECT entity_id, tag_concept_entity_id, tag_value FROM ${EntityTagLinkComponent.table} WHERE entity_id = ANY($1::bigint[])`,
      [batch],
    );
    if (rows.length === 0) continue;
    const { rows: inserted } = await target.query<{ n: number }>(
      `WITH wanted AS (SELECT DISTINCT * FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS w(entity_id, tag_id, tag_value)),
            ins AS (
              INSERT INTO ${EntityTagLinkComponent.table} (entity_id, tag_concept_entity_id, tag_value)
              SELECT w.entity_id, w.tag_id, w.tag_value FROM wanted w
               WHERE NOT EXISTS (SELECT 1 FROM ${EntityTagLinkComponent.table} l
                 WHERE l.entity_id = w.entity_id AND l.tag_concept_entity_id = w.tag_id AND l.tag_value IS NOT DISTINCT FROM w.tag_value)
              RETURNING 1)
       SELECT count(*)::int AS n FROM ins`,
      [
        rows.map((r) => map.get(Number(r.entity_id))),
        rows.map((r) => map.get(Number(r.tag_concept_entity_id))),
        rows.map((r) => r.tag_value),
      ],
    );
    added += inserted[0]?.n ?? 0;
  }
  return added;
}
