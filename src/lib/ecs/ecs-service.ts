import type { SqlExecutor } from '../db/database';
import type { ComponentInstance, ComponentType, EntityId, StoredComponent } from './component';
import { ComponentAlreadyPresentError, EntityNotFoundError } from './errors';
import { ident } from '../db/sql';

/**
 * Entity and component storage: stateless functions over an SQL executor (normally the
 * transaction a system or an API call runs in).
 */

export async function createEntity(db: SqlExecutor): Promise<EntityId> {
  const { rows } = await db.query<{ id: number }>('INSERT INTO entities DEFAULT VALUES RETURNING id');
  return Number(rows[0]!.id);
}

/** Creates `count` entities in one statement; their ids in ascending (creation) order. */
export async function createEntities(db: SqlExecutor, count: number): Promise<EntityId[]> {
  if (count <= 0) return [];
  const { rows } = await db.query<{ id: number }>('INSERT INTO entities SELECT FROM generate_series(1, $1::int) RETURNING id', [count]);
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

export async function entityExists(db: SqlExecutor, entityId: EntityId): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM entities WHERE id = $1', [entityId]);
  return rows.length > 0;
}

/** Deletes an entity; every component row goes with it (cascade). Returns whether it existed. */
export async function deleteEntity(db: SqlExecutor, entityId: EntityId): Promise<boolean> {
  const { rows } = await db.query('DELETE FROM entities WHERE id = $1 RETURNING id', [entityId]);
  return rows.length > 0;
}

function selectList<F extends object>(type: ComponentType<F>): string {
  const cols = Object.values(type.columns).map((c) => ident((c as { sqlName: string }).sqlName));
  return ['id', 'entity_id', 'created_at', 'updated_at', ...cols].join(', ');
}

export function rowToComponent<F extends object>(type: ComponentType<F>, row: Record<string, unknown>): StoredComponent<F> {
  const fields: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(type.columns) as [string, ComponentType<F>['columns'][keyof F]][]) {
    fields[field] = column.fromSql(row[column.sqlName]);
  }
  return {
    ...(fields as F),
    id: Number(row.id),
    entityId: Number(row.entity_id),
    createdAt: row.created_at instanceof Date ? row.created_at : new Date(row.created_at as string),
    updatedAt: row.updated_at instanceof Date ? row.updated_at : new Date(row.updated_at as string),
  };
}

const FOREIGN_KEY_VIOLATION = '23503';

/** Attaches a component to an entity and returns it as stored. */
export async function addComponent<F extends object>(
  db: SqlExecutor,
  entityId: EntityId,
  component: ComponentInstance<F>,
): Promise<StoredComponent<F>> {
  const { type, fields } = component;
  const names: string[] = ['entity_id'];
  const values: unknown[] = [entityId];
  for (const [field, column] of Object.entries(type.columns) as [keyof F & string, ComponentType<F>['columns'][keyof F]][]) {
    names.push(ident(column.sqlName));
    values.push(column.toSql(fields[field]));
  }
  const placeholders = values.map((_, i) => `$${i + 1}`).join(', ');
  const conflict = type.unique ? ' ON CONFLICT (entity_id) DO NOTHING' : '';
  // The foreign key finds a missing entity in the same statement (one query, not two).
  const { rows } = await db
    .query(
      `INSERT INTO ${ident(type.table)} (${names.join(', ')}) VALUES (${placeholders})${conflict} RETURNING ${selectList(type)}`,
      values,
    )
    .catch((error: unknown) => {
      if ((error as { code?: string }).code === FOREIGN_KEY_VIOLATION) throw new EntityNotFoundError(entityId);
      throw error;
    });
  if (rows.length === 0) throw new ComponentAlreadyPresentError(entityId, type.name);
  return rowToComponent(type, rows[0]!);
}

/** Parameters per statement in `addComponents`: far below Postgres's 65,535 limit. */
const BULK_PARAMETERS = 8000;

/**
 * Attaches many components of one type in as few statements as the parameter limit allows:
 * the bulk form of `addComponent` for work that writes a batch of new entities at once. A
 * unique component already on one of them fails the statement (ComponentAlreadyPresentError).
 */
export async function addComponents<F extends object>(
  db: SqlExecutor,
  type: ComponentType<F>,
  items: readonly { readonly entityId: EntityId; readonly fields: F }[],
): Promise<void> {
  if (items.length === 0) return;
  const columns = Object.entries(type.columns) as [keyof F & string, ComponentType<F>['columns'][keyof F]][];
  const names = ['entity_id', ...columns.map(([, column]) => ident(column.sqlName))].join(', ');
  const perRow = columns.length + 1;
  const rowsPerStatement = Math.max(1, Math.floor(BULK_PARAMETERS / perRow));
  for (let start = 0; start < items.length; start += rowsPerStatement) {
    const chunk = items.slice(start, start + rowsPerStatement);
    const values: unknown[] = [];
    const tuples = chunk.map(({ entityId, fields }) => {
      const first = values.length;
      values.push(entityId);
      for (const [field, column] of columns) values.push(column.toSql(fields[field]));
      return `(${Array.from({ length: perRow }, (_, i) => `$${first + i + 1}`).join(', ')})`;
    });
    const conflict = type.unique ? ' ON CONFLICT (entity_id) DO NOTHING' : '';
    const { rows } = await db
      .query<{ entity_id: number }>(
        `INSERT INTO ${ident(type.table)} (${names}) VALUES ${tuples.join(', ')}${conflict} RETURNING entity_id`,
        values,
      )
      .catch((error: unknown) => {
        if ((error as { code?: string }).code === FOREIGN_KEY_VIOLATION) throw new EntityNotFoundError(chunk[0]!.entityId);
        throw error;
      });
    if (rows.length < chunk.length) {
      const stored = new Set(rows.map((r) => Number(r.entity_id)));
      const clash = chunk.find((item) => !stored.has(item.entityId)) ?? chunk[0]!;
      throw new ComponentAlreadyPresentError(clash.entityId, type.name);
    }
  }
}

/** `addComponents` for a mixed list: one bulk insert per component type, types in first-seen order. */
export async function addComponentBatch(
  db: SqlExecutor,
  items: readonly { readonly entityId: EntityId; readonly component: ComponentInstance<object> }[],
): Promise<void> {
  const byType = new Map<ComponentType<object>, { entityId: EntityId; fields: object }[]>();
  for (const { entityId, component } of items) {
    const list = byType.get(component.type) ?? [];
    list.push({ entityId, fields: component.fields });
    byType.set(component.type, list);
  }
  for (const [type, list] of byType) await addComponents(db, type, list);
}

/** Adds a marker to many entities at once; entities that already carry it are left alone. */
export async function addMarker(
  db: SqlExecutor,
  marker: ComponentType<Record<string, never>>,
  entityIds: readonly EntityId[],
): Promise<void> {
  if (entityIds.length === 0) return;
  await db.query(`INSERT INTO ${ident(marker.table)} (entity_id) SELECT unnest($1::bigint[]) ON CONFLICT (entity_id) DO NOTHING`, [
    entityIds,
  ]);
}

/**
 * Puts a component on an entity, replacing the one of its type that is there: for components
 * that a later, better step refines (a decoded thumbnail replacing the embedded preview).
 */
export async function setComponent<F extends object>(
  db: SqlExecutor,
  entityId: EntityId,
  component: ComponentInstance<F>,
): Promise<StoredComponent<F>> {
  await removeComponentsFrom(db, component.type as ComponentType<object>, [entityId]);
  return addComponent(db, entityId, component);
}

/** Removes a marker (or any component type) from the given entities. */
export async function removeComponentsFrom(db: SqlExecutor, type: ComponentType<object>, entityIds: readonly EntityId[]): Promise<number> {
  if (entityIds.length === 0) return 0;
  const { rows } = await db.query(`DELETE FROM ${ident(type.table)} WHERE entity_id = ANY($1::bigint[]) RETURNING id`, [entityIds]);
  return rows.length;
}

export async function getComponent<F extends object>(
  db: SqlExecutor,
  entityId: EntityId,
  type: ComponentType<F>,
): Promise<StoredComponent<F> | null> {
  const { rows } = await db.query(`SELECT ${selectList(type)} FROM ${ident(type.table)} WHERE entity_id = $1 ORDER BY id LIMIT 1`, [
    entityId,
  ]);
  return rows[0] ? rowToComponent(type, rows[0]) : null;
}

export async function getComponents<F extends object>(
  db: SqlExecutor,
  entityId: EntityId,
  type: ComponentType<F>,
): Promise<StoredComponent<F>[]> {
  const { rows } = await db.query(`SELECT ${selectList(type)} FROM ${ident(type.table)} WHERE entity_id = $1 ORDER BY id`, [entityId]);
  return rows.map((row) => rowToComponent(type, row));
}

/** Updates some fields of one stored component; returns it as stored, or null if it is gone. */
export async function updateComponent<F extends object>(
  db: SqlExecutor,
  type: ComponentType<F>,
  componentId: number,
  changes: Partial<F>,
): Promise<StoredComponent<F> | null> {
  const sets: string[] = ['updated_at = now()'];
  const values: unknown[] = [componentId];
  for (const [field, value] of Object.entries(changes)) {
    const column = (type.columns as Record<string, { sqlName: string; toSql(v: unknown): unknown } | undefined>)[field];
    if (!column) throw new Error(`${type.name} has no field ${field}`);
    values.push(column.toSql(value));
    sets.push(`${ident(column.sqlName)} = $${values.length}`);
  }
  const { rows } = await db.query(`UPDATE ${ident(type.table)} SET ${sets.join(', ')} WHERE id = $1 RETURNING ${selectList(type)}`, values);
  return rows[0] ? rowToComponent(type, rows[0]) : null;
}

/** Removes one stored component by its row id. Returns whether it existed. */
export async function removeComponent(db: SqlExecutor, type: ComponentType<object>, componentId: number): Promise<boolean> {
  const { rows } = await db.query(`DELETE FROM ${ident(type.table)} WHERE id = $1 RETURNING id`, [componentId]);
  return rows.length > 0;
}

/** Entities that carry every one of the given component types, in id order. */
export async function findEntitiesWith(
  db: SqlExecutor,
  types: readonly ComponentType<object>[],
  options: { limit?: number; afterId?: EntityId } = {},
): Promise<EntityId[]> {
  if (types.length === 0) throw new Error('findEntitiesWith needs at least one component type');
  const [first, ...rest] = types;
  const conditions = rest.map((t) => `EXISTS (SELECT 1 FROM ${ident(t.table)} x WHERE x.entity_id = f.entity_id)`);
  const params: unknown[] = [];
  if (options.afterId !== undefined) {
    params.push(options.afterId);
    conditions.push(`f.entity_id > $${params.length}`);
  }
  let sql = `SELECT DISTINCT f.entity_id FROM ${ident(first!.table)} f`;
  if (conditions.length) sql += ` WHERE ${conditions.join(' AND ')}`;
  sql += ' ORDER BY f.entity_id';
  if (options.limit !== undefined) {
    params.push(options.limit);
    sql += ` LIMIT $${params.length}`;
  }
  const { rows } = await db.query<{ entity_id: number }>(sql, params);
  return rows.map((r) => Number(r.entity_id));
}
