import { defineComponent, text, vector } from '../../ecs';

/*
 * One table per text model and dimension (seeds §2.5): `component_embedding_<model>_d<N>`. Each
 * row is one text field of an entity embedded by that model; `source_field_name` carries the
 * seed's suffix when tags were appended to the text.
 */
function textEmbeddingComponent(name: string, table: string, dimensions: number) {
  return defineComponent({
    name,
    table,
    unique: false,
    columns: {
      embeddingVector: vector('embedding_vector', dimensions),
      sourceComponentName: text('source_component_name'),
      sourceFieldName: text('source_field_name'),
    },
  });
}

export const TextEmbeddingAllMiniLmL6V2Dim384Component = textEmbeddingComponent(
  'TextEmbeddingAllMiniLmL6V2Dim384Component',
  'component_embedding_minilm_l6_v2_d384',
  384,
);

export const TextEmbeddingUseLiteDim512Component = textEmbeddingComponent(
  'TextEmbeddingUseLiteDim512Component',
  'component_embedding_use_lite_d512',
  512,
);

export type TextEmbeddingComponentType = typeof TextEmbeddingUseLiteDim512Component;

export const TEXT_EMBEDDING_COMPONENTS: readonly TextEmbeddingComponentType[] = [
  TextEmbeddingAllMiniLmL6V2Dim384Component,
  TextEmbeddingUseLiteDim512Component,
];
