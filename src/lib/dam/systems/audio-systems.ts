import { withSavepoint } from '../../db/savepoint';
import { defineListener, defineSystem, Marked, Res, Stage, TriggeringEvent, WorldSession } from '../../ecs';
import { ModelExecutionManager } from '../../ml/model-execution-manager';
import { BlobStore } from '../../storage/blob-store';
import { NeedsAudioProcessingMarker } from '../components/markers';
import { AudioSearchQuery } from '../events/audio-search-query';
import { AudioCodec, AudioDecodeError } from '../media/audio-codec';
import { assetKindOf } from '../media/asset-kind';
import { getAudioEmbeddingModelInfo } from '../models/audio-embedding-model-registry';
import { findSimilarEntitiesByAudioEmbedding, generateAudioEmbeddingForEntity, hasAudioEmbedding } from '../services/audio-service';
import { availableAudioModels } from '../services/audio-model-choice';
import { loadStoredFiles, recordProcessingError } from '../services/stored-file-service';

/**
 * Audio embeddings for marked sounds and videos (seeds: audio_embedding_generation_system), by
 * every audio model here that has not embedded them yet: the bundled speech embedding always,
 * CLAP and VGGish once imported (which marks the sounds again). A
 * file that cannot be decoded or embedded gets an `audio-embedding` processing error and loses
 * its marker like any bad input; the system never throws, so the stage's other work is kept.
 */
export const audioEmbeddingGenerationSystem = defineSystem({
  name: 'audioEmbeddingGenerationSystem',
  stage: Stage.PostProcessing,
  params: {
    tx: WorldSession,
    models: Res(ModelExecutionManager),
    blobs: Res(BlobStore),
    codec: Res(AudioCodec),
    // A sound takes about a tenth of its length on wasm: a few per round keep the stage short.
    entities: Marked(NeedsAudioProcessingMarker, { limit: 4 }),
  },
  async run({ tx, models, blobs, codec, entities }) {
    const names = await availableAudioModels(models);
    for (const file of await loadStoredFiles(tx, entities)) {
      for (const model of names) {
        if (await hasAudioEmbedding(tx, model, file.entityId)) continue;
        try {
          await withSavepoint(tx, () => generateAudioEmbeddingForEntity(tx, models, codec, blobs, model, file));
        } catch (error) {
          // A video's sound is a bonus: one with no audio track, or a codec this host cannot
          // decode, is no fault of the file. A sound file that cannot be decoded is.
          if (!(error instanceof AudioDecodeError && assetKindOf(file.mimeType) === 'video')) {
            await recordProcessingError(tx, file.entityId, 'audio-embedding', error);
          }
          break;
        }
      }
    }
  },
});

/** Answers `AudioSearchQuery` with the sounds nearest the entity's, by the first model that has embedded it. */
export const audioSearchListener = defineListener({
  name: 'audioSearchListener',
  on: AudioSearchQuery,
  params: { tx: WorldSession, models: Res(ModelExecutionManager), event: TriggeringEvent },
  async run({ tx, models, event }) {
    const candidates = event.options.model ? [event.options.model] : await availableAudioModels(models);
    for (const model of candidates) {
      const matches = await findSimilarEntitiesByAudioEmbedding(tx, model, event.entityId, {
        topN: event.options.topN,
        minSimilarity: event.options.minSimilarity ?? getAudioEmbeddingModelInfo(model).similarMinSimilarity,
      });
      if (matches) return { model, matches };
    }
    return null;
  },
});
