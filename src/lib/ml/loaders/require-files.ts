import type { ModelFiles } from '../model-types';

/** A file a model needs is not in its folder; `path` is relative to the folder (`onnx/model.onnx`). */
export class ModelFileMissingError extends Error {
  constructor(
    readonly modelName: string,
    readonly path: string,
    readonly base: string,
  ) {
    super(`Model ${modelName}: file ${path} is missing from ${base}`);
    this.name = 'ModelFileMissingError';
  }
}

/**
 * Checks up front that the files a loader needs exist, so a missing one is reported by name
 * instead of surfacing as whatever the runtime does with an absent or empty file.
 */
export async function requireModelFiles(files: ModelFiles, modelName: string, paths: readonly string[]): Promise<void> {
  const present = await Promise.all(paths.map((path) => files.has(path)));
  const missing = paths.find((_, index) => !present[index]);
  if (missing !== undefined) throw new ModelFileMissingError(modelName, missing, files.base);
}
