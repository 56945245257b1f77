import type { SqlExecutor } from '../../db/database';
import { DamError } from '../errors';
import { normalizeTagName } from './tag-names';
import { applyTag, getOrCreateTagConcept, requireTagConcept, type ComponentLookup } from './tag-service';

export interface PredictedTag {
  readonly name: string;
  /** 0–1. */
  readonly confidence: number;
}

/**
 * Replaces every tag `sourceModelName` gave the entity with `tags` (seed: re-running a model
 * replaces that model's earlier links; manual tags and other models' tags stay). Names are
 * normalised (lower case); a tag the person rejected on this entity is not added again; a name
 * given twice keeps its highest confidence. Returns the tags written.
 */
export async function setModelTags(
  db: SqlExecutor,
  entityId: number,
  sourceModelName: string,
  tags: readonly PredictedTag[],
): Promise<PredictedTag[]> {
  const best = new Map<string, number>();
  for (const { name, confidence } of tags) {
    if (!(confidence >= 0 && confidence <= 1)) {
      throw new DamError('InvalidTagError', `Model ${sourceModelName} gave "${name}" a confidence of ${confidence}, outside 0–1`);
    }
    const normalised = normalizeTagName(name);
    best.set(normalised, Math.max(best.get(normalised) ?? 0, confidence));
  }
  await db.query('DELETE FROM component_model_generated_tag_link WHERE entity_id = $1 AND source_model_name = $2', [
    entityId,
    sourceModelName,
  ]);
  const written: PredictedTag[] = [];
  for (const [name, confidence] of best) {
    const tag = await getOrCreateTagConcept(db, name);
    const { rows } = await db.query(
      `INSERT INTO component_model_generated_tag_link (entity_id, tag_concept_entity_id, source_model_name, confidence)
       SELECT $1, $2, $3, $4
        WHERE NOT EXISTS (SELECT 1 FROM component_rejected_model_tag WHERE entity_id = $1 AND tag_concept_entity_id = $2)
       RETURNING id`,
      [entityId, tag.entityId, sourceModelName, confidence],
    );
    if (rows.length > 0) written.push({ name, confidence });
  }
  return written;
}

/** The person keeps a model's tag: it becomes a manual tag, and the model links to it go. */
export async function acceptModelTag(db: SqlExecutor, entityId: number, name: string, components?: ComponentLookup): Promise<void> {
  const tag = await requireTagConcept(db, name);
  await applyTag(db, entityId, tag.name, null, components);
  await db.query('DELETE FROM component_model_generated_tag_link WHERE entity_id = $1 AND tag_concept_entity_id = $2', [
    entityId,
    tag.entityId,
  ]);
}

/**
 * The person rejects a model's tag on this entity: its model links go, and no model adds it to
 * this entity again (`setModelTags` skips it). A manual tag of that name stays.
 */
export async function rejectModelTag(db: SqlExecutor, entityId: number, name: string): Promise<void> {
  const tag = await requireTagConcept(db, name);
  await db.query('DELETE FROM component_model_generated_tag_link WHERE entity_id = $1 AND tag_concept_entity_id = $2', [
    entityId,
    tag.entityId,
  ]);
  await db.query('INSERT INTO component_rejected_model_tag (entity_id, tag_concept_entity_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    entityId,
    tag.entityId,
  ]);
}
