/**
 * Typed column declarations for component tables. A column knows its SQL name and how its
 * values cross the SQL boundary; the TypeScript type of a component's fields is derived from
 * its columns, so a component is declared once.
 */
export type ColumnKind =
  'text' | 'integer' | 'bigint' | 'int64' | 'double' | 'boolean' | 'timestamptz' | 'jsonb' | 'bytea' | 'vector' | 'halfvec';

export interface Column<T> {
  readonly sqlName: string;
  readonly kind: ColumnKind;
  readonly isNullable: boolean;
  /** Vector dimensions, for `vector` and `halfvec` columns. */
  readonly dimensions?: number;
  /**
   * The column holds another entity's id (a tag link's tag, an archive member's archive), so
   * copying rows between worlds must map it to the id that entity has there.
   */
  readonly refersToEntity?: boolean;
  toSql(value: T): unknown;
  fromSql(value: unknown): T;
  /** Phantom field carrying the value type. */
  readonly _type?: T;
}

export interface ColumnBuilder<T> extends Column<T> {
  /** The same column, accepting and returning `null`. */
  nullable(): Column<T | null>;
}

function build<T>(
  sqlName: string,
  kind: ColumnKind,
  toSql: (v: T) => unknown,
  fromSql: (v: unknown) => T,
  dimensions?: number,
): ColumnBuilder<T> {
  const base = { sqlName, kind, dimensions };
  return {
    ...base,
    isNullable: false,
    toSql,
    fromSql,
    nullable(): Column<T | null> {
      return {
        ...base,
        isNullable: true,
        toSql: (v) => (v === null ? null : toSql(v)),
        fromSql: (v) => (v === null || v === undefined ? null : fromSql(v)),
      };
    },
  };
}

const identity = <T>(v: unknown) => v as T;

function toNumber(v: unknown): number {
  return typeof v === 'string' || typeof v === 'bigint' ? Number(v) : (v as number);
}

function toDate(v: unknown): Date {
  return v instanceof Date ? v : new Date(v as string);
}

function vectorToSql(v: ArrayLike<number>): string {
  return `[${Array.from(v).join(',')}]`;
}

function vectorFromSql(v: unknown): Float32Array {
  if (v instanceof Float32Array) return v;
  if (Array.isArray(v)) return Float32Array.from(v as number[]);
  const text = String(v).trim();
  const inner = text.slice(1, -1);
  return inner ? Float32Array.from(inner.split(',').map(Number)) : new Float32Array(0);
}

export const text = (sqlName: string) => build<string>(sqlName, 'text', identity, (v) => String(v));
export const integer = (sqlName: string) => build<number>(sqlName, 'integer', identity, toNumber);
/** 64-bit integers as JS numbers: exact up to 2^53, which covers ids, sizes and times. */
export const bigint = (sqlName: string) => build<number>(sqlName, 'bigint', identity, toNumber);
/** A `bigint` column holding the id of another entity of the same world. */
export const entityRef = (sqlName: string): ColumnBuilder<number> => {
  const column = bigint(sqlName);
  return {
    ...column,
    refersToEntity: true,
    nullable: () => ({ ...column.nullable(), refersToEntity: true }),
  };
};
/**
 * 64-bit patterns that need every bit (perceptual hashes, checksums) as unsigned BigInt,
 * stored in a signed `bigint` column by two's complement.
 */
export const bigint64 = (sqlName: string) =>
  build<bigint>(
    sqlName,
    'int64',
    (v) => BigInt.asIntN(64, v).toString(),
    (v) => BigInt.asUintN(64, BigInt(v as string | number | bigint)),
  );
export const double = (sqlName: string) => build<number>(sqlName, 'double', identity, toNumber);
export const boolean = (sqlName: string) => build<boolean>(sqlName, 'boolean', identity, (v) => Boolean(v));
export const timestamptz = (sqlName: string) => build<Date>(sqlName, 'timestamptz', identity, toDate);
export const jsonb = <T>(sqlName: string) =>
  build<T>(
    sqlName,
    'jsonb',
    (v) => JSON.stringify(v),
    (v) => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T)),
  );
export const bytea = (sqlName: string) =>
  build<Uint8Array>(sqlName, 'bytea', identity, (v) => (v instanceof Uint8Array ? v : new Uint8Array(v as ArrayBuffer)));
export const vector = (sqlName: string, dimensions: number) =>
  build<Float32Array>(sqlName, 'vector', vectorToSql, vectorFromSql, dimensions);
export const halfvec = (sqlName: string, dimensions: number) =>
  build<Float32Array>(sqlName, 'halfvec', vectorToSql, vectorFromSql, dimensions);

/** The SQL type a column of this kind is expected to have, as `format_type` reports it. */
export function expectedSqlType(column: Column<unknown>): string {
  switch (column.kind) {
    case 'text':
      return 'text';
    case 'integer':
      return 'integer';
    case 'bigint':
    case 'int64':
      return 'bigint';
    case 'double':
      return 'double precision';
    case 'boolean':
      return 'boolean';
    case 'timestamptz':
      return 'timestamp with time zone';
    case 'jsonb':
      return 'jsonb';
    case 'bytea':
      return 'bytea';
    case 'vector':
      return `vector(${column.dimensions})`;
    case 'halfvec':
      return `halfvec(${column.dimensions})`;
  }
}
