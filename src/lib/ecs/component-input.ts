import type { Column } from './column';
import type { ComponentInstance, ComponentType } from './component';

export class InvalidComponentFieldsError extends Error {
  constructor(
    readonly componentName: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid fields for ${componentName}: ${problems.join('; ')}`);
    this.name = 'InvalidComponentFieldsError';
  }
}

function checkValue(column: Column<unknown>, value: unknown): { value?: unknown; problem?: string } {
  switch (column.kind) {
    case 'text':
      return typeof value === 'string' ? { value } : { problem: 'must be a string' };
    case 'integer':
    case 'bigint':
      return typeof value === 'number' && Number.isSafeInteger(value) ? { value } : { problem: 'must be a whole number' };
    case 'int64': {
      if (typeof value === 'bigint') return { value: BigInt.asUintN(64, value) };
      if ((typeof value === 'number' && Number.isSafeInteger(value)) || (typeof value === 'string' && /^-?\d+$/.test(value))) {
        return { value: BigInt.asUintN(64, BigInt(value)) };
      }
      return { problem: 'must be a 64-bit whole number' };
    }
    case 'double':
      return typeof value === 'number' && Number.isFinite(value) ? { value } : { problem: 'must be a finite number' };
    case 'boolean':
      return typeof value === 'boolean' ? { value } : { problem: 'must be true or false' };
    case 'timestamptz': {
      const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
      return date && !Number.isNaN(date.getTime()) ? { value: date } : { problem: 'must be a date' };
    }
    case 'jsonb':
      return { value };
    case 'bytea':
      return value instanceof Uint8Array ? { value } : { problem: 'must be bytes' };
    case 'vector':
    case 'halfvec': {
      const ok =
        (Array.isArray(value) || value instanceof Float32Array) &&
        value.length === column.dimensions &&
        Array.from(value as ArrayLike<unknown>).every((x) => typeof x === 'number' && Number.isFinite(x));
      return ok ? { value: Float32Array.from(value as ArrayLike<number>) } : { problem: `must be ${column.dimensions} finite numbers` };
    }
  }
}

/**
 * Builds a component from untrusted field values (from the UI, a file or the command line),
 * checking each against its column. Missing nullable fields become null.
 */
export function componentFromInput<F extends object>(
  type: ComponentType<F>,
  input: Readonly<Record<string, unknown>>,
): ComponentInstance<F> {
  const problems: string[] = [];
  const fields: Record<string, unknown> = {};
  const columns = type.columns as Record<string, Column<unknown>>;
  for (const key of Object.keys(input)) if (!(key in columns)) problems.push(`${key} is not a field`);
  for (const [key, column] of Object.entries(columns)) {
    const raw = input[key];
    if (raw === undefined || raw === null) {
      if (column.isNullable) fields[key] = null;
      else problems.push(`${key} is required`);
      continue;
    }
    const { value, problem } = checkValue(column, raw);
    if (problem) problems.push(`${key} ${problem}`);
    else fields[key] = value;
  }
  if (problems.length) throw new InvalidComponentFieldsError(type.name, problems);
  return type.create(fields as F);
}
