/** Where a world's database lives, parsed from its URL. */
export type DatabaseLocation =
  | { kind: 'memory' }
  | { kind: 'directory'; path: string }
  | { kind: 'idb'; name: string }
  | { kind: 'opfs-ahp'; name: string }
  | { kind: 'memfs2opfs'; name: string }
  | { kind: 'postgres'; url: string };

export type BrowserStoreKind = 'idb' | 'opfs-ahp' | 'memfs2opfs';

export const BROWSER_STORE_KINDS: readonly BrowserStoreKind[] = ['idb', 'opfs-ahp', 'memfs2opfs'];

export function parseDatabaseUrl(url: string): DatabaseLocation {
  if (url === '' || url === 'memory://') return { kind: 'memory' };
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return { kind: 'postgres', url };
  for (const kind of BROWSER_STORE_KINDS) {
    const prefix = `${kind}://`;
    if (url.startsWith(prefix)) {
      const name = url.slice(prefix.length);
      if (!name) throw new Error(`Database URL ${url} names no database`);
      return { kind, name };
    }
  }
  if (url.startsWith('file://')) {
    const path = url.slice('file://'.length);
    if (!path) throw new Error(`Database URL ${url} names no directory`);
    return { kind: 'directory', path };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new Error(`Unsupported database URL scheme in ${url}`);
  return { kind: 'directory', path: url };
}

/** The browser URL of a world's database, e.g. `idb://dam-photos`. */
export function browserDatabaseUrl(store: BrowserStoreKind, worldName: string): string {
  return `${store}://dam-${worldName}`;
}
