/**
 * The `backends` benchmark's measuring code, run as is in Node (`bench/node/backends-child.ts`)
 * and bundled into the app's page in Chromium (`bench/browser/backends-page.ts`): it drives the
 * app only through its `DamApi` (`enqueueFiles`, `ingestStatus`, `listEntities`, `applyTag`,
 * `listAssets`) and reads sizes through the open world's own database handle.
 */
import type { DamApi, IngestStatus } from '../../src/lib/api/dam-api';
import type { Database } from '../../src/lib/db/database';
import { refreshSearchStatistics } from '../../src/lib/dam/services/search-maintenance';
import { corpusDigest, corpusFile, corpusIndexOf, isTagged, TAG_NAME, type BackendQuery, type CorpusFile } from './backends-corpus';

export type IngestDriveApi = Pick<DamApi, 'enqueueFiles' | 'ingestStatus' | 'cancelIngest'>;

/** The open world's database, as the benchmark reaches it (in Chromium, through the worker's comlink endpoint). */
export type WorldDb = Pick<Database, 'exec' | 'query'>;

/** The first hand-over is small so the world starts at once; then 500 a call, as the app's UI does (`enqueueChunks`). */
const FIRST_CHUNK = 64;
const CHUNK = 500;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface PreparedCorpus {
  readonly files: { readonly name: string; readonly path: string; readonly file: Blob; readonly lastModified: number }[];
  readonly bytes: number;
  readonly digest: string;
  readonly ms: number;
}

/** Files 0..count-1 as Blobs typed by extension, as a browser's `File` would be. */
export function prepareCorpus(count: number): PreparedCorpus {
  const t0 = performance.now();
  const made: CorpusFile[] = [];
  for (let i = 0; i < count; i++) made.push(corpusFile(i));
  const encoder = new TextEncoder();
  let bytes = 0;
  const files = made.map((f) => {
    const data = encoder.encode(f.text);
    bytes += data.byteLength;
    const type = f.name.endsWith('.md') ? 'text/markdown' : 'text/plain';
    return { name: f.name, path: f.path, file: new Blob([data], { type }), lastModified: f.lastModified };
  });
  return { files, bytes, digest: corpusDigest(made), ms: performance.now() - t0 };
}

/** One poll: [ms since the first `enqueueFiles` call, files finished (done + failed, all runs), phase: 0 idle, 1 adding, 2 processing]. */
export type IngestSample = [number, number, number];

export interface IngestMeasure {
  /** Files of the corpus; fewer were ingested when the run hit its deadline (`timedOut`). */
  readonly files: number;
  readonly bytes: number;
  readonly sliceFiles: number;
  /** \`Date.now()\` at the first \`enqueueFiles\` call, to line up CPU samples taken outside. */
  readonly startEpochMs: number;
  /** Files handed over but not yet finished, at most (the hand-over waits beyond it). */
  readonly lead: number;
  /** When the last `enqueueFiles` call returned (ms after the first call started); NaN if the deadline came first. */
  readonly handedOverMs: number;
  /** First poll with every file finished (recorded in its batch's transaction, or failed). */
  readonly recordedMs: number | null;
  /** First poll with every file finished and the runner past `adding`: the last batch's metadata stage done, the queue empty. The timed result. */
  readonly searchableMs: number | null;
  /** When the finished count reached each multiple of `sliceFiles` (interpolated between polls), ms. */
  readonly sliceEndsMs: number[];
  /** Polls, one a second at most (the first and last kept). */
  readonly samples: IngestSample[];
  readonly polls: number;
  /** Polls after the first finished file and before the last that saw the runner not adding: the queue had run dry. */
  readonly dryPolls: number;
  readonly failed: number;
  readonly failures: string[];
  /** The deadline came first: the hand-over stopped, the queue was cancelled (`cancelIngest`) at `finishedAtDeadline` files. */
  readonly timedOut: boolean;
  readonly deadlineMs: number;
  readonly finishedAtDeadline: number | null;
}

const PHASE: Readonly<Record<IngestStatus['phase'], number>> = { idle: 0, adding: 1, processing: 2 };

/**
 * Hands `files` to `enqueueFiles` in the UI's chunks, one call after another and at most `lead`
 * files ahead of those finished, while polling `ingestStatus` every `pollMs`, and times from the
 * first call until every file is recorded and the runner has left `adding`. At `deadlineMs` it
 * stops handing over and cancels the rest of the queue.
 *
 * The progress counters restart when a call finds every earlier file finished (the queue ran
 * dry); the finished count is therefore (files handed over in calls sent before the poll) − (the
 * snapshot's `filesTotal`) + its done + failed: calls and polls reach the world in the order
 * they were sent, and `queued` runs at a call's start.
 */
export async function driveIngest(
  api: IngestDriveApi,
  corpus: PreparedCorpus,
  options: {
    readonly pollMs: number;
    readonly deadlineMs: number;
    readonly slices: number;
    readonly lead: number;
    readonly log?: (line: string) => void;
  },
): Promise<IngestMeasure> {
  const total = corpus.files.length;
  const sliceFiles = Math.max(1, Math.round(total / options.slices));
  const chunks: [number, number][] = [];
  for (let start = 0; start < total;) {
    const end = Math.min(total, start + (start === 0 ? FIRST_CHUNK : CHUNK));
    chunks.push([start, end]);
    start = end;
  }
  let issued = 0;
  let finished = 0;
  let stop = false;
  let handedOverMs = Number.NaN;
  let handOverError: unknown = null;
  const startEpochMs = Date.now();
  const t0 = performance.now();
  const handOver = (async () => {
    for (const [start, end] of chunks) {
      while (!stop && end - finished > options.lead) await sleep(options.pollMs);
      if (stop) return;
      const call = api.enqueueFiles(corpus.files.slice(start, end));
      issued = end;
      await call;
    }
    handedOverMs = performance.now() - t0;
  })().catch((error: unknown) => {
    handOverError = error;
  });

  const all: IngestSample[] = [];
  const sliceEndsMs: number[] = [];
  let recordedMs: number | null = null;
  let searchableMs: number | null = null;
  let dryPolls = 0;
  let last: IngestStatus | null = null;
  let timedOut = false;
  let finishedAtDeadline: number | null = null;
  let nextLog = 0;
  try {
    for (;;) {
      const sentWith = issued;
      const status = await api.ingestStatus();
      const t = performance.now() - t0;
      last = status;
      const previous = all.at(-1);
      const wasFinished = finished;
      finished = sentWith - status.filesTotal + status.filesDone + status.filesFailed;
      all.push([t, finished, PHASE[status.phase]]);
      if (handOverError) throw handOverError instanceof Error ? handOverError : new Error(String(handOverError));
      // The slice ends crossed since the last poll, at the time the count passed them (linear between polls).
      while (sliceEndsMs.length < Math.floor(Math.min(finished, total) / sliceFiles)) {
        const target = (sliceEndsMs.length + 1) * sliceFiles;
        const [pt, pf] = previous ?? [0, 0];
        sliceEndsMs.push(finished === pf ? t : pt + ((target - pf) / (finished - pf)) * (t - pt));
      }
      if (finished >= total && recordedMs === null) recordedMs = t;
      if (wasFinished > 0 && finished < total && status.phase !== 'adding') dryPolls++;
      if (finished >= total && status.phase !== 'adding') {
        searchableMs = t;
        break;
      }
      if (t > options.deadlineMs) {
        timedOut = true;
        finishedAtDeadline = finished;
        options.log?.(
          `deadline: ${finished.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} files recorded; cancelling the rest`,
        );
        break;
      }
      if (options.log && t >= nextLog) {
        options.log(
          `${finished.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} files recorded after ${(t / 1000).toFixed(0)} s`,
        );
        nextLog = t + 60_000;
      }
      await sleep(options.pollMs);
    }
  } finally {
    stop = true;
    await handOver;
  }
  if (timedOut) await api.cancelIngest();
  // One sample a second is plenty for a plot; slice ends were taken from every poll.
  const samples: IngestSample[] = [];
  for (const sample of all) if (samples.length === 0 || sample[0] - samples.at(-1)![0] >= 1000) samples.push(sample);
  if (samples.at(-1) !== all.at(-1)) samples.push(all.at(-1)!);
  return {
    files: total,
    bytes: corpus.bytes,
    sliceFiles,
    startEpochMs,
    lead: options.lead,
    handedOverMs,
    recordedMs,
    searchableMs,
    sliceEndsMs,
    samples: samples.map(([t, f, p]) => [Math.round(t), f, p]),
    polls: all.length,
    dryPolls,
    failed: last?.filesFailed ?? 0,
    failures: (last?.recent ?? []).filter((r) => r.error).map((r) => `${r.name}: ${r.error}`),
    timedOut,
    deadlineMs: options.deadlineMs,
    finishedAtDeadline,
  };
}

/** Waits until the runner is idle (its loop ended) and returns its error, if it stopped on one. */
export async function waitForIdle(api: Pick<DamApi, 'ingestStatus'>, timeoutMs: number): Promise<string | null> {
  const t0 = performance.now();
  for (;;) {
    const status = await api.ingestStatus();
    if (status.phase === 'idle') return status.error;
    if (performance.now() - t0 > timeoutMs) throw new Error(`The runner was still ${status.phase} after ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

export interface TaggingMeasure {
  readonly tagged: number;
  /** Paging through every entity (`listEntities`, 1,000 a call) to find the ones to tag. */
  readonly listMs: number;
  /** `applyTag` in calls of `chunk`. */
  readonly tagMs: number;
  readonly chunk: number;
  /** The runner's error after tagging (the text stage, which tagging marks again). */
  readonly runnerError: string | null;
}

/** Tags every `TAG_EVERY`th file of the corpus (by the number in its name) with `TAG_NAME`. */
export async function tagCorpus(api: Pick<DamApi, 'listEntities' | 'applyTag' | 'ingestStatus'>, chunk = 2000): Promise<TaggingMeasure> {
  const t0 = performance.now();
  const ids: number[] = [];
  for (let afterId = 0; ;) {
    const page = await api.listEntities({ afterId, limit: 1000 });
    if (page.length === 0) break;
    for (const entity of page) {
      const index = corpusIndexOf(entity.label);
      if (index !== null && isTagged(index)) ids.push(entity.id);
    }
    afterId = page.at(-1)!.id;
  }
  const t1 = performance.now();
  for (let i = 0; i < ids.length; i += chunk) await api.applyTag(ids.slice(i, i + chunk), TAG_NAME);
  const t2 = performance.now();
  const runnerError = await waitForIdle(api, 300_000);
  return { tagged: ids.length, listMs: t1 - t0, tagMs: t2 - t1, chunk, runnerError };
}

/** The runner's own end-of-round maintenance (`refreshSearchStatistics`: VACUUM (ANALYZE) of the search tables), timed. */
export async function refreshStatistics(db: WorldDb): Promise<number> {
  const t0 = performance.now();
  await refreshSearchStatistics(db as Database);
  return performance.now() - t0;
}

export interface QueryMeasure {
  readonly name: string;
  readonly search: string;
  /** `total` of the first run: matching assets over all pages. */
  readonly matches: number;
  readonly cards: number;
  readonly warmup: number;
  /** Each timed run, ms. */
  readonly runsMs: number[];
}

/** Each query `warmup` times untimed, then `runs` times timed, one query after the other. */
export async function measureQueries(
  api: Pick<DamApi, 'listAssets'>,
  queries: readonly BackendQuery[],
  options: { readonly warmup: number; readonly runs: number; readonly limit: number },
): Promise<QueryMeasure[]> {
  const out: QueryMeasure[] = [];
  for (const q of queries) {
    const query = q.search ? { search: q.search, limit: options.limit } : { limit: options.limit };
    const first = await api.listAssets(query);
    for (let i = 1; i < options.warmup; i++) await api.listAssets(query);
    const runsMs: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      const t0 = performance.now();
      await api.listAssets(query);
      runsMs.push(performance.now() - t0);
    }
    out.push({ name: q.name, search: q.search, matches: first.total, cards: first.items.length, warmup: options.warmup, runsMs });
  }
  return out;
}

export interface SizeMeasure {
  /** `pg_database_size` of the world's database. */
  readonly databaseBytes: number;
  /** The largest relations (table with its indexes and TOAST), bytes. */
  readonly largest: { readonly name: string; readonly bytes: number }[];
}

export async function databaseSizes(db: WorldDb): Promise<SizeMeasure> {
  const size = await db.query<{ bytes: number }>('SELECT pg_database_size(current_database())::float8 AS bytes');
  const largest = await db.query<{ name: string; bytes: number }>(
    `SELECT c.relname AS name, pg_total_relation_size(c.oid)::float8 AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r'
      ORDER BY 2 DESC LIMIT 6`,
  );
  return {
    databaseBytes: Number(size.rows[0]?.bytes ?? Number.NaN),
    largest: largest.rows.map((r) => ({ name: r.name, bytes: Number(r.bytes) })),
  };
}
