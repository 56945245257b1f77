import type { SqlExecutor } from '../../db/database';
import { ident } from '../../db/sql';
import { expectedSqlType, type ComponentType } from '../../ecs';

/** Source entity id → the id the same entity has in the target world. */
export type EntityIdMap = ReadonlyMap<number, number>;

/** Makes `count` new entities in the target and returns their ids, in order. */
export async function allocateEntities(tx: SqlExecutor, count: number): Promise<number[]> {
  if (count === 0) return [];
  // Ids drawn from the sequence first, so the i-th source entity gets the i-th id for certain
  // (the order of INSERT … RETURNING rows is not promised).
  const { rows } = await tx.query<{ id: number }>(
    `SELECT nextval(pg_get_serial_sequence('entities', 'id')) AS id FROM generate_series(1, $1::int)`,
    [count],
  );
  const ids = rows.map((r) => Number(r.id));
  await tx.query('INSERT INTO entities (id) SELECT unnest($1::bigint[])', [ids]);
  return ids;
}

/** Tables that exist in a database, so a component the source world never had is skipped. */
export async function existingTables(db: SqlExecutor): Promise<Set<string>> {
  const { rows } = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`,
  );
  return new Set(rows.map((r) => r.table_name));
}

/**
 * Copies every row of one component type held by the source entities in `ids` into the target,
 * under the mapped entity ids. Values travel as their SQL text (exact for every column kind:
 * bytea as hex, floats round-trip, vectors, JSON) and are cast back by the column's type.
 * A column that refers to another entity is mapped too; a row whose referenced entity is not
 * in the map is left out (a link to a tag or an archive that is not being copied).
 * Returns the number of rows written.
 */
export async function copyComponentRows(
  source: SqlExecutor,
  target: SqlExecutor,
  type: ComponentType<object>,
  ids: readonly number[],
  map: EntityIdMap,
): Promise<number> {
  if (ids.length === 0) return 0;
  const columns = Object.values(type.columns);
  const names = ['created_at', 'updated_at', ...columns.map((c) => c.sqlName)];
  const { rows } = await source.query<Record<string, string | null>>(
    `SELECT entity_id::text AS entity_id, ${names.map((n) => `${ident(n)}::text AS ${ident(n)}`).join(', ')}
       FROM ${ident(type.table)} WHERE entity_id = ANY($1::bigint[]) ORDER BY id`,
    [ids],
  );
  const refColumns = columns.filter((c) => c.refersToEntity).map((c) => c.sqlName);
  const kept = rows.filter((row) => refColumns.every((name) => row[name] === null || map.has(Number(row[name]))));
  if (kept.length === 0) return 0;
  const mapped = (name: string, value: string | null) =>
    value !== null && (name === 'entity_id' || refColumns.includes(name)) ? String(map.get(Number(value))) : value;
  const all = ['entity_id', ...names];
  const arrays = all.map((name) => kept.map((row) => mapped(name, row[name] ?? null)));
  const sqlTypes = ['bigint', 'timestamptz', 'timestamptz', ...columns.map((c) => expectedSqlType(c))];
  const casts = all.map((name, i) => `u.c${i}::${sqlTypes[i]} AS ${ident(name)}`);
  await target.query(
    `INSERT INTO ${ident(type.table)} (${all.map(ident).join(', ')})
       SELECT ${casts.join(', ')} FROM unnest(${all.map((_, i) => `$${i + 1}::text[]`).join(', ')}) AS u(${all.map((_, i) => `c${i}`).join(', ')})`,
    arrays,
  );
  return kept.length;
}
