/**
 * Page-side half of the `backends` benchmark's Chromium run, bundled by `bench/lib/bundle.ts` and
 * injected into the app's page: it makes the corpus in the page and runs the shared measuring
 * code (`bench/lib/backends-drive.ts`) against `globalThis.damApi`, the app's comlink proxy of its
 * world worker, so every call crosses to the worker as the UI's do. Installs
 * `globalThis.__backendsBench`; the Node side calls it through `page.evaluate`.
 */
import type { DamApi, StorageReport } from '../../src/lib/api/dam-api';
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

export interface BackendsPageRequest {
  readonly count: number;
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
}

export interface BackendsPageResult {
  readonly store: string;
  readonly createMs: number;
  readonly corpus: { readonly files: number; readonly bytes: number; readonly digest: string; readonly ms: number };
  readonly ingest: IngestMeasure;
  readonly runnerError: string | null;
  readonly tagging: TaggingMeasure;
  readonly vacuumMs: number;
  readonly queries: QueryMeasure[];
  readonly sizes: SizeMeasure;
  /** The same right after `createWorld`, before any file. */
  readonly emptySizes: SizeMeasure;
  /** `navigator.storage.estimate()` through the app, before the world was made and at the end (OPFS + IndexedDB of the origin). */
  readonly storageBefore: StorageReport;
  readonly storageAfter: StorageReport;
  readonly serverVersion: string | null;
  readonly pgvectorVersion: string | null;
}

function api(): DamApi {
  const damApi = (globalThis as { damApi?: unknown }).damApi;
  if (!damApi) throw new Error('globalThis.damApi is missing');
  return damApi as DamApi;
}

function log(line: string): void {
  void (globalThis as unknown as { benchLog?: (line: string) => Promise<void> }).benchLog?.(line);
}

/**
 * The open world's database in the worker, reached through comlink's property path (the
 * `DamApp`'s `open.world.db`; not part of `DamApi`). Only its methods are called, never the proxy
 * awaited.
 */
function worldDb(dam: DamApi): WorldDb {
  return (dam as unknown as { open: { world: { db: WorldDb } } }).open.world.db;
}

async function run(request: BackendsPageRequest): Promise<BackendsPageResult> {
  const dam = api();
  const storageBefore = await dam.storageReport();
  const c0 = performance.now();
  const record = await dam.createWorld(request.world);
  const createMs = performance.now() - c0;
  log(`created the world (${record.store}) in ${(createMs / 1000).toFixed(1)} s`);
  const db = worldDb(dam);
  const emptySizes = await databaseSizes(db);

  const corpus = prepareCorpus(request.count);
  log(`made ${corpus.files.length} files (${(corpus.bytes / 1e6).toFixed(1)} MB, digest ${corpus.digest}) in ${corpus.ms.toFixed(0)} ms`);
  const ingest = await driveIngest(dam, corpus, {
    pollMs: request.pollMs,
    deadlineMs: request.ingestDeadlineMs,
    slices: request.slices,
    lead: request.lead,
    log,
  });
  const runnerError = await waitForIdle(dam, 300_000);
  log(
    `ingest: ${ingest.timedOut ? `${ingest.finishedAtDeadline} files by the deadline` : `${ingest.files} files searchable after ${((ingest.searchableMs ?? Number.NaN) / 1000).toFixed(1)} s`}; runner stopped with: ${runnerError ?? 'no error'}`,
  );
  const tagging = await tagCorpus(dam);
  log(`tagged ${tagging.tagged} assets in ${(tagging.tagMs / 1000).toFixed(1)} s (listing ${(tagging.listMs / 1000).toFixed(1)} s)`);
  const vacuumMs = await refreshStatistics(db);
  const queries = await measureQueries(dam, corpusQueries(), { warmup: request.warmup, runs: request.runs, limit: request.limit });
  log(`searches measured: ${queries.map((q) => `${q.name} ${q.matches}`).join('; ')}`);
  const sizes = await databaseSizes(db);
  const version = await db.query<{ v: string }>('SELECT version() AS v');
  const vector = await db.query<{ v: string }>("SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'");
  const storageAfter = await dam.storageReport();
  return {
    store: record.store,
    createMs,
    corpus: { files: corpus.files.length, bytes: corpus.bytes, digest: corpus.digest, ms: corpus.ms },
    ingest,
    runnerError,
    tagging,
    vacuumMs,
    queries,
    sizes,
    emptySizes,
    storageBefore,
    storageAfter,
    serverVersion: version.rows[0]?.v ?? null,
    pgvectorVersion: vector.rows[0]?.v ?? null,
  };
}

(globalThis as unknown as { __backendsBench: { run: typeof run } }).__backendsBench = { run };
