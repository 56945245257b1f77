import { registryModelResolver } from '../dam/models/model-sources';
import { browserCapabilities } from '../ml/browser-capabilities';
import { configureTfjsWasm } from '../ml/loaders/tfjs-backend';
import { configureOnnxWasm, transformersTextEmbedderLoader } from '../ml/loaders/transformers-loader';
import { transformersClipLoader } from '../ml/loaders/clip-loader';
import { createPaddleOcrLoader } from '../ml/loaders/paddle-ocr-loader';
import { createSpeechEmbeddingLoader } from '../ml/loaders/speech-embedding-loader';
import { transformersClapLoader } from '../ml/loaders/clap-loader';
import { createVggishLoader } from '../ml/loaders/vggish-loader';
import { useLiteTextEmbedderLoader } from '../ml/loaders/use-lite-loader';
import { createOnnxImageTaggerLoader, tfjsImageTaggerLoader } from '../ml/loaders/image-tagger-loaders';
import { ModelExecutionManager } from '../ml/model-execution-manager';
import type { ModelStore } from '../ml/model-store';
import { urlModelFiles } from '../ml/url-model-files';

/**
 * The worker's ModelExecutionManager with the text model loaders registered, and the TF.js and
 * ONNX Runtime wasm binaries pointed at the app's origin (never a CDN). Absolute URLs, because
 * a blob worker has no hierarchical base URL. TF.js runs single-threaded: see `TfjsWasmOptions.threads`.
 */
export function createBrowserModelManager(store: ModelStore, origin: string = self.location.origin): ModelExecutionManager {
  configureTfjsWasm({ wasmPaths: `${origin}/tfjs/`, threads: false });
  // ORT's default is min(4, ceil(cores / 2)) threads, 1 on a 2-core machine; 2 threads embedded
  // 1.8× faster there (BENCHMARKS.md, embeddings). Threads need cross-origin isolation.
  const threads = self.crossOriginIsolated ? Math.max(1, Math.min(8, navigator.hardwareConcurrency || 1)) : 1;
  configureOnnxWasm({ wasmPaths: `${origin}/ort/`, numThreads: threads });
  // Bundled models are served from the app's origin and precached, so they work offline.
  const bundled = async (folder: string) => urlModelFiles(`${origin}/models/${folder}/`, 'bundled');
  const manager = new ModelExecutionManager({ probe: browserCapabilities, resolveFiles: registryModelResolver({ store, bundled }) });
  manager.registerModelLoader('use-lite', useLiteTextEmbedderLoader);
  manager.registerModelLoader('transformers-text', transformersTextEmbedderLoader);
  manager.registerModelLoader('tfjs-image-tagger', tfjsImageTaggerLoader);
  const ort = async () => {
    // The build transformers.js uses (one asyncify build runs wasm and WebGPU), set up the same.
    const module = await import('onnxruntime-web/webgpu');
    module.env.wasm.wasmPaths = `${origin}/ort/`;
    module.env.wasm.numThreads = threads;
    return module;
  };
  manager.registerModelLoader('onnx-image-tagger', createOnnxImageTaggerLoader(ort));
  manager.registerModelLoader('transformers-clip', transformersClipLoader);
  manager.registerModelLoader('paddle-ocr', createPaddleOcrLoader(ort));
  manager.registerModelLoader('speech-embedding', createSpeechEmbeddingLoader(ort));
  manager.registerModelLoader('transformers-clap', transformersClapLoader);
  manager.registerModelLoader('onnx-vggish', createVggishLoader(ort));
  return manager;
}
