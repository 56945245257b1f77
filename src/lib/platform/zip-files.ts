import { zipSync, type Zippable } from 'fflate';

/** Zips path → bytes entries (stored, not compressed: database pages compress poorly and slowly). */
export function zipFiles(files: Iterable<[string, Uint8Array]>): Uint8Array {
  const tree: Zippable = {};
  for (const [path, bytes] of files) tree[path.replace(/^\/+/, '')] = [bytes, { level: 0 }];
  return zipSync(tree);
}
