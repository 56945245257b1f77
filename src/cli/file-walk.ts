import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from './errors';

/** A file to add, as found on disk. */
export interface FoundFile {
  /** Absolute. */
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface WalkOptions {
  /** Descend into directories (`-r`); a directory without it is a usage error. */
  readonly recursive: boolean;
  /** Also take files and directories whose names start with `.` inside a walked directory. */
  readonly includeHidden: boolean;
  readonly cwd: string;
}

export interface WalkResult {
  readonly files: FoundFile[];
  /** What was passed over, and why (special files, linked directories). */
  readonly skipped: { readonly path: string; readonly reason: string }[];
}

/**
 * The files named on the command line and, with `recursive`, those under the directories named,
 * each once, in argument order and then by name. Inside a walked directory, hidden entries
 * (`.git`, `.DS_Store`) are left out unless asked for, as a file manager shows a folder; a
 * hidden file named on the command line is taken. Links to files are followed; links to
 * directories are not (a link back up would loop forever).
 */
export async function findFiles(paths: readonly string[], options: WalkOptions): Promise<WalkResult> {
  const files: FoundFile[] = [];
  const skipped: { path: string; reason: string }[] = [];
  const seen = new Set<string>();
  const take = (path: string, size: number, mtimeMs: number) => {
    if (seen.has(path)) return;
    seen.add(path);
    files.push({ path, size, mtimeMs });
  };

  async function walk(dir: string): Promise<void> {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (!options.includeHidden && entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(path);
        continue;
      }
      const info = entry.isFile() || entry.isSymbolicLink() ? await stat(path).catch(() => null) : null;
      if (info?.isFile()) take(path, info.size, info.mtimeMs);
      else if (info?.isDirectory()) skipped.push({ path, reason: 'a link to a directory' });
      else skipped.push({ path, reason: entry.isSymbolicLink() && !info ? 'a broken link' : 'not a regular file' });
    }
  }

  for (const given of paths) {
    const path = resolve(options.cwd, given);
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      throw new Error(error.code === 'ENOENT' ? `${given}: no such file or directory` : `${given}: ${error.message}`);
    });
    if (info.isFile()) take(path, info.size, info.mtimeMs);
    else if (info.isDirectory()) {
      if (!options.recursive) throw new UsageError(`${given} is a directory: add -r to add the files under it`);
      await walk(path);
    } else skipped.push({ path, reason: 'not a regular file' });
  }
  return { files, skipped };
}
