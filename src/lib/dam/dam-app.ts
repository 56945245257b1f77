import type {
  AssetDetail,
  AssetFile,
  AssetPage,
  AssetQuery,
  DeleteResult,
  DuplicateReport,
  IngestStatus,
  SimilarImage,
  VerifyReport,
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
import { prepareFile, recordFile } from './services/ingest-service';
import { IngestRunner } from './ingest/ingest-runner';
import { IngestProgress } from './ingest/ingest-progress';
import { describeIngestError } from './ingest/ingest-errors';
import { getAssetCard, listAssets, sha256Of } from './services/asset-query-service';
import { getAssetDetail } from './services/asset-detail-service';
import { deleteEntities } from './services/delete-service';
import { duplicateReport } from './services/duplicate-service';
import { findSimilarImages } from './services/similarity-service';
import { verifyBlobs } from './services/verify-service';

interface OpenWorld {
  readonly world: World;
  readonly blobs: BlobStore;
  readonly runner: IngestRunner;
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
      this.open = this.attach(world, record, release);
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
    const { world, blobs } = this.requireOpenWorld();
    const results: IngestFileResult[] = [];
    for (const input of files) {
      try {
        const modifiedAt = input.lastModified !== undefined ? new Date(input.lastModified) : null;
        const prepared = await prepareFile(blobs, { name: input.name, path: input.path, blob: input.file, modifiedAt });
        const result = await world.transaction((tx) => recordFile(tx, prepared));
        results.push({ name: input.name, entityId: result.entityId, created: result.created, error: null });
      } catch (error) {
        results.push({ name: input.name, entityId: null, created: false, error: describeIngestError(error) });
      }
    }
    return results;
  }

  /** Runs the stages until no marked work is left (Node, tests; the browser's runner does this). */
  async processPending(): Promise<number> {
    return this.requireOpen().runPending();
  }

  async enqueueFiles(files: readonly IngestFileInput[]): Promise<{ queued: number }> {
    const { runner } = this.requireOpenWorld();
    await runner.enqueue(files.map((f) => ({ name: f.name, path: f.path, file: f.file, lastModified: f.lastModified })));
    return { queued: files.length };
  }

  /** Resolves when the background ingest has nothing left to do. */
  async ingestIdle(): Promise<void> {
    await this.requireOpenWorld().runner.idle();
  }

  async ingestStatus(): Promise<IngestStatus> {
    if (!this.open) return new IngestProgress().snapshot();
    return this.open.runner.progress.snapshot();
  }

  async cancelIngest(): Promise<void> {
    await this.open?.runner.cancel();
  }

  async clearIngestResults(): Promise<void> {
    this.open?.runner.progress.clearResults();
  }

  async listAssets(query: AssetQuery = {}): Promise<AssetPage> {
    return listAssets(this.requireOpen().db, query);
  }

  async getAsset(id: number): Promise<AssetDetail | null> {
    return getAssetDetail(this.requireOpen(), id);
  }

  async getThumbnail(id: number): Promise<Blob | null> {
    const { world, blobs } = this.requireOpenWorld();
    const { rows } = await world.db.query<{ blob_sha256: string; mime_type: string }>(
      'SELECT blob_sha256, mime_type FROM component_thumbnail WHERE entity_id = $1',
      [id],
    );
    const row = rows[0];
    if (!row) return null;
    const blob = await blobs.get(row.blob_sha256);
    return blob ? new Blob([blob], { type: row.mime_type }) : null;
  }

  async getOriginal(id: number): Promise<AssetFile | null> {
    const { world, blobs } = this.requireOpenWorld();
    const card = await getAssetCard(world.db, id);
    const sha = await sha256Of(world.db, id);
    if (!card || !sha) return null;
    const blob = await blobs.get(sha);
    if (!blob) throw new DamError('EntityNotFoundError', `The stored bytes of “${card.name ?? id}” are missing; run Verify in Settings`);
    const mimeType = card.mimeType ?? 'application/octet-stream';
    return { name: card.name ?? `asset-${id}`, mimeType, blob: new Blob([blob], { type: mimeType }) };
  }

  async deleteAsset(id: number): Promise<DeleteResult> {
    const { world, blobs } = this.requireOpenWorld();
    const { deleted, blobsRemoved } = await deleteEntities(world.db, blobs, [id]);
    return { deleted: deleted.length > 0, blobRemoved: blobsRemoved > 0 };
  }

  async findSimilarImages(id: number, options: { threshold?: number; limit?: number } = {}): Promise<SimilarImage[]> {
    return findSimilarImages(this.requireOpen().db, id, options);
  }

  async duplicateReport(options: { threshold?: number } = {}): Promise<DuplicateReport> {
    return duplicateReport(this.requireOpen().db, options.threshold);
  }

  async keepOne(keepId: number, others: readonly number[]): Promise<{ deleted: number }> {
    const { world, blobs } = this.requireOpenWorld();
    const { deleted } = await deleteEntities(
      world.db,
      blobs,
      others.filter((id) => id !== keepId),
    );
    return { deleted: deleted.length };
  }

  async keepOneLocation(entityId: number, url: string): Promise<{ removed: number }> {
    return this.requireOpen().transaction(async (tx) => {
      const { rows: kept } = await tx.query('SELECT 1 FROM component_file_location WHERE entity_id = $1 AND url = $2', [entityId, url]);
      if (kept.length === 0) throw new DamError('EntityNotFoundError', `Asset ${entityId} has no location “${url}”`);
      const { rows } = await tx.query('DELETE FROM component_file_location WHERE entity_id = $1 AND url <> $2 RETURNING id', [
        entityId,
        url,
      ]);
      return { removed: rows.length };
    });
  }

  async verifyBlobs(): Promise<VerifyReport> {
    const { world, blobs } = this.requireOpenWorld();
    return verifyBlobs(world.db, blobs);
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

  private requireOpenWorld(): OpenWorld {
    this.requireOpen();
    return this.open!;
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
