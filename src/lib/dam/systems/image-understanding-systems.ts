import { withSavepoint } from '../../db/savepoint';
import { defineSystem, ecs, Marked, Res, Stage, WorldSession } from '../../ecs';
import { ModelExecutionManager } from '../../ml/model-execution-manager';
import { BlobStore } from '../../storage/blob-store';
import { NeedsImageEmbeddingMarker, NeedsOcrMarker } from '../components/markers';
import { ImageCodec } from '../media/image-codec';
import { DEFAULT_OCR_MODEL } from '../models/ocr-model-registry';
import { embedPictures, picturesToEmbed, saveImageEmbeddings } from '../services/image-embedding-service';
import { chooseImageModel, getImageEmbedder } from '../services/image-model-choice';
import { getImageUnderstandingSettings } from '../services/image-understanding-settings';
import { mapConcurrent } from '../services/map-concurrent';
import { getOcrEngine, readTextInPicture, saveOcrResult } from '../services/ocr-service';
import { loadStoredFiles, recordProcessingError } from '../services/stored-file-service';
import { tagPicturesZeroShot } from '../services/zero-shot-tagging';
import type { OcrResult } from '../../ml/ocr/ocr-types';

/*
 * Both systems run after thumbnails and never throw: a picture that cannot
 * be decoded, or a batch the model fails on, becomes a processing error and loses its marker,
 * so the stage's other work (text embeddings, tags) is kept and nothing is retried in a loop.
 */

/**
 * CLIP vectors for marked pictures and videos, and zero-shot tags from them. Without an image
 * model the markers are simply dropped: importing one marks every picture still without a
 * vector (`markUnembeddedPictures`).
 */
export const imageEmbeddingSystem = defineSystem({
  name: 'imageEmbeddingSystem',
  stage: Stage.PostProcessing,
  params: {
    tx: WorldSession,
    models: Res(ModelExecutionManager),
    blobs: Res(BlobStore),
    codec: Res(ImageCodec),
    entities: Marked(NeedsImageEmbeddingMarker, { limit: 16 }),
  },
  async run({ tx, models, blobs, codec, entities }) {
    const model = await chooseImageModel(models);
    if (!model) return;
    const fail = (entityId: number, error: unknown) => recordProcessingError(tx, entityId, 'image-embedding', error);
    const pictures = await picturesToEmbed(tx, blobs, codec, await loadStoredFiles(tx, entities), fail);
    const embedded = [...new Set(pictures.map((p) => p.entityId))];
    try {
      const vectors = await embedPictures(models, model, pictures);
      await withSavepoint(tx, () => saveImageEmbeddings(tx, model, embedded, pictures, vectors));
      const settings = await getImageUnderstandingSettings(tx);
      if (!settings.zeroShotTags) return;
      const byEntity = new Map<number, Float32Array[]>();
      pictures.forEach((p, i) => byEntity.set(p.entityId, [...(byEntity.get(p.entityId) ?? []), vectors[i]!]));
      await withSavepoint(tx, async () => {
        await tagPicturesZeroShot(tx, await getImageEmbedder(models, model), model, byEntity, settings);
      });
    } catch (error) {
      for (const id of embedded) await fail(id, error);
    }
  },
});

/**
 * Text read in marked pictures (the bundled PP-OCRv4), while OCR is on. In ContentAnalysis,
 * before PostProcessing: the text it finds marks the picture for text embedding, which a system
 * of the same stage would have consumed already (a stage removes the markers its systems took
 * when it commits).
 */
export const ocrSystem = defineSystem({
  name: 'ocrSystem',
  stage: Stage.ContentAnalysis,
  autoRemoveMarkers: false,
  params: {
    tx: WorldSession,
    models: Res(ModelExecutionManager),
    blobs: Res(BlobStore),
    codec: Res(ImageCodec),
    // Detection and recognition take about a second a page on wasm: a few per round keeps the
    // stage's transaction (which other queries wait behind) short.
    entities: Marked(NeedsOcrMarker, { limit: 4 }),
  },
  async run({ tx, models, blobs, codec, entities }) {
    const done = async () => {
      await ecs.removeComponentsFrom(tx, NeedsOcrMarker, entities);
    };
    if (!(await getImageUnderstandingSettings(tx)).ocr) return done();
    // Pictures become searchable by the image model first: OCR costs several times more a
    // picture (about a second on wasm), and waits until no picture waits for a vector.
    const { rows } = await tx.query(`SELECT 1 FROM ${NeedsImageEmbeddingMarker.table} LIMIT 1`);
    if (rows.length > 0 && (await chooseImageModel(models))) return;
    const files = await loadStoredFiles(tx, entities);
    const fail = (entityId: number, error: unknown) => recordProcessingError(tx, entityId, 'ocr', error);
    let engine;
    try {
      engine = await getOcrEngine(models, DEFAULT_OCR_MODEL);
    } catch (error) {
      for (const file of files) await fail(file.entityId, error);
      return done();
    }
    const results: { entityId: number; result: PromiseSettledResult<OcrResult> }[] = [];
    // One picture decodes while the engine reads another.
    await mapConcurrent(files, 2, async (file) => {
      const [result] = await Promise.allSettled([readTextInPicture(engine, blobs, codec, file)]);
      results.push({ entityId: file.entityId, result: result! });
    });
    for (const { entityId, result } of results.sort((a, b) => a.entityId - b.entityId)) {
      if (result.status === 'rejected') await fail(entityId, result.reason);
      else
        await withSavepoint(tx, () => saveOcrResult(tx, entityId, DEFAULT_OCR_MODEL, result.value)).catch((error: unknown) =>
          fail(entityId, error),
        );
    }
    await done();
  },
});
