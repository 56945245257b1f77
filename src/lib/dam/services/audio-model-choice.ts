import type { ModelExecutionManager } from '../../ml/model-execution-manager';
import type { AudioEmbedder, AudioTextEmbedder } from '../../ml/model-types';
import { AUDIO_EMBEDDING_MODEL_REGISTRY, getAudioEmbeddingModelInfo } from '../models/audio-embedding-model-registry';
import { assertModelDimensions } from './text-model-choice';

/** The audio models whose files are here (the bundled speech embedding always is), in registry order. */
export async function availableAudioModels(models: ModelExecutionManager): Promise<string[]> {
  const names: string[] = [];
  for (const [name, { loader }] of Object.entries(AUDIO_EMBEDDING_MODEL_REGISTRY)) {
    if (models.hasModelLoader(loader) && (await models.isAvailable(loader, name))) names.push(name);
  }
  return names;
}

/** The first available audio model with a text tower (CLAP), or null. */
export async function chooseAudioTextModel(models: ModelExecutionManager): Promise<string | null> {
  for (const name of await availableAudioModels(models)) if (getAudioEmbeddingModelInfo(name).text) return name;
  return null;
}

/** The audio model, loaded through the manager and checked against its table. */
export async function getAudioEmbedder<M extends AudioEmbedder = AudioEmbedder>(models: ModelExecutionManager, name: string): Promise<M> {
  const info = getAudioEmbeddingModelInfo(name);
  const embedder = await models.getModel<M>(info.loader, name);
  assertModelDimensions(name, embedder.dimensions, info.defaultParams.dimensions);
  return embedder;
}

export type { AudioTextEmbedder };
