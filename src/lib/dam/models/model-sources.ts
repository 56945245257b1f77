import type { ModelFilesResolver } from '../../ml/model-execution-manager';
import type { ModelStore } from '../../ml/model-store';
import type { ModelFiles } from '../../ml/model-types';
import { EMBEDDING_MODEL_REGISTRY } from './embedding-model-registry';
import { TAGGING_MODEL_REGISTRY } from './tagging-model-registry';
import { IMAGE_EMBEDDING_MODEL_REGISTRY } from './image-embedding-model-registry';
import { OCR_MODEL_REGISTRY } from './ocr-model-registry';
import { AUDIO_EMBEDDING_MODEL_REGISTRY } from './audio-embedding-model-registry';
import { modelUnavailableError } from './model-unavailable';

/** A model's entry in whichever registry names it (text, image and audio embedders, taggers, OCR). */
export function registeredModel(name: string): { readonly bundled?: string; readonly files: readonly string[] } | undefined {
  return (
    EMBEDDING_MODEL_REGISTRY[name] ??
    IMAGE_EMBEDDING_MODEL_REGISTRY[name] ??
    AUDIO_EMBEDDING_MODEL_REGISTRY[name] ??
    TAGGING_MODEL_REGISTRY[name] ??
    OCR_MODEL_REGISTRY[name]
  );
}

/**
 * Where a model's files come from, in order: a folder the user imported (kept on this
 * device), then the copy bundled with the app. Both platforms resolve models this way; only how
 * a bundled folder is reached differs (the app's origin, or the npm package in Node).
 */
export function registryModelResolver(sources: {
  readonly store: ModelStore;
  readonly bundled: (folder: string) => Promise<ModelFiles | null>;
}): ModelFilesResolver {
  return async (_identifier, name) => {
    const info = registeredModel(name);
    if (!info) throw modelUnavailableError(name, 'no model registry names it');
    const imported = await sources.store.open(name);
    if (imported) return imported;
    const bundled = info.bundled ? await sources.bundled(info.bundled) : null;
    if (bundled) return bundled;
    throw modelUnavailableError(name, 'it is not bundled with the app and no folder of it has been imported (Settings → Models)');
  };
}
