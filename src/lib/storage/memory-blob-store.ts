import { assertSha256Hex, BlobStore } from './blob-store';

/** Blobs in memory, for in-memory worlds and tests. */
export class MemoryBlobStore extends BlobStore {
  private readonly blobs = new Map<string, Uint8Array>();

  async has(sha256Hex: string): Promise<boolean> {
    return this.blobs.has(sha256Hex);
  }

  async put(sha256Hex: string, bytes: Uint8Array): Promise<boolean> {
    assertSha256Hex(sha256Hex);
    if (this.blobs.has(sha256Hex)) return false;
    this.blobs.set(sha256Hex, bytes.slice());
    return true;
  }

  async get(sha256Hex: string): Promise<Uint8Array | null> {
    return this.blobs.get(sha256Hex)?.slice() ?? null;
  }

  async delete(sha256Hex: string): Promise<boolean> {
    return this.blobs.delete(sha256Hex);
  }
}
