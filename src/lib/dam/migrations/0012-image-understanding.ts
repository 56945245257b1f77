import type { Migration } from '../../db/migrations';
import { componentTableDdl } from '../../ecs';
import { AUDIO_TEXTS, EXIF_TEXTS } from './0011-asset-text';
import { assetTextTriggerSql } from './asset-text-triggers';

const CLIP_TABLE = 'component_embedding_clip_vit_b32_d512';

/**
 * Image understanding: CLIP image vectors (HNSW, cosine, one row per picture or video
 * keyframe), text read from pictures (OCR), and their markers. OCR text joins each asset's
 * full-text document at weight C, like a document's body, so `dam_refresh_asset_text` is
 * redefined with it and the OCR table gets the same triggers as the other text sources.
 * Shipped: never edit.
 */
export const MIGRATION_0012_IMAGE_UNDERSTANDING: Migration = {
  id: '0012_image_understanding',
  sql: `
${componentTableDdl(
  CLIP_TABLE,
  ['embedding_vector vector(512) NOT NULL', 'source_component_name text NOT NULL', 'source_field_name text NOT NULL'],
  { unique: false },
)}
CREATE UNIQUE INDEX ${CLIP_TABLE}_source_idx ON ${CLIP_TABLE} (entity_id, source_component_name, source_field_name);
CREATE INDEX ${CLIP_TABLE}_hnsw_idx ON ${CLIP_TABLE} USING hnsw (embedding_vector vector_cosine_ops);
${componentTableDdl('component_marker_needs_image_embedding', [], { unique: true })}
${componentTableDdl(
  'component_ocr_text',
  [
    'text text NOT NULL',
    'lines jsonb NOT NULL',
    'image_width integer NOT NULL',
    'image_height integer NOT NULL',
    'model_name text NOT NULL',
  ],
  { unique: true },
)}
${componentTableDdl('component_marker_needs_ocr', [], { unique: true })}

CREATE OR REPLACE FUNCTION dam_refresh_asset_text(entity_ids bigint[]) RETURNS void LANGUAGE sql AS $$
  DELETE FROM dam_asset_text t WHERE t.entity_id = ANY(entity_ids)
    AND NOT EXISTS (SELECT 1 FROM component_file_properties p WHERE p.entity_id = t.entity_id);
  INSERT INTO dam_asset_text (entity_id, document)
  SELECT p.entity_id,
         setweight(dam_search_words(p.original_filename), 'A')
      || setweight(dam_search_words(concat_ws(' ', x.camera_make, x.camera_model, dam_json_texts(${EXIF_TEXTS}))), 'B')
      || setweight(dam_search_words(concat_ws(' ', dam_json_texts(${AUDIO_TEXTS}), d.title)), 'B')
      || setweight(dam_search_words(concat_ws(' ', left(d.text, 100000), left(c.text, 100000), left(o.text, 100000))), 'C')
    FROM (SELECT DISTINCT ON (entity_id) entity_id, original_filename FROM component_file_properties
           WHERE entity_id = ANY(entity_ids) ORDER BY entity_id, id) p
    LEFT JOIN component_exif_metadata x ON x.entity_id = p.entity_id
    LEFT JOIN component_audio_properties a ON a.entity_id = p.entity_id
    LEFT JOIN component_document_properties d ON d.entity_id = p.entity_id
    LEFT JOIN component_text_content c ON c.entity_id = p.entity_id
    LEFT JOIN component_ocr_text o ON o.entity_id = p.entity_id
  ON CONFLICT (entity_id) DO UPDATE SET document = EXCLUDED.document;
$$;
${assetTextTriggerSql('ocr', 'component_ocr_text')}
`,
};
