import { modelPathParts, ModelStore, type ModelFileInput } from '../ml/model-store';
import type { ModelFiles } from '../ml/model-types';

const ROOT = 'models';

async function modelsRoot(): Promise<FileSystemDirectoryHandle> {
  return (await navigator.storage.getDirectory()).getDirectoryHandle(ROOT, { create: true });
}

async function fileAt(folder: FileSystemDirectoryHandle, path: string): Promise<File | null> {
  const parts = modelPathParts(path);
  let dir = folder;
  try {
    for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
    return await (await dir.getFileHandle(parts.at(-1)!)).getFile();
  } catch (error) {
    if ((error as DOMException).name === 'NotFoundError' || (error as DOMException).name === 'TypeMismatchError') return null;
    throw error;
  }
}

function opfsModelFiles(name: string, folder: FileSystemDirectoryHandle): ModelFiles {
  return {
    kind: 'imported',
    base: `opfs:/${ROOT}/${name}/`,
    async read(path) {
      const file = await fileAt(folder, path);
      if (!file) throw new Error(`Model file ${path} is missing from the imported ${name}`);
      return new Uint8Array(await file.arrayBuffer());
    },
    async has(path) {
      return (await fileAt(folder, path)) !== null;
    },
  };
}

/** Imported model folders in the origin-private file system, under `models/<name>/`. */
export class OpfsModelStore extends ModelStore {
  async open(name: string): Promise<ModelFiles | null> {
    try {
      return opfsModelFiles(name, await (await modelsRoot()).getDirectoryHandle(modelPathParts(name).join('/')));
    } catch (error) {
      if ((error as DOMException).name === 'NotFoundError') return null;
      throw error;
    }
  }

  async save(name: string, files: readonly ModelFileInput[]): Promise<void> {
    // OPFS cannot rename a folder, so an import replaces the old folder in place; one that
    // fails midway (storage full) is removed whole rather than left half-written.
    const root = await modelsRoot();
    const folderName = modelPathParts(name).join('/');
    await root.removeEntry(folderName, { recursive: true }).catch(() => undefined);
    try {
      const folder = await root.getDirectoryHandle(folderName, { create: true });
      for (const { path, file } of files) {
        const parts = modelPathParts(path);
        let dir = folder;
        for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, { create: true });
        const writable = await (await dir.getFileHandle(parts.at(-1)!, { create: true })).createWritable();
        await file.stream().pipeTo(writable);
      }
    } catch (error) {
      await root.removeEntry(folderName, { recursive: true }).catch(() => undefined);
      throw error;
    }
  }

  async remove(name: string): Promise<boolean> {
    const root = await modelsRoot();
    try {
      await root.removeEntry(modelPathParts(name).join('/'), { recursive: true });
      return true;
    } catch (error) {
      if ((error as DOMException).name === 'NotFoundError') return false;
      throw error;
    }
  }
}
