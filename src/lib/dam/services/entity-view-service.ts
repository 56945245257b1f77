import type { SqlExecutor } from '../../db/database';
import { likeEscaped } from '../../db/sql';
import type { ComponentView, EntityListOptions, EntitySummary, EntityView } from '../../api/dam-api';
import { ecs, type ComponentType, type EntityId, type StoredComponent } from '../../ecs';
import { toHex } from './hash-service';

/** Field values as they cross to the UI: dates as ISO strings, 64-bit integers as strings, bytes as hex. */
function plainValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return toHex(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}

function componentView(type: ComponentType<object>, stored: StoredComponent<object>): ComponentView {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(type.columns)) fields[key] = plainValue((stored as Record<string, unknown>)[key]);
  return {
    name: type.name,
    id: stored.id,
    fields,
    createdAt: stored.createdAt.toISOString(),
    updatedAt: stored.updatedAt.toISOString(),
  };
}

/** An entity with every component it carries among `types`, or null if it does not exist. */
export async function getEntityView(
  db: SqlExecutor,
  entityId: EntityId,
  types: readonly ComponentType<object>[],
): Promise<EntityView | null> {
  const { rows } = await db.query<{ id: number; created_at: Date }>('SELECT id, created_at FROM entities WHERE id = $1', [entityId]);
  const row = rows[0];
  if (!row) return null;
  const components: ComponentView[] = [];
  for (const type of types) {
    for (const stored of await ecs.getComponents(db, entityId, type)) components.push(componentView(type, stored));
  }
  return { id: Number(row.id), createdAt: new Date(row.created_at).toISOString(), components };
}

/** `%`, `_` and `\` are literal in a name search, not LIKE wildcards. */
function likeContains(text: string): string {
  return `%${likeEscaped(text)}%`;
}

/** A page of entities in id order, labelled by original file name where there is one. */
export async function listEntitySummaries(db: SqlExecutor, options: EntityListOptions = {}): Promise<EntitySummary[]> {
  const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
  const params: unknown[] = [options.afterId ?? 0, limit];
  let filter = '';
  if (options.nameContains) {
    params.push(likeContains(options.nameContains));
    filter = ` AND fp.original_filename ILIKE $3`;
  }
  const { rows } = await db.query<{ id: number; created_at: Date; label: string | null }>(
    `SELECT e.id, e.created_at, fp.original_filename AS label
       FROM entities e LEFT JOIN component_file_properties fp ON fp.entity_id = e.id
      WHERE e.id > $1${filter} ORDER BY e.id LIMIT $2`,
    params,
  );
  return rows.map((r) => ({ id: Number(r.id), createdAt: new Date(r.created_at).toISOString(), label: r.label }));
}
