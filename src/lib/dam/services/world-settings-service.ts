import type { SqlExecutor } from '../../db/database';

/** A world's own setting (`dam_world_setting`), or `fallback` when it was never set. */
export async function getWorldSetting<T>(db: SqlExecutor, key: string, fallback: T): Promise<T> {
  const { rows } = await db.query<{ setting_value: T }>('SELECT setting_value FROM dam_world_setting WHERE setting_key = $1', [key]);
  return rows.length > 0 ? rows[0]!.setting_value : fallback;
}

export async function setWorldSetting(db: SqlExecutor, key: string, value: unknown): Promise<void> {
  await db.query(
    `INSERT INTO dam_world_setting (setting_key, setting_value) VALUES ($1, $2::jsonb)
     ON CONFLICT (setting_key) DO UPDATE SET setting_value = EXCLUDED.setting_value, updated_at = now()`,
    [key, JSON.stringify(value)],
  );
}
