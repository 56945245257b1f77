import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redactPassword } from '../../src/lib/db/postgres-database';
import { runBackendsInChromium, type BackendsBrowserResult } from '../browser/backends-browser';
import { TAG_EVERY, TAG_NAME, VOCABULARY_SIZE, corpusQueries } from '../lib/backends-corpus';
import type { IngestMeasure, QueryMeasure } from '../lib/backends-drive';
import { describeMachine } from '../lib/machine';
import { cell, table } from '../lib/markdown';
import { formatMs, quantile } from '../lib/stats';
import type { Benchmark, BenchContext, RunMeta } from '../lib/types';
import type { BackendsChildRequest, BackendsChildResult } from './backends-child';

/**
 * Three storage back ends of the same DAM core, in one run: PGlite in Node on a directory,
 * PostgreSQL 15 + pgvector on loopback (`createNodePlatform({ postgresServer })`), and PGlite in
 * the built app's world worker in headless Chromium (OPFS). Each ingests the same seeded corpus
 * of small text files through `enqueueFiles`, is tagged, and answers the same searches through
 * `listAssets`; the Node back ends each run in a process of their own (their peak RSS is their
 * own). The measuring code is one module for all three (`bench/lib/backends-drive.ts`).
 *
 * `BACKENDS_COUNT` (default 100,000) sets the corpus; `BACKENDS_BROWSER_COUNT` (default: the
 * same) the Chromium run's, for when the browser cannot finish the full size in the time budget.
 * `BACKENDS_PG_SERVER` uses a running server instead of a private one.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHILD = join(ROOT, 'bench', 'node', 'backends-child.ts');
const PG_SCRIPT = join(ROOT, 'scripts', 'pg-test-server.sh');
const WORLD = 'bench_backends';
const DEFAULT_COUNT = 100_000;
const PG_PORT = 54339;
const DEFAULT_BUDGET_S = 29 * 60;
type BackendKey = 'pglite' | 'server' | 'chromium';
const ORDER: readonly BackendKey[] = ['pglite', 'server', 'chromium'];
/**
 * How the time budget is shared: each back end's ingest gets `share` of the ingest time left when
 * it starts (what one leaves unused passes to the next), after setting aside `reserveMs` for what
 * it and each later back end do besides ingesting (start, world, corpus, tagging, VACUUM, searches,
 * closing). The Node back ends come first and get the larger shares: their 100k is the aim.
 */
const PLAN: Readonly<Record<BackendKey, { readonly share: number; readonly reserveMs: number }>> = {
  pglite: { share: 0.4, reserveMs: 100_000 },
  server: { share: 0.4, reserveMs: 100_000 },
  chromium: { share: 0.2, reserveMs: 180_000 },
};
const MIN_DEADLINE_MS = 60_000;

function deadlineFor(key: BackendKey, elapsedMs: number, budgetMs: number): number {
  const rest = ORDER.slice(ORDER.indexOf(key));
  const left = budgetMs - elapsedMs - rest.reduce((sum, k) => sum + PLAN[k].reserveMs, 0);
  const share = PLAN[key].share / rest.reduce((sum, k) => sum + PLAN[k].share, 0);
  return Math.max(MIN_DEADLINE_MS, left * share);
}

export interface BackendsOptions {
  readonly count: number;
  readonly browserCount: number;
  readonly pollMs: number;
  readonly slices: number;
  readonly warmup: number;
  readonly runs: number;
  readonly limit: number;
  /** Files handed over ahead of those finished, at most. */
  readonly lead: number;
  /** The whole benchmark's time budget, shared out as ingest deadlines (`PLAN`). */
  readonly budgetMs: number;
}

type Failed = { readonly error: string };

export interface BackendsResult {
  readonly options: BackendsOptions;
  readonly pgliteVersion: string;
  readonly postgres: { readonly url: string; readonly private: boolean; readonly port: number | null };
  readonly pglite: BackendsChildResult | Failed;
  readonly server: BackendsChildResult | Failed;
  readonly chromium: BackendsBrowserResult | Failed;
  readonly durationMs: number;
  /** Wall time of each back end's whole run (world, corpus, ingest, tagging, searches, sizes). */
  readonly backendMs: Readonly<Record<BackendKey, number>>;
  /** Each back end's ingest deadline, from the time budget. */
  readonly deadlinesMs: Readonly<Record<BackendKey, number>>;
}

function envCount(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const n = Number(raw.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < 100) throw new Error(`${name} must be a whole number ≥ 100, not ${raw}`);
  return n;
}

function optionsFromEnv(): BackendsOptions {
  const count = envCount('BACKENDS_COUNT', DEFAULT_COUNT);
  return {
    count,
    browserCount: envCount('BACKENDS_BROWSER_COUNT', count),
    pollMs: 100,
    slices: 10,
    warmup: 3,
    runs: 30,
    limit: 100,
    lead: 10_000,
    budgetMs: envCount('BACKENDS_BUDGET_S', DEFAULT_BUDGET_S) * 1000,
  };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.end();
      done(true);
    });
    socket.on('error', () => done(false));
  });
}

/**
 * A PostgreSQL server of the benchmark's own (scripts/pg-test-server.sh on its own port and data
 * directory): the unit tests' setup drops every `dam_*` database of the shared test server, which
 * would take this run's world with it. Stopped afterwards if this run started it.
 */
async function postgresServer(log: (line: string) => void): Promise<{ url: string; private: boolean; port: number | null; stop(): void }> {
  const given = process.env.BACKENDS_PG_SERVER;
  if (given) return { url: given, private: false, port: null, stop: () => undefined };
  const env = { ...process.env, DAM_PG_PORT: String(PG_PORT) };
  const wasRunning = await listening(PG_PORT);
  const output = execFileSync('bash', [PG_SCRIPT], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const url = output.trim().split('\n').at(-1)!;
  log(`backends: PostgreSQL at ${redactPassword(url)}${wasRunning ? ' (already running)' : ' (started for this run)'}`);
  return {
    url,
    private: true,
    port: PG_PORT,
    stop() {
      if (!wasRunning) execFileSync('bash', [PG_SCRIPT, 'stop'], { env, stdio: 'ignore' });
    },
  };
}

/** Runs one Node back end in a child process; its stderr lines go to the log. */
function runChild(context: BenchContext, request: BackendsChildRequest, label: string): Promise<BackendsChildResult> {
  const env = { ...process.env };
  delete env.DAM_POSTGRES_SERVER;
  delete env.DAM_POSTGRES_TEMPLATE;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--no-deprecation', '--import', 'tsx', CHILD, JSON.stringify(request)], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let tail = '';
    let buffered = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        context.log(`backends: ${label}: ${line}`);
        tail = `${tail}\n${line}`.slice(-4000);
      }
    });
    child.on('error', fail);
    child.on('exit', (code) => {
      if (code === 0) done(JSON.parse(readFileSync(request.outFile, 'utf8')) as BackendsChildResult);
      else fail(new Error(`${label} exited with ${code}: ${tail.trim().split('\n').slice(-5).join(' / ')}`));
    });
  });
}

async function runBackends(context: BenchContext): Promise<BackendsResult> {
  const started = performance.now();
  const options = optionsFromEnv();
  const work = mkdtempSync(join(context.workDir, 'backends-'));
  const pgliteVersion = (
    JSON.parse(readFileSync(join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string }
  ).version;
  const common = {
    count: options.count,
    world: WORLD,
    pollMs: options.pollMs,
    slices: options.slices,
    warmup: options.warmup,
    runs: options.runs,
    limit: options.limit,
    lead: options.lead,
  };
  const timed = async <T>(what: () => Promise<T>): Promise<[T | Failed, number]> => {
    const t0 = performance.now();
    try {
      return [await what(), performance.now() - t0];
    } catch (error) {
      context.log(`backends: FAILED: ${messageOf(error)}`);
      return [{ error: messageOf(error) }, performance.now() - t0];
    }
  };
  const deadlines: Record<BackendKey, number> = { pglite: Number.NaN, server: Number.NaN, chromium: Number.NaN };
  const deadline = (key: BackendKey) => {
    deadlines[key] = deadlineFor(key, performance.now() - started, options.budgetMs);
    context.log(`backends: ${key}: its ingest stops after ${(deadlines[key] / 1000).toFixed(0)} s at most (time budget)`);
    return deadlines[key];
  };
  try {
    context.log(`backends: PGlite ${pgliteVersion} in Node, ${options.count.toLocaleString('en-US')} files`);
    const [pglite, pgliteMs] = await timed(() =>
      runChild(
        context,
        {
          ...common,
          backend: 'pglite',
          ingestDeadlineMs: deadline('pglite'),
          dataDir: join(work, 'pglite'),
          outFile: join(work, 'pglite.json'),
        },
        'pglite',
      ),
    );
    const server = await postgresServer(context.log);
    let serverResult: BackendsChildResult | Failed;
    let serverMs: number;
    try {
      context.log(`backends: PostgreSQL, ${options.count.toLocaleString('en-US')} files`);
      const serverDeadline = deadline('server');
      [serverResult, serverMs] = await timed(() =>
        runChild(
          context,
          {
            ...common,
            backend: 'postgres',
            ingestDeadlineMs: serverDeadline,
            postgresServer: server.url,
            dataDir: join(work, 'postgres'),
            outFile: join(work, 'postgres.json'),
          },
          'postgres',
        ),
      );
    } finally {
      server.stop();
    }
    context.log(`backends: Chromium, ${options.browserCount.toLocaleString('en-US')} files`);
    const browserDeadline = deadline('chromium');
    const [chromium, chromiumMs] = await timed(() =>
      runBackendsInChromium(context, { ...common, count: options.browserCount, ingestDeadlineMs: browserDeadline }),
    );
    return {
      options,
      pgliteVersion,
      postgres: { url: redactPassword(server.url), private: server.private, port: server.port },
      pglite,
      server: serverResult,
      chromium,
      durationMs: performance.now() - started,
      backendMs: { pglite: pgliteMs, server: serverMs, chromium: chromiumMs },
      deadlinesMs: deadlines,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- rendering

type Run = BackendsChildResult | BackendsBrowserResult;
interface Column {
  readonly key: BackendKey;
  readonly label: string;
  readonly short: string;
  readonly run: Run | null;
  readonly error: string | null;
}

const isFailed = (r: unknown): r is Failed => typeof r === 'object' && r !== null && 'error' in r && !('ingest' in r);
const n = (x: number) => x.toLocaleString('en-US');
const MB = 1e6;
const mb = (bytes: number | null | undefined) =>
  bytes === null || bytes === undefined || !Number.isFinite(bytes)
    ? '–'
    : `${(bytes / MB).toLocaleString('en-US', { maximumFractionDigits: bytes < 10 * MB ? 1 : 0 })} MB`;
const gb = (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 1e9).toLocaleString('en-US', { maximumFractionDigits: 1 })} GB` : '–');
const rate = (files: number, ms: number | null | undefined) => (ms ? (files * 1000) / ms : Number.NaN);
const perS = (x: number, unit = 'files/s') =>
  Number.isFinite(x) ? `${x.toLocaleString('en-US', { maximumFractionDigits: x < 100 ? 1 : 0 })} ${unit}` : 'n/a';

const ALL_ASSETS = 'no search (the grid)';
const SHORT: Readonly<Record<BackendKey, string>> = { pglite: 'PGlite in Node', server: 'PostgreSQL', chromium: 'Chromium' };

function columns(result: BackendsResult): Column[] {
  const col = (key: Column['key'], label: string, r: Run | Failed): Column =>
    isFailed(r) ? { key, label, short: SHORT[key], run: null, error: r.error } : { key, label, short: SHORT[key], run: r, error: null };
  const server = isFailed(result.server) ? null : result.server;
  const pgVersion = server?.serverVersion?.match(/PostgreSQL [\d.]+/)?.[0] ?? 'PostgreSQL';
  const vector = server?.pgvectorVersion ? ` + pgvector ${server.pgvectorVersion}` : ' + pgvector';
  return [
    col('pglite', `PGlite ${result.pgliteVersion} in Node (directory)`, result.pglite),
    col('server', `${pgVersion}${vector} (loopback)`, result.server),
    col('chromium', `PGlite ${result.pgliteVersion} in Chromium (OPFS)`, result.chromium),
  ];
}

/** Files the ingest finished: all of them, or those done by its deadline. */
const ingested = (r: Run) => (r.ingest.timedOut ? (r.ingest.finishedAtDeadline ?? 0) : r.ingest.files);
/** The timed interval: to every file searchable, or to the deadline. */
const ingestMs = (r: Run) => (r.ingest.timedOut ? r.ingest.deadlineMs : (r.ingest.searchableMs ?? Number.NaN));
/** Assets in the world when it was searched (the plain grid's total). */
const assetsOf = (r: Run) => r.queries.find((q) => q.name === ALL_ASSETS)?.matches ?? ingested(r);
/** Database bytes an asset adds: the size after the searches less the fresh world's, over the assets. */
const bytesPerAsset = (r: Run) => (r.sizes.databaseBytes - r.emptySizes.databaseBytes) / assetsOf(r);

interface CpuView {
  readonly totalMs: number;
  readonly windowMs: number;
  readonly perFileMs: number;
  readonly parts: { readonly label: string; readonly perFileMs: number }[];
  /** Cores kept busy by everything but this back end, on average over the ingest. */
  readonly otherCores: number;
}

/** CPU the ingest used, per file and by process, and what else the machine did meanwhile. */
function ingestCpuOf(r: Run): CpuView | null {
  const files = ingested(r);
  if ('chromiumPss' in r) {
    const c = r.ingestCpu;
    if (!c || c.wallMs <= 0) return null;
    // The samples' window is a little shorter than the ingest: per file, scale to the whole.
    const perFile = (ms: number) => (ms * (ingestMs(r) / c.wallMs)) / files;
    const parts = Object.entries(c.byType)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([type, ms]) => ({ label: type, perFileMs: perFile(ms) }))
      .filter((part) => part.perFileMs >= 0.05);
    return {
      totalMs: c.browserTotalMs,
      windowMs: c.wallMs,
      perFileMs: perFile(c.browserTotalMs),
      parts,
      otherCores: (c.machineBusyMs - c.browserTotalMs) / c.wallMs,
    };
  }
  const c = r.ingestCpu;
  if (!c) return null;
  const totalMs = c.processMs + (c.serverBackendMs ?? 0);
  const parts = [
    { label: 'Node process', perFileMs: c.processMs / files },
    ...(c.serverBackendMs !== null ? [{ label: 'server process', perFileMs: c.serverBackendMs / files }] : []),
  ];
  const windowMs = ingestMs(r);
  return { totalMs, windowMs, perFileMs: totalMs / files, parts, otherCores: (c.machineBusyMs - totalMs) / windowMs };
}

/** Files/s of each slice, from the slice end times. */
function sliceRates(ingest: IngestMeasure): number[] {
  return ingest.sliceEndsMs.map((end, i) => rate(ingest.sliceFiles, end - (i === 0 ? 0 : ingest.sliceEndsMs[i - 1]!)));
}

function p(q: QueryMeasure, at: number): number {
  return quantile(
    [...q.runsMs].sort((a, b) => a - b),
    at,
  );
}

function peakMemory(r: Run): string {
  if ('chromiumPss' in r) {
    return `${mb(r.chromiumPss.peakTotalBytes)} PSS over Chromium's processes (renderer, with the world worker and the page's corpus: ${mb(r.chromiumPss.peakByTypeBytes.renderer)})`;
  }
  const server = r.serverBackendPeakRssBytes !== null ? `; server process: ${mb(r.serverBackendPeakRssBytes)} peak RSS` : '';
  return `${mb(r.maxRssBytes)} peak RSS of the Node process (${mb(r.maxRssAfterIngestBytes)} at the end of the ingest)${server}`;
}

function onDisk(r: Run): string {
  if ('chromiumPss' in r) {
    const used = (r.storageAfter.usageBytes ?? Number.NaN) - (r.storageBefore.usageBytes ?? 0);
    return `origin storage grew ${mb(used)} (\`navigator.storage.estimate\`: OPFS pool, IndexedDB blobs)`;
  }
  const parts: string[] = [];
  if (r.dataDirDisk) parts.push(`data dir ${mb(r.dataDirDisk.allocatedBytes)} (the whole cluster, WAL included)`);
  if (r.blobDisk)
    parts.push(`blobs ${mb(r.blobDisk.allocatedBytes)} allocated for ${mb(r.blobDisk.apparentBytes)} (${n(r.blobDisk.files)} files)`);
  return parts.join('; ') || '–';
}

function filesCell(r: Run): string {
  if (!r.ingest.timedOut) return n(r.ingest.files);
  return `**${n(ingested(r))}** of ${n(r.ingest.files)}: the time budget's deadline came at ${formatMs(r.ingest.deadlineMs)} and the rest was cancelled; searched at ${n(assetsOf(r))} assets`;
}

function summaryTable(result: BackendsResult, cols: Column[]): string {
  const row = (label: string, f: (r: Run, c: Column) => string) => [
    label,
    ...cols.map((c) => (c.run ? f(c.run, c) : `failed: ${cell(c.error ?? '', 80)}`)),
  ];
  return table(
    ['', ...cols.map((c) => c.label)],
    [
      row('Files ingested', filesCell),
      row(
        'Ingest: time · **files/s**',
        (r) => `${formatMs(ingestMs(r))} · **${perS(rate(ingested(r), ingestMs(r)))}**${r.ingest.timedOut ? ' (to the deadline)' : ''}`,
      ),
      row('Slowest slice · last slice', (r) => {
        const rates = sliceRates(r.ingest);
        return `${perS(Math.min(...rates))} · ${perS(rates.at(-1) ?? Number.NaN)}`;
      }),
      row(`Hand-over done (\`enqueueFiles\`, at most ${n(result.options.lead)} files ahead)`, (r) =>
        r.ingest.timedOut ? 'stopped at the deadline' : formatMs(r.ingest.handedOverMs),
      ),
      row('CPU per file during the ingest', (r) => {
        const cpu = ingestCpuOf(r);
        return cpu
          ? `${formatMs(cpu.perFileMs)} (${cpu.parts.map((part) => `${part.label} ${formatMs(part.perFileMs)}`).join(', ')})`
          : '–';
      }),
      row('Everything else on the machine during the ingest', (r) => {
        const cpu = ingestCpuOf(r);
        return cpu ? `${cpu.otherCores.toFixed(2)} cores busy` : '–';
      }),
      row(
        'Tagging (`applyTag`, 2,000 ids a call)',
        (r) =>
          `${n(r.tagging.tagged)} assets in ${formatMs(r.tagging.tagMs)} (${perS(rate(r.tagging.tagged, r.tagging.tagMs), 'assets/s')})`,
      ),
      row('VACUUM (ANALYZE) of the search tables', (r) => formatMs(r.vacuumMs)),
      row(
        'Database (`pg_database_size`)',
        (r) =>
          `${mb(r.sizes.databaseBytes)} (fresh world ${mb(r.emptySizes.databaseBytes)}; ${n(Math.round(bytesPerAsset(r)))} bytes an asset)`,
      ),
      row('Largest tables (with indexes)', (r) =>
        r.sizes.largest
          .slice(0, 3)
          .map((t) => `\`${t.name}\` ${mb(t.bytes)}`)
          .join(', '),
      ),
      row('On disk', onDisk),
      row('Peak memory', peakMemory),
      row('Whole back end (world, corpus, ingest, tags, searches)', (_r, c) => formatMs(result.backendMs[c.key])),
    ],
  );
}

function slicesTable(cols: Column[]): string {
  const slices = Math.max(0, ...cols.map((c) => c.run?.ingest.sliceEndsMs.length ?? 0));
  const rows: string[][] = [];
  for (let i = 0; i < slices; i++) {
    rows.push([
      `${i + 1}`,
      ...cols.map((c) => {
        const ingest = c.run?.ingest;
        if (!ingest || i >= ingest.sliceEndsMs.length) return '–';
        const from = i * ingest.sliceFiles;
        return `${n(from)}–${n(from + ingest.sliceFiles)}: ${perS(sliceRates(ingest)[i]!)}`;
      }),
    ]);
  }
  return table(['Slice', ...cols.map((c) => c.label)], rows);
}

function queriesTable(cols: Column[]): string {
  return table(
    ['Query', 'Search', 'Matches', ...cols.map((c) => `${c.label}: p50 / p95`)],
    corpusQueries().map((q) => {
      const per = cols.map((c) => c.run?.queries.find((m) => m.name === q.name));
      const counts = new Set(per.filter((m) => m).map((m) => m!.matches));
      const matches = counts.size <= 1 ? n([...counts][0] ?? 0) : per.map((m) => (m ? n(m.matches) : '–')).join(' · ');
      return [
        q.name,
        q.search ? cell(`\`${q.search}\``) : '(none)',
        matches,
        ...per.map((m) => (m ? `${formatMs(p(m, 0.5))} / ${formatMs(p(m, 0.95))}` : '–')),
      ];
    }),
  );
}

/** What one back end's numbers say about where it slows. */
function scalingLine(c: Column): string {
  const r = c.run;
  if (!r) return `- **${c.label}**: failed (${cell(c.error ?? '', 200)}).`;
  const rates = sliceRates(r.ingest);
  const first = rates[0] ?? Number.NaN;
  const steady = rates[1] ?? first;
  const last = rates.at(-1) ?? Number.NaN;
  const change = `${last >= steady ? '+' : ''}${((last / steady - 1) * 100).toFixed(0)}%`;
  const slowIndex = rates.findIndex((x, i) => i >= 2 && x < 0.8 * steady);
  const slices = r.ingest.sliceFiles;
  const ingest =
    `ingest ${perS(first)} in slice 1, ${perS(steady)} in slice 2 and ${perS(last)} in slice ${rates.length} (${change} on slice 2); ` +
    (slowIndex >= 0
      ? `the rate first fell below 80% of slice 2's in slice ${slowIndex + 1} (files ${n(slowIndex * slices)}–${n((slowIndex + 1) * slices)}, ${perS(rates[slowIndex]!)}).`
      : 'no later slice fell below 80% of slice 2.');
  const used = ingestCpuOf(r);
  let cpu = '';
  if (used) {
    const cores = used.totalMs / used.windowMs;
    const parts = used.parts.map((part) => `${part.label} ${formatMs(part.perFileMs)}`).join(', ');
    cpu =
      slowIndex >= 0
        ? ` It slowed while the ingest kept ${cores.toFixed(2)} cores busy on average (over the run ${formatMs(used.perFileMs)} of CPU a file: ${parts}; in slice 1, ${formatMs(1000 / first)} of wall time a file).`
        : 'chromiumPss' in r
          ? ` CPU: ${formatMs(used.perFileMs)} a file (${parts}), ${cores.toFixed(2)} cores on average.`
          : ` CPU: ${formatMs(used.perFileMs)} a file (${parts}), mostly one after the other (each statement waits for the one before): at that cost one core allows ${perS(1000 / used.perFileMs)}, and it ran at ${perS(rate(ingested(r), ingestMs(r)))}, so the ingest is bound by CPU on one serial path, not by the size of the world.`;
  }
  const size = r.ingest.timedOut
    ? ` Measured at ${n(assetsOf(r))} assets, not ${n(r.ingest.files)}: the full size did not fit the run's time budget; nothing is extrapolated.`
    : '';
  const sorted = [...r.queries].sort((a, b) => p(b, 0.95) - p(a, 0.95));
  const slowest = sorted[0];
  const fastest = sorted.at(-1);
  const notTag = r.queries.find((q) => q.search === `-tag:${TAG_NAME}`);
  const tag = r.queries.find((q) => q.search === `tag:${TAG_NAME}`);
  const search =
    slowest && fastest
      ? ` Searches at ${n(assetsOf(r))} assets: p95 from ${formatMs(p(fastest, 0.95))} (${fastest.name}) to ${formatMs(p(slowest, 0.95))} (${slowest.name}, ${n(slowest.matches)} matches)` +
        (notTag && tag
          ? `; \`-tag:${TAG_NAME}\` (${n(notTag.matches)} matches) ${formatMs(p(notTag, 0.95))} against \`tag:${TAG_NAME}\` (${n(tag.matches)}) ${formatMs(p(tag, 0.95))}.`
          : '.')
      : '';
  const disk =
    'chromiumPss' in r
      ? `; the origin's storage grew ${mb((r.storageAfter.usageBytes ?? Number.NaN) - (r.storageBefore.usageBytes ?? 0))}`
      : r.dataDirDisk
        ? `; its data directory took ${mb(r.dataDirDisk.allocatedBytes)} on disk`
        : '';
  return `- **${c.label}**: ${ingest}${cpu}${size}${search} The database grew ${n(Math.round(bytesPerAsset(r)))} bytes an asset (${mb(r.sizes.databaseBytes)})${disk}; ${peakMemory(r)}.`;
}

/** One sentence comparing the embedded back ends' last slice with the server's. */
function embeddedSummary(cols: Column[]): string {
  const last = (c: Column | undefined) => {
    const rates = c?.run ? sliceRates(c.run.ingest) : [];
    return rates.length ? { rate: rates.at(-1)!, upTo: rates.length * c!.run!.ingest.sliceFiles } : null;
  };
  const server = last(cols.find((c) => c.key === 'server'));
  const embedded = cols
    .filter((c) => c.key !== 'server')
    .map((c) => ({ c, at: last(c) }))
    .filter((e) => e.at);
  if (!server || embedded.length === 0) return '';
  return `In this run PGlite's last slice ran at ${embedded.map((e) => `${perS(e.at!.rate)} (${e.c.short}, files up to ${n(e.at!.upTo)})`).join(' and ')}, PostgreSQL's at ${perS(server.rate)} (files up to ${n(server.upTo)}). `;
}

function prose(result: BackendsResult, cols: Column[]): string {
  const server = cols.find((c) => c.key === 'server')?.run;
  const perAsset = server ? bytesPerAsset(server) : Number.NaN;
  return [
    '### Where each back end stops scaling, and the plan for 10M assets',
    '',
    ...cols.map((c) => scalingLine(c)),
    '',
    `The plan for 10M assets. Arithmetic on this run's sizes, not a measurement: at ${n(Math.round(perAsset))} bytes an asset in PostgreSQL, 10M assets take about ${gb(perAsset * 1e7)} before any vector, and one 384-d text vector per asset adds 1,536 bytes of \`vector\` (15 GB at 10M) before its HNSW index.`,
    '',
    '- **Partitioned tables.** The component tables (`component_*`, `dam_asset_tag_set`, `dam_asset_text`) and the vector tables are partitioned by entity id: by range, since ids only grow (new assets land in the newest partition; older ones stay vacuumed and cold), or by hash where writes must spread. Every search here joins on `entity_id`, so partition-wise joins apply; each partition keeps its own GIN and HNSW index, small enough to stay in memory, and VACUUM or an index rebuild works one partition at a time.',
    '- **pgvector quantisation.** Vectors for search are kept as `halfvec` (768 bytes at 384-d instead of 1,536) or binary-quantised (`binary_quantize`, 48 bytes) with the HNSW index on the quantised expression, and the best candidates are re-ranked against the full vectors: the index that has to stay in memory shrinks 2× or 32×.',
    '- **Read replicas for search.** Searches (`listAssets`, meaning search) only read, so they can go to streaming replicas while ingest and tagging stay on the primary. The ingest above is one serial session whose rate is set by CPU per file and statements per file, so it gains nothing from replicas, and search load on the replicas never slows it.',
    `- **PGlite and the browser: personal libraries.** ${embeddedSummary(cols)}PGlite is one connection on one thread: a world's ingest batches, stages and searches queue behind each other (the searches above ran with the ingest idle). Its memory is one WebAssembly heap (32-bit: 4 GB at most) beside the page's own; in Chromium its files live in an OPFS access-handle pool bounded by the origin's quota, and blobs in IndexedDB. A library of millions belongs on a server, reached through the same \`Database\` interface.`,
  ].join('\n');
}

export const backendsBenchmark: Benchmark<BackendsResult> = {
  id: 'backends',
  title: 'Storage back ends: PGlite in Node, PostgreSQL, PGlite in Chromium',
  run: runBackends,
  markdown(result: BackendsResult, meta: RunMeta) {
    const cols = columns(result);
    const o = result.options;
    const chromium = cols.find((c) => c.key === 'chromium')?.run as BackendsBrowserResult | undefined;
    const timedOut = cols.filter((c) => c.run?.ingest.timedOut);
    const sizes = timedOut.length
      ? `${n(o.count)} text files; in the time budget ${timedOut.map((c) => `${c.short} ${n(ingested(c.run!))}`).join(', ')}`
      : o.browserCount === o.count
        ? `${n(o.count)} text files each`
        : `${n(o.count)} text files in Node, ${n(o.browserCount)} in Chromium`;
    const digests = new Set(cols.filter((c) => c.run).map((c) => c.run!.corpus.digest));
    const runnerErrors = new Set(cols.filter((c) => c.run).map((c) => c.run!.runnerError ?? 'none'));
    const dry = cols.filter((c) => c.run && c.run.ingest.dryPolls > 0).map((c) => `${c.label}: ${c.run!.ingest.dryPolls} polls`);
    const settings = isFailed(result.server) ? null : result.server.serverSettings;
    const sliceFiles = cols.find((c) => c.run)?.run?.ingest.sliceFiles ?? 0;
    return [
      `## Storage back ends side by side: PGlite in Node, PostgreSQL, PGlite in Chromium (${sizes})`,
      '',
      summaryTable(result, cols),
      '',
      `Ingest rate per slice of ${n(sliceFiles)} files (files finished in the slice ÷ its time; slice 1 includes the first batch and the start):`,
      '',
      slicesTable(cols),
      '',
      `Searches after tagging, \`listAssets({ search, limit: ${o.limit} })\` (the count over all pages and the first page of cards), ${o.runs} timed runs after ${o.warmup} warm-ups:`,
      '',
      queriesTable(cols),
      '',
      `- Machine: ${describeMachine(meta.machine)}; ${meta.machine.chromiumVersion ?? 'Chromium'}`,
      `- Date: ${meta.date}; load average (1 min) ${meta.loadAverage.start[0]?.toFixed(2)} at the start, ${meta.loadAverage.end[0]?.toFixed(2)} at the end; the whole benchmark took ${formatMs(result.durationMs)}`,
      `- Command: \`${meta.command}\`, or alone \`npx tsx bench/run.ts backends\` (\`bench/node/backends.bench.ts\`; \`BACKENDS_COUNT=5000\` for a quick run, \`BACKENDS_BROWSER_COUNT\` for Chromium's size alone, \`BACKENDS_BUDGET_S\` for the time budget, ${DEFAULT_BUDGET_S / 60} min by default and ${formatMs(o.budgetMs)} in this run; raw results in \`bench/out/backends.json\`)`,
      `- Measured beside: the three back ends are each other's peers, one after the other in the same run and on the same corpus: PGlite on a directory in a Node process of its own; PostgreSQL through \`createNodePlatform({ postgresServer })\` from a Node process of its own, to ${result.postgres.private ? `a server started for this run by \`scripts/pg-test-server.sh\` on port ${result.postgres.port} (its own data directory, so the unit tests' clean-up of \`dam_*\` databases on the shared test server cannot reach it)` : `\`${result.postgres.url}\``}, configured as the script does: \`fsync\`, \`synchronous_commit\` and \`full_page_writes\` off (commits never wait for the disk), shared_buffers ${settings?.shared_buffers ?? 'default'}, autovacuum ${settings?.autovacuum ?? 'default'}; then the built app in headless Chromium (persistent profile, \`opfs-ahp\` world, service workers blocked). Blobs: files under the data directory in Node (\`FsBlobStore\`, for PostgreSQL too), IndexedDB in Chromium.`,
      `- Corpus: seeded (\`bench/lib/backends-corpus.ts\`), the same files everywhere (digest ${[...digests].join(', ')}): text files of 20–60 five-letter words drawn by a Zipf law from ${n(VOCABULARY_SIZE)} (120–360 bytes), named by three words and the file's number, one in ten Markdown; no duplicates. Handed to \`enqueueFiles\` 64 then 500 a call, as the UI does, one call after another and at most ${n(o.lead)} files ahead of those finished, while \`ingestStatus\` is polled every ${o.pollMs} ms.`,
      `- What is timed: from the first \`enqueueFiles\` call to the first poll where every file is finished (recorded in its batch's transaction: blob stored, rows written; or failed: ${cols.map((c) => (c.run ? n(c.run.ingest.failed) : '–')).join(' · ')}) and the runner has left \`adding\`, i.e. the last batch's metadata stage, which puts each text file's words in the full-text index, is done. A back end whose deadline came first is timed to its deadline, at the files finished by then (deadlines: ${cols.map((c) => formatMs(result.deadlinesMs?.[c.key] ?? Number.NaN)).join(' · ')}; each ingest gets a share of the time budget left when it starts, after setting aside what it and the later back ends need besides ingesting: ${ORDER.map((k) => `${k} ${Math.round(PLAN[k].share * 100)}%`).join(', ')}, what one leaves unused passing to the next). The queue ran dry during an ingest: ${dry.length ? dry.join(', ') : 'never'}.`,
      `- Model stages excluded, the same way in all three: no model files. In Node the model manager resolves the text model to files whose every read fails; in Chromium the benchmark refuses the app's \`/models/\` requests (${chromium ? n(chromium.refusedModelRequests) : '–'} refused). The runner reaches the text-embedding stage only when the queue is empty, after the timed interval; the stage fails, its markers stay, and the loop stops (${[...runnerErrors].map((e) => `“${cell(e, 150)}”`).join('; ')}). A loop that ends on an error skips the runner's closing \`refreshSearchStatistics\` (VACUUM (ANALYZE) of the search tables), so the benchmark makes that same call once after tagging on every back end, through the world's own database handle (in Chromium through the worker's comlink endpoint). The corpus has no picture, sound or video, so no other model stage has work.`,
      `- Tagging: every ${TAG_EVERY}th file by number gets the manual tag \`${TAG_NAME}\`, ids found by paging \`listEntities\` (1,000 a call). Search times in Chromium are taken in the page around the comlink call, as the UI waits for them; in Node around the \`DamApp\` call.`,
      `- Memory: the Node back ends' \`process.resourceUsage().maxRSS\` (each in its own process) and, for PostgreSQL, \`VmHWM\` of the server process serving the connection; Chromium's largest sum of \`Pss\` over its processes, sampled every 2 s.`,
      '',
      prose(result, cols),
    ].join('\n');
  },
};
