import type { IngestFileInput } from '../../api/dam-api';

/**
 * Turning what the person gave (dropped items, picked files, a picked folder, a paste) into the
 * flat list the worker ingests, with each file's path inside what was given.
 */
export interface CollectedFile extends IngestFileInput {
  readonly name: string;
  /** Relative path, e.g. `folder/sub/a.jpg`; the name alone for a loose file. */
  readonly path: string;
  readonly file: File;
  readonly lastModified: number;
}

/** Called now and then while a large folder is read, with how many files were found so far. */
export type FoundCallback = (found: number) => void;

/** Operating-system clutter that is never what someone meant to add. */
const JUNK = /^(\.DS_Store|Thumbs\.db|desktop\.ini)$|^\._/i;

function collected(file: File, path: string): CollectedFile {
  return { name: file.name, path, file, lastModified: file.lastModified };
}

/** Picked files; a `webkitdirectory` input fills `webkitRelativePath`. */
export function collectFromFileList(files: Iterable<File>): CollectedFile[] {
  const out: CollectedFile[] = [];
  for (const file of files) if (!JUNK.test(file.name)) out.push(collected(file, file.webkitRelativePath || file.name));
  return out;
}

/**
 * The entries of a drop. Must be called synchronously inside the `drop` handler: the browser
 * empties `dataTransfer` when the handler returns, so entries are taken before any `await`.
 */
export function dropEntries(transfer: DataTransfer): { entries: FileSystemEntry[]; files: File[] } {
  const entries: FileSystemEntry[] = [];
  for (const item of Array.from(transfer.items ?? [])) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry) entries.push(entry);
  }
  return { entries, files: Array.from(transfer.files ?? []) };
}

/** Files under dropped entries, recursing into folders; falls back to the plain file list. */
export async function collectFromDrop(
  drop: { entries: FileSystemEntry[]; files: File[] },
  onFound?: FoundCallback,
): Promise<CollectedFile[]> {
  if (drop.entries.length === 0) return collectFromFileList(drop.files);
  const out: CollectedFile[] = [];
  for (const entry of drop.entries) await walkEntry(entry, '', out, onFound);
  return out;
}

async function walkEntry(entry: FileSystemEntry, prefix: string, out: CollectedFile[], onFound?: FoundCallback): Promise<void> {
  const path = prefix + entry.name;
  if (JUNK.test(entry.name)) return;
  if (isFileEntry(entry)) {
    out.push(collected(await entryFile(entry), path));
    if (out.length % 100 === 0) onFound?.(out.length);
  } else if (isDirectoryEntry(entry)) {
    for (const child of await readAllEntries(entry)) await walkEntry(child, `${path}/`, out, onFound);
  }
}

function isFileEntry(entry: FileSystemEntry): entry is FileSystemFileEntry {
  return entry.isFile;
}

function isDirectoryEntry(entry: FileSystemEntry): entry is FileSystemDirectoryEntry {
  return entry.isDirectory;
}

function entryFile(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** `readEntries` hands out a folder in batches (about 100 in Chromium): read until one is empty. */
async function readAllEntries(directory: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = directory.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

/** Files under a folder chosen with `showDirectoryPicker()`, paths starting with its name. */
export async function collectFromDirectoryHandle(root: FileSystemDirectoryHandle, onFound?: FoundCallback): Promise<CollectedFile[]> {
  const out: CollectedFile[] = [];
  await walkHandle(root, `${root.name}/`, out, onFound);
  return out;
}

async function walkHandle(
  directory: FileSystemDirectoryHandle,
  prefix: string,
  out: CollectedFile[],
  onFound?: FoundCallback,
): Promise<void> {
  for await (const handle of directory.values()) {
    if (JUNK.test(handle.name)) continue;
    if (handle.kind === 'file') {
      out.push(collected(await (handle as FileSystemFileHandle).getFile(), prefix + handle.name));
      if (out.length % 100 === 0) onFound?.(out.length);
    } else {
      await walkHandle(handle as FileSystemDirectoryHandle, `${prefix}${handle.name}/`, out, onFound);
    }
  }
}

/** Browsers call every pasted screenshot `image.png`: give it a name that tells them apart. */
const GENERIC_PASTE = /^image\.(png|jpe?g|gif|webp|bmp|tiff?)$/i;

export function pastedFileName(file: File, now = new Date(), index = 0): string {
  if (file.name && !GENERIC_PASTE.test(file.name)) return file.name;
  const extension = GENERIC_PASTE.exec(file.name)?.[1]?.toLowerCase() ?? file.type.split('/')[1] ?? 'bin';
  // Colons are not allowed in file names on Windows, where the file may be downloaded later.
  const stamp = now.toISOString().replace(/:/g, '-');
  return `pasted-${stamp}${index > 0 ? `-${index + 1}` : ''}.${extension}`;
}

/** Pasted files, renamed where the browser gave a generic name (numbered when several). */
export function collectFromPaste(files: Iterable<File>, now = new Date()): CollectedFile[] {
  return Array.from(files, (file, index) => {
    const name = pastedFileName(file, now, index);
    return { name, path: name, file, lastModified: file.lastModified || now.getTime() };
  });
}
