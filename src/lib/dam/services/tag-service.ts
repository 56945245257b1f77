import type { SqlExecutor } from '../../db/database';
import { ident } from '../../db/sql';
import { ecs, type ComponentType } from '../../ecs';
import type { TagConcept, TagConceptOptions, TagScope } from '../../api/dam-api';
import { TAG_SCOPES, TagConceptComponent } from '../components/tags';
import { DamError } from '../errors';
import { normalizeTagName, normalizeTagValue } from './tag-names';

/** Finds a component type by its registered name (`world.componentType`), for COMPONENT_CLASS_REQUIRED scopes. */
export type ComponentLookup = (name: string) => ComponentType<object> | undefined;

interface ConceptRow {
  entity_id: number;
  tag_name: string;
  tag_scope_type: TagScope;
  tag_scope_detail: string | null;
  tag_description: string | null;
  allow_values: boolean;
}

const CONCEPT_COLUMNS = 'entity_id, tag_name, tag_scope_type, tag_scope_detail, tag_description, allow_values';

function toConcept(row: ConceptRow): TagConcept {
  return {
    entityId: Number(row.entity_id),
    name: row.tag_name,
    scope: row.tag_scope_type,
    scopeDetail: row.tag_scope_detail,
    description: row.tag_description,
    allowValues: row.allow_values,
  };
}

export async function getTagConcept(db: SqlExecutor, name: string): Promise<TagConcept | null> {
  const { rows } = await db.query<ConceptRow>(`SELECT ${CONCEPT_COLUMNS} FROM component_tag_concept WHERE tag_name = $1`, [
    normalizeTagName(name),
  ]);
  return rows[0] ? toConcept(rows[0]) : null;
}

export async function getTagConceptById(db: SqlExecutor, entityId: number): Promise<TagConcept | null> {
  const { rows } = await db.query<ConceptRow>(`SELECT ${CONCEPT_COLUMNS} FROM component_tag_concept WHERE entity_id = $1`, [entityId]);
  return rows[0] ? toConcept(rows[0]) : null;
}

export async function requireTagConcept(db: SqlExecutor, name: string): Promise<TagConcept> {
  const concept = await getTagConcept(db, name);
  if (!concept) throw new DamError('TagNotFoundError', `There is no tag "${normalizeTagName(name)}"`);
  return concept;
}

/** Checks a scope and its detail before a tag is made with them (seed: an unknown scope is refused). */
async function checkScope(db: SqlExecutor, scope: TagScope, detail: string | null, components: ComponentLookup): Promise<void> {
  if (!TAG_SCOPES.includes(scope)) {
    throw new DamError('InvalidTagError', `Unknown tag scope "${String(scope)}" (known: ${TAG_SCOPES.join(', ')})`);
  }
  if (scope === 'GLOBAL') {
    if (detail !== null) throw new DamError('InvalidTagError', 'A GLOBAL tag takes no scope detail');
    return;
  }
  if (detail === null) throw new DamError('InvalidTagError', `A ${scope} tag needs a scope detail`);
  if (scope === 'COMPONENT_CLASS_REQUIRED' && !components(detail)) {
    throw new DamError('InvalidTagError', `There is no component named "${detail}" for this tag's scope`);
  }
  if (scope === 'CONCEPTUAL_ASSET_LOCAL' && !(/^\d+$/.test(detail) && (await ecs.entityExists(db, Number(detail))))) {
    throw new DamError('InvalidTagError', `The scope of a CONCEPTUAL_ASSET_LOCAL tag must be an existing entity id, not "${detail}"`);
  }
}

/**
 * The tag of that name, made (on an entity of its own) when it does not exist yet. `options`
 * apply only when it is made; an existing tag keeps its own.
 */
export async function getOrCreateTagConcept(
  db: SqlExecutor,
  name: string,
  options: TagConceptOptions = {},
  components: ComponentLookup = () => undefined,
): Promise<TagConcept> {
  const tagName = normalizeTagName(name);
  const existing = await getTagConcept(db, tagName);
  if (existing) return existing;
  const scope = options.scope ?? 'GLOBAL';
  const scopeDetail = options.scopeDetail ?? null;
  await checkScope(db, scope, scopeDetail, components);
  const entityId = await ecs.createEntity(db);
  await ecs.addComponent(
    db,
    entityId,
    TagConceptComponent.create({
      tagName,
      tagScopeType: scope,
      tagScopeDetail: scopeDetail,
      tagDescription: options.description?.trim() || null,
      allowValues: options.allowValues ?? false,
    }),
  );
  return {
    entityId,
    name: tagName,
    scope,
    scopeDetail,
    description: options.description?.trim() || null,
    allowValues: options.allowValues ?? false,
  };
}

/** Refuses to tag an entity the tag's scope leaves out (seeds §2.7). */
async function checkEntityInScope(db: SqlExecutor, concept: TagConcept, entityId: number, components: ComponentLookup): Promise<void> {
  if (concept.scope === 'COMPONENT_CLASS_REQUIRED') {
    const type = components(concept.scopeDetail ?? '');
    const has = type
      ? (await db.query(`SELECT 1 FROM ${ident(type.table)} WHERE entity_id = $1 LIMIT 1`, [entityId])).rows.length > 0
      : false;
    if (!has) {
      throw new DamError(
        'TagScopeError',
        `"${concept.name}" applies only to entities with ${concept.scopeDetail}; entity ${entityId} has none`,
      );
    }
  }
  if (concept.scope === 'CONCEPTUAL_ASSET_LOCAL') {
    // Local to one asset: that entity, or a file inside it (an archive's members).
    const { rows } = await db.query(
      `SELECT 1 WHERE $1::bigint = $2::bigint
       OR EXISTS (SELECT 1 FROM component_archive_member WHERE entity_id = $1 AND archive_entity_id = $2)`,
      [entityId, Number(concept.scopeDetail)],
    );
    if (rows.length === 0) {
      throw new DamError(
        'TagScopeError',
        `"${concept.name}" is local to entity ${concept.scopeDetail}, and entity ${entityId} is not part of it`,
      );
    }
  }
}

async function requireTaggableEntity(db: SqlExecutor, entityId: number): Promise<void> {
  if (!(await ecs.entityExists(db, entityId))) throw new DamError('EntityNotFoundError', `Entity ${entityId} does not exist`);
  const { rows } = await db.query('SELECT 1 FROM component_tag_concept WHERE entity_id = $1', [entityId]);
  if (rows.length > 0) throw new DamError('InvalidTagError', `Entity ${entityId} is a tag; use tag parents to relate tags`);
}

/**
 * Applies a tag to an entity, making the tag when it is new (GLOBAL, no values). Returns false
 * when the entity already had that (tag, value): applying twice is a no-op.
 */
export async function applyTag(
  db: SqlExecutor,
  entityId: number,
  name: string,
  value: string | null = null,
  components: ComponentLookup = () => undefined,
): Promise<{ applied: boolean; tag: TagConcept }> {
  await requireTaggableEntity(db, entityId);
  const tagValue = normalizeTagValue(value);
  const tag = await getOrCreateTagConcept(db, name, {}, components);
  if (tagValue !== null && !tag.allowValues) {
    throw new DamError('TagValueNotAllowedError', `"${tag.name}" takes no value (got "${tagValue}"); allow values on the tag first`);
  }
  await checkEntityInScope(db, tag, entityId, components);
  const { rows } = await db.query(
    `INSERT INTO component_entity_tag_link (entity_id, tag_concept_entity_id, tag_value) VALUES ($1, $2, $3)
     ON CONFLICT DO NOTHING RETURNING id`,
    [entityId, tag.entityId, tagValue],
  );
  return { applied: rows.length > 0, tag };
}

/**
 * Removes a manual tag from an entity: the link with that value, or every value of the tag when
 * `value` is undefined. Returns how many links went.
 */
export async function removeTag(db: SqlExecutor, entityId: number, name: string, value?: string | null): Promise<number> {
  const tag = await getTagConcept(db, name);
  if (!tag) return 0;
  const params: unknown[] = [entityId, tag.entityId];
  let sql = 'DELETE FROM component_entity_tag_link WHERE entity_id = $1 AND tag_concept_entity_id = $2';
  if (value !== undefined) {
    params.push(normalizeTagValue(value));
    sql += ' AND tag_value IS NOT DISTINCT FROM $3';
  }
  const { rows } = await db.query(`${sql} RETURNING id`, params);
  return rows.length;
}

/** Renames a tag; its links, siblings and parents follow (they point at its entity). */
export async function renameTag(db: SqlExecutor, from: string, to: string): Promise<TagConcept> {
  const tag = await requireTagConcept(db, from);
  const newName = normalizeTagName(to);
  if (newName === tag.name) return tag;
  if (await getTagConcept(db, newName)) {
    throw new DamError('TagExistsError', `A tag "${newName}" already exists: merge "${tag.name}" into it instead`);
  }
  await db.query('UPDATE component_tag_concept SET tag_name = $2, updated_at = now() WHERE entity_id = $1', [tag.entityId, newName]);
  return { ...tag, name: newName };
}

/** Changes what a tag allows. Refuses to forbid values while links still carry one. */
export async function updateTagConcept(
  db: SqlExecutor,
  name: string,
  changes: { readonly description?: string | null; readonly allowValues?: boolean },
): Promise<TagConcept> {
  const tag = await requireTagConcept(db, name);
  if (changes.allowValues === false && tag.allowValues) {
    const { rows } = await db.query(
      'SELECT 1 FROM component_entity_tag_link WHERE tag_concept_entity_id = $1 AND tag_value IS NOT NULL LIMIT 1',
      [tag.entityId],
    );
    if (rows.length > 0)
      throw new DamError('TagValueNotAllowedError', `Some files have "${tag.name}" with a value: remove those values first`);
  }
  const description = changes.description === undefined ? tag.description : changes.description?.trim() || null;
  const allowValues = changes.allowValues ?? tag.allowValues;
  await db.query('UPDATE component_tag_concept SET tag_description = $2, allow_values = $3, updated_at = now() WHERE entity_id = $1', [
    tag.entityId,
    description,
    allowValues,
  ]);
  return { ...tag, description, allowValues };
}

/** The tag a name stands for: its preferred sibling, or itself. Siblings never chain. */
export async function preferredTagId(db: SqlExecutor, tagEntityId: number): Promise<number> {
  const { rows } = await db.query<{ id: number }>('SELECT preferred_tag_entity_id AS id FROM component_tag_sibling WHERE entity_id = $1', [
    tagEntityId,
  ]);
  return rows[0] ? Number(rows[0].id) : tagEntityId;
}

/**
 * Moves a tag's implications to another tag: its parents become the other's, its children
 * point at the other, and it keeps none (a relation of the other with itself is dropped).
 */
export async function moveTagParents(db: SqlExecutor, from: number, to: number): Promise<void> {
  await db.query(
    `INSERT INTO component_tag_parent (entity_id, parent_tag_entity_id)
     SELECT $2, parent_tag_entity_id FROM component_tag_parent WHERE entity_id = $1 AND parent_tag_entity_id <> $2 ON CONFLICT DO NOTHING`,
    [from, to],
  );
  await db.query(
    `INSERT INTO component_tag_parent (entity_id, parent_tag_entity_id)
     SELECT entity_id, $2 FROM component_tag_parent WHERE parent_tag_entity_id = $1 AND entity_id <> $2 ON CONFLICT DO NOTHING`,
    [from, to],
  );
  await db.query('DELETE FROM component_tag_parent WHERE entity_id = $1 OR parent_tag_entity_id = $1', [from]);
}

/** Deletes a tag: its entity, and with it every link, sibling and parent row that names it. */
export async function deleteTag(db: SqlExecutor, name: string): Promise<boolean> {
  const tag = await getTagConcept(db, name);
  return tag ? ecs.deleteEntity(db, tag.entityId) : false;
}

/**
 * Merges `from` into `into`: every manual link, model link (the higher confidence wins),
 * rejection, parent, child and sibling of `from` moves to `into`, then `from` is deleted. Links
 * with values need `into` to allow values.
 */
export async function mergeTags(db: SqlExecutor, from: string, into: string): Promise<TagConcept> {
  const source = await requireTagConcept(db, from);
  const target = await requireTagConcept(db, into);
  if (source.entityId === target.entityId) throw new DamError('InvalidTagError', 'A tag cannot be merged into itself');
  if (!target.allowValues) {
    const { rows } = await db.query(
      'SELECT 1 FROM component_entity_tag_link WHERE tag_concept_entity_id = $1 AND tag_value IS NOT NULL LIMIT 1',
      [source.entityId],
    );
    if (rows.length > 0) {
      throw new DamError(
        'TagValueNotAllowedError',
        `"${source.name}" has values and "${target.name}" takes none: allow values on it first`,
      );
    }
  }
  const [s, t] = [source.entityId, target.entityId];
  await db.query(
    `INSERT INTO component_entity_tag_link (entity_id, tag_concept_entity_id, tag_value)
     SELECT entity_id, $2, tag_value FROM component_entity_tag_link WHERE tag_concept_entity_id = $1 ON CONFLICT DO NOTHING`,
    [s, t],
  );
  await db.query(
    `INSERT INTO component_model_generated_tag_link (entity_id, tag_concept_entity_id, source_model_name, confidence)
     SELECT entity_id, $2, source_model_name, confidence FROM component_model_generated_tag_link WHERE tag_concept_entity_id = $1
     ON CONFLICT (entity_id, tag_concept_entity_id, source_model_name)
     DO UPDATE SET confidence = GREATEST(component_model_generated_tag_link.confidence, EXCLUDED.confidence), updated_at = now()`,
    [s, t],
  );
  await db.query(
    `INSERT INTO component_rejected_model_tag (entity_id, tag_concept_entity_id)
     SELECT entity_id, $2 FROM component_rejected_model_tag WHERE tag_concept_entity_id = $1 ON CONFLICT DO NOTHING`,
    [s, t],
  );
  await moveTagParents(db, s, t);
  // Aliases of the source become aliases of the target's preferred name (no chains, no self-aliases).
  await db.query('DELETE FROM component_tag_sibling WHERE entity_id = $2 AND preferred_tag_entity_id = $1', [s, t]);
  const preferred = await preferredTagId(db, t);
  await db.query('DELETE FROM component_tag_sibling WHERE entity_id = $2 AND preferred_tag_entity_id = $1', [s, preferred]);
  await db.query('UPDATE component_tag_sibling SET preferred_tag_entity_id = $2, updated_at = now() WHERE preferred_tag_entity_id = $1', [
    s,
    preferred,
  ]);
  await ecs.deleteEntity(db, s);
  return target;
}
