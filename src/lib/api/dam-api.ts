/**
 * The typed API the UI uses to reach the world worker through comlink. Everything crossing it
 * is structured-clonable. Errors arrive as `Error`s whose `name` says what went wrong (see
 * `DamErrorName`); their message is written for the person using the app.
 */

import type { ModelApi, SemanticSearchResult } from './semantic-types';
import type { SavedSearch, SavedSearchInput } from './search-types';
import type { AutoTaggingStatus, EntityTags, TagConceptOptions, TagDetail, TagSummary } from './tag-types';
import type { WorldArchiveApi } from './world-types';
import type { ImageUnderstandingApi } from './image-types';
import type { AudioApi } from './audio-types';

export type * from './search-types';
export type * from './semantic-types';
export type * from './tag-types';
export type * from './world-types';
export type * from './image-types';
export type * from './audio-types';

export type StoreKind = 'idb' | 'opfs-ahp' | 'memfs2opfs' | 'memory' | 'directory' | 'postgres';

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

/** What kind of thing an asset is, from its MIME type. */
export type AssetKind = 'image' | 'audio' | 'video' | 'pdf' | 'archive' | 'other';
export const ASSET_KINDS: readonly AssetKind[] = ['image', 'audio', 'video', 'pdf', 'archive', 'other'];

export type AssetSort = 'added' | 'taken' | 'name' | 'size';

export interface AssetQuery {
  readonly kind?: AssetKind;
  readonly sort?: AssetSort;
  /** Default: newest or largest first for added/taken/size, A→Z for name. */
  readonly descending?: boolean;
  readonly nameContains?: string;
  /** Only assets with this manual tag, its descendants or their aliases. An unknown tag: none. */
  readonly tag?: string;
  /**
   * A search-box query: words (file names), `tag:x`, `tag:x=value`, `-tag:x`, `namespace:*`,
   * `model-tag:x>0.5`, `AND`/`OR`/`NOT`, parentheses, quotes. A bad one is an InvalidQueryError
   * whose message says where.
   */
  readonly search?: string;
  /** Least similarity a picture needs to match a `~` term by the image model (default: the model's). */
  readonly minPictureSimilarity?: number;
  readonly offset?: number;
  /** At most 500. */
  readonly limit?: number;
}

/** What a grid cell needs to show one asset. */
export interface AssetCard {
  readonly id: number;
  readonly name: string | null;
  readonly mimeType: string | null;
  readonly kind: AssetKind;
  readonly sizeBytes: number | null;
  readonly addedAt: string;
  readonly takenAt: string | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly hasThumbnail: boolean;
  /** Changes when a better thumbnail replaces the first one (use it to refresh caches). */
  readonly thumbnailKey: string | null;
  /** Set when a processing step failed for this asset. */
  readonly error: string | null;
}

export interface AssetPage {
  /** How many assets match, over all pages. */
  readonly total: number;
  readonly items: readonly AssetCard[];
}

export interface AssetLocation {
  readonly url: string;
  readonly lastModifiedAt: string | null;
}

export interface ArchiveMembership {
  readonly archiveEntityId: number;
  readonly archiveName: string | null;
  readonly pathInArchive: string;
}

/** Everything the asset page shows. */
export interface AssetDetail {
  readonly card: AssetCard;
  readonly entity: EntityView;
  readonly locations: readonly AssetLocation[];
  readonly sha256: string | null;
  /** Archives this asset was found in. */
  readonly memberOf: readonly ArchiveMembership[];
  /** For an archive: how many members it has. */
  readonly memberCount: number;
  readonly errors: readonly { readonly step: string; readonly message: string }[];
}

export interface AssetFile {
  readonly name: string;
  readonly mimeType: string;
  readonly blob: Blob;
}

export interface SimilarImage {
  readonly id: number;
  readonly name: string | null;
  /** The smallest Hamming distance over pHash, aHash and dHash; null when found by the image model. */
  readonly distance: number | null;
  /** Cosine similarity of the image model's vectors; null when found by perceptual hashes. */
  readonly similarity: number | null;
}

export interface ExactDuplicate {
  readonly entityId: number;
  readonly name: string | null;
  readonly sizeBytes: number | null;
  readonly locations: readonly string[];
}

export interface NearDuplicateGroup {
  /** Ordered by keep preference: the suggested one to keep first. */
  readonly members: readonly {
    readonly id: number;
    readonly name: string | null;
    readonly sizeBytes: number | null;
    readonly distance: number;
  }[];
}

export interface DuplicateReport {
  readonly exact: readonly ExactDuplicate[];
  readonly near: readonly NearDuplicateGroup[];
}

export interface DeleteResult {
  readonly deleted: boolean;
  /** Whether the stored bytes were dropped too (no other entity needed them). */
  readonly blobRemoved: boolean;
}

export interface VerifyReport {
  readonly checked: number;
  readonly bytesChecked: number;
  /** Blobs whose bytes are missing or no longer hash to their key. */
  readonly problems: readonly {
    readonly entityId: number;
    readonly name: string | null;
    readonly sha256: string;
    readonly problem: 'missing' | 'mismatch';
  }[];
}

export type IngestPhase = 'idle' | 'adding' | 'processing';

/** Progress of the background ingest and processing, polled by the UI. */
export interface IngestStatus {
  readonly phase: IngestPhase;
  /**
   * Files given since the queue was last empty; of them, `filesDone` were added (or were
   * already there) and `filesFailed` were not. The rest are waiting.
   */
  readonly filesTotal: number;
  readonly filesDone: number;
  readonly filesFailed: number;
  readonly bytesTotal: number;
  readonly bytesDone: number;
  readonly currentFile: string | null;
  /** Seconds left at the current rate; null until there is a rate. */
  readonly etaSeconds: number | null;
  /** Pending background steps (metadata, thumbnails) by marker. */
  readonly pendingWork: readonly PendingWorkSummary[];
  /** The latest per-file outcomes, newest last (failures are kept until cleared). */
  readonly recent: readonly IngestFileResult[];
  /** Why background processing stopped, when it stopped on an error. */
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
  | 'InvalidComponentFieldsError'
  | 'EntityNotFoundError'
  | 'StorageFullError'
  | 'UnknownModelError'
  | 'ModelUnavailableError'
  | 'InvalidQueryError'
  | 'ModelMismatchError'
  | 'InvalidModelFolderError'
  | 'ModelDownloadError'
  | 'InvalidTagError'
  | 'TagNotFoundError'
  | 'TagExistsError'
  | 'TagScopeError'
  | 'TagValueNotAllowedError'
  | 'TagCycleError'
  | 'InvalidSavedSearchError'
  | 'SavedSearchExistsError'
  | 'SavedSearchNotFoundError'
  | 'DamagedArchiveError'
  | 'BlobIntegrityError'
  | 'InvalidSettingError';

export interface DamApi extends WorldArchiveApi, ModelApi, ImageUnderstandingApi, AudioApi {
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

  /**
   * Queues files for the background ingest and returns at once; the queue survives a reload and
   * resumes by itself. Progress comes from `ingestStatus()`.
   */
  enqueueFiles(files: readonly IngestFileInput[]): Promise<{ readonly queued: number }>;
  ingestStatus(): Promise<IngestStatus>;
  /** Stops the ingest after the current file; what is finished stays. Clears the queue. */
  cancelIngest(): Promise<void>;
  /** Forgets finished outcomes in `ingestStatus().recent`. */
  clearIngestResults(): Promise<void>;

  listAssets(query?: AssetQuery): Promise<AssetPage>;
  getAsset(id: number): Promise<AssetDetail | null>;
  /** The thumbnail's bytes (WebP or JPEG), or null when there is none yet. */
  getThumbnail(id: number): Promise<Blob | null>;
  getOriginal(id: number): Promise<AssetFile | null>;
  /** Deletes the entity, and its bytes (and thumbnail) when no other entity needs them. */
  deleteAsset(id: number): Promise<DeleteResult>;
  findSimilarImages(id: number, options?: { threshold?: number; limit?: number }): Promise<SimilarImage[]>;
  /**
   * Assets whose text (name, metadata, content) means most nearly `query`, best first; and,
   * where an image model is here, pictures that look like it, at least `minPictureSimilarity` alike.
   */
  semanticSearch(
    query: string,
    options?: { topN?: number; minSimilarity?: number; minPictureSimilarity?: number; model?: string },
  ): Promise<SemanticSearchResult>;

  /** The entity's manual tags, model tags (with confidences) and the tags they imply. */
  entityTags(entityId: number): Promise<EntityTags>;
  /** Applies a tag (made when new) to each entity; `applied` counts those that did not have that (tag, value) yet. */
  applyTag(entityIds: readonly number[], name: string, value?: string | null): Promise<{ readonly applied: number }>;
  /** Removes a manual tag from each entity: that value, or every value when `value` is omitted. */
  removeTag(entityIds: readonly number[], name: string, value?: string | null): Promise<{ readonly removed: number }>;
  /** Tags by name or namespace prefix (`char`, `character:`), most used first: autocomplete and the Tags page. */
  listTags(options?: { prefix?: string; limit?: number }): Promise<TagSummary[]>;
  getTag(name: string): Promise<TagDetail | null>;
  /** Makes a tag; TagExistsError when one of that name exists. */
  createTag(name: string, options?: TagConceptOptions): Promise<TagDetail>;
  updateTag(name: string, changes: { description?: string | null; allowValues?: boolean }): Promise<TagDetail>;
  renameTag(from: string, to: string): Promise<TagDetail>;
  /** Moves every link and relation of `from` to `into`, then deletes `from`. */
  mergeTags(from: string, into: string): Promise<TagDetail>;
  /** Deletes the tag and every link to it; the tagged files stay. */
  deleteTag(name: string): Promise<boolean>;
  /** `alias` becomes another name for `preferred`: shown and searched as it. */
  setTagSibling(alias: string, preferred: string): Promise<TagDetail>;
  removeTagSibling(alias: string): Promise<TagDetail>;
  /** Having `child` implies `parent`: a search for the parent finds the child's files. */
  addTagParent(child: string, parent: string): Promise<TagDetail>;
  removeTagParent(child: string, parent: string): Promise<TagDetail>;
  /** A model's tag becomes a manual tag of the entity. */
  acceptModelTag(entityId: number, name: string): Promise<EntityTags>;
  /** A model's tag is hidden on the entity and never added to it again. */
  rejectModelTag(entityId: number, name: string): Promise<EntityTags>;
  autoTagging(): Promise<AutoTaggingStatus>;
  /**
   * Turns auto-tagging on or off, or picks its model. On: new images get tagged as they arrive,
   * and the images the model has not tagged yet are queued (`marked`).
   */
  setAutoTagging(settings: {
    readonly enabled: boolean;
    readonly model?: string;
  }): Promise<AutoTaggingStatus & { readonly marked: number }>;
  /** The world's saved searches by name, each with how many matches arrived since it was last opened. */
  savedSearches(): Promise<SavedSearch[]>;
  /** Saves a search by name (SavedSearchExistsError if taken); its matches so far count as seen. */
  saveSearch(search: SavedSearchInput): Promise<SavedSearch>;
  /** Its current matches count as seen: the badge goes. */
  markSavedSearchSeen(id: number): Promise<SavedSearch>;
  deleteSavedSearch(id: number): Promise<boolean>;
  duplicateReport(options?: { threshold?: number }): Promise<DuplicateReport>;
  /** Keeps `keepId` and deletes the other entities (exact duplicates: keeps one location). */
  keepOne(keepId: number, others: readonly number[]): Promise<{ readonly deleted: number }>;
  /** Removes all locations of the entity but the one given. */
  keepOneLocation(entityId: number, url: string): Promise<{ readonly removed: number }>;
  /** Re-hashes every stored original and reports those that no longer match. */
  verifyBlobs(): Promise<VerifyReport>;

  storageReport(): Promise<StorageReport>;
  /** The raw files of a world's database, zipped, for a world that cannot be opened. */
  exportWorldRaw(name: string): Promise<RawExport>;
}
