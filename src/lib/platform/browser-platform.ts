import type { StorageReport, StoreKind } from '../api/dam-api';
import { PgliteDatabase } from '../db/pglite-database';
import { DamError } from '../dam/errors';
import type { Platform, WorldRecord } from '../dam/platform';
import { ResourceManager } from '../ecs';
import { DexieWorldCatalog } from './dexie-catalog';
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
        if (value?.contents) files.push([String(key), new Uint8Array(value.contents)]);
      });
    }
    return files;
  } finally {
    db.close();
  }
}

async function readOpfsFiles(dir: FileSystemDirectoryHandle, prefix = ''): Promise<[string, Uint8Array][]> {
  const files: [string, Uint8Array][] = [];
  // The async iterator of directory handles is missing from TypeScript's DOM types.
  for await (const [name, handle] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
    if (handle.kind === 'directory') files.push(...(await readOpfsFiles(handle as FileSystemDirectoryHandle, `${prefix}${name}/`)));
    else files.push([`${prefix}${name}`, new Uint8Array(await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer())]);
  }
  return files;
}

/** The DAM platform inside the world worker: PGlite on IndexedDB or OPFS, a Dexie catalog. */
export function createBrowserPlatform(options: { defaultStore?: StoreKind; catalogName?: string } = {}): Platform {
  const catalog = new DexieWorldCatalog(options.catalogName);
  return {
    catalog,
    defaultStore: options.defaultStore ?? 'idb',
    globalResources: new ResourceManager(),
    databaseUrl(name: string, store: StoreKind): string {
      if (store === 'memory') return 'memory://';
      if (store === 'directory') throw new Error('Browsers have no directories to keep a world in');
      return `${store}://dam-${name}`;
    },
    openDatabase(record: WorldRecord) {
      return PgliteDatabase.open(record.databaseUrl);
    },
    async deleteDatabase(record: WorldRecord) {
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
        return zipFiles(await readOpfsFiles(await root.getDirectoryHandle(storeName(record))));
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
      const granted = await new Promise<boolean>((resolve) => {
        void navigator.locks.request(`dam-world-${name}`, { ifAvailable: true }, async (lock) => {
          resolve(lock !== null);
          if (lock) await held;
        });
      });
      if (!granted) throw new DamError('WorldLockedError', `The world "${name}" is open in another tab or window; close it there first`);
      return release;
    },
  };
}
