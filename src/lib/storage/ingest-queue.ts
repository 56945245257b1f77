/** A file waiting to be ingested. */
export interface QueuedFile {
  readonly id: number;
  readonly name: string;
  readonly path?: string;
  readonly file: Blob;
  readonly lastModified?: number;
  /** Where the queue keeps the bytes, for a blob store that can adopt them (`BlobEntry.storageRef`). */
  readonly storageRef?: number;
}

export type NewQueuedFile = Omit<QueuedFile, 'id' | 'storageRef'>;

/**
 * Files handed to the ingest but not yet recorded, in arrival order. In the browser the queue
 * lives in IndexedDB (which keeps its own copy of each File), so a reload or a crash mid-ingest
 * resumes where it stopped instead of losing the rest of a dropped folder.
 */
export abstract class IngestQueue {
  abstract add(files: readonly NewQueuedFile[]): Promise<void>;
  /**
   * The oldest files (after `afterId`, when given), up to `maxFiles` and (past the first file)
   * `maxBytes`. `afterId` lets the next batch be read while the one before is still queued.
   */
  abstract peek(maxFiles: number, maxBytes: number, afterId?: number): Promise<QueuedFile[]>;
  abstract remove(ids: readonly number[]): Promise<void>;
  abstract clear(): Promise<void>;
  abstract size(): Promise<{ readonly files: number; readonly bytes: number }>;
  close(): void {}
}

/** The queue in memory: Node, tests and in-memory worlds (nothing to resume there). */
export class MemoryIngestQueue extends IngestQueue {
  private items: QueuedFile[] = [];
  private nextId = 1;

  async add(files: readonly NewQueuedFile[]): Promise<void> {
    for (const file of files) this.items.push({ ...file, id: this.nextId++ });
  }

  async peek(maxFiles: number, maxBytes: number, afterId?: number): Promise<QueuedFile[]> {
    const items = afterId === undefined ? this.items : this.items.filter((item) => item.id > afterId);
    return takeWithin(items, maxFiles, maxBytes);
  }

  async remove(ids: readonly number[]): Promise<void> {
    const gone = new Set(ids);
    this.items = this.items.filter((item) => !gone.has(item.id));
  }

  async clear(): Promise<void> {
    this.items = [];
  }

  async size() {
    return { files: this.items.length, bytes: this.items.reduce((sum, item) => sum + item.file.size, 0) };
  }
}

/** The leading items that fit the limits; always at least one, so a huge file still moves. */
export function takeWithin(items: readonly QueuedFile[], maxFiles: number, maxBytes: number): QueuedFile[] {
  const taken: QueuedFile[] = [];
  let bytes = 0;
  for (const item of items) {
    if (taken.length >= maxFiles || (taken.length > 0 && bytes + item.file.size > maxBytes)) break;
    taken.push(item);
    bytes += item.file.size;
  }
  return taken;
}
