import type { StorageReport, StoreKind } from '../api/dam-api';
import { PgliteDatabase } from '../db/pglite-database';
import { ModelExecutionManager } from '../ml/model-execution-manager';
import { createBrowserModelManager } from './browser-models';
import { ModelStore } from '../ml/model-store';
import { ModelDownloads } from '../ml/model-downloads';
import { OpfsModelStore } from './opfs-model-store';
import { DamError } from '../dam/errors';
import type { Platform, WorldRecord } from '../dam/platform';
import { ResourceManager } from '../ecs';
import { DexieBlobStore } from '../storage/dexie-blob-store';
import { MemoryBlobStore } from '../storage/memory-blob-store';
import { DexieIngestQueue } from '../storage/dexie-ingest-queue';
import { MemoryIngestQueue } from '../storage/ingest-queue';
import { ImageCodec } from '../dam/media/image-codec';
import { BrowserImageCodec } from './browser-image-codec';
import { AudioCodec } from '../dam/media/audio-codec';
import { BrowserAudioCodec } from './browser-audio-codec';
import { FileDigester } from '../dam/ingest/file-digester';
import { MediaWorkerPool } from './media-worker-pool';
import { PooledFileDigester, PooledImageCodec } from './pooled-media';
import { DexieWorldCatalog } from './dexie-catalog';
import { readOpfsAhpDataDir, readOpfsFiles } from './opfs-files';
import { writeOpfsAhpTemplate } from './opfs-ahp-template';
import { zipFiles } from './zip-files';

/** PGlite's IndexedDB filesystem keeps each database in an IndexedDB database of this name. */
export function pgliteIdbName(databaseName: string): string {
  return `/pglite/${databaseName}`;
}

function storeName(record: WorldRecord): string {
  return record.databaseUrl.slice(record.databaseUrl.indexOf('://') + 3);
}

function requestToPromise<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

async function deleteIdb(name: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error(`Could not delete ${name}`));
    // Another connection still holds it; deletion completes once it closes.
    request.onblocked = () => undefined;
  });
}

/** Every file of an IDBFS database, read straight from IndexedDB without PGlite. */
async function readIdbFiles(name: string): Promise<[string, Uint8Array][]> {
  const db = await requestToPromise(indexedDB.open(name));
  try {
    const storeNames = Array.from(db.objectStoreNames);
    const files: [string, Uint8Array][] = [];
    for (const store of storeNames) {
      const tx = db.transaction(store, 'readonly');
      const objectStore = tx.objectStore(store);
      const [keys, values] = await Promise.all([requestToPromise(objectStore.getAllKeys()), requestToPromise(objectStore.getAll())]);
      keys.forEach((key, i) => {
        const value = values[i] as { contents?: ArrayLike<number> } | undefined;
        // Keys are absolute paths under the mount point; the export holds the data directory.
        if (value?.contents) files.push([String(key).replace(`${name}/`, ''), new Uint8Array(value.contents)]);
      });
    }
    return files;
  } finally {
    db.close();
  }
}

/** How long opening a world waits for another tab to let it go before saying it is in use. */
const LOCK_WAIT_MS = 3000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * An `opfs-ahp` store is locked while any worker holds its sync access handles; a tab that was
 * just closed lets go a moment after its Web Lock. Wait a little for that instead of letting
 * PGlite fail with an error that looks like damage, and say "in use" if it lasts.
 */
async function waitUntilOpfsStoreIsFree(record: WorldRecord, timeoutMs = 5000): Promise<void> {
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(storeName(record)).catch(() => null);
  const state = await dir?.getFileHandle('state.txt').catch(() => null);
  if (!state) return;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      (await state.createSyncAccessHandle()).close();
      return;
    } catch (error) {
      if ((error as DOMException).name !== 'NoModificationAllowedError') return;
      if (Date.now() > deadline) {
        throw new DamError('WorldLockedError', `The world "${record.name}" is still in use by another tab or window; close it there first`);
      }
      await sleep(200);
    }
  }
}

/**
 * New worlds go to OPFS through PGlite's access-handle pool where the browser has sync access
 * handles: a committed transaction costs ~33 ms there against ~0.8 s on IndexedDB, and a warm
 * open is the fastest (BENCHMARKS.md, world-store). IndexedDB is the fallback.
 */
export function preferredStore(): StoreKind {
  return typeof FileSystemSyncAccessHandle === 'function' && typeof navigator.storage?.getDirectory === 'function' ? 'opfs-ahp' : 'idb';
}

/**
 * The new-world template the build serves (vite-plugins/world-template.ts), or undefined where it
 * is missing, in which case PGlite runs initdb as before, only slower.
 */
async function fetchWorldTemplate(): Promise<Blob | undefined> {
  try {
    const response = await fetch(new URL('/pglite/world-template.tar.gz', self.location.origin));
    return response.ok ? await response.blob() : undefined;
  } catch {
    return undefined;
  }
}

/** A new world from a dump (an imported archive): unlike a template, a failure is the import's. */
async function openFromDataDir(record: WorldRecord, dataDir: Blob): Promise<PgliteDatabase> {
  if (record.store === 'opfs-ahp') {
    const opened = await openOpfsAhpFromTemplate(record, dataDir);
    if (opened) return opened;
    await waitUntilOpfsStoreIsFree(record);
  }
  return PgliteDatabase.open(record.databaseUrl, { loadDataDir: dataDir });
}

/**
 * Starts a new `opfs-ahp` world by writing the template into the store directly (about three
 * times faster than PGlite's loader there), or returns undefined, having cleared the store, so
 * the caller can fall back to PGlite's loader.
 */
async function openOpfsAhpFromTemplate(record: WorldRecord, template: Blob): Promise<PgliteDatabase | undefined> {
  const root = await navigator.storage.getDirectory();
  const name = storeName(record);
  const clear = () =>
    root.removeEntry(name, { recursive: true }).catch((error: unknown) => {
      if ((error as DOMException).name !== 'NotFoundError') throw error;
    });
  try {
    await clear();
    await writeOpfsAhpTemplate(await root.getDirectoryHandle(name, { create: true }), template);
    return await PgliteDatabase.open(record.databaseUrl);
  } catch (error) {
    console.warn('Writing the world template into OPFS failed; loading it through PGlite instead', error);
    await clear().catch(() => undefined);
    return undefined;
  }
}

/**
 * The codec and the digester run in a pool of media workers where this context can start
 * workers (one per core: two cores nearly double hashing and thumbnails), on this thread otherwise.
 */
function browserResources(): ResourceManager {
  const resources = new ResourceManager();
  const models = new OpfsModelStore();
  resources.add(models, ModelStore);
  resources.add(createBrowserModelManager(models), ModelExecutionManager);
  resources.add(new ModelDownloads(), ModelDownloads);
  resources.add(new BrowserAudioCodec(), AudioCodec);
  const local = new BrowserImageCodec();
  if (MediaWorkerPool.available()) {
    const pool = new MediaWorkerPool(MediaWorkerPool.sizeFor(navigator.hardwareConcurrency));
    resources.add(new PooledImageCodec(pool, local), ImageCodec);
    resources.add(new PooledFileDigester(pool), FileDigester);
  } else {
    resources.add(local, ImageCodec);
  }
  return resources;
}

/** The DAM platform inside the world worker: PGlite on OPFS or IndexedDB, a Dexie catalog. */
export function createBrowserPlatform(options: { defaultStore?: StoreKind; catalogName?: string } = {}): Platform {
  const catalog = new DexieWorldCatalog(options.catalogName);
  return {
    catalog,
    defaultStore: options.defaultStore ?? preferredStore(),
    globalResources: browserResources(),
    databaseUrl(name: string, store: StoreKind): string {
      if (store === 'memory') return 'memory://';
      if (store === 'directory') throw new Error('Browsers have no directories to keep a world in');
      return `${store}://dam-${name}`;
    },
    async openDatabase(record: WorldRecord, { fresh = false, dataDir }: { fresh?: boolean; dataDir?: Blob } = {}) {
      if (record.store === 'opfs-ahp') await waitUntilOpfsStoreIsFree(record);
      if (dataDir) return openFromDataDir(record, dataDir);
      const template = fresh ? await fetchWorldTemplate() : undefined;
      if (!template) return PgliteDatabase.open(record.databaseUrl);
      if (record.store === 'opfs-ahp') {
        const opened = await openOpfsAhpFromTemplate(record, template);
        if (opened) return opened;
      }
      // A store left behind by an interrupted create cannot take the template; it resumes.
      return PgliteDatabase.open(record.databaseUrl, { loadDataDir: template }).catch(async (error: unknown) => {
        if (record.store === 'opfs-ahp') await waitUntilOpfsStoreIsFree(record);
        console.warn('Starting the world from its template failed; running initdb instead', error);
        return PgliteDatabase.open(record.databaseUrl);
      });
    },
    openBlobStore(record: WorldRecord) {
      return record.store === 'memory' ? new MemoryBlobStore() : new DexieBlobStore(`dam-blobs-${record.name}`);
    },
    openIngestQueue(record: WorldRecord) {
      return record.store === 'memory'
        ? new MemoryIngestQueue()
        : new DexieIngestQueue(`dam-blobs-${record.name}`, `dam-queue-${record.name}`);
    },
    async deleteDatabase(record: WorldRecord) {
      await DexieBlobStore.deleteDatabase(`dam-blobs-${record.name}`);
      await DexieIngestQueue.deleteDatabase(`dam-queue-${record.name}`);
      if (record.store === 'idb') await deleteIdb(pgliteIdbName(storeName(record)));
      else if (record.store === 'opfs-ahp' || record.store === 'memfs2opfs') {
        const root = await navigator.storage.getDirectory();
        await root.removeEntry(storeName(record), { recursive: true }).catch((error: unknown) => {
          if ((error as DOMException).name !== 'NotFoundError') throw error;
        });
      }
    },
    async exportRawDatabase(record: WorldRecord) {
      if (record.store === 'idb') return zipFiles(await readIdbFiles(pgliteIdbName(storeName(record))));
      if (record.store === 'opfs-ahp' || record.store === 'memfs2opfs') {
        const root = await navigator.storage.getDirectory();
        const dir = await root.getDirectoryHandle(storeName(record));
        return zipFiles(record.store === 'opfs-ahp' ? await readOpfsAhpDataDir(dir) : await readOpfsFiles(dir));
      }
      throw new Error(`A ${record.store} world has no files to export`);
    },
    async storageReport(): Promise<StorageReport> {
      const estimate = await navigator.storage?.estimate?.().catch(() => null);
      const persisted = await navigator.storage?.persisted?.().catch(() => null);
      return { usageBytes: estimate?.usage ?? null, quotaBytes: estimate?.quota ?? null, persisted: persisted ?? null };
    },
    async lockWorld(name: string) {
      if (!navigator.locks) return () => undefined;
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      // Wait a little: a tab that was just closed gives its lock back a moment later.
      const granted = await new Promise<boolean>((resolve) => {
        navigator.locks
          .request(`dam-world-${name}`, { signal: AbortSignal.timeout(LOCK_WAIT_MS) }, async () => {
            resolve(true);
            await held;
          })
          .catch(() => resolve(false));
      });
      if (!granted) throw new DamError('WorldLockedError', `The world "${name}" is open in another tab or window; close it there first`);
      return release;
    },
  };
}
