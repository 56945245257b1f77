import type {
  ComponentInput,
  DamApi,
  IngestFileInput,
  IngestFileResult,
  EntityListOptions,
  EntityView,
  RawExport,
  StoreKind,
  WorldStats,
  WorldSummary,
} from '../api/dam-api';
import { DatabaseOpenError, type SqlExecutor } from '../db/database';
import { appliedMigrationIds } from '../db/migrations';
import { SerialQueue } from '../db/serial-queue';
import {
  assertValidWorldName,
  componentFromInput,
  ecs,
  type ComponentInstance,
  InvalidComponentFieldsError,
  InvalidWorldNameError,
  type World,
} from '../ecs';
import { createDamWorld } from './create-world';
import { DamError } from './errors';
import type { Platform, WorldRecord } from './platform';
import { getEntityView, listEntitySummaries } from './services/entity-view-service';
import { ident } from '../db/sql';
import { BlobStore } from '../storage/blob-store';
import { ingestBytes } from './services/ingest-service';

interface OpenWorld {
  readonly world: World;
  readonly blobs: BlobStore;
  readonly release: () => void;
}

/**
 * The DAM application behind the `DamApi`: the world catalog, the one open world, and the
 * operations the UI may ask for. Environment-agnostic: the worker and Node tests give it a
 * platform. World lifecycle calls are serialized so a switch never races a create or delete.
 */
export class DamApp implements DamApi {
  private open: OpenWorld | null = null;
  private readonly lifecycle = new SerialQueue();

  constructor(private readonly platform: Platform) {}

  async listWorlds(): Promise<WorldSummary[]> {
    return this.platform.catalog.list();
  }

  createWorld(name: string, options: { store?: StoreKind } = {}): Promise<WorldSummary> {
    return this.lifecycle.run(async () => {
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
      // Create the database before listing the world, so a failed create leaves nothing behind.
      const release = await this.platform.lockWorld(name);
      const abandon = async (world?: World) => {
        await world?.close().catch(() => undefined);
        release();
        await this.platform.deleteDatabase(record).catch(() => undefined);
      };
      let world: World;
      try {
        const db = await this.platform.openDatabase(record);
        world = await createDamWorld({ name, databaseUrl: record.databaseUrl }, db, { globalResources: this.platform.globalResources });
      } catch (error) {
        await abandon();
        throw new DamError('WorldOpenError', `Could not create the world "${name}": ${messageOf(error)}`, { cause: error });
      }
      try {
        await this.platform.catalog.add(record);
      } catch (error) {
        await abandon(world);
        throw error;
      }
      // The new world stays open and becomes current: opening it again would cost a second start.
      await this.closeCurrent();
      this.open = { world, blobs: this.attachBlobStore(world, record), release };
      await this.platform.catalog.setLastOpened(name);
      return record;
    });
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
          this.open = { world, blobs: this.attachBlobStore(world, record), release };
        } catch (error) {
          release();
          if (error instanceof DamError) throw error;
          const cause = error instanceof DatabaseOpenError ? error.cause : error;
          throw new DamError('WorldOpenError', `The world "${name}" could not be opened: ${messageOf(cause)}`, { cause: error });
        }
        await this.platform.catalog.setLastOpened(name);
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

  async createEntity(components: readonly ComponentInput[]): Promise<EntityView> {
    const world = this.requireOpen();
    const instances = components.map((c) => this.toInstance(world, c));
    const id = await world.transaction((tx) => insertEntity(tx, instances));
    return (await getEntityView(world.db, id, world.componentTypes()))!;
  }

  async createEntities(entities: readonly (readonly ComponentInput[])[]): Promise<number[]> {
    const world = this.requireOpen();
    const instances = entities.map((components) => components.map((c) => this.toInstance(world, c)));
    return world.transaction(async (tx) => {
      const ids: number[] = [];
      for (const components of instances) ids.push(await insertEntity(tx, components));
      return ids;
    });
  }

  async getEntity(id: number): Promise<EntityView | null> {
    const world = this.requireOpen();
    return getEntityView(world.db, id, world.componentTypes());
  }

  async listEntities(options: EntityListOptions = {}) {
    return listEntitySummaries(this.requireOpen().db, options);
  }

  async deleteEntity(id: number): Promise<boolean> {
    return this.requireOpen().transaction((tx) => ecs.deleteEntity(tx, id));
  }

  async componentNames(): Promise<string[]> {
    return this.requireOpen()
      .componentTypes()
      .map((t) => t.name)
      .sort();
  }

  async ingestFiles(files: readonly IngestFileInput[]): Promise<IngestFileResult[]> {
    const world = this.requireOpen();
    const blobs = this.open!.blobs;
    const results: IngestFileResult[] = [];
    for (const input of files) {
      if (input.file.size === 0) {
        results.push({ name: input.name, entityId: null, created: false, error: 'The file is empty (0 bytes), so nothing was added.' });
        continue;
      }
      try {
        const bytes = new Uint8Array(await input.file.arrayBuffer());
        const modifiedAt = input.lastModified !== undefined ? new Date(input.lastModified) : null;
        const result = await world.transaction((tx) => ingestBytes(tx, blobs, { name: input.name, path: input.path, bytes, modifiedAt }));
        results.push({ name: input.name, entityId: result.entityId, created: result.created, error: null });
      } catch (error) {
        results.push({ name: input.name, entityId: null, created: false, error: `Could not add this file: ${messageOf(error)}` });
      }
    }
    return results;
  }

  async storageReport() {
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

  private async closeCurrent(): Promise<void> {
    const current = this.open;
    if (!current) return;
    this.open = null;
    try {
      await current.world.close();
    } finally {
      current.blobs.close();
      current.release();
    }
  }

  private attachBlobStore(world: World, record: WorldRecord): BlobStore {
    const blobs = this.platform.openBlobStore(record);
    world.addResource(blobs, BlobStore);
    return blobs;
  }

  private async requireRecord(name: string): Promise<WorldRecord> {
    const record = await this.platform.catalog.get(name);
    if (!record) throw new DamError('WorldNotFoundError', `There is no world named "${name}"`);
    return record;
  }

  private requireOpen(): World {
    if (!this.open) throw new DamError('NoWorldOpenError', 'No world is open; open or create one first');
    return this.open.world;
  }

  private toInstance(world: World, input: ComponentInput) {
    const type = world.componentType(input.component);
    if (!type) throw new DamError('UnknownComponentError', `There is no component named "${input.component}"`);
    try {
      return componentFromInput(type, input.fields);
    } catch (error) {
      if (error instanceof InvalidComponentFieldsError) throw new DamError('InvalidComponentFieldsError', error.message);
      throw error;
    }
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

async function insertEntity(tx: SqlExecutor, components: readonly ComponentInstance<object>[]): Promise<number> {
  const entityId = await ecs.createEntity(tx);
  for (const component of components) await ecs.addComponent(tx, entityId, component);
  return entityId;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
