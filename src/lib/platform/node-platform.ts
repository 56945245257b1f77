import { mkdir, readdir, readFile, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { StorageReport, StoreKind } from '../api/dam-api';
import { PgliteDatabase } from '../db/pglite-database';
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

/**
 * The DAM platform in Node: worlds in `<dataDir>/worlds/<name>/` and a JSON catalog, or
 * everything in memory when no data directory is given (tests).
 */
export async function createNodePlatform(options: { dataDir?: string; globalResources?: ResourceManager } = {}): Promise<Platform> {
  const { dataDir } = options;
  const catalogPath = dataDir ? join(dataDir, 'worlds.json') : undefined;
  let catalog: MemoryWorldCatalog;
  if (catalogPath && dataDir) {
    await mkdir(dataDir, { recursive: true });
    const state = await readFile(catalogPath, 'utf8').then(
      (text) => JSON.parse(text) as { worlds: WorldRecord[]; lastOpened: string | null },
      () => ({ worlds: [], lastOpened: null }),
    );
    catalog = new MemoryWorldCatalog(new Map(state.worlds.map((w) => [w.name, w])), state.lastOpened, async (next) => {
      const tmp = `${catalogPath}.tmp`;
      await writeFile(tmp, JSON.stringify(next, null, 2));
      await rename(tmp, catalogPath);
    });
  } else {
    catalog = new MemoryWorldCatalog();
  }
  const held = new Set<string>();
  const worldDir = (name: string) => join(dataDir!, 'worlds', name, 'db');

  return {
    catalog,
    defaultStore: dataDir ? 'directory' : 'memory',
    globalResources: withNodeResources(options.globalResources ?? new ResourceManager(), dataDir ? join(dataDir, 'models') : undefined),
    databaseUrl(name: string, store: StoreKind): string {
      if (store === 'memory') return 'memory://';
      if (store !== 'directory' || !dataDir) throw new Error(`Node cannot keep a world in ${store}`);
      return worldDir(name);
    },
    async openDatabase(record: WorldRecord, { fresh = false, dataDir }: { fresh?: boolean; dataDir?: Blob } = {}) {
      if (record.store === 'directory') await mkdir(join(record.databaseUrl, '..'), { recursive: true });
      if (dataDir) return PgliteDatabase.open(record.databaseUrl, { loadDataDir: dataDir });
      return PgliteDatabase.open(
        record.databaseUrl,
        fresh && !(await hasDataDir(record)) ? { loadDataDir: await processWorldTemplate() } : {},
      );
    },
    openBlobStore(record: WorldRecord) {
      return record.store === 'directory' ? new FsBlobStore(join(record.databaseUrl, '..', 'blobs')) : new MemoryBlobStore();
    },
    openIngestQueue() {
      // A CLI process ingests what it was given and exits: nothing to resume across processes.
      return new MemoryIngestQueue();
    },
    async deleteDatabase(record: WorldRecord) {
      if (record.store === 'directory') await rm(join(record.databaseUrl, '..'), { recursive: true, force: true });
    },
    async exportRawDatabase(record: WorldRecord) {
      if (record.store !== 'directory') throw new Error('An in-memory world has no files to export');
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
