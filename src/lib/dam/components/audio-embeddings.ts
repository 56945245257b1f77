import { defineComponent, text, vector } from '../../ecs';

/*
 * Audio embeddings (seeds §2.6): one table per model and dimension,
 * `component_audio_embedding_<model>_d<N>`, with the vector and, as the seed says, the name of
 * the model that made it. One row per sound (a file's audio, pooled over its windows).
 */
function audioEmbeddingComponent(name: string, table: string, dimensions: number) {
  return defineComponent({
    name,
    table,
    unique: false,
    columns: {
      embeddingVector: vector('embedding_vector', dimensions),
      modelName: text('model_name'),
    },
  });
}

export const AudioEmbeddingSpeechEmbeddingDim96Component = audioEmbeddingComponent(
  'AudioEmbeddingSpeechEmbeddingDim96Component',
  'component_audio_embedding_speech_embedding_d96',
  96,
);

export const AudioEmbeddingClapHtsatUnfusedDim512Component = audioEmbeddingComponent(
  'AudioEmbeddingClapHtsatUnfusedDim512Component',
  'component_audio_embedding_clap_htsat_unfused_d512',
  512,
);

export const AudioEmbeddingVggishDim128Component = audioEmbeddingComponent(
  'AudioEmbeddingVggishDim128Component',
  'component_audio_embedding_vggish_d128',
  128,
);

export type AudioEmbeddingComponentType = typeof AudioEmbeddingVggishDim128Component;

export const AUDIO_EMBEDDING_COMPONENTS: readonly AudioEmbeddingComponentType[] = [
  AudioEmbeddingSpeechEmbeddingDim96Component,
  AudioEmbeddingClapHtsatUnfusedDim512Component,
  AudioEmbeddingVggishDim128Component,
];
