import type { SqlExecutor } from '../db/database';
import { expectedSqlType } from './column';
import type { ComponentType } from './component';

const BASE_COLUMNS: Record<string, string> = {
  id: 'bigint',
  entity_id: 'bigint',
  created_at: 'timestamp with time zone',
  updated_at: 'timestamp with time zone',
};

/**
 * Compares registered components with the tables the migrations made, so a component whose
 * migration is missing or wrong fails at world start instead of at its first query.
 */
export async function schemaProblems(db: SqlExecutor, components: readonly ComponentType<object>[]): Promise<string[]> {
  if (components.length === 0) return [];
  const { rows } = await db.query<{ table_name: string; column_name: string; type: string }>(
    `SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relname = ANY($1::text[]) AND a.attnum > 0 AND NOT a.attisdropped`,
    [components.map((c) => c.table)],
  );
  const tables = new Map<string, Map<string, string>>();
  for (const row of rows) {
    if (!tables.has(row.table_name)) tables.set(row.table_name, new Map());
    tables.get(row.table_name)!.set(row.column_name, row.type);
  }
  const problems: string[] = [];
  for (const component of components) {
    const columns = tables.get(component.table);
    if (!columns) {
      problems.push(`${component.name}: table ${component.table} does not exist`);
      continue;
    }
    const expected: Record<string, string> = { ...BASE_COLUMNS };
    for (const column of Object.values(component.columns) as Parameters<typeof expectedSqlType>[0][]) {
      expected[column.sqlName] = expectedSqlType(column);
    }
    for (const [name, type] of Object.entries(expected)) {
      const actual = columns.get(name);
      if (actual === undefined) problems.push(`${component.name}: column ${component.table}.${name} is missing`);
      else if (actual !== type) problems.push(`${component.name}: column ${component.table}.${name} is ${actual}, expected ${type}`);
    }
  }
  return problems;
}
