import { modelPathParts, ModelStore, type ModelFileInput } from './model-store';
import type { ModelFiles } from './model-types';

/** Imported models kept in memory: for a world with no data directory (tests, throwaway runs). */
export class MemoryModelStore extends ModelStore {
  private readonly models = new Map<string, Map<string, Blob>>();

  async open(name: string): Promise<ModelFiles | null> {
    const files = this.models.get(name);
    if (!files) return null;
    return {
      kind: 'imported',
      base: `memory:/${name}/`,
      async read(path) {
        const file = files.get(path);
        if (!file) throw new Error(`Model file ${path} is missing from the imported ${name}`);
        return new Uint8Array(await file.arrayBuffer());
      },
      async has(path) {
        return files.has(path);
      },
    };
  }

  async save(name: string, files: readonly ModelFileInput[]): Promise<void> {
    modelPathParts(name);
    this.models.set(name, new Map(files.map((f) => [modelPathParts(f.path).join('/'), f.file])));
  }

  async remove(name: string): Promise<boolean> {
    return this.models.delete(name);
  }
}
