import type { EntityTags, TagDetail, TagSummary } from '../../api/dam-api';
import { likeEscaped } from '../../db/sql';
import type { SqlExecutor } from '../../db/database';
import { normalizeTagName, normalizeTagValue, splitTagName } from './tag-names';
import { impliedTagNames } from './tag-relations-service';
import { getTagConcept, preferredTagId } from './tag-service';

const DISPLAY_NAME = `COALESCE((SELECT pc.tag_name FROM component_tag_sibling s
  JOIN component_tag_concept pc ON pc.entity_id = s.preferred_tag_entity_id WHERE s.entity_id = c.entity_id), c.tag_name)`;

/** The entity's manual tags, model tags and implied tags, each under its preferred name. */
export async function getEntityTags(db: SqlExecutor, entityId: number): Promise<EntityTags> {
  const { rows: manualRows } = await db.query<{ tag: number; tag_name: string; display: string; tag_value: string | null }>(
    `SELECT c.entity_id AS tag, c.tag_name, ${DISPLAY_NAME} AS display, l.tag_value
       FROM component_entity_tag_link l JOIN component_tag_concept c ON c.entity_id = l.tag_concept_entity_id
      WHERE l.entity_id = $1 ORDER BY display, l.tag_value NULLS FIRST`,
    [entityId],
  );
  const { rows: modelRows } = await db.query<{
    tag: number;
    tag_name: string;
    display: string;
    source_model_name: string;
    confidence: number;
  }>(
    `SELECT c.entity_id AS tag, c.tag_name, ${DISPLAY_NAME} AS display, m.source_model_name, m.confidence
       FROM component_model_generated_tag_link m JOIN component_tag_concept c ON c.entity_id = m.tag_concept_entity_id
      WHERE m.entity_id = $1
        AND NOT EXISTS (SELECT 1 FROM component_rejected_model_tag r WHERE r.entity_id = m.entity_id AND r.tag_concept_entity_id = m.tag_concept_entity_id)
      ORDER BY m.confidence DESC, display`,
    [entityId],
  );
  const manual = manualRows.map((r) => ({ tagEntityId: Number(r.tag), name: r.tag_name, displayName: r.display, value: r.tag_value }));
  const preferredIds = await Promise.all(manual.map((t) => preferredTagId(db, t.tagEntityId)));
  const shown = new Set(manual.map((t) => t.displayName));
  return {
    manual,
    model: modelRows.map((r) => ({
      tagEntityId: Number(r.tag),
      name: r.tag_name,
      displayName: r.display,
      sourceModelName: r.source_model_name,
      confidence: Number(r.confidence),
    })),
    implied: (await impliedTagNames(db, [...new Set(preferredIds)])).filter((name) => !shown.has(name)),
  };
}

export interface TagSearchOptions {
  /** Only links with this value (manual tags). */
  readonly value?: string | null;
  /** Count model tags too (not rejected ones), at this confidence or above. */
  readonly includeModelTags?: boolean;
  readonly minConfidence?: number;
}

/**
 * The tags `seed` (a query giving one `tag` column) stands for: the tag, every tag that implies
 * it (children, through any number of parents), and every sibling of those: a search for
 * `series:wonderland` finds files tagged `character:alice`, and a search for `cat` finds `feline`.
 */
const matchingTagsSql = (seed: string) => `WITH RECURSIVE wanted(tag) AS (
    ${seed}
    UNION SELECT p.entity_id FROM component_tag_parent p JOIN wanted w ON p.parent_tag_entity_id = w.tag
  ), matching AS (
    SELECT tag FROM wanted
    UNION SELECT s.entity_id FROM component_tag_sibling s JOIN wanted w ON s.preferred_tag_entity_id = w.tag
  )`;

const MATCHING_TAGS_SQL = matchingTagsSql('SELECT $1::bigint');

/** The same from a tag name ($1, normalised): its preferred sibling, or itself, is the seed. */
const MATCHING_NAMED_TAGS_SQL = matchingTagsSql(`SELECT coalesce(s.preferred_tag_entity_id, c.entity_id)
      FROM component_tag_concept c LEFT JOIN component_tag_sibling s ON s.entity_id = c.entity_id
     WHERE c.tag_name = $1`);

/** Entities with the tag (see MATCHING_TAGS_SQL), in id order. An unknown tag finds nothing. */
export async function findEntitiesByTag(db: SqlExecutor, name: string, options: TagSearchOptions = {}): Promise<number[]> {
  const tag = await getTagConcept(db, name);
  if (!tag) return [];
  const params: unknown[] = [await preferredTagId(db, tag.entityId)];
  let manual = 'SELECT l.entity_id FROM component_entity_tag_link l WHERE l.tag_concept_entity_id IN (SELECT tag FROM matching)';
  if (options.value !== undefined) {
    params.push(normalizeTagValue(options.value));
    manual += ` AND l.tag_value IS NOT DISTINCT FROM $${params.length}`;
  }
  let sql = manual;
  if (options.includeModelTags && options.value === undefined) {
    params.push(options.minConfidence ?? 0);
    sql += ` UNION SELECT m.entity_id FROM component_model_generated_tag_link m
      WHERE m.tag_concept_entity_id IN (SELECT tag FROM matching) AND m.confidence >= $${params.length}
        AND NOT EXISTS (SELECT 1 FROM component_rejected_model_tag r WHERE r.entity_id = m.entity_id AND r.tag_concept_entity_id = m.tag_concept_entity_id)`;
  }
  const { rows } = await db.query<{ entity_id: number }>(
    `${MATCHING_TAGS_SQL} SELECT entity_id FROM (${sql}) found ORDER BY entity_id`,
    params,
  );
  return rows.map((r) => Number(r.entity_id));
}

/**
 * Tags for autocomplete and the tag list: names starting with `prefix` (normalised; a prefix
 * ending in `:` lists that namespace), or whose part after the namespace does, most used first.
 */
export async function listTags(
  db: SqlExecutor,
  options: { readonly prefix?: string; readonly limit?: number } = {},
): Promise<TagSummary[]> {
  const limit = Math.max(1, Math.min(options.limit ?? 50, 500));
  const raw = options.prefix?.trim() ?? '';
  let prefix = '';
  if (raw !== '') prefix = raw.endsWith(':') ? `${normalizeTagName(`${raw}x`).slice(0, -1)}` : normalizeTagName(raw);
  const pattern = `${likeEscaped(prefix)}%`;
  const { rows } = await db.query<{ tag_name: string; display: string; allow_values: boolean; uses: number }>(
    `SELECT c.tag_name, ${DISPLAY_NAME} AS display, c.allow_values,
            (SELECT count(DISTINCT l.entity_id) FROM component_entity_tag_link l WHERE l.tag_concept_entity_id = c.entity_id) AS uses
       FROM component_tag_concept c
      WHERE c.tag_name LIKE $1 OR split_part(c.tag_name, ':', 2) LIKE $1
      ORDER BY uses DESC, c.tag_name LIMIT $2`,
    [pattern, limit],
  );
  return rows.map((r) => ({
    name: r.tag_name,
    displayName: r.display,
    namespace: splitTagName(r.tag_name).namespace,
    allowValues: r.allow_values,
    uses: Number(r.uses),
  }));
}

/** A tag with its uses, aliases, parents and children (by name), or null when there is none. */
export async function getTagDetail(db: SqlExecutor, name: string): Promise<TagDetail | null> {
  const tag = await getTagConcept(db, name);
  if (!tag) return null;
  const names = async (sql: string): Promise<string[]> =>
    (await db.query<{ tag_name: string }>(sql, [tag.entityId])).rows.map((r) => r.tag_name);
  const [preferred] = await names(
    'SELECT c.tag_name FROM component_tag_sibling s JOIN component_tag_concept c ON c.entity_id = s.preferred_tag_entity_id WHERE s.entity_id = $1',
  );
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(DISTINCT entity_id)::int AS n FROM component_entity_tag_link WHERE tag_concept_entity_id = $1',
    [tag.entityId],
  );
  return {
    ...tag,
    uses: rows[0]?.n ?? 0,
    preferred: preferred ?? null,
    aliases: await names(
      'SELECT c.tag_name FROM component_tag_sibling s JOIN component_tag_concept c ON c.entity_id = s.entity_id WHERE s.preferred_tag_entity_id = $1 ORDER BY 1',
    ),
    parents: await names(
      'SELECT c.tag_name FROM component_tag_parent p JOIN component_tag_concept c ON c.entity_id = p.parent_tag_entity_id WHERE p.entity_id = $1 ORDER BY 1',
    ),
    children: await names(
      'SELECT c.tag_name FROM component_tag_parent p JOIN component_tag_concept c ON c.entity_id = p.entity_id WHERE p.parent_tag_entity_id = $1 ORDER BY 1',
    ),
  };
}

/** The tags whose names start with `namespace:`. */
export async function namespaceTagIds(db: SqlExecutor, namespace: string): Promise<number[]> {
  const pattern = `${likeEscaped(namespace)}:%`;
  const { rows } = await db.query<{ id: number }>('SELECT entity_id AS id FROM component_tag_concept WHERE tag_name LIKE $1', [pattern]);
  return rows.map((r) => Number(r.id));
}

/** "Entity `column` has a manual link to one of the tag ids in $`idsParam`", with value $`valueParam` when given. */
export function hasAnyTagSql(column: string, idsParam: number, valueParam?: number): string {
  const value = valueParam === undefined ? '' : ` AND l.tag_value = $${valueParam}`;
  return `EXISTS (SELECT 1 FROM component_entity_tag_link l
    WHERE l.entity_id = ${column} AND l.tag_concept_entity_id = ANY($${idsParam}::bigint[])${value})`;
}

/** "Entity `column` has a model's link to one of the tag ids in $`idsParam`", above a confidence when given. */
export function hasAnyModelTagSql(column: string, idsParam: number, comparison?: { op: '>' | '>='; param: number }): string {
  const confidence = comparison ? ` AND m.confidence ${comparison.op} $${comparison.param}` : '';
  return `EXISTS (SELECT 1 FROM component_model_generated_tag_link m
    WHERE m.entity_id = ${column} AND m.tag_concept_entity_id = ANY($${idsParam}::bigint[])${confidence})`;
}

/**
 * The tag ids a search for the tag named `name` matches (see `matchingTagsSql`), in one
 * statement, so a search's tag terms cost one lookup each; none for an unknown name.
 */
export async function matchingTagIdsNamed(db: SqlExecutor, name: string): Promise<number[]> {
  const { rows } = await db.query<{ tag: number }>(`${MATCHING_NAMED_TAGS_SQL} SELECT tag FROM matching`, [normalizeTagName(name)]);
  return rows.map((r) => Number(r.tag));
}
