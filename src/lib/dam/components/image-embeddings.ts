import { defineComponent, text, vector } from '../../ecs';

/**
 * CLIP image vectors (seeds: `component_embedding_clip_vit_b32_d512`): one row per picture, or
 * per keyframe of a video (`source_field_name` `frame@12.5` gives its time in seconds), in the
 * space CLIP's text tower maps a search into.
 */
export const ImageEmbeddingClipVitB32Dim512Component = defineComponent({
  name: 'ImageEmbeddingClipVitB32Dim512Component',
  table: 'component_embedding_clip_vit_b32_d512',
  unique: false,
  columns: {
    embeddingVector: vector('embedding_vector', 512),
    sourceComponentName: text('source_component_name'),
    sourceFieldName: text('source_field_name'),
  },
});

export type ImageEmbeddingComponentType = typeof ImageEmbeddingClipVitB32Dim512Component;

export const IMAGE_EMBEDDING_COMPONENTS: readonly ImageEmbeddingComponentType[] = [ImageEmbeddingClipVitB32Dim512Component];
