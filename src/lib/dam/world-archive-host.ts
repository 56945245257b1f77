import type { StoreKind } from '../api/dam-api';
import type {
  BackupStatus,
  WorldArchiveProgress,
  WorldExportResult,
  WorldImportResult,
  WorldSplitResult,
  WorldTransferResult,
} from '../api/world-types';
import { MigrationsFromNewerVersionError } from '../db/migrations';
import { PgliteDatabase } from '../db/pglite-database';
import type { World } from '../ecs';
import type { BlobStore } from '../storage/blob-store';
import { createDamWorld } from './create-world';
import { DamError } from './errors';
import { assetIdsMatching, parseSearch } from './services/asset-query-service';
import { deleteEntities } from './services/delete-service';
import { verifyWorldArchive, type VerifiedWorldArchive } from './worlds/world-archive';
import { exportWorldArchive, lastExport } from './worlds/world-export';
import { transferAssets, type BlobSource } from './worlds/world-transfer';
import { WorldHost } from './world-host';
import type { WorldRecord } from './platform';
import { copyDatabaseRows } from './worlds/database-copy';
import type { QueryContext } from './query/query-sql';

/** Puts a verified archive's blobs into a store, a batch at a time. */
async function restoreBlobs(archive: VerifiedWorldArchive, blobs: BlobStore): Promise<void> {
  const BATCH = 256;
  for (let i = 0; i < archive.blobKeys.length; i += BATCH) {
    const keys = archive.blobKeys.slice(i, i + BATCH);
    await blobs.putMany(keys.map((sha256) => ({ sha256, data: archive.blob(sha256) })));
  }
}

/** An archive from a newer DAM, told apart from other failures to build its world. */
function newerVersionError(error: unknown): DamError | null {
  const cause = error instanceof DamError ? error.cause : error;
  if (!(cause instanceof MigrationsFromNewerVersionError)) return null;
  return new DamError(
    'DamagedArchiveError',
    `This world archive was written by a newer version of DAM (its database has ${cause.migrationIds.join(', ')}). Update the app, then import it. Nothing was changed.`,
  );
}

/**
 * Whole-world operations on top of the catalog: export to one archive, import one (checked in
 * full first), merge another world or archive into the open one, and split the open world's
 * search results into a new world.
 */
export class WorldArchiveHost extends WorldHost {
  exportWorld(onProgress?: (progress: WorldArchiveProgress) => void): Promise<WorldExportResult> {
    return this.lifecycle.run(async () => {
      const { world, blobs } = this.requireOpenWorld();
      if (world.db.snapshot) return exportWorldArchive(world, blobs, onProgress);
      // A server database has no data directory PGlite could load: copy its rows into an
      // embedded one first, read in one snapshot so ingest running meanwhile cannot tear it.
      const embedded = await createDamWorld({ name: world.name, databaseUrl: 'memory://' }, await PgliteDatabase.open('memory://'), {
        globalResources: this.platform.globalResources,
      });
      try {
        await world.db.transaction(async (tx) => {
          await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
          await embedded.db.transaction((target) => copyDatabaseRows(tx, target));
        });
        return await exportWorldArchive(embedded, blobs, onProgress, world.db);
      } finally {
        await embedded.close();
      }
    });
  }

  async backupStatus(): Promise<BackupStatus> {
    const db = this.requireOpen().db;
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM component_content_hash_sha256');
    return { lastExport: await lastExport(db), assetCount: rows[0]?.n ?? 0 };
  }

  /**
   * A new world from an archive, named as the archive says unless `name` is given. Every
   * checksum is checked before anything is written; the new world becomes current.
   */
  importWorld(
    archive: Blob,
    options: { name?: string; store?: StoreKind } = {},
    onProgress?: (progress: WorldArchiveProgress) => void,
  ): Promise<WorldImportResult> {
    return this.lifecycle.run(async () => {
      const verified = await verifyWorldArchive(archive, onProgress);
      const name = options.name ?? verified.manifest.world;
      if (await this.platform.catalog.get(name))
        throw new DamError(
          'WorldExistsError',
          `A world named "${name}" already exists: delete it first, or import the archive under another name`,
        );
      const store = options.store ?? this.platform.defaultStore;
      const record =
        store === 'postgres'
          ? await this.buildServerWorldFromArchive(name, verified)
          : await this.buildWorld(name, {
              store,
              dataDir: verified.database,
              fill: (_world, blobs) => restoreBlobs(verified, blobs),
              makeCurrent: true,
            }).catch((error: unknown) => {
              throw newerVersionError(error) ?? error;
            });
      return { world: record, assetCount: verified.manifest.assetCount, blobCount: verified.blobKeys.length };
    });
  }

  /**
   * Copies another world (on this device, or an archive) into the open one, add-new only:
   * deduplicated by SHA-256, tags joined by name. All or nothing: the open world's rows go in
   * one transaction.
   */
  mergeWorld(
    source: { readonly world: string } | { readonly archive: Blob },
    onProgress?: (progress: WorldArchiveProgress) => void,
  ): Promise<WorldTransferResult> {
    return this.lifecycle.run(async () => {
      const target = this.requireOpenWorld();
      if ('world' in source && source.world === target.world.name)
        throw new DamError('InvalidWorldNameError', 'A world cannot be merged into itself');
      const opened = 'world' in source ? await this.openSourceWorld(source.world) : await this.openArchiveWorld(source.archive, onProgress);
      try {
        const report = await target.world.db.transaction((tx) =>
          transferAssets(opened.world.db, opened.blobs, tx, target.blobs, { componentTypes: target.world.componentTypes() }),
        );
        target.runner.kick();
        return report;
      } finally {
        await opened.close();
      }
    });
  }

  /**
   * A new world holding the open world's assets that match `query` (with their tags, metadata
   * and bytes). With `move`, they are then deleted from the open world.
   */
  splitWorld(options: { query: string; name: string; move?: boolean; context?: QueryContext }): Promise<WorldSplitResult> {
    return this.lifecycle.run(async () => {
      const source = this.requireOpenWorld();
      if (!parseSearch(options.query))
        throw new DamError('InvalidQueryError', 'Give a search to split by: an empty one would copy the whole world');
      const ids = await assetIdsMatching(source.world.db, { search: options.query }, options.context);
      let report: WorldTransferResult | undefined;
      const record = await this.buildWorld(options.name, {
        makeCurrent: false,
        fill: async (world, blobs) => {
          report = await world.db.transaction((tx) =>
            transferAssets(source.world.db, (key) => source.blobs.get(key), tx, blobs, {
              assetIds: ids,
              componentTypes: world.componentTypes(),
            }),
          );
        },
      });
      const removed = options.move ? (await deleteEntities(source.world.db, source.blobs, ids)).deleted.length : 0;
      return { ...report!, world: record, removedFromSource: removed };
    });
  }

  /**
   * A server world cannot load PGlite's files: the archive's database is opened in memory
   * (migrated to this version) and its rows are copied into the new world's, in one transaction.
   */
  private async buildServerWorldFromArchive(name: string, verified: VerifiedWorldArchive): Promise<WorldRecord> {
    const source = await this.openVerifiedArchiveWorld(verified);
    try {
      return await this.buildWorld(name, {
        store: 'postgres',
        fill: async (world, blobs) => {
          await restoreBlobs(verified, blobs);
          await world.db.transaction((tx) => copyDatabaseRows(source.world.db, tx));
        },
        makeCurrent: true,
      });
    } finally {
      await source.close();
    }
  }

  private async openSourceWorld(name: string): Promise<{ world: World; blobs: BlobSource; close: () => Promise<void> }> {
    const record = await this.requireRecord(name);
    const release = await this.platform.lockWorld(name);
    let world: World;
    try {
      const db = await this.platform.openDatabase(record);
      world = await createDamWorld({ name, databaseUrl: record.databaseUrl }, db, { globalResources: this.platform.globalResources });
    } catch (error) {
      release();
      throw new DamError('WorldOpenError', `The world "${name}" could not be opened to merge it: ${String(error)}`, { cause: error });
    }
    const blobs = this.platform.openBlobStore(record);
    return {
      world,
      blobs: (key) => blobs.get(key),
      close: async () => {
        blobs.close();
        await world.close().finally(release);
      },
    };
  }

  /** An archive's database, loaded in memory (and brought up to this version's schema). */
  private async openArchiveWorld(
    archive: Blob,
    onProgress?: (progress: WorldArchiveProgress) => void,
  ): Promise<{ world: World; blobs: BlobSource; close: () => Promise<void> }> {
    return this.openVerifiedArchiveWorld(await verifyWorldArchive(archive, onProgress));
  }

  private async openVerifiedArchiveWorld(
    verified: VerifiedWorldArchive,
  ): Promise<{ world: World; blobs: BlobSource; close: () => Promise<void> }> {
    const db = await PgliteDatabase.open('memory://', { loadDataDir: verified.database });
    const world = await createDamWorld({ name: verified.manifest.world, databaseUrl: 'memory://' }, db, {
      globalResources: this.platform.globalResources,
    }).catch(async (error: unknown) => {
      await db.close().catch(() => undefined);
      throw newerVersionError(error) ?? error;
    });
    const keys = new Set(verified.blobKeys);
    return { world, blobs: async (key) => (keys.has(key) ? verified.blob(key) : null), close: () => world.close() };
  }
}
