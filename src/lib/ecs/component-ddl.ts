/**
 * The DDL of a component table, for writing migrations. Shipped migrations embed its output,
 * and a migration's checksum must never change, so this text is frozen (a unit test pins it):
 * change the schema with a new migration, never by editing this function.
 */
export function componentTableDdl(table: string, columnsSql: readonly string[], options: { unique: boolean }): string {
  const columns = [
    'id bigserial PRIMARY KEY',
    'entity_id bigint NOT NULL REFERENCES entities(id) ON DELETE CASCADE',
    'created_at timestamptz NOT NULL DEFAULT now()',
    'updated_at timestamptz NOT NULL DEFAULT now()',
    ...columnsSql,
  ];
  return [
    `CREATE TABLE ${table} (\n  ${columns.join(',\n  ')}\n);`,
    `CREATE ${options.unique ? 'UNIQUE ' : ''}INDEX ${table}_entity_id_idx ON ${table} (entity_id);`,
  ].join('\n');
}
