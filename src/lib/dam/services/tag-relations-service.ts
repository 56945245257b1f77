import type { TagConcept } from '../../api/dam-api';
import type { SqlExecutor } from '../../db/database';
import { DamError } from '../errors';
import { getOrCreateTagConcept, getTagConceptById, moveTagParents, preferredTagId, requireTagConcept } from './tag-service';

/** Every tag `tagEntityId` implies, through any number of parents. */
const ANCESTORS_SQL = `WITH RECURSIVE up(tag) AS (
    SELECT parent_tag_entity_id FROM component_tag_parent WHERE entity_id = $1
    UNION SELECT p.parent_tag_entity_id FROM component_tag_parent p JOIN up ON p.entity_id = up.tag
  ) SELECT tag FROM up`;

async function impliesItself(db: SqlExecutor, tagEntityId: number): Promise<boolean> {
  const { rows } = await db.query(`${ANCESTORS_SQL} WHERE tag = $1`, [tagEntityId]);
  return rows.length > 0;
}

async function nameOf(db: SqlExecutor, tagEntityId: number): Promise<string> {
  return (await getTagConceptById(db, tagEntityId))?.name ?? `#${tagEntityId}`;
}

/**
 * Makes `alias` another name for `preferred` (`feline` for `cat`): it is shown and searched as
 * the preferred tag. Both are made when new. Siblings never chain: `preferred` resolves to its
 * own preferred tag, and the alias's aliases follow. The alias's parents and children move to the
 * preferred tag, since implications are kept on preferred tags only.
 */
export async function setTagSibling(
  db: SqlExecutor,
  aliasName: string,
  preferredName: string,
): Promise<{ alias: TagConcept; preferred: TagConcept }> {
  const alias = await getOrCreateTagConcept(db, aliasName);
  const named = await getOrCreateTagConcept(db, preferredName);
  const preferredId = await preferredTagId(db, named.entityId);
  if (preferredId === alias.entityId) {
    throw new DamError('TagCycleError', `"${named.name}" is already another name for "${alias.name}"`);
  }
  const [a, p] = [alias.entityId, preferredId];
  await db.query('UPDATE component_tag_sibling SET preferred_tag_entity_id = $2, updated_at = now() WHERE preferred_tag_entity_id = $1', [
    a,
    p,
  ]);
  await moveTagParents(db, a, p);
  if (await impliesItself(db, p)) {
    throw new DamError('TagCycleError', `Making "${alias.name}" another name for "${await nameOf(db, p)}" would make a tag imply itself`);
  }
  await db.query(
    `INSERT INTO component_tag_sibling (entity_id, preferred_tag_entity_id) VALUES ($1, $2)
     ON CONFLICT (entity_id) DO UPDATE SET preferred_tag_entity_id = EXCLUDED.preferred_tag_entity_id, updated_at = now()`,
    [a, p],
  );
  return { alias, preferred: (await getTagConceptById(db, p))! };
}

/** Makes `aliasName` a tag of its own again. False when it was not an alias. */
export async function removeTagSibling(db: SqlExecutor, aliasName: string): Promise<boolean> {
  const alias = await requireTagConcept(db, aliasName);
  const { rows } = await db.query('DELETE FROM component_tag_sibling WHERE entity_id = $1 RETURNING id', [alias.entityId]);
  return rows.length > 0;
}

/**
 * Says that having `child` implies `parent` (`character:alice` → `series:wonderland`): a
 * search for the parent finds the child's files. Both resolve to their preferred names and are
 * made when new. Refuses a loop. Returns false when the relation was there already.
 */
export async function addTagParent(db: SqlExecutor, childName: string, parentName: string): Promise<boolean> {
  const child = await preferredTagId(db, (await getOrCreateTagConcept(db, childName)).entityId);
  const parent = await preferredTagId(db, (await getOrCreateTagConcept(db, parentName)).entityId);
  if (child === parent) throw new DamError('TagCycleError', `"${await nameOf(db, child)}" cannot imply itself`);
  const { rows: loop } = await db.query(`${ANCESTORS_SQL} WHERE tag = $2`, [parent, child]);
  if (loop.length > 0) {
    throw new DamError('TagCycleError', `"${await nameOf(db, parent)}" already implies "${await nameOf(db, child)}": that would be a loop`);
  }
  const { rows } = await db.query(
    'INSERT INTO component_tag_parent (entity_id, parent_tag_entity_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING id',
    [child, parent],
  );
  return rows.length > 0;
}

export async function removeTagParent(db: SqlExecutor, childName: string, parentName: string): Promise<boolean> {
  const child = await preferredTagId(db, (await requireTagConcept(db, childName)).entityId);
  const parent = await preferredTagId(db, (await requireTagConcept(db, parentName)).entityId);
  const { rows } = await db.query('DELETE FROM component_tag_parent WHERE entity_id = $1 AND parent_tag_entity_id = $2 RETURNING id', [
    child,
    parent,
  ]);
  return rows.length > 0;
}

/** Names of every tag `tagEntityId` implies (its parents, theirs, and so on), sorted. */
export async function impliedTagNames(db: SqlExecutor, tagEntityIds: readonly number[]): Promise<string[]> {
  if (tagEntityIds.length === 0) return [];
  const { rows } = await db.query<{ tag_name: string }>(
    `WITH RECURSIVE up(tag) AS (
       SELECT parent_tag_entity_id FROM component_tag_parent WHERE entity_id = ANY($1::bigint[])
       UNION SELECT p.parent_tag_entity_id FROM component_tag_parent p JOIN up ON p.entity_id = up.tag
     )
     SELECT c.tag_name FROM up JOIN component_tag_concept c ON c.entity_id = up.tag ORDER BY c.tag_name`,
    [tagEntityIds],
  );
  return rows.map((r) => r.tag_name);
}
