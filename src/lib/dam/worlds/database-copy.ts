import type { SqlExecutor } from '../../db/database';
import { ident } from '../../db/sql';

/** Kept by triggers on the tables they derive from: those triggers fill them as rows arrive. */
const DERIVED = new Set(['dam_asset_tag_set', 'dam_asset_text']);
const ROWS_PER_STATEMENT = 500;

interface TableShape {
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
}

async function tablesOf(db: SqlExecutor): Promise<TableShape[]> {
  const { rows } = await db.query<{ table_name: string; column_name: string; type: string }>(
    `SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attgenerated = ''
      ORDER BY c.relname, a.attnum`,
  );
  const tables = new Map<string, { name: string; type: string }[]>();
  for (const row of rows) {
    const columns = tables.get(row.table_name) ?? [];
    columns.push({ name: row.column_name, type: row.type });
    tables.set(row.table_name, columns);
  }
  return [...tables].map(([name, columns]) => ({ name, columns }));
}

/**
 * Copies every row of one DAM database into another whose schema is the same (both migrated
 * by this version): a world moving between PGlite and a PostgreSQL server, where neither can
 * load the other's files. The migration records are copied too, so a copy says what its source
 * was migrated by. Values cross as SQL text and are cast back to their column's type, so
 * vectors, bytea, arrays and timestamps arrive exactly. Entities go first (every foreign key
 * points at them); derived tables are left to their triggers; sequences are moved past the
 * copied ids. Call with `target` inside a transaction: the copy is all or nothing.
 */
export async function copyDatabaseRows(
  source: SqlExecutor,
  target: SqlExecutor,
  onTable?: (table: string, rows: number) => void,
): Promise<{ readonly rows: number }> {
  const sourceTables = new Map((await tablesOf(source)).map((t) => [t.name, t]));
  const targetTables = (await tablesOf(target)).filter((t) => !DERIVED.has(t.name));
  for (const table of targetTables) {
    const theirs = sourceTables.get(table.name);
    const same =
      theirs && theirs.columns.map((c) => `${c.name} ${c.type}`).join() === table.columns.map((c) => `${c.name} ${c.type}`).join();
    if (!same) throw new Error(`The two databases differ in table ${table.name}: they must be migrated by the same version of DAM`);
  }
  // Whatever the target's migrations seeded is replaced by the source's rows.
  for (const table of targetTables) if (table.name !== 'entities') await target.exec(`DELETE FROM ${ident(table.name)}`);
  await target.exec('DELETE FROM entities');
  const ordered = [...targetTables].sort((a, b) => Number(b.name === 'entities') - Number(a.name === 'entities'));
  let total = 0;
  for (const table of ordered) {
    const copied = await copyTable(source, target, table);
    total += copied;
    onTable?.(table.name, copied);
  }
  await moveSequences(target, ordered);
  return { rows: total };
}

async function copyTable(source: SqlExecutor, target: SqlExecutor, table: TableShape): Promise<number> {
  const names = table.columns.map((c) => ident(c.name));
  const idIndex = table.columns.findIndex((c) => c.name === 'id');
  const keyed = idIndex >= 0;
  const insert = `INSERT INTO ${ident(table.name)} (${names.join(', ')})
    SELECT ${table.columns.map((c, i) => `u.c${i}::${c.type}`).join(', ')}
      FROM unnest(${table.columns.map((_, i) => `$${i + 1}::text[]`).join(', ')}) AS u(${table.columns.map((_, i) => `c${i}`).join(', ')})`;
  let copied = 0;
  let after = 0; // ids start at 1
  for (;;) {
    // Keyset pages on id: OFFSET would rescan the table for every page.
    const { rows } = await source.query<Record<string, string | null>>(
      `SELECT ${table.columns.map((c, i) => `${ident(c.name)}::text AS c${i}`).join(', ')} FROM ${ident(table.name)}` +
        (keyed ? ` WHERE id > $1 ORDER BY id LIMIT ${ROWS_PER_STATEMENT}` : ''),
      keyed ? [after] : [],
    );
    if (rows.length === 0) break;
    for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
      const page = rows.slice(start, start + ROWS_PER_STATEMENT);
      await target.query(
        insert,
        table.columns.map((_, i) => page.map((row) => row[`c${i}`] ?? null)),
      );
    }
    copied += rows.length;
    if (!keyed) break;
    after = Number(rows.at(-1)![`c${idIndex}`]);
  }
  return copied;
}

async function moveSequences(target: SqlExecutor, tables: readonly TableShape[]): Promise<void> {
  for (const table of tables) {
    if (!table.columns.some((c) => c.name === 'id')) continue;
    const { rows } = await target.query<{ seq: string | null }>('SELECT pg_get_serial_sequence($1, $2) AS seq', [table.name, 'id']);
    const seq = rows[0]?.seq;
    if (!seq) continue;
    await target.query(
      `SELECT setval($1::regclass, COALESCE((SELECT max(id) FROM ${ident(table.name)}), 1), (SELECT max(id) IS NOT NULL FROM ${ident(table.name)}))`,
      [seq],
    );
  }
}
