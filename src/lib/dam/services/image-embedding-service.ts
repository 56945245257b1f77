import type { SqlExecutor } from '../../db/database';
import { ecs, type EntityId } from '../../ecs';
import type { ModelExecutionManager } from '../../ml/model-execution-manager';
import type { ImageTextEmbedder } from '../../ml/model-types';
import type { RgbaPixels } from '../../ml/vision/image-input';
import type { BlobStore } from '../../storage/blob-store';
import { ThumbnailComponent } from '../components/media';
import type { ImageCodec } from '../media/image-codec';
import { assetKindOf } from '../media/asset-kind';
import { getImageEmbeddingModelInfo } from '../models/image-embedding-model-registry';
import { assertImageEmbedderFits } from './image-model-choice';
import { mapConcurrent } from './map-concurrent';
import { readStoredBlob, type StoredFile } from './stored-file-service';

/** A picture to embed: a whole image, or one keyframe of a video. */
export interface PictureToEmbed {
  readonly entityId: EntityId;
  /** `image`, or `frame@<seconds>` for a video's keyframe (the row's `source_field_name`). */
  readonly field: string;
  readonly image: RgbaPixels;
}

/** The rows' `source_component_name`: the file's own pixels, not another component's text. */
export const PICTURE_SOURCE = 'FileContent';

/**
 * Pictures are decoded to fit this side: CLIP sees a 224 px centre crop of the picture scaled
 * so its shorter side is 224, and a 2:1 picture's shorter side is still 224 at this size, while
 * decoding a large JPEG this small is several times cheaper than at full size.
 */
export const PICTURE_DECODE_SIDE = 448;
/** Keyframes a video is embedded by: enough to find a scene in a short clip, cheap for a long one. */
export const VIDEO_KEYFRAMES = 4;

/**
 * Decodes what the image model sees of each file: a picture, or a few keyframes of a video
 * (its thumbnail where this host cannot decode video). Files that fail go to `onError`; a video
 * with nothing to show yields no picture and no error.
 */
export async function picturesToEmbed(
  db: SqlExecutor,
  blobs: BlobStore,
  codec: ImageCodec,
  files: readonly StoredFile[],
  onError: (entityId: EntityId, error: unknown) => Promise<void>,
): Promise<PictureToEmbed[]> {
  const pictures: PictureToEmbed[] = [];
  const failures: { entityId: EntityId; error: unknown }[] = [];
  await mapConcurrent(files, codec.concurrency, async (file) => {
    try {
      const blob = await readStoredBlob(blobs, file);
      if (assetKindOf(file.mimeType) !== 'video') {
        pictures.push({ entityId: file.entityId, field: 'image', image: (await codec.decode(blob, PICTURE_DECODE_SIDE)).image });
        return;
      }
      const frames = await codec.videoKeyframes(blob, PICTURE_DECODE_SIDE, VIDEO_KEYFRAMES);
      for (const frame of frames)
        pictures.push({ entityId: file.entityId, field: `frame@${frame.timeSeconds.toFixed(2)}`, image: frame.image });
      if (frames.length === 0) {
        const poster = await thumbnailOf(db, blobs, codec, file.entityId);
        if (poster) pictures.push({ entityId: file.entityId, field: 'poster', image: poster });
      }
    } catch (error) {
      failures.push({ entityId: file.entityId, error });
    }
  });
  // Errors are written here, one at a time, not from the concurrent decodes (one transaction).
  for (const { entityId, error } of failures) await onError(entityId, error);
  return pictures.sort((a, b) => a.entityId - b.entityId || a.field.localeCompare(b.field));
}

async function thumbnailOf(db: SqlExecutor, blobs: BlobStore, codec: ImageCodec, entityId: EntityId): Promise<RgbaPixels | null> {
  const thumbnail = await ecs.getComponent(db, entityId, ThumbnailComponent);
  const blob = thumbnail && (await blobs.get(thumbnail.blobSha256));
  return blob ? (await codec.decode(blob, PICTURE_DECODE_SIDE)).image : null;
}

/** Working memory a picture takes through ViT-B/32 (50 tokens × 768 × 12 layers, with margin). */
const PICTURE_ESTIMATE_MB = 8;
const FALLBACK_BATCH_SIZE = 8;

/**
 * The pictures' vectors, in batches the manager sizes, shrunk and retried on out-of-memory or
 * a lost GPU device, so each picture is embedded exactly once.
 */
export async function embedPictures(
  models: ModelExecutionManager,
  modelName: string,
  pictures: readonly PictureToEmbed[],
): Promise<Float32Array[]> {
  if (pictures.length === 0) return [];
  const { loader } = getImageEmbeddingModelInfo(modelName);
  const batchSize = await models.getOptimalBatchSize(loader, modelName, PICTURE_ESTIMATE_MB, FALLBACK_BATCH_SIZE);
  return models.runBatched<PictureToEmbed, Float32Array, ImageTextEmbedder>(
    loader,
    modelName,
    {},
    pictures,
    (model, batch) => {
      assertImageEmbedderFits(modelName, model);
      return model.embedImages(batch.map((p) => p.image));
    },
    { batchSize },
  );
}

/** Replaces the entities' rows in the model's table with these pictures' vectors. */
export async function saveImageEmbeddings(
  db: SqlExecutor,
  modelName: string,
  entityIds: readonly EntityId[],
  pictures: readonly PictureToEmbed[],
  vectors: readonly Float32Array[],
): Promise<void> {
  const { component } = getImageEmbeddingModelInfo(modelName);
  await ecs.removeComponentsFrom(db, component, entityIds);
  await ecs.addComponents(
    db,
    component,
    pictures.map((p, i) => ({
      entityId: p.entityId,
      fields: { embeddingVector: vectors[i]!, sourceComponentName: PICTURE_SOURCE, sourceFieldName: p.field },
    })),
  );
}
