import { build } from 'esbuild';

/**
 * Bundles a page- or worker-side TypeScript entry (and what it imports, npm packages included)
 * into one self-contained classic script, as text to inject into a page or to start a worker
 * from a Blob URL. Benchmarks use it for code the app's build does not contain. `external`
 * packages stay as (never executed) dynamic imports; `define` replaces globals such as
 * `import.meta.url`, which a classic script does not have.
 */
export async function bundleForBrowser(
  entry: string,
  options: { external?: string[]; define?: Record<string, string> } = {},
): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: false,
    keepNames: false,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'silent',
    external: options.external ?? [],
    define: options.define ?? {},
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`esbuild produced nothing for ${entry}`);
  return file.text;
}
