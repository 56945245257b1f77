import { withSavepoint } from '../../db/savepoint';
import { defineSystem, Marked, Res, Stage, WorldSession } from '../../ecs';
import { BlobStore } from '../../storage/blob-store';
import { NeedsArchiveExtractionMarker, NeedsMetadataExtractionMarker, NeedsThumbnailMarker } from '../components/markers';
import { ImageCodec } from '../media/image-codec';
import { extractArchiveMembers } from '../services/archive-service';
import { extractMetadata } from '../services/metadata-service';
import { loadStoredFiles, recordProcessingError, type StoredFile } from '../services/stored-file-service';
import { BlobWriteBatch } from '../services/derived-blob-service';
import { mapConcurrent } from '../services/map-concurrent';
import {
  renderImageThumbnails,
  renderThumbnail,
  saveThumbnail,
  saveThumbnails,
  type RenderedThumbnail,
} from '../services/thumbnail-service';
import { assetKindOf } from '../media/asset-kind';

/*
 * Each system takes a bounded batch of marked entities, so a stage's transaction stays short
 * and progress shows between batches. A file that fails gets a processing-error component and
 * loses its marker like the others: bad input is reported, never retried in a loop.
 */

/** Zip archives become their members (AssetIngestion, one archive per round). */
export const archiveExtractionSystem = defineSystem({
  name: 'archiveExtractionSystem',
  stage: Stage.AssetIngestion,
  params: { tx: WorldSession, blobs: Res(BlobStore), archives: Marked(NeedsArchiveExtractionMarker, { limit: 1 }) },
  async run({ tx, blobs, archives }) {
    for (const file of await loadStoredFiles(tx, archives)) {
      try {
        await withSavepoint(tx, () => extractArchiveMembers(tx, blobs, file));
      } catch (error) {
        await recordProcessingError(tx, file.entityId, 'archive', error);
      }
    }
  },
});

/** Dimensions, EXIF, audio/video properties, PDF text and the embedded preview. */
export const metadataExtractionSystem = defineSystem({
  name: 'metadataExtractionSystem',
  stage: Stage.MetadataExtraction,
  params: { tx: WorldSession, blobs: Res(BlobStore), entities: Marked(NeedsMetadataExtractionMarker, { limit: 64 }) },
  async run({ tx, blobs, entities }) {
    const previews = new BlobWriteBatch();
    for (const file of await loadStoredFiles(tx, entities)) {
      try {
        await withSavepoint(tx, () => extractMetadata(tx, blobs, file, previews));
      } catch (error) {
        await recordProcessingError(tx, file.entityId, 'metadata', error);
      }
    }
    await previews.flush(blobs);
  },
});

/** Decoded thumbnails and perceptual hashes, after the cheap work (ContentAnalysis). */
export const thumbnailSystem = defineSystem({
  name: 'thumbnailSystem',
  stage: Stage.ContentAnalysis,
  params: { tx: WorldSession, blobs: Res(BlobStore), codec: Res(ImageCodec), entities: Marked(NeedsThumbnailMarker, { limit: 48 }) },
  async run({ tx, blobs, codec, entities }) {
    const files = await loadStoredFiles(tx, entities);
    const thumbnails = new BlobWriteBatch();
    // Thumbnails are saved as soon as they are rendered, on this thread, while the decoders go
    // on with the next files: saving after the whole batch left them idle meanwhile.
    let saved = Promise.resolve();
    const saveOne = async (file: StoredFile, rendered: PromiseSettledResult<RenderedThumbnail>) => {
      try {
        if (rendered.status === 'rejected') throw rendered.reason;
        await withSavepoint(tx, () => saveThumbnail(tx, blobs, rendered.value, thumbnails));
      } catch (error) {
        await recordProcessingError(tx, file.entityId, 'thumbnail', error);
      }
    };
    /** A part's thumbnails in a few statements; if that fails, one by one, so only a bad one fails. */
    const save = (files: readonly StoredFile[], rendered: readonly PromiseSettledResult<RenderedThumbnail>[]) => {
      saved = saved.then(async () => {
        const made = rendered.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        const together = await withSavepoint(tx, () => saveThumbnails(tx, made, thumbnails)).then(
          () => true,
          () => false,
        );
        for (const [i, result] of rendered.entries()) {
          if (!together || result.status === 'rejected') await saveOne(files[i]!, result);
        }
      });
    };
    // Pictures go to the codec in parts, one per call it keeps in flight (a pool reads each
    // part's small files together); video posters and PDF pages one by one.
    const pictures = files.filter((f) => assetKindOf(f.mimeType) === 'image');
    const others = files.filter((f) => assetKindOf(f.mimeType) !== 'image');
    const partSize = Math.max(1, Math.ceil(pictures.length / codec.concurrency));
    const parts = Array.from({ length: Math.ceil(pictures.length / partSize) }, (_, p) => pictures.slice(p * partSize, (p + 1) * partSize));
    await Promise.all([
      ...parts.map(async (part) => {
        const rendered = await renderImageThumbnails(blobs, codec, part).catch((reason: unknown) =>
          part.map((): PromiseSettledResult<RenderedThumbnail> => ({ status: 'rejected', reason })),
        );
        save(part, rendered);
      }),
      mapConcurrent(others, codec.concurrency, async (file) => {
        save([file], await Promise.allSettled([renderThumbnail(blobs, codec, file)]));
      }),
    ]);
    await saved;
    await thumbnails.flush(blobs);
  },
});
