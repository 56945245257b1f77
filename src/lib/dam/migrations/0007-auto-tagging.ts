import type { Migration } from '../../db/migrations';
import { componentTableDdl } from '../../ecs';

/** Shipped: never edit; add a new migration instead. */
export const MIGRATION_0007_AUTO_TAGGING: Migration = {
  id: '0007_auto_tagging',
  sql: [
    componentTableDdl('component_marker_needs_auto_tagging', [], { unique: true }),
    // A world's own settings (auto-tagging on or off, and with which model): they travel with
    // the world's database, so the CLI and every tab see the same.
    `CREATE TABLE dam_world_setting (
       setting_key text PRIMARY KEY,
       setting_value jsonb NOT NULL,
       updated_at timestamptz NOT NULL DEFAULT now()
     );`,
  ].join('\n'),
};
