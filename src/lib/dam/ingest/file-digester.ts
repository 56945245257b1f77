import { digestFile, digestFiles, type DigestRequest, type FileDigest } from '../services/ingest-service';

/**
 * Where a file's digest (five hashes, MIME type, image header and EXIF) is computed: the
 * CPU-bound part of adding a file. A global resource. The default works on the calling thread;
 * the browser registers a pool of workers so several files are digested at once on several cores.
 */
export abstract class FileDigester {
  /** How many files the ingest should hand over at once to keep every thread busy. */
  abstract readonly concurrency: number;
  abstract digest(blob: Blob, name: string): Promise<FileDigest>;
  /** Digests a batch, results in input order, each settled on its own (small files are read together). */
  abstract digestMany(files: readonly DigestRequest[]): Promise<PromiseSettledResult<FileDigest>[]>;
  /** Gets ready for files about to come (starts workers), so the first batch does not wait for that. */
  warm(): void {}
}

export class InThreadFileDigester extends FileDigester {
  readonly concurrency = 1;
  digest(blob: Blob, name: string): Promise<FileDigest> {
    return digestFile(blob, name);
  }
  digestMany(files: readonly DigestRequest[]): Promise<PromiseSettledResult<FileDigest>[]> {
    return digestFiles(files);
  }
}
