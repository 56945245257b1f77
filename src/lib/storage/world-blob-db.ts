import Dexie, { type Table } from 'dexie';

/** A stored blob: its bytes inline, as a Blob of its own, or the Blob of a queued file it adopted. */
export interface BlobRow {
  sha256: string;
  /** IndexedDB keeps a Blob on disk and copies a File from its source without a JS buffer. */
  blob?: Blob;
  /** Small bytes (thumbnails, EXIF previews) kept inline, in the row itself. */
  bytes?: Uint8Array;
  /** The `files` row holding the bytes: a queued file whose content was new. */
  fileId?: number;
}

/** The bytes of a file handed to the ingest, written once when it is queued. */
export interface FileRow {
  id?: number;
  blob: Blob;
}

export interface QueueRow {
  id?: number;
  name: string;
  path?: string;
  lastModified?: number;
  size: number;
  fileId: number;
}

/**
 * A world's IndexedDB database (`dam-blobs-<world>`) for its bytes: the content-addressed
 * blobs and the ingest queue, together so that a queued file's bytes become the stored blob
 * without a second copy. Chromium writes each stored Blob to a file of its own; copying every
 * added file twice (queue, then store) cost a third of the adding rate (BENCHMARKS.md, ingest).
 */
export class WorldBlobDb extends Dexie {
  blobs!: Table<BlobRow, string>;
  files!: Table<FileRow, number>;
  queue!: Table<QueueRow, number>;

  constructor(name: string) {
    super(name, { chromeTransactionDurability: 'strict' });
    this.version(1).stores({ blobs: 'sha256' });
    this.version(2).stores({ blobs: 'sha256, fileId', files: '++id', queue: '++id, fileId' });
  }

  /**
   * Deletes the `files` rows among `fileIds` that neither a blob nor a queued file points at.
   * Call inside a read-write transaction over `blobs`, `files` and `queue`.
   */
  async dropUnreferencedFiles(fileIds: readonly number[]): Promise<void> {
    if (fileIds.length === 0) return;
    const ids = [...new Set(fileIds)];
    const [adopted, queued] = await Promise.all([
      this.blobs.where('fileId').anyOf(ids).toArray(),
      this.queue.where('fileId').anyOf(ids).toArray(),
    ]);
    const kept = new Set([...adopted.map((r) => r.fileId), ...queued.map((r) => r.fileId)]);
    await this.files.bulkDelete(ids.filter((id) => !kept.has(id)));
  }
}
