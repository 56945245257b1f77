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
import { renderThumbnail, saveThumbnail, type RenderedThumbnail } from '../services/thumbnail-service';

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
    // Each thumbnail is saved as soon as it is rendered, one at a time on this thread, while the
    // decoders go on with the next files: saving after the whole batch left them idle meanwhile.
    let saved = Promise.resolve();
    const save = (file: StoredFile, render: () => Promise<RenderedThumbnail>) => {
      saved = saved.then(async () => {
        try {
          const rendered = await render();
          await withSavepoint(tx, () => saveThumbnail(tx, blobs, rendered, thumbnails));
        } catch (error) {
          await recordProcessingError(tx, file.entityId, 'thumbnail', error);
        }
      });
    };
    await mapConcurrent(files, codec.concurrency, async (file) => {
      const rendering = renderThumbnail(blobs, codec, file);
      // Settled here (and awaited again in order by the save), so the slot frees for the next file.
      await rendering.catch(() => undefined);
      save(file, () => rendering);
    });
    await saved;
    await thumbnails.flush(blobs);
  },
});
