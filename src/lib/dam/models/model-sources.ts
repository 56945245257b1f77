import type { ModelFilesResolver } from '../../ml/model-execution-manager';
import type { ModelStore } from '../../ml/model-store';
import type { ModelFiles } from '../../ml/model-types';
import { getEmbeddingModelInfo } from './embedding-model-registry';
import { modelUnavailableError } from './model-unavailable';

/**
 * Where a text model's files come from, in order: a folder the user imported (kept on this
 * device), then the copy bundled with the app. Both platforms resolve models this way; only how
 * a bundled folder is reached differs (the app's origin, or the npm package in Node).
 */
export function textModelResolver(sources: {
  readonly store: ModelStore;
  readonly bundled: (folder: string) => Promise<ModelFiles | null>;
}): ModelFilesResolver {
  return async (_identifier, name) => {
    const info = getEmbeddingModelInfo(name);
    const imported = await sources.store.open(name);
    if (imported) return imported;
    const bundled = info.bundled ? await sources.bundled(info.bundled) : null;
    if (bundled) return bundled;
    throw modelUnavailableError(name, 'it is not bundled with the app and no folder of it has been imported (Settings → Models)');
  };
}
