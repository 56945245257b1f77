import { FileDigester } from '../dam/ingest/file-digester';
import { ImageCodec, type DecodedImage, type ImageThumbnail, type RgbaImage, type VideoKeyframe } from '../dam/media/image-codec';
import type { DigestRequest, FileDigest } from '../dam/services/ingest-service';
import type { MediaWorkerPool } from './media-worker-pool';

/** Digests files in the media workers, several at once. */
export class PooledFileDigester extends FileDigester {
  readonly concurrency: number;
  constructor(private readonly pool: MediaWorkerPool) {
    super();
    this.concurrency = pool.size;
  }
  digest(blob: Blob, name: string): Promise<FileDigest> {
    return this.pool.run((remote) => remote.digest(blob, name));
  }
  /** The batch in a few parts, two per worker, so every worker has one part to read while it hashes another. */
  async digestMany(files: readonly DigestRequest[]): Promise<PromiseSettledResult<FileDigest>[]> {
    const partSize = Math.max(1, Math.ceil(files.length / (this.pool.size * 2)));
    const parts = Array.from({ length: Math.ceil(files.length / partSize) }, (_, p) => files.slice(p * partSize, (p + 1) * partSize));
    const results = await Promise.all(parts.map((part) => this.pool.run((remote) => remote.digestMany(part))));
    return results.flat();
  }
  override warm(): void {
    this.pool.warm();
  }
}

/**
 * Decodes and encodes pictures in the media workers (a full-size JPEG decode is most of a
 * thumbnail's cost, so this is where more cores pay); video posters and PDF pages stay with
 * the codec of this thread, which they need far more rarely.
 */
export class PooledImageCodec extends ImageCodec {
  override readonly concurrency: number;
  constructor(
    private readonly pool: MediaWorkerPool,
    private readonly local: ImageCodec,
  ) {
    super();
    // A decode runs off each worker's thread: 2 in flight per worker overlap it with an encode.
    this.concurrency = pool.size * 2;
  }
  decode(bytes: Blob | Uint8Array<ArrayBuffer>, maxSide: number): Promise<DecodedImage> {
    return this.pool.run((remote) => remote.decode(bytes, maxSide));
  }
  encodeWebp(image: RgbaImage, quality: number): Promise<Blob> {
    // Copied, not transferred: the caller keeps the pixels (a 256 px picture is ~260 KB).
    return this.pool.run((remote) => remote.encodeWebp(image, quality));
  }
  override imageThumbnail(bytes: Blob | Uint8Array<ArrayBuffer>, maxSide: number, quality: number): Promise<ImageThumbnail> {
    return this.pool.run((remote) => remote.imageThumbnail(bytes, maxSide, quality));
  }
  /** In one worker, which reads the small pictures together: callers split a batch into parts for the pool. */
  override imageThumbnails(pictures: readonly Blob[], maxSide: number, quality: number): Promise<PromiseSettledResult<ImageThumbnail>[]> {
    return this.pool.run((remote) => remote.imageThumbnails(pictures, maxSide, quality));
  }
  override videoPosterFrame(bytes: Blob, maxSide: number): Promise<RgbaImage | null> {
    return this.local.videoPosterFrame(bytes, maxSide);
  }
  override videoKeyframes(bytes: Blob, maxSide: number, count: number): Promise<VideoKeyframe[]> {
    return this.local.videoKeyframes(bytes, maxSide, count);
  }
  override pdfFirstPage(bytes: Blob, maxSide: number): Promise<RgbaImage | null> {
    return this.local.pdfFirstPage(bytes, maxSide);
  }
}
