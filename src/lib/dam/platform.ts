import type { Database } from '../db/database';
import type { ResourceManager } from '../ecs';
import type { StorageReport, StoreKind, WorldSummary } from '../api/dam-api';
import type { BlobStore } from '../storage/blob-store';
import type { IngestQueue } from '../storage/ingest-queue';

/** A world as the catalog keeps it. `blobRoot` overrides where a Node world keeps its blobs. */
export type WorldRecord = WorldSummary & { readonly blobRoot?: string };

/** The list of worlds on this device, and which one was open last. Survives reloads. */
export interface WorldCatalog {
  list(): Promise<WorldRecord[]>;
  get(name: string): Promise<WorldRecord | undefined>;
  /** Adds a world; fails if the name is taken. */
  add(record: WorldRecord): Promise<void>;
  remove(name: string): Promise<void>;
  lastOpened(): Promise<string | null>;
  setLastOpened(name: string | null): Promise<void>;
}

/**
 * What the DAM app needs from where it runs: a browser worker (IndexedDB/OPFS) or Node
 * (directories, memory). Everything environment-specific is behind this.
 */
export interface Platform {
  readonly catalog: WorldCatalog;
  readonly defaultStore: StoreKind;
  /** Shared by every world: the image codec (`ImageCodec`), later the model manager. */
  readonly globalResources: ResourceManager;
  databaseUrl(worldName: string, store: StoreKind): string;
  /**
   * Opens the world's database. `fresh` says the world is being created, so its store is empty
   * and may start from a prepared template instead of running initdb, or from `dataDir` (a
   * world's dump, when one is imported).
   */
  openDatabase(record: WorldRecord, options?: { fresh?: boolean; dataDir?: Blob }): Promise<Database>;
  /** Deletes the world's database, its blobs and its ingest queue. */
  deleteDatabase(record: WorldRecord): Promise<void>;
  /** The world's content-addressed blob store. */
  openBlobStore(record: WorldRecord): BlobStore;
  /** The world's queue of files waiting to be ingested (persistent where the host allows). */
  openIngestQueue(record: WorldRecord): IngestQueue;
  /** The database's files as a zip, read without opening the database. */
  exportRawDatabase(record: WorldRecord): Promise<Uint8Array>;
  storageReport(): Promise<StorageReport>;
  /** Holds the world for this tab/process; throws `WorldLockedError` when another holds it. */
  lockWorld(name: string): Promise<() => void>;
}
