import type { Column } from './column';

export type EntityId = number;

export type Columns = Record<string, Column<unknown>>;

/** The field values a component's columns hold. */
export type FieldsOf<C extends Columns> = { [K in keyof C]: C[K] extends Column<infer T> ? T : never };

/**
 * A component type: a name, its table, and typed columns. Data only: the engine stores and
 * loads it, services give it meaning. Every component table has `id`, `entity_id` (foreign key
 * to `entities`, cascade delete, indexed), `created_at` and `updated_at` besides its columns;
 * a unique component has at most one row per entity (`entity_id` unique).
 */
export interface ComponentType<F extends object = Record<string, unknown>> {
  readonly name: string;
  readonly table: string;
  readonly unique: boolean;
  readonly marker: boolean;
  readonly columns: { readonly [K in keyof F]: Column<F[K]> };
  /** Makes a component value from its own fields; attach it with `addComponent`. */
  create(fields: F): ComponentInstance<F>;
}

export interface ComponentInstance<F extends object = Record<string, unknown>> {
  readonly type: ComponentType<F>;
  readonly fields: F;
}

/** A component as stored: its fields plus the row's identity and times. */
export type StoredComponent<F extends object = Record<string, unknown>> = F & {
  readonly id: number;
  readonly entityId: EntityId;
  readonly createdAt: Date;
  readonly updatedAt: Date;
};

export type FieldsOfType<T> = T extends ComponentType<infer F> ? F : never;

const TABLE_NAME = /^[a-z][a-z0-9_]{0,62}$/;

export interface ComponentOptions<C extends Columns> {
  /** Class-style name, e.g. `FilePropertiesComponent`. */
  readonly name: string;
  /** Table name, `component_<snake_name>`. */
  readonly table: string;
  readonly columns: C;
  readonly unique?: boolean;
}

export function defineComponent<C extends Columns>(options: ComponentOptions<C>): ComponentType<FieldsOf<C>> {
  if (!TABLE_NAME.test(options.table)) throw new Error(`Invalid component table name: ${options.table}`);
  const reserved = new Set(['id', 'entity_id', 'created_at', 'updated_at']);
  for (const [field, column] of Object.entries(options.columns)) {
    if (reserved.has(column.sqlName)) throw new Error(`${options.name}.${field} uses the reserved column ${column.sqlName}`);
  }
  const type: ComponentType<FieldsOf<C>> = {
    name: options.name,
    table: options.table,
    unique: options.unique ?? false,
    marker: false,
    columns: options.columns as ComponentType<FieldsOf<C>>['columns'],
    create: (fields) => ({ type, fields }),
  };
  return Object.freeze(type);
}

export type MarkerType = ComponentType<Record<string, never>>;

/**
 * A marker: a unique component with no fields that says an entity awaits some work. Markers
 * are rows, so the queue of pending work survives a reload or a crash.
 */
export function defineMarker(options: { name: string; table: string }): MarkerType {
  if (!TABLE_NAME.test(options.table)) throw new Error(`Invalid marker table name: ${options.table}`);
  const type: MarkerType = {
    name: options.name,
    table: options.table,
    unique: true,
    marker: true,
    columns: {},
    create: () => ({ type, fields: {} }),
  };
  return Object.freeze(type);
}
