import { randomUUID } from 'node:crypto';
import { createWriteStream, openAsBlob } from 'node:fs';
import { link, mkdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { join } from 'node:path';
import { assertSha256Hex, BlobStore, toBlob, type BlobEntry } from './blob-store';

export interface FsBlobStoreOptions {
  /**
   * Entries that name their source file (`BlobEntry.sourcePath`) are kept as a reference to it,
   * `<sha256>.ref`, instead of a copy of their bytes (`dam add-asset --no-copy`). Reading such a
   * blob reads the source file, so it must stay where it is, unchanged.
   */
  readonly referenceSources?: boolean;
}

/** What a `.ref` file holds: where the bytes are, and the size and time they had when hashed. */
interface SourceReference {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * Blobs in a directory tree, `<root>/ab/cd/<sha256>`, as the seed lays them out; or, for bytes
 * the store was told to leave where they are, `<root>/ab/cd/<sha256>.ref` naming the original.
 * Every store reads references (whoever wrote them); only one opened with `referenceSources`
 * writes them.
 */
export class FsBlobStore extends BlobStore {
  private readonly referenceSources: boolean;

  constructor(
    readonly root: string,
    options: FsBlobStoreOptions = {},
  ) {
    super();
    this.referenceSources = options.referenceSources ?? false;
  }

  pathOf(sha256Hex: string): string {
    assertSha256Hex(sha256Hex);
    return join(this.root, sha256Hex.slice(0, 2), sha256Hex.slice(2, 4), sha256Hex);
  }

  /** Where the reference to an original kept outside the store would be. */
  referencePathOf(sha256Hex: string): string {
    return `${this.pathOf(sha256Hex)}.ref`;
  }

  /** True for bytes kept here and for a reference (whether or not its original is still there). */
  async has(sha256Hex: string): Promise<boolean> {
    return (await exists(this.pathOf(sha256Hex))) || (await exists(this.referencePathOf(sha256Hex)));
  }

  async put(sha256Hex: string, data: Blob | Uint8Array): Promise<boolean> {
    const path = this.pathOf(sha256Hex);
    await mkdir(join(path, '..'), { recursive: true });
    // Write aside, then link into place: a crash never leaves a partial blob under its key, and
    // link() refuses to replace an existing blob. Bytes put where only a reference was make the
    // store hold its own copy (read first from then on).
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

  override async putMany(entries: readonly BlobEntry[]): Promise<Set<string>> {
    const written = new Set<string>();
    for (const { sha256, data, sourcePath } of entries) {
      const wrote =
        this.referenceSources && sourcePath !== undefined ? await this.putReference(sha256, sourcePath) : await this.put(sha256, data);
      if (wrote) written.add(sha256);
    }
    return written;
  }

  /**
   * Records where the bytes are instead of copying them, unless the store has them or a
   * reference that still holds. A broken reference (original moved or changed) is replaced,
   * so adding the file from its new place repairs it.
   */
  private async putReference(sha256Hex: string, sourcePath: string): Promise<boolean> {
    if (await exists(this.pathOf(sha256Hex))) return false;
    const refPath = this.referencePathOf(sha256Hex);
    if ((await this.readReference(refPath)) !== null) return false;
    const source = await stat(sourcePath);
    const reference: SourceReference = { path: sourcePath, size: source.size, mtimeMs: source.mtimeMs };
    await mkdir(join(refPath, '..'), { recursive: true });
    // Written aside and renamed: a crash never leaves half a reference.
    const temp = `${refPath}.${randomUUID()}.tmp`;
    try {
      await writeFile(temp, `${JSON.stringify(reference)}\n`);
      await rename(temp, refPath);
    } finally {
      await unlink(temp).catch(() => undefined);
    }
    return true;
  }

  /** The reference's original, when it is still there with the size and time it was hashed at. */
  private async readReference(refPath: string): Promise<string | null> {
    let reference: SourceReference;
    try {
      reference = JSON.parse(await readFile(refPath, 'utf8')) as SourceReference;
    } catch {
      return null;
    }
    const source = await stat(reference.path).catch(() => null);
    // A changed original no longer holds the bytes of the key: report it missing (verify names it).
    if (!source?.isFile() || source.size !== reference.size || source.mtimeMs !== reference.mtimeMs) return null;
    return reference.path;
  }

  /** A file-backed Blob: reading it streams from disk (from the original, for a reference). */
  async get(sha256Hex: string): Promise<Blob | null> {
    const path = this.pathOf(sha256Hex);
    // openAsBlob reports a missing file with a bare TypeError, so look first.
    if (await exists(path)) return openAsBlob(path);
    const original = await this.readReference(this.referencePathOf(sha256Hex));
    return original === null ? null : openAsBlob(original);
  }

  /** Drops the stored bytes and any reference; an original outside the store is never touched. */
  async delete(sha256Hex: string): Promise<boolean> {
    const path = this.pathOf(sha256Hex);
    const refPath = this.referencePathOf(sha256Hex);
    const existed = await this.has(sha256Hex);
    await rm(path, { force: true });
    await rm(refPath, { force: true });
    return existed;
  }
}

function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
