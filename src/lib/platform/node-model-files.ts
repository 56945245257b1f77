import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelFiles, ModelSourceKind } from '../ml/model-types';

/** A model folder on disk (bundled from node_modules, a fixture, or one the user points at). */
export function directoryModelFiles(directory: string, kind: ModelSourceKind = 'bundled'): ModelFiles {
  return {
    kind,
    base: directory,
    async read(path) {
      return new Uint8Array(await readFile(join(directory, path)));
    },
    async has(path) {
      return access(join(directory, path)).then(
        () => true,
        () => false,
      );
    },
  };
}
