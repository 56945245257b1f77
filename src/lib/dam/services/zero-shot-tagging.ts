import type { Database, SqlExecutor } from '../../db/database';
import type { EntityId } from '../../ecs';
import type { ImageTextEmbedder } from '../../ml/model-types';
import { meanDirection } from '../../ml/mean-direction';
import { ZERO_SHOT_VOCABULARY } from '../models/zero-shot-vocabulary';
import type { ImageUnderstandingSettings } from './image-understanding-settings';
import { setModelTags, type PredictedTag } from './model-tag-service';

/** CLIP was trained on captions, not bare words: a label reads best to it inside a sentence. */
export function labelPrompt(label: string): string {
  return `a photo of ${/^[aeiou]/i.test(label) ? 'an' : 'a'} ${label}`;
}

/**
 * The vocabulary's text vectors, made once per loaded model and vocabulary: a few hundred labels
 * take a few seconds on wasm, and every picture is scored against the same ones.
 */
const labelVectorCache = new WeakMap<ImageTextEmbedder, Map<string, Promise<Float32Array[]>>>();

export function labelVectors(embedder: ImageTextEmbedder, labels: readonly string[]): Promise<Float32Array[]> {
  const key = labels.join('\n');
  let byVocabulary = labelVectorCache.get(embedder);
  if (!byVocabulary) labelVectorCache.set(embedder, (byVocabulary = new Map()));
  let vectors = byVocabulary.get(key);
  if (!vectors) {
    vectors = embedder.embedTexts(labels.map(labelPrompt));
    byVocabulary.set(key, vectors);
    // A failure is not kept: the next picture tries again.
    vectors.catch(() => byVocabulary.delete(key));
  }
  return vectors;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/**
 * CLIP's zero-shot classification: the softmax over the labels of the scaled cosine between the
 * picture and each label's prompt, so confidences sum to 1 over the vocabulary. Labels at or
 * above `minConfidence` become tags, the likeliest first, at most `maxTags`.
 */
export function zeroShotTags(
  picture: Float32Array,
  labels: readonly string[],
  vectors: readonly Float32Array[],
  logitScale: number,
  settings: Pick<ImageUnderstandingSettings, 'minConfidence' | 'maxTags'>,
): PredictedTag[] {
  const logits = vectors.map((v) => logitScale * dot(picture, v));
  const top = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - top));
  const total = exps.reduce((a, b) => a + b, 0);
  return labels
    .map((name, i) => ({ name, confidence: Math.min(1, exps[i]! / total) }))
    .filter((t) => t.confidence >= settings.minConfidence)
    .sort((a, b) => b.confidence - a.confidence)
    .slice(0, settings.maxTags);
}

/**
 * Replaces the image model's tags on each entity with the labels its picture (or its keyframes
 * together) scores highest. Returns the tags written, by entity.
 */
export async function tagPicturesZeroShot(
  db: SqlExecutor,
  embedder: ImageTextEmbedder,
  modelName: string,
  vectorsByEntity: ReadonlyMap<EntityId, readonly Float32Array[]>,
  settings: ImageUnderstandingSettings,
): Promise<Map<EntityId, PredictedTag[]>> {
  const written = new Map<EntityId, PredictedTag[]>();
  if (vectorsByEntity.size === 0) return written;
  const labels = settings.vocabulary ?? ZERO_SHOT_VOCABULARY;
  const vectors = await labelVectors(embedder, labels);
  for (const [entityId, pictureVectors] of vectorsByEntity) {
    if (pictureVectors.length === 0) continue;
    // A video's keyframes stand for it together: their mean direction.
    const tags = zeroShotTags(meanDirection(pictureVectors), labels, vectors, embedder.logitScale, settings);
    written.set(entityId, await setModelTags(db, entityId, modelName, tags));
  }
  return written;
}

/** Entities re-tagged per transaction, so a large library is re-tagged in short steps. */
const RETAG_BATCH = 200;

/**
 * Tags every embedded picture again from its stored vectors (after the vocabulary or threshold
 * changed): nothing is decoded or embedded again, only scored. Returns how many were tagged.
 */
export async function retagFromStoredVectors(
  db: Database,
  embedder: ImageTextEmbedder,
  modelName: string,
  table: string,
  settings: ImageUnderstandingSettings,
): Promise<number> {
  let after = 0;
  let tagged = 0;
  for (;;) {
    const { rows } = await db.query<{ entity_id: number; v: string }>(
      `SELECT entity_id, embedding_vector::text AS v FROM ${table}
        WHERE entity_id IN (SELECT DISTINCT entity_id FROM ${table} WHERE entity_id > $1 ORDER BY entity_id LIMIT ${RETAG_BATCH})
        ORDER BY entity_id, source_field_name`,
      [after],
    );
    if (rows.length === 0) return tagged;
    const byEntity = new Map<EntityId, Float32Array[]>();
    for (const row of rows) {
      const id = Number(row.entity_id);
      byEntity.set(id, [...(byEntity.get(id) ?? []), Float32Array.from(JSON.parse(row.v) as number[])]);
    }
    await db.transaction((tx) => tagPicturesZeroShot(tx, embedder, modelName, byEntity, settings));
    tagged += byEntity.size;
    after = Math.max(...byEntity.keys());
  }
}
