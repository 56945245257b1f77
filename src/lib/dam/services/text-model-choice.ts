import type { ModelExecutionManager } from '../../ml/model-execution-manager';
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
