import { withSavepoint } from '../../db/savepoint';
import { defineSystem, ecs, Marked, Res, Stage, WorldSession } from '../../ecs';
import { ModelExecutionManager } from '../../ml/model-execution-manager';
import type { RgbaPixels } from '../../ml/vision/image-input';
import { BlobStore } from '../../storage/blob-store';
import { NeedsAutoTaggingMarker } from '../components/markers';
import { ImageCodec } from '../media/image-codec';
import { getTaggingModelInfo } from '../models/tagging-model-registry';
import { getAutoTaggingSettings } from '../services/auto-tagging-settings';
import { mapConcurrent } from '../services/map-concurrent';
import { loadStoredFiles, readStoredBlob, recordProcessingError } from '../services/stored-file-service';
import { chooseTaggingModel, updateEntityModelTags } from '../services/tagging-service';

/**
 * Model tags for marked images (seeds: AutoTaggingSystem), with the model the world's settings
 * name, or the bundled one when that is not here. A picture that cannot be decoded, or a batch
 * the model fails on, is recorded as an `auto-tagging` processing error and loses its marker,
 * like any bad input: it is not retried in a loop, and the stage's other work (text embeddings)
 * is kept. Turning auto-tagging on again marks the images still untagged.
 */
export const autoTaggingSystem = defineSystem({
  name: 'autoTaggingSystem',
  stage: Stage.PostProcessing,
  autoRemoveMarkers: false,
  params: {
    tx: WorldSession,
    models: Res(ModelExecutionManager),
    blobs: Res(BlobStore),
    codec: Res(ImageCodec),
    entities: Marked(NeedsAutoTaggingMarker, { limit: 16 }),
  },
  async run({ tx, models, blobs, codec, entities }) {
    const settings = await getAutoTaggingSettings(tx);
    const done = async () => {
      await ecs.removeComponentsFrom(tx, NeedsAutoTaggingMarker, entities);
    };
    if (!settings.enabled) return done();
    const failAll = async (ids: readonly number[], error: unknown) => {
      for (const id of ids) await recordProcessingError(tx, id, 'auto-tagging', error);
    };
    let model: string;
    try {
      model = await chooseTaggingModel(models, settings.model);
    } catch (error) {
      await failAll(entities, error);
      return done();
    }
    const { size } = getTaggingModelInfo(model).loadParams.input;
    const pictures: { entityId: number; image: RgbaPixels }[] = [];
    await mapConcurrent(await loadStoredFiles(tx, entities), codec.concurrency, async (file) => {
      try {
        pictures.push({ entityId: file.entityId, image: (await codec.decode(await readStoredBlob(blobs, file), size)).image });
      } catch (error) {
        await recordProcessingError(tx, file.entityId, 'auto-tagging', error);
      }
    });
    pictures.sort((a, b) => a.entityId - b.entityId);
    try {
      await withSavepoint(tx, () => updateEntityModelTags(tx, models, model, pictures));
    } catch (error) {
      await failAll(
        pictures.map((p) => p.entityId),
        error,
      );
    }
    await done();
  },
});
