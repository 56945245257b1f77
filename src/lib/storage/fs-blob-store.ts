import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assertSha256Hex, BlobStore } from './blob-store';

/** Blobs in a directory tree, `<root>/ab/cd/<sha256>`, as the seed lays them out. */
export class FsBlobStore extends BlobStore {
  constructor(readonly root: string) {
    super();
  }

  pathOf(sha256Hex: string): string {
    assertSha256Hex(sha256Hex);
    return join(this.root, sha256Hex.slice(0, 2), sha256Hex.slice(2, 4), sha256Hex);
  }

  async has(sha256Hex: string): Promise<boolean> {
    return stat(this.pathOf(sha256Hex)).then(
      () => true,
      () => false,
    );
  }

  async put(sha256Hex: string, bytes: Uint8Array): Promise<boolean> {
    const path = this.pathOf(sha256Hex);
    await mkdir(join(path, '..'), { recursive: true });
    // Write aside, then link into place: a crash never leaves a partial blob under its key, and
    // link() refuses to replace an existing blob.
    const temp = `${path}.${randomUUID()}.tmp`;
    await writeFile(temp, bytes);
    try {
      await link(temp, path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }

  async get(sha256Hex: string): Promise<Uint8Array | null> {
    return readFile(this.pathOf(sha256Hex)).then(
      (buffer) => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength),
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return null;
        throw error;
      },
    );
  }

  async delete(sha256Hex: string): Promise<boolean> {
    const path = this.pathOf(sha256Hex);
    const existed = await this.has(sha256Hex);
    await rm(path, { force: true });
    return existed;
  }
}
