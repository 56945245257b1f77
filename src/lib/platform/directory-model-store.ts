import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { modelPathParts, ModelStore, type ModelFileInput } from '../ml/model-store';
import type { ModelFiles } from '../ml/model-types';
import { directoryModelFiles } from './node-model-files';

/** Imported model folders under `<root>/<name>/` (Node). */
export class DirectoryModelStore extends ModelStore {
  constructor(private readonly root: string) {
    super();
  }

  private folder(name: string): string {
    return join(this.root, ...modelPathParts(name));
  }

  async open(name: string): Promise<ModelFiles | null> {
    const exists = await stat(this.folder(name)).then(
      (s) => s.isDirectory(),
      () => false,
    );
    return exists ? directoryModelFiles(this.folder(name), 'imported') : null;
  }

  async save(name: string, files: readonly ModelFileInput[]): Promise<void> {
    // Written beside, then swapped in: a failed import leaves the previous folder whole.
    const staging = `${this.folder(name)}.importing`;
    await rm(staging, { recursive: true, force: true });
    try {
      for (const { path, file } of files) {
        const target = join(staging, ...modelPathParts(path));
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, new Uint8Array(await file.arrayBuffer()));
      }
      await rm(this.folder(name), { recursive: true, force: true });
      await rename(staging, this.folder(name));
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
  }

  async remove(name: string): Promise<boolean> {
    const existed = (await this.open(name)) !== null;
    await rm(this.folder(name), { recursive: true, force: true });
    return existed;
  }
}
