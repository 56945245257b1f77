import type { SqlExecutor } from '../../db/database';
import type { EntityId } from '../../ecs';

/*
 * Text embeddings carry an entity's manual tags under their preferred names (the registry's
 * `tags`), so a change to those names or links marks the entities whose embedded text it
 * changes; the PostProcessing stage re-embeds them.
 */

const MARK = `INSERT INTO component_marker_needs_text_embedding (entity_id)`;

/** Marks the given entities for re-embedding. */
export async function markForTextEmbedding(db: SqlExecutor, entityIds: readonly EntityId[]): Promise<void> {
  if (entityIds.length === 0) return;
  await db.query(`${MARK} SELECT DISTINCT id FROM entities WHERE id = ANY($1::bigint[]) ON CONFLICT DO NOTHING`, [entityIds]);
}

/** Marks every entity tagged by hand with the tag or one of its aliases (whose shown name is the tag's). */
export async function markTaggedForTextEmbedding(db: SqlExecutor, tagEntityId: number): Promise<void> {
  await db.query(
    `${MARK} SELECT DISTINCT l.entity_id FROM component_entity_tag_link l
      WHERE l.tag_concept_entity_id = $1
         OR l.tag_concept_entity_id IN (SELECT entity_id FROM component_tag_sibling WHERE preferred_tag_entity_id = $1)
     ON CONFLICT DO NOTHING`,
    [tagEntityId],
  );
}
