/** One blob to store. */
export interface BlobEntry {
  readonly sha256: string;
  readonly data: Blob | Uint8Array;
  /**
   * Where the ingest queue already keeps these bytes (`QueuedFile.storageRef`): a store that
   * shares the queue's storage keeps that copy instead of writing another. Others ignore it.
   */
  readonly storageRef?: number;
  /**
   * The absolute path of the file on disk these bytes were read from (Node): a store that keeps
   * references instead of copies (`FsBlobStore` with `referenceSources`, `dam add-asset
   * --no-copy`) records this path. Others ignore it.
   */
  readonly sourcePath?: string;
}

/**
 * Content-addressed bytes, keyed by the lowercase hex SHA-256 of their content. A blob is
 * written once and never overwritten: putting a key that exists is a no-op. An abstract class
 * (not an interface) so systems can ask for `Res(BlobStore)` and get the world's store.
 *
 * Bytes go in and come out as `Blob`s, so a large file moves from the user's disk into the
 * store (and back out) without being whole in the worker's memory.
 */
export abstract class BlobStore {
  abstract has(sha256Hex: string): Promise<boolean>;
  /** Stores the bytes unless the key exists. Returns whether it wrote anything. */
  abstract put(sha256Hex: string, data: Blob | Uint8Array): Promise<boolean>;
  abstract get(sha256Hex: string): Promise<Blob | null>;
  /**
   * Stores several blobs, skipping keys that exist; returns the keys it wrote. Stores that
   * pay per transaction (IndexedDB) do it in one; a failure may leave some written.
   */
  async putMany(entries: readonly BlobEntry[]): Promise<Set<string>> {
    const written = new Set<string>();
    for (const { sha256, data } of entries) if (await this.put(sha256, data)) written.add(sha256);
    return written;
  }
  abstract delete(sha256Hex: string): Promise<boolean>;
  /** Lets go of any connection; the world calls it when it closes. */
  close(): void {}
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function assertSha256Hex(key: string): void {
  if (!SHA256_HEX.test(key)) throw new Error(`Not a SHA-256 key: ${key}`);
}

export function toBlob(data: Blob | Uint8Array): Blob {
  return data instanceof Uint8Array ? new Blob([data as Uint8Array<ArrayBuffer>]) : data;
}
