import type { ModelFiles, ModelSourceKind } from './model-types';

/** A model folder served over HTTP, normally the app's own origin (`/models/use-lite/`). */
export function urlModelFiles(base: string, kind: ModelSourceKind = 'bundled', fetcher: typeof fetch = fetch): ModelFiles {
  const root = base.endsWith('/') ? base : `${base}/`;
  const url = (path: string) => new URL(path, new URL(root, globalThis.location?.href ?? 'http://localhost/')).href;
  return {
    kind,
    base: root,
    async read(path) {
      const response = await fetcher(url(path));
      if (!response.ok) throw new Error(`Model file ${path} could not be read from ${root}: HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    },
    async has(path) {
      // GET, not HEAD: the service worker's precache answers GET only, so offline a HEAD fails.
      // The body is not read; from the cache it costs nothing.
      const response = await fetcher(url(path));
      await response.body?.cancel();
      return response.ok;
    },
  };
}
