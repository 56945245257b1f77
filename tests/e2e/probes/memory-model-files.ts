import type { ModelFiles } from '../../../src/lib/ml/model-types';

/** Path in a model folder → its bytes, as plain numbers so they cross `postMessage` and `page.evaluate`. */
export type FolderBytes = Record<string, number[]>;

/** A model folder held in memory, as an imported folder's files reach a loader. */
export function memoryModelFiles(files: FolderBytes, base: string): ModelFiles {
  return {
    kind: 'imported',
    base,
    read: async (path) => {
      const bytes = files[path];
      if (!bytes) throw new Error(`no ${path} in ${base}`);
      return Uint8Array.from(bytes);
    },
    has: async (path) => path in files,
  };
}
