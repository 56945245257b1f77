import type { ModelExecutionManager } from '../../ml/model-execution-manager';
import type { TextEmbedder } from '../../ml/model-types';
import { DamError } from '../errors';
import { EMBEDDING_MODEL_REGISTRY, OFFLINE_TEXT_MODEL, getEmbeddingModelInfo } from '../models/embedding-model-registry';
import { modelUnavailableError } from '../models/model-unavailable';

/** Preference order: the seed's default when its files are here, else the bundled offline model. */
const TEXT_MODEL_PREFERENCE: readonly string[] = ['all-MiniLM-L6-v2', OFFLINE_TEXT_MODEL];

/**
 * The text model that embeds and searches: `requested` when given (and available), else the
 * first available in preference order. Both sides of a search must use one model, since each
 * model has its own vector space and table.
 */
export async function chooseTextModel(models: ModelExecutionManager, requested?: string): Promise<string> {
  const candidates = requested ? [requested] : TEXT_MODEL_PREFERENCE.filter((name) => name in EMBEDDING_MODEL_REGISTRY);
  for (const name of candidates) {
    const { loader } = getEmbeddingModelInfo(name);
    if (models.hasModelLoader(loader) && (await models.isAvailable(loader, name))) return name;
  }
  throw modelUnavailableError(requested ?? OFFLINE_TEXT_MODEL, 'its files are neither bundled nor imported here');
}

/** Refuses a model whose vectors do not fit its table (an imported folder of another size, say). */
export function assertModelDimensions(name: string, actual: number, expected: number): void {
  if (actual !== expected) {
    throw new DamError(
      'ModelMismatchError',
      `The files of "${name}" give ${actual}-dimensional vectors, but ${name} has ${expected}: is this the right model's folder?`,
    );
  }
}

export function assertTextEmbedderFits(name: string, embedder: TextEmbedder): void {
  assertModelDimensions(name, embedder.dimensions, getEmbeddingModelInfo(name).defaultParams.dimensions);
}

/** The text model, loaded through the manager and checked against its table. */
export async function getTextEmbedder(models: ModelExecutionManager, name: string): Promise<TextEmbedder> {
  const embedder = await models.getModel<TextEmbedder>(getEmbeddingModelInfo(name).loader, name);
  assertTextEmbedderFits(name, embedder);
  return embedder;
}
