import type { ModelExecutionManager } from '../../ml/model-execution-manager';
import type { ImageTextEmbedder } from '../../ml/model-types';
import { IMAGE_EMBEDDING_MODEL_REGISTRY, getImageEmbeddingModelInfo } from '../models/image-embedding-model-registry';
import { assertModelDimensions } from './text-model-choice';

/**
 * The image model (CLIP) whose files are here, or null: no npm package ships CLIP weights, so
 * a library has one only once the user imports or downloads it. Pictures and searches must use
 * the same model, since each has its own vector space and table.
 */
export async function chooseImageModel(models: ModelExecutionManager): Promise<string | null> {
  for (const [name, { loader }] of Object.entries(IMAGE_EMBEDDING_MODEL_REGISTRY)) {
    if (models.hasModelLoader(loader) && (await models.isAvailable(loader, name))) return name;
  }
  return null;
}

export function assertImageEmbedderFits(name: string, embedder: ImageTextEmbedder): void {
  assertModelDimensions(name, embedder.dimensions, getImageEmbeddingModelInfo(name).defaultParams.dimensions);
}

/** The image model, loaded through the manager and checked against its table. */
export async function getImageEmbedder(models: ModelExecutionManager, name: string): Promise<ImageTextEmbedder> {
  const embedder = await models.getModel<ImageTextEmbedder>(getImageEmbeddingModelInfo(name).loader, name);
  assertImageEmbedderFits(name, embedder);
  return embedder;
}
