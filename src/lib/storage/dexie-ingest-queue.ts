import Dexie, { type Table } from 'dexie';
import { IngestQueue, takeWithin, type NewQueuedFile, type QueuedFile } from './ingest-queue';

class QueueDb extends Dexie {
  files!: Table<QueuedFile, number>;

  constructor(name: string) {
    super(name, { chromeTransactionDurability: 'strict' });
    this.version(1).stores({ files: '++id' });
  }
}

/** A world's ingest queue in its own IndexedDB database (`dam-queue-<world>`). */
export class DexieIngestQueue extends IngestQueue {
  private readonly db: QueueDb;

  constructor(readonly databaseName: string) {
    super();
    this.db = new QueueDb(databaseName);
  }

  async add(files: readonly NewQueuedFile[]): Promise<void> {
    await this.db.files.bulkAdd(files.map((file) => ({ ...file }) as QueuedFile));
  }

  async peek(maxFiles: number, maxBytes: number): Promise<QueuedFile[]> {
    return takeWithin(await this.db.files.orderBy('id').limit(maxFiles).toArray(), maxFiles, maxBytes);
  }

  async remove(ids: readonly number[]): Promise<void> {
    await this.db.files.bulkDelete([...ids]);
  }

  async clear(): Promise<void> {
    await this.db.files.clear();
  }

  async size() {
    let bytes = 0;
    let files = 0;
    await this.db.files.each((item) => {
      files++;
      bytes += item.file.size;
    });
    return { files, bytes };
  }

  override close(): void {
    this.db.close();
  }

  static async deleteDatabase(databaseName: string): Promise<void> {
    await Dexie.delete(databaseName);
  }
}
