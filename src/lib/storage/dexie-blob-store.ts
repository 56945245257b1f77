import Dexie from 'dexie';
import { assertSha256Hex, BlobStore, toBlob, type BlobEntry } from './blob-store';
import { WorldBlobDb, type BlobRow } from './world-blob-db';

/**
 * Bytes up to this size are stored in the row, not as a Blob: Chromium writes every stored Blob
 * to a file of its own, and for a 10 KB thumbnail that file costs the browser process more than
 * the bytes (the thumbnail phase was bound by it). Chromium moves values past ~64 KB out of the
 * row by itself anyway.
 */
const INLINE_BYTES_LIMIT = 48 * 1024;

function toRow(sha256: string, data: Blob | Uint8Array): BlobRow {
  if (data instanceof Uint8Array && data.byteLength <= INLINE_BYTES_LIMIT) {
    // A view would store its whole underlying buffer: keep exactly its bytes.
    const exact = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
    return { sha256, bytes: exact };
  }
  return { sha256, blob: toBlob(data) };
}

function entryRow(entry: BlobEntry): BlobRow {
  // Bytes the ingest queue already holds in this database are adopted, not copied.
  return entry.storageRef !== undefined ? { sha256: entry.sha256, fileId: entry.storageRef } : toRow(entry.sha256, entry.data);
}

/** A world's blobs in its IndexedDB database (`dam-blobs-<world>`, shared with its ingest queue), through Dexie. */
export class DexieBlobStore extends BlobStore {
  private readonly db: WorldBlobDb;

  constructor(readonly databaseName: string) {
    super();
    this.db = new WorldBlobDb(databaseName);
  }

  async has(sha256Hex: string): Promise<boolean> {
    return (await this.db.blobs.where('sha256').equals(sha256Hex).count()) > 0;
  }

  async put(sha256Hex: string, data: Blob | Uint8Array): Promise<boolean> {
    assertSha256Hex(sha256Hex);
    try {
      // add(), not put(): a blob is written once and never replaced.
      await this.db.blobs.add(toRow(sha256Hex, data));
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConstraintError') return false;
      throw error;
    }
  }

  /** One strict transaction for the lot: per-file commits cost ~4× as much (BENCHMARKS.md, ingest). */
  override async putMany(entries: readonly BlobEntry[]): Promise<Set<string>> {
    for (const entry of entries) assertSha256Hex(entry.sha256);
    return this.db.transaction('rw', this.db.blobs, async () => {
      const keys = [...new Set(entries.map((e) => e.sha256))];
      const existing = await this.db.blobs.bulkGet(keys);
      const missing = new Set(keys.filter((_, i) => existing[i] === undefined));
      const rows: BlobRow[] = [];
      for (const entry of entries) {
        if (!missing.has(entry.sha256) || rows.some((r) => r.sha256 === entry.sha256)) continue;
        rows.push(entryRow(entry));
      }
      await this.db.blobs.bulkAdd(rows);
      return new Set(rows.map((r) => r.sha256));
    });
  }

  async get(sha256Hex: string): Promise<Blob | null> {
    return this.db.transaction('r', this.db.blobs, this.db.files, async () => {
      const row = await this.db.blobs.get(sha256Hex);
      if (!row) return null;
      if (row.blob) return row.blob;
      if (row.bytes) return new Blob([row.bytes as Uint8Array<ArrayBuffer>]);
      return row.fileId !== undefined ? ((await this.db.files.get(row.fileId))?.blob ?? null) : null;
    });
  }

  async delete(sha256Hex: string): Promise<boolean> {
    return this.db.transaction('rw', this.db.blobs, this.db.files, this.db.queue, async () => {
      const row = await this.db.blobs.get(sha256Hex);
      if (!row) return false;
      await this.db.blobs.delete(sha256Hex);
      if (row.fileId !== undefined) await this.db.dropUnreferencedFiles([row.fileId]);
      return true;
    });
  }

  override close(): void {
    this.db.close();
  }

  static async deleteDatabase(databaseName: string): Promise<void> {
    await Dexie.delete(databaseName);
  }
}
