import type { Migration } from '../db/migrations';

/** The engine's own schema: entities. Component tables come from plugins' migrations. */
export const ENGINE_MIGRATIONS: readonly Migration[] = [
  {
    id: '0000_ecs_entities',
    sql: `CREATE TABLE entities (
      id bigserial PRIMARY KEY,
      created_at timestamptz NOT NULL DEFAULT now()
    );`,
  },
];
