import type { RawExport, StorageReport, StoreKind, WorldStats, WorldSummary } from '../api/dam-api';
import { DatabaseOpenError } from '../db/database';
import { appliedMigrationIds } from '../db/migrations';
import { SerialQueue } from '../db/serial-queue';
import { ident } from '../db/sql';
import { assertValidWorldName, InvalidWorldNameError, type World } from '../ecs';
import { BlobStore } from '../storage/blob-store';
import { createDamWorld } from './create-world';
import { DamError } from './errors';
import { IngestRunner } from './ingest/ingest-runner';
import type { Platform, WorldRecord } from './platform';

export interface OpenWorld {
  readonly world: World;
  readonly blobs: BlobStore;
  readonly runner: IngestRunner;
  readonly release: () => void;
}

/**
 * The world catalog and the one open world: create, open, switch, delete and export worlds,
 * with the open world's blob store and background ingest attached. Environment-agnostic: the
 * worker and Node give it a platform. Lifecycle calls are serialized so a switch never races
 * a create or delete. `DamApp` adds the operations on the open world's contents.
 */
export class WorldHost {
  protected open: OpenWorld | null = null;
  protected readonly lifecycle = new SerialQueue();

  constructor(protected readonly platform: Platform) {}

  async listWorlds(): Promise<WorldSummary[]> {
    return this.platform.catalog.list();
  }

  createWorld(name: string, options: { store?: StoreKind } = {}): Promise<WorldSummary> {
    return this.lifecycle.run(() => this.buildWorld(name, { store: options.store, makeCurrent: true }));
  }

  /**
   * Makes a new world: its database (from the template, or from `dataDir`, a dump being
   * imported), then `fill` (blobs, copied rows), and only then its catalog entry, so a failure
   * anywhere leaves nothing behind. The new world becomes current, or is closed again.
   * Call inside `lifecycle`.
   */
  protected async buildWorld(
    name: string,
    options: {
      store?: StoreKind;
      dataDir?: Blob;
      fill?: (world: World, blobs: BlobStore) => Promise<void>;
      makeCurrent: boolean;
    },
  ): Promise<WorldRecord> {
    try {
      assertValidWorldName(name);
    } catch (error) {
      if (error instanceof InvalidWorldNameError) throw new DamError('InvalidWorldNameError', error.message);
      throw error;
    }
    if (await this.platform.catalog.get(name)) throw new DamError('WorldExistsError', `A world named "${name}" already exists`);
    const store = options.store ?? this.platform.defaultStore;
    const record: WorldRecord = {
      name,
      store,
      databaseUrl: this.platform.databaseUrl(name, store),
      createdAt: new Date().toISOString(),
    };
    const release = await this.platform.lockWorld(name);
    let world: World | undefined;
    let blobs: BlobStore | undefined;
    const abandon = async () => {
      await world?.close().catch(() => undefined);
      blobs?.close();
      release();
      await this.platform.deleteDatabase(record).catch(() => undefined);
    };
    try {
      const db = await this.platform.openDatabase(record, { fresh: true, dataDir: options.dataDir });
      world = await createDamWorld({ name, databaseUrl: record.databaseUrl }, db, { globalResources: this.platform.globalResources });
    } catch (error) {
      await abandon();
      throw new DamError('WorldOpenError', `Could not create the world "${name}": ${messageOf(error)}`, { cause: error });
    }
    try {
      if (options.fill) {
        blobs = this.platform.openBlobStore(record);
        await options.fill(world, blobs);
        await world.db.flush();
      }
      await this.platform.catalog.add(record);
    } catch (error) {
      await abandon();
      throw error;
    }
    blobs?.close();
    if (!options.makeCurrent) {
      await world.close().finally(release);
      return record;
    }
    // The new world stays open and becomes current: opening it again would cost a second start.
    await this.closeCurrent();
    this.open = this.attach(world, record, release);
    await this.platform.catalog.setLastOpened(name);
    return record;
  }

  openWorld(name: string): Promise<WorldStats> {
    return this.lifecycle.run(async () => {
      if (this.open?.world.name !== name) {
        const record = await this.requireRecord(name);
        await this.closeCurrent();
        const release = await this.platform.lockWorld(name);
        try {
          const db = await this.platform.openDatabase(record);
          const world = await createDamWorld({ name, databaseUrl: record.databaseUrl }, db, {
            globalResources: this.platform.globalResources,
          }).catch(async (error: unknown) => {
            await db.close().catch(() => undefined);
            throw error;
          });
          this.open = this.attach(world, record, release);
        } catch (error) {
          release();
          if (error instanceof DamError) throw error;
          const cause = error instanceof DatabaseOpenError ? error.cause : error;
          throw new DamError('WorldOpenError', `The world "${name}" could not be opened: ${messageOf(cause)}`, { cause: error });
        }
        await this.platform.catalog.setLastOpened(name);
        // Files or markers left by a reload or a crash resume by themselves.
        this.open!.runner.kick();
      }
      return this.statsOf(this.requireOpen());
    });
  }

  async currentWorld(): Promise<string | null> {
    return this.open?.world.name ?? null;
  }

  async lastOpenedWorld(): Promise<string | null> {
    return this.platform.catalog.lastOpened();
  }

  deleteWorld(name: string): Promise<void> {
    return this.lifecycle.run(async () => {
      const record = await this.requireRecord(name);
      if (this.open?.world.name === name) await this.closeCurrent();
      await this.platform.deleteDatabase(record);
      await this.platform.catalog.remove(name);
      if ((await this.platform.catalog.lastOpened()) === name) await this.platform.catalog.setLastOpened(null);
    });
  }

  async worldStats(): Promise<WorldStats> {
    return this.statsOf(this.requireOpen());
  }

  async storageReport(): Promise<StorageReport> {
    return this.platform.storageReport();
  }

  exportWorldRaw(name: string): Promise<RawExport> {
    return this.lifecycle.run(async () => {
      const record = await this.requireRecord(name);
      if (this.open?.world.name === name) await this.open.world.db.flush();
      const bytes = await this.platform.exportRawDatabase(record);
      return { fileName: `dam-${name}-raw-${new Date().toISOString().slice(0, 10)}.zip`, bytes };
    });
  }

  /** Closes the open world (for shutdown and tests). */
  close(): Promise<void> {
    return this.lifecycle.run(() => this.closeCurrent());
  }

  protected async closeCurrent(): Promise<void> {
    const current = this.open;
    if (!current) return;
    this.open = null;
    try {
      await current.runner.close();
      await current.world.close();
    } finally {
      current.blobs.close();
      current.release();
    }
  }

  /** The world's blob store (as a resource for its systems) and its background ingest. */
  private attach(world: World, record: WorldRecord, release: () => void): OpenWorld {
    const blobs = this.platform.openBlobStore(record);
    world.addResource(blobs, BlobStore);
    const runner = new IngestRunner(world, blobs, this.platform.openIngestQueue(record));
    return { world, blobs, runner, release };
  }

  protected requireOpenWorld(): OpenWorld {
    this.requireOpen();
    return this.open!;
  }

  protected async requireRecord(name: string): Promise<WorldRecord> {
    const record = await this.platform.catalog.get(name);
    if (!record) throw new DamError('WorldNotFoundError', `There is no world named "${name}"`);
    return record;
  }

  protected requireOpen(): World {
    if (!this.open) throw new DamError('NoWorldOpenError', 'No world is open; open or create one first');
    return this.open.world;
  }

  private async statsOf(world: World): Promise<WorldStats> {
    const record = await this.requireRecord(world.name);
    const types = world.componentTypes();
    const counts = types.map((t) => `SELECT '${t.name}' AS name, count(*)::int AS n FROM ${ident(t.table)}`);
    const { rows } = await world.db.query<{ name: string; n: number }>(
      [`SELECT 'entities' AS name, count(*)::int AS n FROM entities`, ...counts].join(' UNION ALL '),
    );
    const componentCounts: Record<string, number> = {};
    let entityCount = 0;
    for (const row of rows) {
      if (row.name === 'entities') entityCount = row.n;
      else componentCounts[row.name] = row.n;
    }
    return {
      name: world.name,
      store: record.store,
      entityCount,
      componentCounts,
      pendingWork: await world.pendingWork(),
      appliedMigrations: await appliedMigrationIds(world.db),
    };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
