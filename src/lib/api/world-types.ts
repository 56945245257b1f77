import type { WorldSummary } from './dam-api';

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
