import type { SqlExecutor } from '../../db/database';
import { hasAnyModelTagSql, hasAnyTagSql, matchingTagIdsNamed, namespaceTagIds } from '../services/tag-query-service';
import type { QueryNode } from './query-ast';

/** Where the compiled condition finds an asset's id, file name and manual tag ids (`dam_asset_tag_set`). */
export interface QueryColumns {
  readonly entity: string;
  readonly name: string;
  readonly tagIds: string;
}

/** Whether the query reads the file name (so a count has to join the file properties). */
export function queryReadsFileName(node: QueryNode): boolean {
  switch (node.kind) {
    case 'text':
      return true;
    case 'not':
      return queryReadsFileName(node.operand);
    case 'and':
    case 'or':
      return node.operands.some(queryReadsFileName);
    default:
      return false;
  }
}

function likeEscaped(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Compiles a parsed query into one SQL condition, appending its values to `params` (never into
 * the SQL text). Tag names are looked up first, each as the ids it matches (the preferred tag,
 * its descendants and their aliases), so a tag term is an overlap of the asset's tag-id array
 * with an id list, and an AND of them one GIN BitmapAnd; an unknown tag is `false`, so
 * `-tag:unknown` matches everything, as it should. Tag values and model tags need the link
 * tables' columns, so those terms are index semi-joins.
 */
export async function compileQuery(db: SqlExecutor, node: QueryNode, params: unknown[], columns: QueryColumns): Promise<string> {
  const param = (value: unknown) => params.push(value);
  switch (node.kind) {
    case 'text':
      return `coalesce(${columns.name}, '') ILIKE $${param(`%${likeEscaped(node.text)}%`)}`;
    case 'tag': {
      const ids = await matchingTagIdsNamed(db, node.name);
      if (ids.length === 0) return 'false';
      const tags = param(ids);
      if (node.value === null) return `${columns.tagIds} && $${tags}::bigint[]`;
      return hasAnyTagSql(columns.entity, tags, param(node.value));
    }
    case 'namespace': {
      const ids = await namespaceTagIds(db, node.namespace);
      return ids.length === 0 ? 'false' : `${columns.tagIds} && $${param(ids)}::bigint[]`;
    }
    case 'model-tag': {
      const ids = await matchingTagIdsNamed(db, node.name);
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
  const condition = await compileQuery(db, node, params, {
    entity: 'e.id',
    name: 'p.original_filename',
    tagIds: `coalesce(s.tag_ids, '{}'::bigint[])`,
  });
  const { rows } = await db.query<{ id: number }>(
    `SELECT e.id FROM entities e LEFT JOIN component_file_properties p ON p.entity_id = e.id
      LEFT JOIN dam_asset_tag_set s ON s.entity_id = e.id
      WHERE e.id = ANY($1::bigint[]) AND (${condition})`,
    params,
  );
  return new Set(rows.map((r) => Number(r.id)));
}
