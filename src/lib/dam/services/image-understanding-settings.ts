import type { SqlExecutor } from '../../db/database';
import { ecs, type EntityId } from '../../ecs';
import { NeedsImageEmbeddingMarker, NeedsOcrMarker } from '../components/markers';
import { DamError } from '../errors';
import { getWorldSetting, setWorldSetting } from './world-settings-service';
import type { ImageUnderstandingSettings } from '../../api/image-types';

export type { ImageUnderstandingSettings };

const KEY = 'imageUnderstanding';
export const DEFAULT_IMAGE_UNDERSTANDING: ImageUnderstandingSettings = {
  zeroShotTags: true,
  vocabulary: null,
  minConfidence: 0.15,
  maxTags: 5,
  ocr: true,
};
const MAX_VOCABULARY = 2000;

export async function getImageUnderstandingSettings(db: SqlExecutor): Promise<ImageUnderstandingSettings> {
  return { ...DEFAULT_IMAGE_UNDERSTANDING, ...(await getWorldSetting<Partial<ImageUnderstandingSettings>>(db, KEY, {})) };
}

/** Labels as the person typed them: trimmed, blanks and repeats dropped (case-insensitively). */
function cleanVocabulary(labels: readonly string[]): string[] {
  const seen = new Set<string>();
  return labels.map((l) => l.replace(/\s+/g, ' ').trim()).filter((l) => l && !seen.has(l.toLowerCase()) && seen.add(l.toLowerCase()));
}

/**
 * Saves the settings. Turning OCR on marks the pictures whose text was never read; turning it
 * off clears the queue. A changed vocabulary or threshold applies to pictures embedded from now
 * on, and to all of them when `retagAll` is set (their vectors are kept: no picture is decoded
 * again, only scored). Returns the settings as saved.
 */
export async function setImageUnderstandingSettings(
  db: SqlExecutor,
  changes: Partial<ImageUnderstandingSettings>,
): Promise<ImageUnderstandingSettings> {
  const previous = await getImageUnderstandingSettings(db);
  const next = { ...previous, ...changes };
  if (!(next.minConfidence >= 0 && next.minConfidence <= 1))
    throw new DamError('InvalidSettingError', 'The least confidence must be between 0 and 1');
  if (!(Number.isInteger(next.maxTags) && next.maxTags >= 1 && next.maxTags <= 50)) {
    throw new DamError('InvalidSettingError', 'The number of tags a picture may get must be a whole number from 1 to 50');
  }
  const vocabulary = next.vocabulary === null ? null : cleanVocabulary(next.vocabulary);
  if (vocabulary !== null && (vocabulary.length === 0 || vocabulary.length > MAX_VOCABULARY)) {
    throw new DamError('InvalidSettingError', `The vocabulary needs 1 to ${MAX_VOCABULARY} labels (it has ${vocabulary.length})`);
  }
  const saved: ImageUnderstandingSettings = { ...next, vocabulary };
  await setWorldSetting(db, KEY, saved);
  if (!saved.ocr) await db.query(`DELETE FROM ${NeedsOcrMarker.table}`);
  else if (!previous.ocr) await markUnreadPictures(db);
  return saved;
}

/** Marks every picture never read (read ones keep a row, even with no text) and with no OCR failure on record. */
async function markUnreadPictures(db: SqlExecutor): Promise<void> {
  await db.query(
    `INSERT INTO ${NeedsOcrMarker.table} (entity_id)
     SELECT p.entity_id FROM component_file_properties p
      WHERE p.mime_type LIKE 'image/%' AND p.mime_type <> 'image/svg+xml'
        AND NOT EXISTS (SELECT 1 FROM component_ocr_text o WHERE o.entity_id = p.entity_id)
        AND NOT EXISTS (SELECT 1 FROM component_processing_error e WHERE e.entity_id = p.entity_id AND e.step = 'ocr')
     ON CONFLICT DO NOTHING`,
  );
}

/**
 * Marks every picture and video that has no vector in `table` (an image model arrived, or a
 * world made before it is opened). Returns how many were marked.
 */
export async function markUnembeddedPictures(db: SqlExecutor, table: string): Promise<number> {
  const { rows } = await db.query(
    `INSERT INTO ${NeedsImageEmbeddingMarker.table} (entity_id)
     SELECT p.entity_id FROM component_file_properties p
      WHERE ((p.mime_type LIKE 'image/%' AND p.mime_type <> 'image/svg+xml') OR p.mime_type LIKE 'video/%')
        AND NOT EXISTS (SELECT 1 FROM ${table} v WHERE v.entity_id = p.entity_id)
        AND NOT EXISTS (SELECT 1 FROM component_processing_error e WHERE e.entity_id = p.entity_id AND e.step = 'image-embedding')
     ON CONFLICT DO NOTHING RETURNING entity_id`,
  );
  return rows.length;
}

/** New pictures and videos get their markers (ingest calls this for each batch). */
export async function markNewForImageUnderstanding(
  db: SqlExecutor,
  { pictures, videos }: { readonly pictures: readonly EntityId[]; readonly videos: readonly EntityId[] },
): Promise<void> {
  await ecs.addMarker(db, NeedsImageEmbeddingMarker, [...pictures, ...videos]);
  if (pictures.length > 0 && (await getImageUnderstandingSettings(db)).ocr) await ecs.addMarker(db, NeedsOcrMarker, pictures);
}
