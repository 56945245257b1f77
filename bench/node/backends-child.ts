/**
 * One Node back end of the `backends` benchmark, in a process of its own so that its peak RSS is
 * its own: `node --import tsx bench/node/backends-child.ts '<BackendsChildRequest as JSON>'`.
 * Builds the DAM core on `createNodePlatform` (PGlite on a directory, or a PostgreSQL server),
 * runs the shared measuring code (`bench/lib/backends-drive.ts`) and writes its result as JSON.
 * Progress goes to stderr.
 */
import { readdir, lstat, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { DamApp } from '../../src/lib/dam/dam-app';
import { registryModelResolver } from '../../src/lib/dam/models/model-sources';
import type { Database } from '../../src/lib/db/database';
import { ResourceManager } from '../../src/lib/ecs';
import { transformersTextEmbedderLoader } from '../../src/lib/ml/loaders/transformers-loader';
import { useLiteTextEmbedderLoader } from '../../src/lib/ml/loaders/use-lite-loader';
import { MemoryModelStore } from '../../src/lib/ml/memory-model-store';
import { ModelExecutionManager } from '../../src/lib/ml/model-execution-manager';
import { ModelStore } from '../../src/lib/ml/model-store';
import type { ModelFiles } from '../../src/lib/ml/model-types';
import { createNodePlatform } from '../../src/lib/platform/node-platform';
import { nodeCapabilities } from '../../src/lib/platform/node-capabilities';
import { withDatabase } from '../../src/lib/platform/postgres-worlds';
import { corpusQueries } from '../lib/backends-corpus';
import {
  databaseSizes,
  driveIngest,
  measureQueries,
  prepareCorpus,
  refreshStatistics,
  tagCorpus,
  waitForIdle,
  type IngestMeasure,
  type QueryMeasure,
  type SizeMeasure,
  type TaggingMeasure,
  type WorldDb,
} from '../lib/backends-drive';

export interface BackendsChildRequest {
  readonly backend: 'pglite' | 'postgres';
  readonly count: number;
  /** The platform's data directory (catalog, PGlite world, blobs). */
  readonly dataDir: string;
  readonly postgresServer?: string;
  readonly world: string;
  readonly pollMs: number;
  readonly slices: number;
  readonly warmup: number;
  readonly runs: number;
  readonly limit: number;
  /** The ingest stops handing over and cancels the rest of the queue this long after its first call. */
  readonly ingestDeadlineMs: number;
  /** Files handed over ahead of those finished, at most. */
  readonly lead: number;
  readonly outFile: string;
}

export interface DiskUse {
  readonly files: number;
  /** Sum of file sizes. */
  readonly apparentBytes: number;
  /** Blocks allocated on disk (what `du` counts). */
  readonly allocatedBytes: number;
}

export interface BackendsChildResult {
  readonly backend: 'pglite' | 'postgres';
  readonly createMs: number;
  readonly corpus: { readonly files: number; readonly bytes: number; readonly digest: string; readonly ms: number };
  readonly ingest: IngestMeasure;
  /** The runner's error when its loop ended after the ingest: the text stage's, with no model files. */
  readonly runnerError: string | null;
  readonly tagging: TaggingMeasure;
  readonly vacuumMs: number;
  readonly queries: QueryMeasure[];
  readonly sizes: SizeMeasure;
  /** The same right after `createWorld`, before any file. */
  readonly emptySizes: SizeMeasure;
  /** PGlite: the world's data directory (its whole cluster, WAL included). */
  readonly dataDirDisk: DiskUse | null;
  /** The blob store (`FsBlobStore`: one file per blob). */
  readonly blobDisk: DiskUse | null;
  /** `process.resourceUsage().maxRSS` after the ingest, and at the end. */
  readonly maxRssAfterIngestBytes: number;
  readonly maxRssBytes: number;
  /** PostgreSQL: the server process serving this connection, its peak resident set (`VmHWM`). */
  readonly serverBackendPeakRssBytes: number | null;
  /**
   * CPU time during the timed ingest: this process (user + system), the server process serving its
   * connection, and the whole machine (all cores, /proc/stat: what else ran shows here).
   */
  readonly ingestCpu: { readonly processMs: number; readonly serverBackendMs: number | null; readonly machineBusyMs: number };
  readonly serverVersion: string | null;
  readonly serverSettings: Readonly<Record<string, string>> | null;
  readonly pgvectorVersion: string | null;
}

/**
 * The models of this process with no model files: the text model is registered (its loaders) and
 * named as bundled, but every read of its files fails, as in Chromium where the benchmark refuses
 * the app's `/models/` URLs. The text-embedding stage then fails when the runner reaches it.
 */
function resourcesWithoutModelFiles(): ResourceManager {
  const refuse = (path: string): never => {
    throw new Error(`model file ${path} refused (the backends benchmark excludes model stages)`);
  };
  const refused: ModelFiles = {
    kind: 'bundled',
    base: 'refused:/',
    read: async (path) => refuse(path),
    has: async (path) => refuse(path),
  };
  const store = new MemoryModelStore();
  const manager = new ModelExecutionManager({
    probe: nodeCapabilities,
    resolveFiles: registryModelResolver({ store, bundled: async () => refused }),
  });
  manager.registerModelLoader('use-lite', useLiteTextEmbedderLoader);
  manager.registerModelLoader('transformers-text', transformersTextEmbedderLoader);
  const resources = new ResourceManager();
  resources.add(store, ModelStore);
  resources.add(manager, ModelExecutionManager);
  return resources;
}

/** The open world's database handle (not part of `DamApi`; the benchmark reads sizes and runs the runner's VACUUM through it). */
function worldDbOf(app: DamApp): WorldDb & Pick<Database, 'query'> {
  const open = (app as unknown as { open: { world: { db: Database } } | null }).open;
  if (!open) throw new Error('No world is open');
  return open.world.db;
}

async function diskUse(dir: string): Promise<DiskUse | null> {
  let files = 0;
  let apparentBytes = 0;
  let allocatedBytes = 0;
  const walk = async (path: string): Promise<void> => {
    for (const entry of await readdir(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      const info = await lstat(full);
      if (entry.isDirectory()) {
        allocatedBytes += info.blocks * 512;
        await walk(full);
      } else {
        files++;
        apparentBytes += info.size;
        allocatedBytes += info.blocks * 512;
      }
    }
  };
  try {
    await walk(dir);
  } catch {
    return null;
  }
  return { files, apparentBytes, allocatedBytes };
}

/** utime + stime of a process, from /proc (USER_HZ is 100 on Linux). */
async function cpuMsOfProcess(pid: number | null): Promise<number | null> {
  if (pid === null) return null;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** Busy ms of the whole machine, all cores (user, nice, system, irq, softirq, steal). */
async function machineBusyMs(): Promise<number> {
  const cpu = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return (cpu.reduce((a, b) => a + b, 0) - (cpu[3] ?? 0) - (cpu[4] ?? 0)) * 10;
}

async function peakRssOfProcess(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

const maxRss = () => process.resourceUsage().maxRSS * 1024;

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function dropLeftover(server: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(server, 'postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

async function run(request: BackendsChildRequest): Promise<BackendsChildResult> {
  if (request.backend === 'postgres') {
    if (!request.postgresServer) throw new Error('The postgres back end needs a server URL');
    // A run that died earlier may have left its database; the name is this benchmark's own.
    await dropLeftover(request.postgresServer, `dam_${request.world}`);
  }
  const platform = await createNodePlatform({
    dataDir: request.dataDir,
    globalResources: resourcesWithoutModelFiles(),
    ...(request.backend === 'postgres' && { postgresServer: request.postgresServer }),
  });
  const app = new DamApp(platform);
  try {
    const c0 = performance.now();
    const record = await app.createWorld(request.world, { store: request.backend === 'postgres' ? 'postgres' : 'directory' });
    const createMs = performance.now() - c0;
    log(`created the world (${record.store}) in ${(createMs / 1000).toFixed(1)} s`);
    const db = worldDbOf(app);

    const backendPid =
      request.backend === 'postgres' ? Number((await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid) : null;

    const emptySizes = await databaseSizes(db);

    const corpus = prepareCorpus(request.count);
    log(`made ${corpus.files.length} files (${(corpus.bytes / 1e6).toFixed(1)} MB, digest ${corpus.digest}) in ${corpus.ms.toFixed(0)} ms`);
    const cpu0 = process.cpuUsage();
    const server0 = await cpuMsOfProcess(backendPid);
    const machine0 = await machineBusyMs();
    const ingest = await driveIngest(app, corpus, {
      pollMs: request.pollMs,
      deadlineMs: request.ingestDeadlineMs,
      slices: request.slices,
      lead: request.lead,
      log,
    });
    const cpu1 = process.cpuUsage(cpu0);
    const server1 = await cpuMsOfProcess(backendPid);
    const machine1 = await machineBusyMs();
    const ingestCpu = {
      processMs: (cpu1.user + cpu1.system) / 1000,
      serverBackendMs: server0 !== null && server1 !== null ? server1 - server0 : null,
      machineBusyMs: machine1 - machine0,
    };
    const maxRssAfterIngestBytes = maxRss();
    const runnerError = await waitForIdle(app, 300_000);
    log(
      `ingest: ${ingest.timedOut ? `${ingest.finishedAtDeadline} files by the deadline` : `${ingest.files} files searchable after ${((ingest.searchableMs ?? Number.NaN) / 1000).toFixed(1)} s`}; runner stopped with: ${runnerError ?? 'no error'}`,
    );
    const tagging = await tagCorpus(app);
    log(`tagged ${tagging.tagged} assets in ${(tagging.tagMs / 1000).toFixed(1)} s (listing ${(tagging.listMs / 1000).toFixed(1)} s)`);
    const vacuumMs = await refreshStatistics(db);
    const queries = await measureQueries(app, corpusQueries(), { warmup: request.warmup, runs: request.runs, limit: request.limit });
    log(`searches measured: ${queries.map((q) => `${q.name} ${q.matches}`).join('; ')}`);
    const sizes = await databaseSizes(db);

    let serverBackendPeakRssBytes: number | null = null;
    let serverVersion: string | null = null;
    let serverSettings: Record<string, string> | null = null;
    let pgvectorVersion: string | null = null;
    const version = await db.query<{ v: string }>('SELECT version() AS v');
    serverVersion = version.rows[0]?.v ?? null;
    const vector = await db.query<{ v: string }>("SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'");
    pgvectorVersion = vector.rows[0]?.v ?? null;
    const settings = await db.query<{ name: string; setting: string; unit: string | null }>(
      `SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'fsync', 'synchronous_commit', 'full_page_writes', 'max_wal_size', 'autovacuum')`,
    );
    serverSettings = Object.fromEntries(settings.rows.map((r) => [r.name, r.unit ? `${r.setting} × ${r.unit}` : r.setting]));
    if (backendPid !== null) serverBackendPeakRssBytes = await peakRssOfProcess(backendPid);
    const worldDir = join(request.dataDir, 'worlds', request.world);
    const dataDirDisk = request.backend === 'pglite' ? await diskUse(record.databaseUrl) : null;
    const blobDisk = await diskUse(join(worldDir, 'blobs'));
    const result: BackendsChildResult = {
      backend: request.backend,
      createMs,
      corpus: { files: corpus.files.length, bytes: corpus.bytes, digest: corpus.digest, ms: corpus.ms },
      ingest,
      runnerError,
      tagging,
      vacuumMs,
      queries,
      sizes,
      emptySizes,
      dataDirDisk,
      blobDisk,
      maxRssAfterIngestBytes,
      maxRssBytes: maxRss(),
      serverBackendPeakRssBytes,
      ingestCpu,
      serverVersion,
      serverSettings,
      pgvectorVersion,
    };
    await app.deleteWorld(request.world);
    return result;
  } finally {
    await app.close();
  }
}

const request = JSON.parse(process.argv[2] ?? '{}') as BackendsChildRequest;
run(request).then(
  async (result) => {
    await writeFile(request.outFile, JSON.stringify(result));
    process.exit(0);
  },
  (error: unknown) => {
    log(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
