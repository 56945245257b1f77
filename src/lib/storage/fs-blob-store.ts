import { randomUUID } from 'node:crypto';
import { createWriteStream, openAsBlob } from 'node:fs';
import { link, mkdir, rm, stat, unlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { join } from 'node:path';
import { assertSha256Hex, BlobStore, toBlob } from './blob-store';

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

  async put(sha256Hex: string, data: Blob | Uint8Array): Promise<boolean> {
    const path = this.pathOf(sha256Hex);
    await mkdir(join(path, '..'), { recursive: true });
    // Write aside, then link into place: a crash never leaves a partial blob under its key, and
    // link() refuses to replace an existing blob.
    const temp = `${path}.${randomUUID()}.tmp`;
    try {
      await pipeline(Readable.fromWeb(toBlob(data).stream() as NodeReadableStream<Uint8Array>), createWriteStream(temp));
      await link(temp, path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }

  /** A file-backed Blob: reading it streams from disk. */
  async get(sha256Hex: string): Promise<Blob | null> {
    const path = this.pathOf(sha256Hex);
    // openAsBlob reports a missing file with a bare TypeError, so look first.
    if (!(await this.has(sha256Hex))) return null;
    return openAsBlob(path);
  }

  async delete(sha256Hex: string): Promise<boolean> {
    const path = this.pathOf(sha256Hex);
    const existed = await this.has(sha256Hex);
    await rm(path, { force: true });
    return existed;
  }
}
