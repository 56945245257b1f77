import { chromium } from '@playwright/test';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS } from '../../scripts/chromium.mjs';
import { bundleForBrowser } from '../lib/bundle';
import { describeMachine } from '../lib/machine';
import { cell, table } from '../lib/markdown';
import { formatMs } from '../lib/stats';
import { DEFAULT_OPTIONS, runTagQueries, type CaseResult, type TagQueryOptions, type TagQueryRun } from '../lib/tag-library';
import type { Benchmark, BenchContext, RunMeta } from '../lib/types';
import type { TagQueryProbeRequest } from './tag-query-probe';

/**
 * Tag queries the way the search box runs them (`listAssets({ search })`: one count and one
 * page of 100 cards, with sibling and parent expansion), on a world of 100k assets and 1M
 * manual tag links: in PGlite in Node, in memory, then in a dedicated worker in Chromium (the
 * same WebAssembly Postgres the app's worker runs), on OPFS as the app keeps worlds and in
 * memory. Beside each, the same count and
 * page with the plainest SQL that could answer it (a semi-join on the tag id per term, no
 * expansion, no tag sets): the baseline, measured in the same run.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
/** Where the probe's PGlite finds its WebAssembly, data and pgvector files on the served origin. */
const PGLITE_PATH = '/bench-pglite/';
const GOAL_MS = 50;

type Failed = { readonly error: string };

export interface TagQueryResult {
  readonly options: TagQueryOptions;
  readonly node: TagQueryRun;
  /** `opfs-ahp://`, the store the app keeps worlds in. */
  readonly chromiumOpfs: TagQueryRun | Failed;
  readonly chromiumMemory: TagQueryRun | Failed;
}

/** Chromium runs, the app's store first. */
const CHROMIUM_RUNS = [
  { key: 'chromiumOpfs', url: 'opfs-ahp://bench-tag-query', label: 'Chromium, OPFS' },
  { key: 'chromiumMemory', url: 'memory://', label: 'Chromium, memory' },
] as const;

/** PGlite's own files, beside the served app, for a worker bundle that has no `import.meta.url`. */
function servePgliteFiles(context: BenchContext): void {
  const target = join(context.workDir, 'build', PGLITE_PATH);
  mkdirSync(target, { recursive: true });
  const pglite = dirname(require.resolve('@electric-sql/pglite'));
  for (const file of ['pglite.wasm', 'pglite.data', 'initdb.wasm']) copyFileSync(join(pglite, file), join(target, file));
  copyFileSync(join(dirname(require.resolve('@electric-sql/pglite-pgvector')), 'vector.tar.gz'), join(target, 'vector.tar.gz'));
}

async function inChromium(context: BenchContext, request: TagQueryProbeRequest, label: string): Promise<TagQueryRun> {
  const script = await bundleForBrowser(join(HERE, 'tag-query-probe.ts'), {
    external: ['node:*'],
    define: { 'import.meta.url': JSON.stringify(`${context.baseUrl}${PGLITE_PATH}index.js`) },
  });
  // A real profile on disk: a plain launch's default context is off the record, where OPFS
  // lives in the browser process and every file call is a round trip (5–10× slower queries).
  const profile = mkdtempSync(join(context.workDir, 'profile-'));
  const browser = await chromium.launchPersistentContext(profile, { executablePath: context.chromiumPath, args: CHROMIUM_ARGS });
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.exposeFunction('benchLog', (line: string) => context.log(`${label}: ${line}`));
    await page.goto(`${context.baseUrl}/manifest.webmanifest`);
    const answer = await page.evaluate(
      ([source, message]) =>
        new Promise<{ result?: TagQueryRun; error?: string }>((done) => {
          const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
          worker.onmessage = (event: MessageEvent<{ log?: string; result?: TagQueryRun; error?: string }>) => {
            if (event.data.log !== undefined) {
              void (window as unknown as { benchLog(line: string): Promise<void> }).benchLog(event.data.log);
              return;
            }
            worker.terminate();
            done(event.data);
          };
          worker.onerror = (event) => done({ error: event.message });
          worker.postMessage(message);
        }),
      [script, request] as const,
    );
    if (answer.error || !answer.result) throw new Error(answer.error ?? 'no result');
    return answer.result;
  } finally {
    await browser.close();
  }
}

export async function runTagQueryBenchmark(context: BenchContext, options: TagQueryOptions = DEFAULT_OPTIONS): Promise<TagQueryResult> {
  const node = await runTagQueries(options, 'memory://', (m) => context.log(`Node: ${m}`));
  servePgliteFiles(context);
  const runs: Partial<Record<(typeof CHROMIUM_RUNS)[number]['key'], TagQueryRun | Failed>> = {};
  for (const { key, url, label } of CHROMIUM_RUNS) {
    try {
      runs[key] = await inChromium(context, { options, url }, label);
    } catch (error) {
      runs[key] = { error: error instanceof Error ? error.message : String(error) };
      context.log(`${label}: failed: ${(runs[key] as Failed).error}`);
    }
  }
  return { options, node, chromiumOpfs: runs.chromiumOpfs!, chromiumMemory: runs.chromiumMemory! };
}

const timing = (p50: number | null, p95: number | null) => (p50 === null || p95 === null ? '–' : `${formatMs(p50)} / ${formatMs(p95)}`);

const threeTags = (run: TagQueryRun | Failed) => ('cases' in run ? run.cases.find((c) => c.name === 'AND of 3 tags') : undefined);

function goalLine(result: TagQueryResult): string {
  const opfs = threeTags(result.chromiumOpfs);
  const memory = threeTags(result.chromiumMemory);
  const goal = `The goal (a 3-tag query under ${GOAL_MS} ms p95 at 100k assets, in Chromium)`;
  if (!opfs && !memory) return `${goal} could not be checked: both Chromium runs failed.`;
  const worst = Math.max(opfs?.p95 ?? 0, memory?.p95 ?? 0);
  const verdict = worst < GOAL_MS ? 'met' : '**not met**';
  const p95 = (c: CaseResult | undefined) => (c ? formatMs(c.p95) : 'failed');
  return `${goal} is ${verdict}: ${p95(opfs)} p95 on OPFS and ${p95(memory)} in memory in a Chromium worker, ${p95(threeTags(result.node))} in Node.`;
}

export const tagQueryBenchmark: Benchmark<TagQueryResult> = {
  id: 'tag-query',
  title: 'Tag queries',
  run: (context: BenchContext) => runTagQueryBenchmark(context),
  markdown(result, meta: RunMeta) {
    const o = result.options;
    const byName = (run: TagQueryRun | Failed) => new Map<string, CaseResult>('cases' in run ? run.cases.map((c) => [c.name, c]) : []);
    const opfs = byName(result.chromiumOpfs);
    const memory = byName(result.chromiumMemory);
    const rows = result.node.cases.map((c) => {
      const a = opfs.get(c.name);
      const b = memory.get(c.name);
      return [
        c.name,
        cell(`\`${c.query}\``),
        c.matches.toLocaleString('en-US'),
        timing(a?.p50 ?? null, a?.p95 ?? null),
        timing(b?.p50 ?? null, b?.p95 ?? null),
        timing(b?.baselineP50 ?? null, b?.baselineP95 ?? null),
        timing(c.p50, c.p95),
        timing(c.baselineP50, c.baselineP95),
      ];
    });
    const load = (run: TagQueryRun | Failed) => ('cases' in run ? `loaded in ${formatMs(run.loadMs)}` : `failed: ${cell(run.error)}`);
    return [
      `- Machine: ${describeMachine(meta.machine)}`,
      `- Date: ${meta.date}; load average (1 min) ${meta.loadAverage.start[0]?.toFixed(2)} at the start, ${meta.loadAverage.end[0]?.toFixed(2)} at the end`,
      `- Command: \`${meta.command}\`, or alone \`npx tsx bench/run.ts tag-query\` (\`bench/browser/tag-query.bench.ts\`, cases in \`bench/lib/tag-library.ts\`; raw results in \`bench/out/tag-query.json\`)`,
      '',
      `A world of ${o.entities.toLocaleString('en-US')} assets, ${o.tags.toLocaleString('en-US')} tags, ${result.node.manualLinks.toLocaleString('en-US')} manual and ${result.node.modelLinks.toLocaleString('en-US')} model tag links, built by SQL in each runtime: PGlite in Node in memory (${load(result.node)}), and PGlite in a dedicated Chromium worker on OPFS (\`opfs-ahp://\`, the app's store; ${load(result.chromiumOpfs)}) and in memory (${load(result.chromiumMemory)}). Each query is what the search box runs: \`listAssets({ search, limit: 100 })\`, a count and a page of cards, ${o.runs} timed runs after one warm-up. Baseline: the same count and page with one semi-join per tag term on the link table (no sibling or parent expansion, no tag sets), in the same run and runtime. Times are p50 / p95. Goal: p95 under ${GOAL_MS} ms in Chromium.`,
      '',
      table(['Case', 'Query', 'Matches', 'Chromium OPFS', 'Chromium memory', 'Chromium memory baseline', 'Node', 'Node baseline'], rows),
      '',
      goalLine(result),
      '',
      'Manual tag terms read `dam_asset_tag_set` (one row of tag ids per asset under a GIN index, kept by triggers), so an AND of tags is one BitmapAnd of posting lists, and a page takes its 100 ids before it joins the card tables. Model-tag terms (with confidences) and words still scan: words are a plain `ILIKE` on 100k names, which the query-language issue replaces with an index.',
    ].join('\n');
  },
};
