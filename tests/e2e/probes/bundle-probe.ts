import { build } from 'esbuild';
import { join } from 'node:path';

/**
 * Bundles a probe under `tests/e2e/probes/` with the app's own code it imports, as one classic
 * script for a page or a worker (the app's build does not export its internals).
 */
export async function bundleProbe(file: string, external: readonly string[] = []): Promise<string> {
  const result = await build({
    entryPoints: [join(import.meta.dirname, file)],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
    external: [...external],
  });
  return result.outputFiles[0]!.text;
}
