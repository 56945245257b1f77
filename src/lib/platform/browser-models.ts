import { getEmbeddingModelInfo } from '../dam/models/embedding-model-registry';
import { modelUnavailableError } from '../dam/models/model-unavailable';
import { browserCapabilities } from '../ml/browser-capabilities';
import { configureTfjsWasm } from '../ml/loaders/tfjs-backend';
import { configureOnnxWasm, transformersTextEmbedderLoader } from '../ml/loaders/transformers-loader';
import { useLiteTextEmbedderLoader } from '../ml/loaders/use-lite-loader';
import { ModelExecutionManager, type ModelFilesResolver } from '../ml/model-execution-manager';
import type { ModelFiles } from '../ml/model-types';
import { urlModelFiles } from '../ml/url-model-files';

/**
 * Models' files in the browser: those bundled with the app, served from its own origin (and
 * precached by the service worker, so they work offline from the first visit).
 */
function browserModelResolver(origin: string): ModelFilesResolver {
  return async (_identifier, name): Promise<ModelFiles> => {
    const info = getEmbeddingModelInfo(name);
    if (info.bundled) return urlModelFiles(`${origin}/models/${info.bundled}/`, 'bundled');
    throw modelUnavailableError(name, 'it is not bundled with the app');
  };
}

/**
 * The worker's ModelExecutionManager with the text model loaders registered, and the TF.js and
 * ONNX Runtime wasm binaries pointed at the app's origin (never a CDN). Absolute URLs, because
 * a blob worker has no hierarchical base URL. TF.js runs single-threaded: see `TfjsWasmOptions.threads`.
 */
export function createBrowserModelManager(origin: string = self.location.origin): ModelExecutionManager {
  configureTfjsWasm({ wasmPaths: `${origin}/tfjs/`, threads: false });
  configureOnnxWasm({ wasmPaths: `${origin}/ort/` });
  const manager = new ModelExecutionManager({ probe: browserCapabilities, resolveFiles: browserModelResolver(origin) });
  manager.registerModelLoader('use-lite', useLiteTextEmbedderLoader);
  manager.registerModelLoader('transformers-text', transformersTextEmbedderLoader);
  return manager;
}
