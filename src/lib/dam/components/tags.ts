import { boolean, defineComponent, double, entityRef, text } from '../../ecs';

import type { TagScope } from '../../api/dam-api';

export const TAG_SCOPES: readonly TagScope[] = ['GLOBAL', 'COMPONENT_CLASS_REQUIRED', 'CONCEPTUAL_ASSET_LOCAL'];

/**
 * A tag, on an entity of its own (seeds §2.7). `tagName` is unique and normalised
 * (`namespace:name`, lower case). `tagScopeDetail` is the component name a
 * COMPONENT_CLASS_REQUIRED tag needs, or the entity id a CONCEPTUAL_ASSET_LOCAL tag is local to.
 */
export const TagConceptComponent = defineComponent({
  name: 'TagConceptComponent',
  table: 'component_tag_concept',
  unique: true,
  columns: {
    tagName: text('tag_name'),
    tagScopeType: text('tag_scope_type'),
    tagScopeDetail: text('tag_scope_detail').nullable(),
    tagDescription: text('tag_description').nullable(),
    allowValues: boolean('allow_values'),
  },
});

/** A tag a person applied to the entity, with an optional value (`rating:5` is tag `rating`, value `5`). */
export const EntityTagLinkComponent = defineComponent({
  name: 'EntityTagLinkComponent',
  table: 'component_entity_tag_link',
  unique: false,
  columns: {
    tagConceptEntityId: entityRef('tag_concept_entity_id'),
    tagValue: text('tag_value').nullable(),
  },
});

/**
 * A tag a model gave the entity, with its confidence (0–1). The model's parameters live in
 * TAGGING_MODEL_REGISTRY, not per link.
 */
export const ModelGeneratedTagLinkComponent = defineComponent({
  name: 'ModelGeneratedTagLinkComponent',
  table: 'component_model_generated_tag_link',
  unique: false,
  columns: {
    tagConceptEntityId: entityRef('tag_concept_entity_id'),
    sourceModelName: text('source_model_name'),
    confidence: double('confidence'),
  },
});

/** On a tag's entity: this tag is another name for the preferred one (`feline` → `cat`), shown and searched as it. */
export const TagSiblingComponent = defineComponent({
  name: 'TagSiblingComponent',
  table: 'component_tag_sibling',
  unique: true,
  columns: {
    preferredTagEntityId: entityRef('preferred_tag_entity_id'),
  },
});

/** On a tag's entity: having this tag implies the parent (`character:alice` → `series:wonderland`). */
export const TagParentComponent = defineComponent({
  name: 'TagParentComponent',
  table: 'component_tag_parent',
  unique: false,
  columns: {
    parentTagEntityId: entityRef('parent_tag_entity_id'),
  },
});

/** On a tagged entity: a model tag the person rejected; it stays hidden and no model adds it again. */
export const RejectedModelTagComponent = defineComponent({
  name: 'RejectedModelTagComponent',
  table: 'component_rejected_model_tag',
  unique: false,
  columns: {
    tagConceptEntityId: entityRef('tag_concept_entity_id'),
  },
});

export const TAG_COMPONENTS = [
  TagConceptComponent,
  EntityTagLinkComponent,
  ModelGeneratedTagLinkComponent,
  TagSiblingComponent,
  TagParentComponent,
  RejectedModelTagComponent,
] as const;
