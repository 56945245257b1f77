import { parseTar, parseTarGzip } from 'nanotar';

/** The modes PGlite's own `loadDataDir` leaves on an `opfs-ahp` store's nodes. */
const ROOT_MODE = 0o40000;
const DIRECTORY_MODE = 0o40777;
const FILE_MODE = 0o100666;
/** How many files are created at once; each holds a sync access handle until written. */
const CONCURRENCY = 32;

interface AhpDirectory {
  type: 'directory';
  lastModified: number;
  mode: number;
  children: Record<string, AhpDirectory | AhpFile>;
}

interface AhpFile {
  type: 'file';
  lastModified: number;
  mode: number;
  backingFilename: string;
}

function directoryAt(root: AhpDirectory, parts: readonly string[], lastModified: number): AhpDirectory {
  let node = root;
  for (const part of parts) {
    const next = node.children[part];
    if (next && next.type !== 'directory') throw new Error(`The template has a file where a directory should be: ${parts.join('/')}`);
    node = next ?? (node.children[part] = { type: 'directory', lastModified, mode: DIRECTORY_MODE, children: {} });
  }
  return node;
}

/** Tar headers hold seconds; PGlite's tree holds milliseconds. */
function millisecondsOf(mtime: number | undefined): number {
  if (mtime === undefined) return Date.now();
  return mtime < 1e11 ? mtime * 1000 : mtime;
}

/**
 * Lays a gzipped PostgreSQL data directory (a world template) into an empty OPFS directory in
 * the layout of PGlite's `opfs-ahp` store: one backing file per data file under `data/`, and the
 * whole tree in `state.txt`, written last, so a store without it is one PGlite starts afresh.
 *
 * Why not PGlite's own `loadDataDir`: it journals four or five operations per file through sync
 * access handles, and each small write costs about a millisecond in Chromium here; a template of
 * a thousand files took 12 s to load that way. This writes each file once and the tree once.
 * The layout is PGlite 0.5's; the e2e suite opens a world made this way, and the caller falls
 * back to `loadDataDir` if anything here fails.
 */
export async function writeOpfsAhpTemplate(store: FileSystemDirectoryHandle, template: Blob): Promise<number> {
  const bytes = new Uint8Array(await template.arrayBuffer());
  // A server may send the .tar.gz with Content-Encoding: gzip, and the browser then unpacks it.
  const entries = bytes[0] === 0x1f && bytes[1] === 0x8b ? await parseTarGzip(bytes) : parseTar(bytes);
  const data = await store.getDirectoryHandle('data', { create: true });
  const root: AhpDirectory = { type: 'directory', lastModified: Date.now(), mode: ROOT_MODE, children: {} };
  const writes: { name: string; bytes: Uint8Array }[] = [];
  for (const entry of entries) {
    const parts = entry.name.split('/').filter(Boolean);
    const lastModified = millisecondsOf(entry.attrs?.mtime);
    if (entry.type === 'directory') {
      directoryAt(root, parts, lastModified);
    } else if (entry.type === 'file' || entry.type === undefined) {
      const name = parts.pop();
      if (!name) continue;
      const backingFilename = `template-${writes.length.toString(16).padStart(8, '0')}`;
      directoryAt(root, parts, lastModified).children[name] = { type: 'file', lastModified, mode: FILE_MODE, backingFilename };
      writes.push({ name: backingFilename, bytes: entry.data ?? new Uint8Array() });
    } else {
      throw new Error(`The template holds a ${entry.type} entry (${entry.name}), which an opfs-ahp store cannot`);
    }
  }
  for (let i = 0; i < writes.length; i += CONCURRENCY) {
    await Promise.all(
      writes.slice(i, i + CONCURRENCY).map(async ({ name, bytes }) => {
        const handle = await (await data.getFileHandle(name, { create: true })).createSyncAccessHandle();
        try {
          if (bytes.byteLength) handle.write(bytes, { at: 0 });
          handle.flush();
        } finally {
          handle.close();
        }
      }),
    );
  }
  const state = await (await store.getFileHandle('state.txt', { create: true })).createSyncAccessHandle();
  try {
    state.truncate(0);
    state.write(new TextEncoder().encode(JSON.stringify({ root, pool: [] })), { at: 0 });
    state.flush();
  } finally {
    state.close();
  }
  return writes.length;
}
