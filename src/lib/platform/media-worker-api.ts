import type { DecodedImage, RgbaImage } from '../dam/media/image-codec';
import type { FileDigest } from '../dam/services/ingest-service';

/** What a media worker does for the world worker: the CPU-bound steps of ingest. */
export interface MediaWorkerApi {
  digest(blob: Blob, name: string): Promise<FileDigest>;
  decode(bytes: Blob, maxSide: number): Promise<DecodedImage>;
  encodeWebp(image: RgbaImage, quality: number): Promise<Blob>;
}
