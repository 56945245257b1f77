import type { IngestFileInput, SimilarImage } from '../lib/api/dam-api';
import { DamApp } from '../lib/dam/dam-app';
import { ImageCodec } from '../lib/dam/media/image-codec';
import { perceptualHashes } from '../lib/dam/media/perceptual-hash';
import { findUnchangedLocations } from '../lib/dam/services/ingest-service';
import { findImagesNearHashes } from '../lib/dam/services/similarity-service';
import { THUMBNAIL_SIZE } from '../lib/dam/services/thumbnail-service';

/**
 * The app with the two questions the CLI asks that the `DamApi` has no call for, each answered
 * by the service the app itself uses (no SQL here).
 */
export class CliDamApp extends DamApp {
  /**
   * The files (by index) the open world already has at that path with that modification time:
   * the ingest skips them unread, so `add-asset` counts them as unchanged, not as duplicates.
   */
  async unchangedFiles(files: readonly IngestFileInput[]): Promise<Set<number>> {
    const sources = files.map((f) => ({ path: f.path, modifiedAt: f.lastModified !== undefined ? new Date(f.lastModified) : null }));
    return new Set((await findUnchangedLocations(this.requireOpen().db, sources)).keys());
  }

  /**
   * Pictures like one that is not in the library, by perceptual hashes (`findSimilarImages`'s
   * measure): decoded at thumbnail size, as the library's own pictures were when hashed.
   */
  async findSimilarToPicture(picture: Blob, options: { threshold?: number; limit?: number } = {}): Promise<SimilarImage[]> {
    const db = this.requireOpen().db;
    const { image } = await this.platform.globalResources.get(ImageCodec).decode(picture, THUMBNAIL_SIZE);
    const found = await findImagesNearHashes(db, perceptualHashes(image), options);
    return found.map((s) => ({ ...s, similarity: null }));
  }
}
