import Dexie, { type Table } from 'dexie';
import { IngestQueue, takeWithin, type NewQueuedFile, type QueuedFile } from './ingest-queue';
import { WorldBlobDb, type QueueRow } from './world-blob-db';

/** The queue's own database before it moved in with the blobs (`dam-queue-<world>`). */
class LegacyQueueDb extends Dexie {
  files!: Table<NewQueuedFile & { id: number }, number>;
  constructor(name: string) {
    super(name);
    this.version(1).stores({ files: '++id' });
  }
}

/**
 * A world's ingest queue, in the world's blob database (`dam-blobs-<world>`): each file's bytes
 * are written once, to `files`, when it is queued, and the blob store adopts that row for new
 * content (`QueuedFile.storageRef`) instead of copying it.
 */
export class DexieIngestQueue extends IngestQueue {
  private readonly db: WorldBlobDb;
  private migrated: Promise<void> | null = null;

  /** `legacyName`: a queue database of an earlier version, moved in here on first use. */
  constructor(
    readonly databaseName: string,
    private readonly legacyName?: string,
  ) {
    super();
    this.db = new WorldBlobDb(databaseName);
  }

  async add(files: readonly NewQueuedFile[]): Promise<void> {
    await this.ready();
    await this.insert(files);
  }

  private async insert(files: readonly NewQueuedFile[]): Promise<void> {
    if (files.length === 0) return;
    await this.db.transaction('rw', this.db.files, this.db.queue, async () => {
      const fileIds = await this.db.files.bulkAdd(
        files.map((f) => ({ blob: f.file })),
        { allKeys: true },
      );
      await this.db.queue.bulkAdd(
        files.map((f, i): QueueRow => {
          const row: QueueRow = { name: f.name, size: f.file.size, fileId: fileIds[i]! };
          if (f.path !== undefined) row.path = f.path;
          if (f.lastModified !== undefined) row.lastModified = f.lastModified;
          return row;
        }),
      );
    });
  }

  async peek(maxFiles: number, maxBytes: number, afterId?: number): Promise<QueuedFile[]> {
    await this.ready();
    return this.db.transaction('r', this.db.files, this.db.queue, async () => {
      const ordered = afterId === undefined ? this.db.queue.orderBy('id') : this.db.queue.where('id').above(afterId);
      const rows = await ordered.limit(maxFiles).toArray();
      const blobs = await this.db.files.bulkGet(rows.map((r) => r.fileId));
      const items = rows.flatMap((row, i): QueuedFile[] => {
        const blob = blobs[i]?.blob;
        if (!blob) return [];
        const item: QueuedFile = { id: row.id!, name: row.name, file: blob, storageRef: row.fileId };
        return [
          {
            ...item,
            ...(row.path !== undefined && { path: row.path }),
            ...(row.lastModified !== undefined && { lastModified: row.lastModified }),
          },
        ];
      });
      return takeWithin(items, maxFiles, maxBytes);
    });
  }

  async remove(ids: readonly number[]): Promise<void> {
    await this.ready();
    await this.db.transaction('rw', this.db.blobs, this.db.files, this.db.queue, async () => {
      const rows = await this.db.queue.bulkGet([...ids]);
      await this.db.queue.bulkDelete([...ids]);
      await this.db.dropUnreferencedFiles(rows.flatMap((r) => (r ? [r.fileId] : [])));
    });
  }

  async clear(): Promise<void> {
    await this.ready();
    await this.db.transaction('rw', this.db.blobs, this.db.files, this.db.queue, async () => {
      const fileIds = (await this.db.queue.toArray()).map((r) => r.fileId);
      await this.db.queue.clear();
      await this.db.dropUnreferencedFiles(fileIds);
    });
  }

  async size() {
    await this.ready();
    let bytes = 0;
    let files = 0;
    await this.db.queue.each((row) => {
      files++;
      bytes += row.size;
    });
    return { files, bytes };
  }

  override close(): void {
    this.db.close();
  }

  /** Moves a legacy queue's files in (once), so an ingest interrupted before an upgrade still finishes. */
  private ready(): Promise<void> {
    return (this.migrated ??= this.migrateLegacy());
  }

  private async migrateLegacy(): Promise<void> {
    if (!this.legacyName || !(await Dexie.exists(this.legacyName))) return;
    const legacy = new LegacyQueueDb(this.legacyName);
    try {
      const items = await legacy.files.orderBy('id').toArray();
      await this.insert(items.map(({ id: _id, ...file }) => file));
    } finally {
      legacy.close();
    }
    await Dexie.delete(this.legacyName);
  }

  static async deleteDatabase(databaseName: string): Promise<void> {
    await Dexie.delete(databaseName);
  }
}
