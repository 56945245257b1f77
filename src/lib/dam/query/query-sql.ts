import type { SqlExecutor } from '../../db/database';
import { hasAnyModelTagSql, hasAnyTagSql, matchingTagIds, namespaceTagIds, tagFilterId } from '../services/tag-query-service';
import type { QueryNode } from './query-ast';

/** Where the compiled condition finds an asset's id and file name. */
export interface QueryColumns {
  readonly entity: string;
  readonly name: string;
}

function likeEscaped(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The tag ids a tag term matches (see `matchingTagIds`); none for an unknown name. */
async function tagIds(db: SqlExecutor, name: string): Promise<number[]> {
  const preferred = await tagFilterId(db, name);
  return preferred === null ? [] : matchingTagIds(db, preferred);
}

/**
 * Compiles a parsed query into one SQL condition, appending its values to `params` (never into
 * the SQL text). Tag names are looked up first, each as the ids it matches (the preferred tag,
 * its descendants and their aliases), so each term is an index semi-join on an id list; an
 * unknown tag is `false`, so `-tag:unknown` matches everything, as it should.
 */
export async function compileQuery(db: SqlExecutor, node: QueryNode, params: unknown[], columns: QueryColumns): Promise<string> {
  const param = (value: unknown) => params.push(value);
  switch (node.kind) {
    case 'text':
      return `coalesce(${columns.name}, '') ILIKE $${param(`%${likeEscaped(node.text)}%`)}`;
    case 'tag': {
      const ids = await tagIds(db, node.name);
      if (ids.length === 0) return 'false';
      const tags = param(ids);
      return hasAnyTagSql(columns.entity, tags, node.value === null ? undefined : param(node.value));
    }
    case 'namespace': {
      const ids = await namespaceTagIds(db, node.namespace);
      return ids.length === 0 ? 'false' : hasAnyTagSql(columns.entity, param(ids));
    }
    case 'model-tag': {
      const ids = await tagIds(db, node.name);
      if (ids.length === 0) return 'false';
      const tags = param(ids);
      return hasAnyModelTagSql(columns.entity, tags, node.op === null ? undefined : { op: node.op, param: param(node.confidence) });
    }
    case 'not':
      return `NOT (${await compileQuery(db, node.operand, params, columns)})`;
    case 'and':
    case 'or': {
      const parts: string[] = [];
      for (const operand of node.operands) parts.push(`(${await compileQuery(db, operand, params, columns)})`);
      return parts.join(node.kind === 'and' ? ' AND ' : ' OR ');
    }
  }
}

/** Which of `ids` the query matches (one statement). */
export async function entitiesMatching(db: SqlExecutor, node: QueryNode, ids: readonly number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const params: unknown[] = [ids];
  const condition = await compileQuery(db, node, params, { entity: 'e.id', name: 'p.original_filename' });
  const { rows } = await db.query<{ id: number }>(
    `SELECT e.id FROM entities e LEFT JOIN component_file_properties p ON p.entity_id = e.id
      WHERE e.id = ANY($1::bigint[]) AND (${condition})`,
    params,
  );
  return new Set(rows.map((r) => Number(r.id)));
}
