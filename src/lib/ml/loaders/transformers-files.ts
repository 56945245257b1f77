import type { ModelFiles } from '../model-types';

/**
 * Serves `ModelFiles` to transformers.js through its custom-cache hook (`env.customCache`), the
 * one way (4.3) to hand it file contents that works alike in Node and in a worker: its other
 * routes read the disk or fetch by URL. Each load mounts its files under a fresh model id that
 * is not a valid hub id, so transformers.js neither fetches it nor reuses what it memoized for
 * an earlier load, and a lookup that misses can only fall back to a path no disk or server has.
 */

/** Contains ':' so transformers.js never takes it for a hub id or an http(s) URL. */
const ID_PREFIX = 'dam-model-files:';

interface Mount {
  readonly files: ModelFiles;
  /** transformers.js looks the ONNX file up twice in Node (once to check, once to read). */
  readonly reads: Map<string, Promise<Uint8Array | undefined>>;
}

const mounts = new Map<string, Mount>();
let nextId = 1;

export interface MountedModelFiles {
  /** Pass this to transformers.js as the model id. */
  readonly id: string;
  unmount(): void;
}

export function mountModelFiles(files: ModelFiles): MountedModelFiles {
  const id = `${ID_PREFIX}${nextId++}`;
  mounts.set(id, { files, reads: new Map() });
  return { id, unmount: () => mounts.delete(id) };
}

/** The subset of the Web Cache API that transformers.js calls on `env.customCache`. */
export interface TransformersCustomCache {
  match(key: string): Promise<Response | undefined>;
  put(key: string, response: Response): Promise<void>;
}

/**
 * transformers.js asks for `<id>/<path>` first and, after a hit, again under the hub URL it
 * would have used (`<remoteHost><remotePathTemplate><path>`), so both spellings resolve.
 * `remotePathTemplate` is read at each lookup because it is a mutable transformers.js setting.
 */
export function createModelFilesCache(settings: { readonly remotePathTemplate: string }): TransformersCustomCache {
  function locate(key: string): { mount: Mount; path: string } | undefined {
    const match = /dam-model-files:\d+/.exec(key);
    const mount = match && mounts.get(match[0]);
    if (!match || !mount) return undefined;
    const id = match[0];
    if (key.startsWith(`${id}/`)) return { mount, path: key.slice(id.length + 1) };
    const tail = settings.remotePathTemplate.replaceAll('{model}', id).replaceAll('{revision}', 'main');
    const prefix = tail.endsWith('/') ? tail : `${tail}/`;
    const at = key.indexOf(prefix);
    return at < 0 ? undefined : { mount, path: key.slice(at + prefix.length) };
  }

  return {
    async match(key) {
      const found = locate(key);
      if (!found) return undefined;
      const { mount, path } = found;
      let read = mount.reads.get(path);
      if (!read) {
        read = mount.files.has(path).then((present) => (present ? mount.files.read(path) : undefined));
        mount.reads.set(path, read);
      }
      const bytes = await read;
      if (!bytes) return undefined;
      return new Response(arrayBacked(bytes), { headers: { 'content-length': String(bytes.byteLength) } });
    },
    // Nothing is ever fetched for a mounted id, so there is nothing worth keeping.
    async put() {},
  };
}

function arrayBacked(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}
