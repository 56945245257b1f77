import type { ModelFiles } from './model-types';

/** One file of a model folder the user gave: its path inside the folder, and its bytes. */
export interface ModelFileInput {
  readonly path: string;
  readonly file: Blob;
}

/**
 * Model folders kept on this device (imported by the user), by model name: OPFS in the browser,
 * a directory in Node. What is kept works offline. A class, so it can be a global resource.
 */
export abstract class ModelStore {
  /** The model's files, or null when none are kept. */
  abstract open(name: string): Promise<ModelFiles | null>;
  /** Replaces whatever was kept under `name` with these files. */
  abstract save(name: string, files: readonly ModelFileInput[]): Promise<void>;
  /** False when nothing was kept. */
  abstract remove(name: string): Promise<boolean>;
}

export class InvalidModelPathError extends Error {
  override readonly name = 'InvalidModelPathError';
}

/**
 * A folder-relative path split into its parts, refused when it could leave the folder or is not
 * a plain relative path (`..`, absolute, empty parts, backslashes, control characters).
 */
export function modelPathParts(path: string): string[] {
  const parts = path.split('/');
  // eslint-disable-next-line no-control-regex
  const bad = /[\\\u0000-\u001f]/;
  if (parts.some((part) => part === '' || part === '.' || part === '..' || bad.test(part))) {
    throw new InvalidModelPathError(`"${path}" is not a plain path inside a model folder`);
  }
  return parts;
}

/**
 * The paths of a dropped folder relative to the folder itself: `all-MiniLM-L6-v2/onnx/model.onnx`
 * → `onnx/model.onnx` when every path shares that first part.
 */
export function stripCommonFolder(paths: readonly string[]): string[] {
  const first = paths[0]?.split('/')[0];
  const shared = first !== undefined && paths.every((p) => p.startsWith(`${first}/`));
  return shared ? paths.map((p) => p.slice(first.length + 1)) : [...paths];
}
