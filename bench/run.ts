/**
 * Benchmark entry (`npm run bench`): serves a copy of the built app with cross-origin isolation
 * headers, runs each benchmark in headless Chromium, writes raw results to `bench/out/ID.json`
 * and rewrites the benchmark's section of BENCHMARKS.md.
 *
 * The build is copied first so that a rebuild running beside the benchmark cannot change the
 * files under test. `npx tsx bench/run.ts world-store` runs only the named benchmarks;
 * `npx tsx bench/run.ts --render` rewrites BENCHMARKS.md from the saved `bench/out/*.json`
 * without measuring anything.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium } from '../scripts/chromium.mjs';
import { embeddingsBenchmark } from './browser/embeddings.bench';
import { ingestBenchmark } from './browser/ingest.bench';
import { worldStoreBenchmark } from './browser/world-store.bench';
import { machineInfo } from './lib/machine';
import { updateMarkdownFile } from './lib/markdown';
import { formatMs } from './lib/stats';
import { runnable, type BenchContext, type RunMeta, type RunnableBenchmark } from './lib/types';
import { knnBenchmark } from './node/knn.bench';
import { mixedQueryBenchmark } from './node/mixed-query.bench';
import { worldArchiveBenchmark } from './node/world-archive.bench';
import { ocrBenchmark } from './node/ocr.bench';
import { tagQueryBenchmark } from './browser/tag-query.bench';
import { autoTaggingBenchmark } from './browser/auto-tagging.bench';
import { clipBenchmark } from './browser/clip.bench';
import { photoSearchBenchmark } from './browser/photo-search.bench';
import { audioDecodeBenchmark } from './browser/audio-decode.bench';
import { speechEmbeddingBenchmark } from './browser/speech-embedding.bench';
import { backendsBenchmark } from './node/backends.bench';
import { startStaticServer } from './static-server';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const COMMAND = 'npm run bench';

/** Every benchmark, in the order they run. Add new ones here. */
const BENCHMARKS: readonly RunnableBenchmark[] = [
  runnable(worldStoreBenchmark),
  runnable(ingestBenchmark),
  runnable(knnBenchmark),
  runnable(tagQueryBenchmark),
  runnable(mixedQueryBenchmark),
  runnable(worldArchiveBenchmark),
  runnable(autoTaggingBenchmark),
  runnable(embeddingsBenchmark),
  runnable(ocrBenchmark),
  runnable(clipBenchmark),
  runnable(photoSearchBenchmark),
  runnable(audioDecodeBenchmark),
  runnable(speechEmbeddingBenchmark),
  runnable(backendsBenchmark),
];

const startedAt = performance.now();

function log(message: string): void {
  const elapsed = ((performance.now() - startedAt) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${elapsed}s] ${message}\n`);
}

/** A private copy of `build/` (building it once if there is none yet). */
function copyBuild(workDir: string): string {
  const build = join(ROOT, 'build');
  if (!existsSync(join(build, 'index.html'))) {
    log('build/ is missing: running vite build once');
    execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
  const copy = join(workDir, 'build');
  cpSync(build, copy, { recursive: true });
  return copy;
}

/** Rewrites each selected benchmark's section from its saved JSON. */
function renderSaved(selected: readonly RunnableBenchmark[], outDir: string): void {
  for (const benchmark of selected) {
    const file = join(outDir, `${benchmark.id}.json`);
    if (!existsSync(file)) {
      log(`${benchmark.id}: no ${file} to render`);
      continue;
    }
    const saved = JSON.parse(readFileSync(file, 'utf8')) as RunMeta & { result: unknown };
    const { result, ...meta } = saved;
    updateMarkdownFile(join(ROOT, 'BENCHMARKS.md'), benchmark.id, benchmark.render({ result, meta }));
    log(`${benchmark.id}: rewrote its BENCHMARKS.md section from ${file}`);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const only = args.filter((arg) => !arg.startsWith('--'));
  const selected = only.length ? BENCHMARKS.filter((b) => only.includes(b.id)) : BENCHMARKS;
  if (selected.length === 0) throw new Error(`No benchmark named ${only.join(', ')}; known: ${BENCHMARKS.map((b) => b.id).join(', ')}`);
  const outDir = join(ROOT, 'bench', 'out');
  if (args.includes('--render')) return renderSaved(selected, outDir);

  const chromiumPath = findChromium();
  if (!chromiumPath) throw new Error('No Chromium found; set CHROMIUM_PATH or run node scripts/ensure-chromium.mjs');
  const machine = machineInfo(chromiumPath);
  const workDir = mkdtempSync(join(tmpdir(), 'dam-bench-'));
  const server = await startStaticServer(copyBuild(workDir));
  log(`serving a copy of build/ at ${server.url}; ${machine.chromiumVersion ?? chromiumPath}`);

  mkdirSync(outDir, { recursive: true });
  const context: BenchContext = { baseUrl: server.url, workDir, chromiumPath, machine, log };
  let failed = false;
  try {
    for (const benchmark of selected) {
      log(`${benchmark.id}: ${benchmark.title}`);
      const started = performance.now();
      const startMeta: Omit<RunMeta, 'loadAverage'> = { date: new Date().toISOString(), command: COMMAND, machine };
      try {
        const { result, meta, markdown } = await benchmark.run(context, startMeta);
        const outFile = join(outDir, `${benchmark.id}.json`);
        writeFileSync(outFile, `${JSON.stringify({ benchmark: benchmark.id, title: benchmark.title, ...meta, result }, null, 2)}\n`);
        updateMarkdownFile(join(ROOT, 'BENCHMARKS.md'), benchmark.id, markdown);
        log(`${benchmark.id}: done in ${formatMs(performance.now() - started)}; wrote ${outFile} and BENCHMARKS.md`);
      } catch (error) {
        failed = true;
        log(`${benchmark.id} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    }
  } finally {
    await server.close();
    rmSync(workDir, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  log(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
