/**
 * The typed API the UI uses to reach the world worker through comlink. Everything crossing it
 * is structured-clonable. Errors arrive as `Error`s whose `name` says what went wrong (see
 * `DamErrorName`); their message is written for the person using the app.
 */

export type StoreKind = 'idb' | 'opfs-ahp' | 'memfs2opfs' | 'memory' | 'directory';

export interface WorldSummary {
  readonly name: string;
  readonly store: StoreKind;
  readonly databaseUrl: string;
  readonly createdAt: string;
}

export interface PendingWorkSummary {
  readonly marker: string;
  readonly count: number;
}

export interface WorldStats {
  readonly name: string;
  readonly store: StoreKind;
  readonly entityCount: number;
  /** Rows per component type, by component name. */
  readonly componentCounts: Readonly<Record<string, number>>;
  readonly pendingWork: readonly PendingWorkSummary[];
  readonly appliedMigrations: readonly string[];
}

export interface ComponentInput {
  /** A registered component's name, e.g. `FilePropertiesComponent`. */
  readonly component: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

export interface ComponentView {
  readonly name: string;
  readonly id: number;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface EntityView {
  readonly id: number;
  readonly createdAt: string;
  readonly components: readonly ComponentView[];
}

export interface EntitySummary {
  readonly id: number;
  readonly createdAt: string;
  readonly label: string | null;
}

export interface EntityListOptions {
  readonly limit?: number;
  readonly afterId?: number;
  readonly nameContains?: string;
}

export interface IngestFileInput {
  readonly name: string;
  /** Where it came from, e.g. its path inside a dropped folder. */
  readonly path?: string;
  readonly file: Blob;
  /** Milliseconds since the epoch, as `File.lastModified`. */
  readonly lastModified?: number;
}

export interface IngestFileResult {
  readonly name: string;
  readonly entityId: number | null;
  /** False when the same bytes were already in the library. */
  readonly created: boolean;
  /** Why this file was not added, in words for the user; null when it was. */
  readonly error: string | null;
}

export interface StorageReport {
  readonly usageBytes: number | null;
  readonly quotaBytes: number | null;
  readonly persisted: boolean | null;
}

export interface RawExport {
  readonly fileName: string;
  readonly bytes: Uint8Array;
}

export type DamErrorName =
  | 'InvalidWorldNameError'
  | 'WorldExistsError'
  | 'WorldNotFoundError'
  | 'WorldOpenError'
  | 'WorldLockedError'
  | 'NoWorldOpenError'
  | 'UnknownComponentError'
  | 'InvalidComponentFieldsError';

export interface DamApi {
  listWorlds(): Promise<WorldSummary[]>;
  /** Creates a world and opens it as the current one (the previous current world is closed). */
  createWorld(name: string, options?: { store?: StoreKind }): Promise<WorldSummary>;
  /** Opens a world and makes it current; the previous current world is closed. */
  openWorld(name: string): Promise<WorldStats>;
  /** The name of the open world, or null. */
  currentWorld(): Promise<string | null>;
  /** The world the app opened last, to reopen after a reload. */
  lastOpenedWorld(): Promise<string | null>;
  deleteWorld(name: string): Promise<void>;
  worldStats(): Promise<WorldStats>;

  createEntity(components: readonly ComponentInput[]): Promise<EntityView>;
  /** Creates many entities in one transaction; returns their ids in order. */
  createEntities(entities: readonly (readonly ComponentInput[])[]): Promise<number[]>;
  getEntity(id: number): Promise<EntityView | null>;
  /** A page of entities in id order; `nameContains` keeps those whose file name contains it. */
  listEntities(options?: EntityListOptions): Promise<EntitySummary[]>;
  deleteEntity(id: number): Promise<boolean>;
  componentNames(): Promise<string[]>;
  /** Adds files, each in its own transaction: one bad file never costs the others. */
  ingestFiles(files: readonly IngestFileInput[]): Promise<IngestFileResult[]>;

  storageReport(): Promise<StorageReport>;
  /** The raw files of a world's database, zipped, for a world that cannot be opened. */
  exportWorldRaw(name: string): Promise<RawExport>;
}
