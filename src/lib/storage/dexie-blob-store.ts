import Dexie, { type Table } from 'dexie';
import { assertSha256Hex, BlobStore, toBlob } from './blob-store';

interface BlobRow {
  sha256: string;
  /** IndexedDB keeps a Blob on disk and copies a File from its source without a JS buffer. */
  blob: Blob;
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

  async put(sha256Hex: string, data: Blob | Uint8Array): Promise<boolean> {
    assertSha256Hex(sha256Hex);
    try {
      // add(), not put(): a blob is written once and never replaced.
      await this.db.blobs.add({ sha256: sha256Hex, blob: toBlob(data) });
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConstraintError') return false;
      throw error;
    }
  }

  /** One strict transaction for the lot: per-file commits cost ~4× as much (BENCHMARKS.md, ingest). */
  override async putMany(entries: readonly { readonly sha256: string; readonly data: Blob | Uint8Array }[]): Promise<Set<string>> {
    for (const entry of entries) assertSha256Hex(entry.sha256);
    return this.db.transaction('rw', this.db.blobs, async () => {
      const keys = [...new Set(entries.map((e) => e.sha256))];
      const existing = await this.db.blobs.bulkGet(keys);
      const missing = new Set(keys.filter((_, i) => existing[i] === undefined));
      const rows: BlobRow[] = [];
      for (const entry of entries) {
        if (!missing.has(entry.sha256) || rows.some((r) => r.sha256 === entry.sha256)) continue;
        rows.push({ sha256: entry.sha256, blob: toBlob(entry.data) });
      }
      await this.db.blobs.bulkAdd(rows);
      return new Set(rows.map((r) => r.sha256));
    });
  }

  async get(sha256Hex: string): Promise<Blob | null> {
    return (await this.db.blobs.get(sha256Hex))?.blob ?? null;
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
