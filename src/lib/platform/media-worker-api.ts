import type { DecodedImage, ImageThumbnail, RgbaImage } from '../dam/media/image-codec';
import type { DigestRequest, FileDigest } from '../dam/services/ingest-service';

/** What a media worker does for the world worker: the CPU-bound steps of ingest. */
export interface MediaWorkerApi {
  digest(blob: Blob, name: string): Promise<FileDigest>;
  digestMany(files: readonly DigestRequest[]): Promise<PromiseSettledResult<FileDigest>[]>;
  decode(bytes: Blob | Uint8Array<ArrayBuffer>, maxSide: number): Promise<DecodedImage>;
  encodeWebp(image: RgbaImage, quality: number): Promise<Blob>;
  imageThumbnail(bytes: Blob | Uint8Array<ArrayBuffer>, maxSide: number, quality: number): Promise<ImageThumbnail>;
  imageThumbnails(pictures: readonly Blob[], maxSide: number, quality: number): Promise<PromiseSettledResult<ImageThumbnail>[]>;
}
