import type { SqlExecutor } from '../../db/database';
import { appliedMigrationIds } from '../../db/migrations';
import type { World } from '../../ecs';
import type { BlobStore } from '../../storage/blob-store';
import { DamError } from '../errors';
import { blobKeysOf } from '../services/blob-keys-service';
import { getWorldSetting, setWorldSetting } from '../services/world-settings-service';
import { buildWorldArchive, type ArchiveProgress } from './world-archive';

/** When the world was last exported, kept in the world for the backup reminder. */
export interface LastExport {
  readonly at: string;
  readonly fileName: string;
  readonly bytes: number;
}

const LAST_EXPORT = 'lastExport';

export function lastExport(db: SqlExecutor): Promise<LastExport | null> {
  return getWorldSetting<LastExport | null>(db, LAST_EXPORT, null);
}

export interface WorldExport {
  readonly fileName: string;
  readonly archive: Blob;
  readonly assetCount: number;
  readonly blobCount: number;
}

export function exportFileName(world: string, at: Date): string {
  return `dam-${world}-${at.toISOString().slice(0, 10)}.damworld.tar`;
}

/**
 * The world as one archive (see world-archive.ts). The database is dumped in the same breath as
 * its blob keys are read, so the archive holds exactly the bytes its rows point at even while
 * ingest goes on. A blob the store has lost stops the export with its key.
 */
export async function exportWorldArchive(
  world: World,
  blobs: BlobStore,
  onProgress?: (p: ArchiveProgress) => void,
  /** Where the export date is kept, when `world` is a stand-in copy of the real one. */
  settingsDb: SqlExecutor = world.db,
): Promise<WorldExport> {
  if (!world.db.snapshot)
    throw new DamError('WorldOpenError', `The world "${world.name}" is on a server database; export it with the server's tools`);
  const { dataDir, value } = await world.db.snapshot(async (db) => ({
    keys: await blobKeysOf(db, null),
    migrations: await appliedMigrationIds(db),
    assetCount: Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM component_content_hash_sha256')).rows[0]?.n ?? 0),
  }));
  const stored: { sha256: string; data: Blob }[] = [];
  for (const sha256 of value.keys) {
    const data = await blobs.get(sha256);
    if (!data)
      throw new DamError(
        'BlobIntegrityError',
        `The stored copy of blob ${sha256} is missing, so the export stopped. Run Verify in Settings to find the files affected.`,
      );
    stored.push({ sha256, data });
  }
  const at = new Date();
  const archive = await buildWorldArchive({
    world: world.name,
    migrations: value.migrations,
    assetCount: value.assetCount,
    database: dataDir,
    blobs: stored,
    exportedAt: at,
    onProgress,
  });
  const fileName = exportFileName(world.name, at);
  await setWorldSetting(settingsDb, LAST_EXPORT, { at: at.toISOString(), fileName, bytes: archive.size } satisfies LastExport);
  return { fileName, archive, assetCount: value.assetCount, blobCount: stored.length };
}
