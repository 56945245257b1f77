import type { Migration } from '../../db/migrations';
import { componentTableDdl } from '../../ecs';

const TAG_REFERENCE = 'bigint NOT NULL REFERENCES entities(id) ON DELETE CASCADE';

/** Shipped: never edit; add a new migration instead. */
export const MIGRATION_0006_TAGS: Migration = {
  id: '0006_tags',
  sql: [
    componentTableDdl(
      'component_tag_concept',
      [
        'tag_name text NOT NULL',
        `tag_scope_type text NOT NULL CHECK (tag_scope_type IN ('GLOBAL', 'COMPONENT_CLASS_REQUIRED', 'CONCEPTUAL_ASSET_LOCAL'))`,
        'tag_scope_detail text',
        'tag_description text',
        'allow_values boolean NOT NULL DEFAULT false',
      ],
      { unique: true },
    ),
    'CREATE UNIQUE INDEX component_tag_concept_name_idx ON component_tag_concept (tag_name);',
    // Autocomplete asks for names by prefix (`LIKE 'char%'`).
    'CREATE INDEX component_tag_concept_name_prefix_idx ON component_tag_concept (tag_name text_pattern_ops);',

    componentTableDdl('component_entity_tag_link', [`tag_concept_entity_id ${TAG_REFERENCE}`, 'tag_value text'], { unique: false }),
    // Applying the same (tag, value) twice is a no-op; a NULL value counts as a value here.
    'CREATE UNIQUE INDEX component_entity_tag_link_unique_idx ON component_entity_tag_link (entity_id, tag_concept_entity_id, tag_value) NULLS NOT DISTINCT;',
    'CREATE INDEX component_entity_tag_link_tag_idx ON component_entity_tag_link (tag_concept_entity_id);',

    componentTableDdl(
      'component_model_generated_tag_link',
      [
        `tag_concept_entity_id ${TAG_REFERENCE}`,
        'source_model_name text NOT NULL',
        'confidence double precision NOT NULL CHECK (confidence >= 0 AND confidence <= 1)',
      ],
      { unique: false },
    ),
    'CREATE UNIQUE INDEX component_model_generated_tag_link_unique_idx ON component_model_generated_tag_link (entity_id, tag_concept_entity_id, source_model_name);',
    'CREATE INDEX component_model_generated_tag_link_tag_idx ON component_model_generated_tag_link (tag_concept_entity_id);',

    componentTableDdl(
      'component_tag_sibling',
      [`preferred_tag_entity_id ${TAG_REFERENCE}`, 'CHECK (preferred_tag_entity_id <> entity_id)'],
      {
        unique: true,
      },
    ),
    'CREATE INDEX component_tag_sibling_preferred_idx ON component_tag_sibling (preferred_tag_entity_id);',

    componentTableDdl('component_tag_parent', [`parent_tag_entity_id ${TAG_REFERENCE}`, 'CHECK (parent_tag_entity_id <> entity_id)'], {
      unique: false,
    }),
    'CREATE UNIQUE INDEX component_tag_parent_unique_idx ON component_tag_parent (entity_id, parent_tag_entity_id);',
    'CREATE INDEX component_tag_parent_parent_idx ON component_tag_parent (parent_tag_entity_id);',

    componentTableDdl('component_rejected_model_tag', [`tag_concept_entity_id ${TAG_REFERENCE}`], { unique: false }),
    'CREATE UNIQUE INDEX component_rejected_model_tag_unique_idx ON component_rejected_model_tag (entity_id, tag_concept_entity_id);',
  ].join('\n'),
};
