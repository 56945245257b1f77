import { mkdir, readdir, readFile, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { StorageReport, StoreKind } from '../api/dam-api';
import { randomBytes } from 'node:crypto';
import { PgliteDatabase } from '../db/pglite-database';
import { PostgresDatabase } from '../db/postgres-database';
import { createPostgresDatabase, dropPostgresDatabase, postgresDatabaseName, withDatabase } from './postgres-worlds';
import { makeWorldTemplate } from '../db/world-template';
import { DamError } from '../dam/errors';
import type { Platform, WorldRecord } from '../dam/platform';
import { ResourceManager } from '../ecs';
import { FsBlobStore } from '../storage/fs-blob-store';
import { MemoryBlobStore } from '../storage/memory-blob-store';
import { MemoryIngestQueue } from '../storage/ingest-queue';
import { ImageCodec } from '../dam/media/image-codec';
import { NodeImageCodec } from './node-image-codec';
import { AudioCodec } from '../dam/media/audio-codec';
import { NodeAudioCodec } from './node-audio-codec';
import { createNodeModelManager } from './node-models';
import { DirectoryModelStore } from './directory-model-store';
import { MemoryModelStore } from '../ml/memory-model-store';
import { ModelStore } from '../ml/model-store';
import { ModelDownloads } from '../ml/model-downloads';
import { ModelExecutionManager } from '../ml/model-execution-manager';
import { MemoryWorldCatalog } from './memory-catalog';
import { zipFiles } from './zip-files';

let worldTemplate: Promise<Blob> | undefined;

/**
 * One template per process: the first new world pays for initdb, later ones load its dump.
 * `DAM_WORLD_TEMPLATE` names a tarball made by `makeWorldTemplate` to load instead (the unit
 * tests' global setup makes one for all their processes).
 */
function processWorldTemplate(): Promise<Blob> {
  const path = process.env.DAM_WORLD_TEMPLATE;
  worldTemplate ??= path ? readFile(path).then((bytes) => new Blob([bytes])) : makeWorldTemplate('none');
  return worldTemplate;
}

/** A directory that already holds a cluster resumes it; PGlite refuses to load a template over it. */
async function hasDataDir(record: WorldRecord): Promise<boolean> {
  if (record.store !== 'directory') return false;
  return stat(join(record.databaseUrl, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
}

function withNodeResources(resources: ResourceManager, modelsDir: string | undefined): ResourceManager {
  if (!resources.has(ImageCodec)) resources.add(new NodeImageCodec(), ImageCodec);
  if (!resources.has(AudioCodec)) resources.add(new NodeAudioCodec(), AudioCodec);
  if (!resources.has(ModelStore)) resources.add(modelsDir ? new DirectoryModelStore(modelsDir) : new MemoryModelStore(), ModelStore);
  if (!resources.has(ModelDownloads)) resources.add(new ModelDownloads(), ModelDownloads);
  if (!resources.has(ModelExecutionManager)) resources.add(createNodeModelManager(resources.get(ModelStore)), ModelExecutionManager);
  return resources;
}

async function* walk(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

export interface NodePlatformOptions {
  /** Worlds in `<dataDir>/worlds/<name>/` and a JSON catalog; everything in memory without one. */
  readonly dataDir?: string;
  readonly globalResources?: ResourceManager;
  /**
   * A PostgreSQL server (`postgres://…`, any database on it) on which new worlds become
   * databases of their own, `dam_<world>`. Default: `DAM_POSTGRES_SERVER`.
   */
  readonly postgresServer?: string;
  /** Server worlds are databases named `<prefix><world>`. Default: `DAM_POSTGRES_PREFIX`, else `dam_`. */
  readonly postgresPrefix?: string;
  /** A database every DAM migration has run on, copied for each new server world. Default: `DAM_POSTGRES_TEMPLATE`. */
  readonly postgresTemplate?: string;
}

/**
 * The DAM platform in Node: worlds in `<dataDir>/worlds/<name>/` and a JSON catalog, or
 * everything in memory when no data directory is given (tests); with a PostgreSQL server, new
 * worlds are databases there and their blobs stay in the data directory (or memory).
 */
export async function createNodePlatform(options: NodePlatformOptions = {}): Promise<Platform> {
  const { dataDir } = options;
  const postgresServer = options.postgresServer ?? (process.env.DAM_POSTGRES_SERVER || undefined);
  const postgresTemplate = options.postgresTemplate ?? (process.env.DAM_POSTGRES_TEMPLATE || undefined);
  // Worlds of a platform with no data directory vanish with the process; a random prefix keeps
  // two such processes (parallel test files) from meeting on one server.
  const databasePrefix =
    options.postgresPrefix ?? (process.env.DAM_POSTGRES_PREFIX || (dataDir ? 'dam_' : `dam_${randomBytes(4).toString('hex')}_`));
  if (!/^[a-z_][a-z0-9_]*$/.test(databasePrefix))
    throw new Error(`The PostgreSQL database prefix "${databasePrefix}" may hold only a–z, 0–9 and _`);
  const catalogPath = dataDir ? join(dataDir, 'worlds.json') : undefined;
  let catalog: MemoryWorldCatalog;
  if (catalogPath && dataDir) {
    await mkdir(dataDir, { recursive: true });
    const state = await readFile(catalogPath, 'utf8').then(
      (text) => JSON.parse(text) as { worlds: WorldRecord[]; lastOpened: string | null },
      () => ({ worlds: [], lastOpened: null }),
    );
    catalog = new MemoryWorldCatalog(new Map(state.worlds.map((w) => [w.name, w])), state.lastOpened, async (next) => {
      // A name of its own: two processes may save the catalog at the same moment.
      const tmp = `${catalogPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(tmp, JSON.stringify(next, null, 2));
      await rename(tmp, catalogPath);
    });
  } else {
    catalog = new MemoryWorldCatalog();
  }
  const held = new Set<string>();
  const notOurs = new Set<string>();
  // Blobs with nowhere on disk to go live as long as the platform, not one open of the world.
  const memoryBlobs = new Map<string, MemoryBlobStore>();
  const memoryBlobStore = (name: string) => {
    const store = memoryBlobs.get(name) ?? new MemoryBlobStore();
    memoryBlobs.set(name, store);
    return store;
  };
  const worldDir = (name: string) => join(dataDir!, 'worlds', name, 'db');

  return {
    catalog,
    defaultStore: postgresServer ? 'postgres' : dataDir ? 'directory' : 'memory',
    globalResources: withNodeResources(options.globalResources ?? new ResourceManager(), dataDir ? join(dataDir, 'models') : undefined),
    databaseUrl(name: string, store: StoreKind): string {
      if (store === 'memory') return 'memory://';
      if (store === 'postgres') {
        if (!postgresServer) throw new Error('No PostgreSQL server is configured (DAM_POSTGRES_SERVER)');
        return withDatabase(postgresServer, postgresDatabaseName(databasePrefix, name));
      }
      if (store !== 'directory' || !dataDir) throw new Error(`Node cannot keep a world in ${store}`);
      return worldDir(name);
    },
    async openDatabase(record: WorldRecord, { fresh = false, dataDir }: { fresh?: boolean; dataDir?: Blob } = {}) {
      if (record.store === 'postgres') {
        if (dataDir)
          throw new DamError('WorldOpenError', 'An archive imports into an embedded world; merge that world into a server world instead');
        if (fresh) {
          try {
            await createPostgresDatabase(record.databaseUrl, { template: postgresTemplate });
          } catch (error) {
            // The failed create is abandoned with deleteDatabase: it must not drop what it found.
            notOurs.add(record.databaseUrl);
            throw error;
          }
        }
        return PostgresDatabase.open(record.databaseUrl);
      }
      if (record.store === 'directory') await mkdir(join(record.databaseUrl, '..'), { recursive: true });
      if (dataDir) return PgliteDatabase.open(record.databaseUrl, { loadDataDir: dataDir });
      return PgliteDatabase.open(
        record.databaseUrl,
        fresh && !(await hasDataDir(record)) ? { loadDataDir: await processWorldTemplate() } : {},
      );
    },
    openBlobStore(record: WorldRecord) {
      if (record.blobRoot) return new FsBlobStore(record.blobRoot);
      if (record.store === 'directory') return new FsBlobStore(join(record.databaseUrl, '..', 'blobs'));
      if (record.store === 'postgres' && dataDir) return new FsBlobStore(join(dataDir, 'worlds', record.name, 'blobs'));
      return memoryBlobStore(record.name);
    },
    openIngestQueue() {
      // A CLI process ingests what it was given and exits: nothing to resume across processes.
      return new MemoryIngestQueue();
    },
    async deleteDatabase(record: WorldRecord) {
      memoryBlobs.delete(record.name);
      if (record.store === 'postgres') {
        if (notOurs.delete(record.databaseUrl)) return;
        await dropPostgresDatabase(record.databaseUrl);
        if (dataDir && !record.blobRoot) await rm(join(dataDir, 'worlds', record.name), { recursive: true, force: true });
      }
      if (record.store !== 'directory') return;
      // The world's own folder (database and blobs) only where this platform laid it out; a
      // database directory named elsewhere (a CLI configuration) loses only that directory.
      const ours = dataDir !== undefined && record.databaseUrl === worldDir(record.name);
      await rm(ours ? join(record.databaseUrl, '..') : record.databaseUrl, { recursive: true, force: true });
    },
    async exportRawDatabase(record: WorldRecord) {
      if (record.store !== 'directory') throw new Error(`A ${record.store} world has no database files to export`);
      const files: [string, Uint8Array][] = [];
      for await (const path of walk(record.databaseUrl)) files.push([relative(record.databaseUrl, path), await readFile(path)]);
      return zipFiles(files);
    },
    async storageReport(): Promise<StorageReport> {
      if (!dataDir) return { usageBytes: null, quotaBytes: null, persisted: null };
      const fs = await statfs(dataDir);
      const total = fs.blocks * fs.bsize;
      return { usageBytes: total - fs.bavail * fs.bsize, quotaBytes: total, persisted: true };
    },
    async lockWorld(name: string) {
      if (held.has(name)) throw new DamError('WorldLockedError', `The world "${name}" is already open`);
      held.add(name);
      return () => held.delete(name);
    },
  };
}
