import type { SqlExecutor } from '../../db/database';
import { ecs, type EntityId } from '../../ecs';
import { NeedsAutoTaggingMarker } from '../components/markers';
import { DamError } from '../errors';
import { OFFLINE_TAGGING_MODEL, TAGGING_MODEL_REGISTRY } from '../models/tagging-model-registry';
import { getWorldSetting, setWorldSetting } from './world-settings-service';

export interface AutoTaggingSettings {
  /** Off until the person turns it on: tagging costs time and battery on their device. */
  readonly enabled: boolean;
  readonly model: string;
}

const KEY = 'autoTagging';
const DEFAULT: AutoTaggingSettings = { enabled: false, model: OFFLINE_TAGGING_MODEL };

export async function getAutoTaggingSettings(db: SqlExecutor): Promise<AutoTaggingSettings> {
  return { ...DEFAULT, ...(await getWorldSetting<Partial<AutoTaggingSettings>>(db, KEY, {})) };
}

/**
 * Saves the settings. Turning tagging on (or changing its model) marks the images the model has
 * not tagged yet, so the library catches up; turning it off clears the queue. Returns how many
 * images were marked.
 */
export async function setAutoTaggingSettings(db: SqlExecutor, settings: AutoTaggingSettings): Promise<number> {
  if (!(settings.model in TAGGING_MODEL_REGISTRY)) {
    throw new DamError(
      'UnknownModelError',
      `Unknown tagging model "${settings.model}" (known: ${Object.keys(TAGGING_MODEL_REGISTRY).join(', ')})`,
    );
  }
  await setWorldSetting(db, KEY, settings);
  if (!settings.enabled) {
    await db.query(`DELETE FROM ${NeedsAutoTaggingMarker.table}`);
    return 0;
  }
  const { rows } = await db.query<{ entity_id: number }>(
    `SELECT p.entity_id FROM component_file_properties p
      WHERE p.mime_type LIKE 'image/%'
        AND NOT EXISTS (SELECT 1 FROM component_model_generated_tag_link m WHERE m.entity_id = p.entity_id AND m.source_model_name = $1)`,
    [settings.model],
  );
  const ids = rows.map((r) => Number(r.entity_id));
  await markForAutoTagging(db, ids);
  return ids.length;
}

export async function markForAutoTagging(db: SqlExecutor, entityIds: readonly EntityId[]): Promise<void> {
  await ecs.addMarker(db, NeedsAutoTaggingMarker, entityIds);
}

/** New pictures get the marker while auto-tagging is on (ingest calls this for each batch). */
export async function markNewImagesForAutoTagging(db: SqlExecutor, imageIds: readonly EntityId[]): Promise<void> {
  if (imageIds.length > 0 && (await getAutoTaggingSettings(db)).enabled) await markForAutoTagging(db, imageIds);
}
