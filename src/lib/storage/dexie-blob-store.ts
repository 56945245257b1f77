import Dexie, { type Table } from 'dexie';
import { assertSha256Hex, BlobStore } from './blob-store';

interface BlobRow {
  sha256: string;
  bytes: Uint8Array;
}

class BlobDb extends Dexie {
  blobs!: Table<BlobRow, string>;

  constructor(name: string) {
    super(name, { chromeTransactionDurability: 'strict' });
    this.version(1).stores({ blobs: 'sha256' });
  }
}

/** A world's blobs in their own IndexedDB database (`dam-blobs-<world>`), through Dexie. */
export class DexieBlobStore extends BlobStore {
  private readonly db: BlobDb;

  constructor(readonly databaseName: string) {
    super();
    this.db = new BlobDb(databaseName);
  }

  async has(sha256Hex: string): Promise<boolean> {
    return (await this.db.blobs.where('sha256').equals(sha256Hex).count()) > 0;
  }

  async put(sha256Hex: string, bytes: Uint8Array): Promise<boolean> {
    assertSha256Hex(sha256Hex);
    try {
      // add(), not put(): a blob is written once and never replaced.
      await this.db.blobs.add({ sha256: sha256Hex, bytes });
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConstraintError') return false;
      throw error;
    }
  }

  async get(sha256Hex: string): Promise<Uint8Array | null> {
    return (await this.db.blobs.get(sha256Hex))?.bytes ?? null;
  }

  async delete(sha256Hex: string): Promise<boolean> {
    const existed = await this.has(sha256Hex);
    await this.db.blobs.delete(sha256Hex);
    return existed;
  }

  override close(): void {
    this.db.close();
  }

  static async deleteDatabase(databaseName: string): Promise<void> {
    await Dexie.delete(databaseName);
  }
}
