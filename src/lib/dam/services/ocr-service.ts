import type { SqlExecutor } from '../../db/database';
import { ecs, type EntityId } from '../../ecs';
import type { ModelExecutionManager } from '../../ml/model-execution-manager';
import type { OcrEngine, OcrResult } from '../../ml/ocr/ocr-types';
import type { BlobStore } from '../../storage/blob-store';
import { NeedsTextEmbeddingMarker } from '../components/markers';
import { OcrTextComponent } from '../components/ocr';
import type { ImageCodec } from '../media/image-codec';
import { getOcrModelInfo } from '../models/ocr-model-registry';
import { readStoredBlob, type StoredFile } from './stored-file-service';

/**
 * Pictures are read at this size at most: detection works at 960 px, but recognition crops each
 * line from the picture given, and small print needs the pixels.
 */
export const OCR_DECODE_SIDE = 2048;

export function getOcrEngine(models: ModelExecutionManager, modelName: string): Promise<OcrEngine> {
  return models.getModel<OcrEngine>(getOcrModelInfo(modelName).loader, modelName);
}

/**
 * Keeps what OCR read in a picture (replacing an earlier reading) and marks the entity for text
 * embedding when it found text. A picture with no text keeps an empty row, so it is known to have
 * been read and is not read again when OCR is turned back on.
 */
export async function saveOcrResult(db: SqlExecutor, entityId: EntityId, modelName: string, result: OcrResult): Promise<void> {
  await ecs.removeComponentsFrom(db, OcrTextComponent, [entityId]);
  await ecs.addComponent(
    db,
    entityId,
    OcrTextComponent.create({
      text: result.text,
      lines: [...result.lines],
      imageWidth: result.width,
      imageHeight: result.height,
      modelName,
    }),
  );
  if (result.lines.length > 0) await ecs.addMarker(db, NeedsTextEmbeddingMarker, [entityId]);
}

/** Decodes the stored picture and reads its text. */
export async function readTextInPicture(engine: OcrEngine, blobs: BlobStore, codec: ImageCodec, file: StoredFile): Promise<OcrResult> {
  const { image } = await codec.decode(await readStoredBlob(blobs, file), OCR_DECODE_SIDE);
  return engine.recognize(image);
}
