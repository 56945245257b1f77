import { FileDigester } from '../dam/ingest/file-digester';
import { ImageCodec, type DecodedImage, type RgbaImage } from '../dam/media/image-codec';
import type { FileDigest } from '../dam/services/ingest-service';
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
    // createImageBitmap decodes off each worker's thread: 2 in flight per worker overlap them.
    this.concurrency = pool.size * 2;
  }
  decode(bytes: Blob, maxSide: number): Promise<DecodedImage> {
    return this.pool.run((remote) => remote.decode(bytes, maxSide));
  }
  encodeWebp(image: RgbaImage, quality: number): Promise<Blob> {
    // Copied, not transferred: the caller keeps the pixels (a 256 px picture is ~260 KB).
    return this.pool.run((remote) => remote.encodeWebp(image, quality));
  }
  override videoPosterFrame(bytes: Blob, maxSide: number): Promise<RgbaImage | null> {
    return this.local.videoPosterFrame(bytes, maxSide);
  }
  override pdfFirstPage(bytes: Blob, maxSide: number): Promise<RgbaImage | null> {
    return this.local.pdfFirstPage(bytes, maxSide);
  }
}
