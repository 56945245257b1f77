import type { ModelExecutionManager } from '../../ml/model-execution-manager';
import { getAudioEmbeddingModelInfo } from '../models/audio-embedding-model-registry';
import type { QueryEmbedding } from '../query/query-sql';
import { chooseAudioTextModel, getAudioEmbedder, type AudioTextEmbedder } from './audio-model-choice';
import { vectorLiteral } from './vector-search';

/**
 * A search's text as a vector of the audio model that reads text (CLAP), with its table and
 * default floor, and the model's name; null when there is none here.
 */
export async function embedTextForSounds(
  models: ModelExecutionManager,
  text: string,
): Promise<(QueryEmbedding & { readonly model: string; readonly component: string }) | null> {
  const model = await chooseAudioTextModel(models);
  if (!model) return null;
  const info = getAudioEmbeddingModelInfo(model);
  const [vector] = await (await getAudioEmbedder<AudioTextEmbedder>(models, model)).embedTexts([text]);
  if (!vector) throw new Error(`${model} gave no vector for the search`);
  return {
    model,
    component: info.component.name,
    table: info.component.table,
    vector: vectorLiteral(vector),
    minSimilarity: info.textMinSimilarity,
  };
}
