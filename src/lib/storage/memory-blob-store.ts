import { assertSha256Hex, BlobStore, toBlob } from './blob-store';

/** Blobs in memory, for in-memory worlds and tests. */
export class MemoryBlobStore extends BlobStore {
  private readonly blobs = new Map<string, Blob>();

  async has(sha256Hex: string): Promise<boolean> {
    return this.blobs.has(sha256Hex);
  }

  async put(sha256Hex: string, data: Blob | Uint8Array): Promise<boolean> {
    assertSha256Hex(sha256Hex);
    if (this.blobs.has(sha256Hex)) return false;
    // A copy: the caller's buffer may be reused or detached.
    this.blobs.set(sha256Hex, new Blob([await toBlob(data).arrayBuffer()]));
    return true;
  }

  async get(sha256Hex: string): Promise<Blob | null> {
    return this.blobs.get(sha256Hex) ?? null;
  }

  async delete(sha256Hex: string): Promise<boolean> {
    return this.blobs.delete(sha256Hex);
  }
}
