import type { SqlExecutor } from '../../db/database';
import type { EntityId } from '../../ecs';
import { getEntityTags } from './tag-query-service';
import type { TextField } from './text-fields';

/** Which tags `updateTextEmbeddingsForEntity` appends to an entity's texts (seeds §2.5). */
export interface TagAugmentation {
  /** The entity's manual tags, under their preferred (sibling) names. */
  readonly includeManualTags?: boolean;
  /** Model name → lowest confidence kept: those models' tags, rejected ones excepted. */
  readonly includeModelTags?: Readonly<Record<string, number>>;
}

/**
 * The seed's suffix for a field embedded with tags: `_manualtags` for manual tags alone,
 * `_model_<name>` for one model's tags alone, `_with_tags` for any mix.
 */
export function tagFieldSuffix(manual: boolean, models: readonly string[]): string {
  if (manual && models.length === 0) return '_manualtags';
  if (!manual && models.length === 1) return `_model_${models[0]}`;
  return '_with_tags';
}

/**
 * Each field with ` [TAGS] tag, tag, …` appended (the unique tags, manual ones first, then
 * model ones by confidence) and its field name suffixed (SEED-BEHAVIOURS, tag augmentation).
 * Fields come back unchanged when nothing is asked for or the entity has no such tags, so
 * they keep their plain names.
 */
export async function augmentTextFieldsWithTags(
  db: SqlExecutor,
  entityId: EntityId,
  fields: readonly TextField[],
  options: TagAugmentation = {},
): Promise<TextField[]> {
  const wantedModels = options.includeModelTags ?? {};
  if (fields.length === 0 || (!options.includeManualTags && Object.keys(wantedModels).length === 0)) return [...fields];
  const tags = await getEntityTags(db, entityId);
  const manual = options.includeManualTags ? tags.manual.map((t) => t.displayName) : [];
  const fromModels = tags.model.filter((t) => t.sourceModelName in wantedModels && t.confidence >= wantedModels[t.sourceModelName]!);
  const names = [...new Set([...manual, ...fromModels.map((t) => t.displayName)])];
  if (names.length === 0) return [...fields];
  const suffix = tagFieldSuffix(manual.length > 0, [...new Set(fromModels.map((t) => t.sourceModelName))]);
  const appended = ` [TAGS] ${names.join(', ')}`;
  return fields.map((f) => ({ ...f, fieldName: f.fieldName + suffix, text: f.text + appended }));
}
