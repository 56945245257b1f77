import type { StoreKind, WorldSummary } from './dam-api';

/** How far a long world operation has got, in bytes of the archive. */
export interface WorldArchiveProgress {
  readonly phase: 'hashing' | 'verifying';
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

export interface WorldExportResult {
  /** A suggested file name (`dam-<world>-<date>.damworld.tar`). */
  readonly fileName: string;
  /**
   * The archive. It refers to the stored bytes rather than copying them, so save it (download
   * it) before deleting anything from the world.
   */
  readonly archive: Blob;
  readonly assetCount: number;
  readonly blobCount: number;
}

export interface WorldImportResult {
  readonly world: WorldSummary;
  readonly assetCount: number;
  readonly blobCount: number;
}

/** What a merge or split copied. */
export interface WorldTransferResult {
  readonly added: number;
  /** Assets the target held already (same SHA-256): kept, gaining only manual tags they lacked. */
  readonly alreadyPresent: number;
  readonly tagsCreated: number;
  readonly tagLinksAdded: number;
  readonly blobsCopied: number;
  readonly blobsMissing: number;
}

export interface WorldSplitResult extends WorldTransferResult {
  readonly world: WorldSummary;
  /** Assets removed from the source world (a move); 0 for a copy. */
  readonly removedFromSource: number;
}

export interface BackupStatus {
  /** The last export of the open world, or null if it was never exported. */
  readonly lastExport: { readonly at: string; readonly fileName: string; readonly bytes: number } | null;
  readonly assetCount: number;
}

/** Whole-world operations: export, backup status, import, merge and split. */
export interface WorldArchiveApi {
  /** The open world as one archive: its database dump, every blob, and a manifest of SHA-256s. */
  exportWorld(onProgress?: (progress: WorldArchiveProgress) => void): Promise<WorldExportResult>;
  /** When the open world was last exported, for the backup reminder. */
  backupStatus(): Promise<BackupStatus>;
  /**
   * A new world from an archive, checked in full first (DamagedArchiveError, nothing written,
   * when any part fails its checksum). It becomes the current world.
   */
  importWorld(
    archive: Blob,
    options?: { readonly name?: string; readonly store?: StoreKind },
    onProgress?: (progress: WorldArchiveProgress) => void,
  ): Promise<WorldImportResult>;
  /** Copies another world or an archive into the open world: new assets only, tags joined by name. */
  mergeWorld(
    source: { readonly world: string } | { readonly archive: Blob },
    onProgress?: (progress: WorldArchiveProgress) => void,
  ): Promise<WorldTransferResult>;
  /** A new world with the open world's assets that match the query; `move` also removes them here. */
  splitWorld(options: { readonly query: string; readonly name: string; readonly move?: boolean }): Promise<WorldSplitResult>;
}
