import type { SqlExecutor } from '../../db/database';
import { ecs, type EntityId } from '../../ecs';
import type { ModelExecutionManager } from '../../ml/model-execution-manager';
import type { AudioEmbedder } from '../../ml/model-types';
import type { BlobStore } from '../../storage/blob-store';
import type { AudioCodec } from '../media/audio-codec';
import { getAudioEmbeddingModelInfo } from '../models/audio-embedding-model-registry';
import { readStoredBlob, type StoredFile } from './stored-file-service';
import { NeedsAudioProcessingMarker } from '../components/markers';
import { AUDIO_SOURCE_COLUMNS, findNearestToEntity, type SemanticMatch, type SemanticSearchOptions } from './vector-search';

/*
 * AudioService (seeds §2.6): a sound's embedding and the sounds nearest it. The file's bytes come
 * from the blob store (the seed's `get_file_path_for_entity`, for a browser), decoded by the
 * host's AudioCodec to the model's rate, mono.
 */

/** Sounds are embedded window by window, so a long file never sits whole in memory. */
export const AUDIO_WINDOW_SECONDS = 10;
/**
 * At most this much of a file is embedded: ten minutes tell what a recording sounds like, and an
 * hour-long one would otherwise cost minutes of model time on wasm.
 */
export const MAX_AUDIO_SECONDS = 600;

/**
 * One vector for a sound: each window embedded (through the manager, so out-of-memory and a lost
 * device are retried), the window vectors averaged weighted by their length, and normalised.
 * Null when the sound has no samples.
 */
export async function embedSound(
  models: ModelExecutionManager,
  codec: AudioCodec,
  modelName: string,
  bytes: Blob,
): Promise<Float32Array | null> {
  const info = getAudioEmbeddingModelInfo(modelName);
  let sum: Float32Array | null = null;
  await codec.decodeWindows(
    bytes,
    info.defaultParams.sampleRate,
    AUDIO_WINDOW_SECONDS,
    async ({ samples }) => {
      if (samples.length === 0) return;
      const [vector] = await models.runBatched<Float32Array, Float32Array, AudioEmbedder>(
        info.loader,
        modelName,
        {},
        [samples],
        (model, batch) => model.embedClips(batch),
        { batchSize: 1 },
      );
      if (!vector) return;
      sum ??= new Float32Array(vector.length);
      for (let i = 0; i < vector.length; i++) sum[i]! += vector[i]! * samples.length;
    },
    { maxSeconds: MAX_AUDIO_SECONDS },
  );
  if (!sum) return null;
  const total: Float32Array = sum;
  const norm = Math.hypot(...total);
  return norm > 0 ? total.map((x) => x / norm) : total;
}

/** Replaces the entity's vector from this model with a new one of its sound (seeds: generate_audio_embedding_for_entity). */
export async function generateAudioEmbeddingForEntity(
  db: SqlExecutor,
  models: ModelExecutionManager,
  codec: AudioCodec,
  blobs: BlobStore,
  modelName: string,
  file: StoredFile,
): Promise<boolean> {
  const { component } = getAudioEmbeddingModelInfo(modelName);
  const vector = await embedSound(models, codec, modelName, await readStoredBlob(blobs, file));
  await db.query(`DELETE FROM ${component.table} WHERE entity_id = $1 AND model_name = $2`, [file.entityId, modelName]);
  if (!vector) return false;
  await ecs.addComponent(db, file.entityId, component.create({ embeddingVector: vector, modelName }));
  return true;
}

/**
 * The sounds nearest an entity's sound by one model, itself left out, best first (seeds:
 * find_similar_entities_by_audio_embedding); null when it has no vector from that model.
 */
export function findSimilarEntitiesByAudioEmbedding(
  db: SqlExecutor,
  modelName: string,
  entityId: EntityId,
  options: SemanticSearchOptions = {},
): Promise<SemanticMatch[] | null> {
  return findNearestToEntity(db, getAudioEmbeddingModelInfo(modelName).component.table, entityId, options, AUDIO_SOURCE_COLUMNS);
}

/**
 * Marks every sound and video that has no vector in `table` (an audio model arrived, or a world
 * made before it is opened), except those whose audio failed before. Returns how many.
 */
export async function markUnembeddedSounds(db: SqlExecutor, table: string): Promise<number> {
  const { rows } = await db.query(
    `INSERT INTO ${NeedsAudioProcessingMarker.table} (entity_id)
     SELECT p.entity_id FROM component_file_properties p
      WHERE (p.mime_type LIKE 'audio/%' OR p.mime_type LIKE 'video/%')
        AND NOT EXISTS (SELECT 1 FROM ${table} v WHERE v.entity_id = p.entity_id)
        AND NOT EXISTS (SELECT 1 FROM component_processing_error e WHERE e.entity_id = p.entity_id AND e.step = 'audio-embedding')
     ON CONFLICT DO NOTHING RETURNING entity_id`,
  );
  return rows.length;
}

/** Whether the entity has a vector from this model already (a model that arrived later need not redo the others). */
export async function hasAudioEmbedding(db: SqlExecutor, modelName: string, entityId: EntityId): Promise<boolean> {
  const { component } = getAudioEmbeddingModelInfo(modelName);
  const { rows } = await db.query(`SELECT 1 FROM ${component.table} WHERE entity_id = $1 AND model_name = $2`, [entityId, modelName]);
  return rows.length > 0;
}
