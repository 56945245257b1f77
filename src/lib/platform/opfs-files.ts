/** Every file under an OPFS directory, as relative path → bytes. */
export async function readOpfsFiles(dir: FileSystemDirectoryHandle, prefix = ''): Promise<[string, Uint8Array][]> {
  const files: [string, Uint8Array][] = [];
  // The async iterator of directory handles is missing from TypeScript's DOM types.
  for await (const [name, handle] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
    if (handle.kind === 'directory') files.push(...(await readOpfsFiles(handle as FileSystemDirectoryHandle, `${prefix}${name}/`)));
    else files.push([`${prefix}${name}`, new Uint8Array(await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer())]);
  }
  return files;
}

interface AhpNode {
  type: 'directory' | 'file';
  children?: Record<string, AhpNode>;
  backingFilename?: string;
}

interface AhpOp {
  opp: string;
  args: unknown[];
}

function segments(path: string): string[] {
  return path.split('/').filter(Boolean);
}

function parentAndName(root: AhpNode, path: string, create: boolean): [AhpNode, string] | null {
  const parts = segments(path);
  const name = parts.pop();
  let node = root;
  for (const part of parts) {
    let next = node.children?.[part];
    if (!next && create) {
      next = { type: 'directory', children: {} };
      node.children![part] = next;
    }
    if (!next || next.type !== 'directory') return null;
    node = next;
  }
  return name ? [node, name] : null;
}

/** Replays the store's journal (the lines after the snapshot) onto the file tree. */
function replay(root: AhpNode, op: AhpOp): void {
  const [first, second] = op.args as [string, unknown];
  switch (op.opp) {
    case 'mkdir': {
      const at = parentAndName(root, first, true);
      if (at && !at[0].children![at[1]]) at[0].children![at[1]] = { type: 'directory', children: {} };
      break;
    }
    case 'createFileNode': {
      const at = parentAndName(root, first, false);
      if (at) at[0].children![at[1]] = second as AhpNode;
      break;
    }
    case 'rmdir':
    case 'unlink': {
      const at = parentAndName(root, first, false);
      if (at) delete at[0].children![at[1]];
      break;
    }
    case 'rename': {
      const from = parentAndName(root, first, false);
      const to = parentAndName(root, second as string, false);
      const node = from?.[0].children?.[from[1]];
      if (from && to && node) {
        delete from[0].children![from[1]];
        to[0].children![to[1]] = node;
      }
      break;
    }
  }
}

/** The file tree of a PGlite `opfs-ahp` store: a JSON snapshot, then one journal op per line. */
export function opfsAhpTree(stateText: string): AhpNode {
  const [snapshot, ...journal] = stateText.split('\n');
  const root = (JSON.parse(snapshot!) as { root: AhpNode }).root;
  for (const line of journal) if (line.trim()) replay(root, JSON.parse(line) as AhpOp);
  return root;
}

/**
 * The PostgreSQL data directory inside a PGlite `opfs-ahp` store, rebuilt from `state.txt`
 * (which names each file's pool file under `data/`). Falls back to the store's raw files,
 * under `raw/`, when the state cannot be read: a damaged store may well have a damaged state.
 */
export async function readOpfsAhpDataDir(dir: FileSystemDirectoryHandle): Promise<[string, Uint8Array][]> {
  const raw = await readOpfsFiles(dir);
  const byPath = new Map(raw);
  try {
    const root = opfsAhpTree(new TextDecoder().decode(byPath.get('state.txt')));
    const files: [string, Uint8Array][] = [];
    const walk = (node: AhpNode, path: string) => {
      if (node.type === 'directory')
        for (const [name, child] of Object.entries(node.children ?? {})) walk(child, path ? `${path}/${name}` : name);
      else files.push([path, byPath.get(`data/${node.backingFilename}`) ?? new Uint8Array()]);
    };
    walk(root, '');
    if (files.length === 0) throw new Error('The store lists no files');
    return files;
  } catch {
    return raw.map(([path, bytes]) => [`raw/${path}`, bytes]);
  }
}
