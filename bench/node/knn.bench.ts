import v8 from 'node:v8';
import vm from 'node:vm';
import { PgliteDatabase } from '../../src/lib/db/pglite-database';
import { HNSW_EF_SEARCH } from '../../src/lib/dam/services/vector-search';
// mulberry32, seedable: every run (and every size) sees the same vectors.
import { prng } from '../browser/ingest-jpeg-fixtures';
import { describeMachine } from '../lib/machine';
import { cell, table } from '../lib/markdown';
import { formatMs, quantile } from '../lib/stats';
import type { Benchmark, BenchContext, RunMeta } from '../lib/types';

/**
 * kNN (vector) search in PGlite + pgvector, the way the app's semantic search queries it:
 * latency p50/p95 and recall@10 against exact search, for HNSW at several `hnsw.ef_search`
 * values, exact SQL (the same query with index scans off) and brute force in JS, at each size;
 * plus load and index build times, relation sizes and memory, for `vector` and `halfvec`.
 *
 * It runs in Node, in this process, and does not use the browser the runner starts: PGlite in
 * Node is the same WebAssembly build of Postgres + pgvector that the app's world worker runs,
 * and it is opened the same way (`PgliteDatabase.open('memory://')`). What it leaves out is the
 * comlink round trip to the worker and the browser's own JIT and memory limits.
 */

const DIM = 384;
const K = 10;
/** Untimed queries before each measured configuration, drawn like the timed ones but never timed. */
const WARMUP_QUERIES = 10;

export type VectorType = 'vector' | 'halfvec';

export interface KnnOptions {
  readonly sizes: readonly number[];
  readonly queries: number;
  readonly efSearch: readonly number[];
  /** halfvec is measured at these sizes only (by default the largest): its index build is the slowest step. */
  readonly halfvecSizes: readonly number[];
  /** Rows inserted one by one into the built index, as the app adds embeddings; the rest are bulk-loaded. */
  readonly incrementalRows: number;
  /**
   * `SET maintenance_work_mem` for the index build; null keeps PGlite's 64MB. The graph takes about
   * 2 kB a vector, so at 100k it would outgrow 64MB and pgvector would insert the rest into the
   * on-disk index one by one, at about the cost of the one-row inserts measured here (several
   * times a step of the in-memory build).
   */
  readonly maintenanceWorkMem: string | null;
  readonly seed: number;
}

export const DEFAULT_OPTIONS: KnnOptions = {
  sizes: [10_000, 100_000],
  queries: 100,
  efSearch: [40, 64, 100, 200],
  halfvecSizes: [100_000],
  incrementalRows: 500,
  maintenanceWorkMem: '512MB',
  seed: 20_241_124,
};

/** Shape of the synthetic data, written beside the results. */
export const DATA_SHAPE = { clusters: 200, subspaceRank: 32, subspaceScale: 0.6, isotropicNoise: 0.6 } as const;

export interface Latency {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
  readonly mean: number;
  readonly max: number;
}

export interface MethodResult {
  readonly method: 'js-brute-force' | 'exact-sql' | 'hnsw' | 'parse-only';
  readonly type: VectorType | 'float32';
  readonly efSearch: number | null;
  readonly latency: Latency;
  /** Mean over queries of |result ∩ exact top 10| / 10; null for the ground truth itself. */
  readonly recall: number | null;
  readonly minRecall: number | null;
  /** Queries that found fewer than half of their true top 10: the search got stuck in the wrong region. */
  readonly missedQueries: number | null;
  /** The EXPLAIN plan's nodes for the SQL methods: proof of an index scan or a sequential scan. */
  readonly plan: string | null;
  /** HNSW only: whether the planner picks the index by itself (the benchmark forces it either way). */
  readonly plannerChoseIndex: boolean | null;
}

export interface MemorySnapshot {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly externalBytes: number;
  readonly arrayBuffersBytes: number;
}

export interface StoreResult {
  readonly type: VectorType;
  readonly bulkRows: number;
  readonly loadMs: number;
  /** Each binary COPY of up to COPY_CHUNK rows, in order: shows how loading slows as the table grows. */
  readonly loadChunkMs: number[];
  readonly indexBuildMs: number;
  readonly buildNotices: string[];
  /** pg_wal right after the build; a CHECKPOINT runs before the data directory is dumped. */
  readonly walBytesBeforeCheckpoint: number;
  readonly walBytesAfterCheckpoint: number;
  /** WebAssembly memory of the instance that built the index, right after the build. */
  readonly buildWasmHeapBytes: number | null;
  readonly incremental: Latency;
  readonly sizes: { readonly tableBytes: number; readonly indexBytes: number; readonly totalBytes: number; readonly databaseBytes: number };
  /** The uncompressed data directory tarball (after a CHECKPOINT) the query instance was opened from. */
  readonly dumpBytes: number;
  /** Opening a fresh instance from that dump: about what opening a saved world with N vectors costs. */
  readonly openMs: number;
  readonly wasmHeapAfterOpenBytes: number | null;
  /** WebAssembly memory of the query instance after all queries (it only grows: its high-water mark). */
  readonly wasmHeapBytes: number | null;
  /** Before the world was built: no PGlite instance open (after a forced GC). */
  readonly memoryBefore: MemorySnapshot;
  readonly memoryAfter: MemorySnapshot;
  readonly methods: MethodResult[];
}

export interface SizeResult {
  readonly n: number;
  readonly generateMs: number;
  /** Mean cosine similarity of each query's 1st and 10th exact neighbour: how "embedding-like" the data is. */
  readonly meanTop1Cosine: number;
  readonly meanTop10Cosine: number;
  readonly js: MethodResult;
  readonly stores: StoreResult[];
}

export interface KnnResult {
  readonly options: KnnOptions;
  readonly dim: number;
  readonly k: number;
  readonly dataShape: typeof DATA_SHAPE;
  readonly settings: Record<string, string>;
  readonly gcAvailable: boolean;
  readonly maxRssBytes: number;
  readonly durationMs: number;
  readonly sizes: SizeResult[];
}

// ---------------------------------------------------------------------------------------------
// Deterministic data

function gaussian(random: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    // Box-Muller; 1 - u keeps log() away from 0.
    const r = Math.sqrt(-2 * Math.log(1 - random()));
    const theta = 2 * Math.PI * random();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
}

function normalizeInto(target: Float32Array, offset: number, source: Float64Array): void {
  let norm = 0;
  for (let d = 0; d < DIM; d++) norm += source[d]! * source[d]!;
  const scale = 1 / Math.sqrt(norm);
  for (let d = 0; d < DIM; d++) target[offset + d] = source[d]! * scale;
}

interface Clusters {
  readonly centroids: Float64Array;
  /** Per cluster, `subspaceRank` directions its members spread along. */
  readonly bases: Float64Array;
  readonly spread: Float64Array;
}

/**
 * Cluster centres plus, per cluster, a few directions its members vary along. Real sentence
 * embeddings are clustered and of low intrinsic dimension; isotropic noise around a centroid in
 * 384 dimensions would make every member of a cluster almost equally far from every other, so
 * the "true" neighbours would be near-ties and HNSW recall would look artificially bad.
 */
function makeClusters(seed: number): Clusters {
  const { clusters, subspaceRank } = DATA_SHAPE;
  const random = prng(seed);
  const normal = gaussian(random);
  const centroids = new Float64Array(clusters * DIM);
  const bases = new Float64Array(clusters * subspaceRank * DIM);
  const spread = new Float64Array(clusters);
  for (let c = 0; c < clusters; c++) {
    let norm = 0;
    for (let d = 0; d < DIM; d++) {
      const v = normal();
      centroids[c * DIM + d] = v;
      norm += v * v;
    }
    for (let d = 0; d < DIM; d++) centroids[c * DIM + d]! /= Math.sqrt(norm);
    // Columns of about unit length: nearly orthogonal in 384 dimensions.
    for (let i = 0; i < subspaceRank * DIM; i++) bases[c * subspaceRank * DIM + i] = normal() / Math.sqrt(DIM);
    // Some topics are tighter than others.
    spread[c] = 0.7 + 0.6 * random();
  }
  return { centroids, bases, spread };
}

/** `count` unit vectors, each a random cluster's centre plus in-cluster and isotropic noise. */
function makeVectors(clusters: Clusters, count: number, seed: number): Float32Array {
  const { clusters: clusterCount, subspaceRank, subspaceScale, isotropicNoise } = DATA_SHAPE;
  const random = prng(seed);
  const normal = gaussian(random);
  const out = new Float32Array(count * DIM);
  const v = new Float64Array(DIM);
  const coefficients = new Float64Array(subspaceRank);
  const noiseScale = isotropicNoise / Math.sqrt(DIM);
  for (let i = 0; i < count; i++) {
    const c = Math.floor(random() * clusterCount);
    const spread = (clusters.spread[c]! * subspaceScale) / Math.sqrt(subspaceRank);
    for (let r = 0; r < subspaceRank; r++) coefficients[r] = normal() * spread;
    for (let d = 0; d < DIM; d++) v[d] = clusters.centroids[c * DIM + d]! + normal() * noiseScale;
    for (let r = 0; r < subspaceRank; r++) {
      const base = (c * subspaceRank + r) * DIM;
      const a = coefficients[r]!;
      for (let d = 0; d < DIM; d++) v[d]! += a * clusters.bases[base + d]!;
    }
    normalizeInto(out, i * DIM, v);
  }
  return out;
}

/** A pgvector literal; 9 significant digits give back exactly the same float32 in Postgres. */
function vectorLiteral(vectors: Float32Array, index: number): string {
  const parts = new Array<string>(DIM);
  for (let d = 0; d < DIM; d++) parts[d] = vectors[index * DIM + d]!.toPrecision(9);
  return `[${parts.join(',')}]`;
}

// ---------------------------------------------------------------------------------------------
// Exact search in JS (ground truth and baseline)

interface Neighbours {
  readonly ids: Int32Array;
  readonly scores: Float64Array;
}

/** Exact top K by dot product (= cosine, the vectors are unit length) over the first `n` vectors. */
function bruteForceTopK(base: Float32Array, n: number, queries: Float32Array, q: number): Neighbours {
  const ids = new Int32Array(K).fill(-1);
  const scores = new Float64Array(K).fill(-Infinity);
  const qo = q * DIM;
  for (let i = 0; i < n; i++) {
    const bo = i * DIM;
    let dot = 0;
    for (let d = 0; d < DIM; d++) dot += base[bo + d]! * queries[qo + d]!;
    if (dot <= scores[K - 1]!) continue;
    // Insertion into the short sorted list: K is 10, cheaper than a heap.
    let j = K - 1;
    while (j > 0 && scores[j - 1]! < dot) {
      scores[j] = scores[j - 1]!;
      ids[j] = ids[j - 1]!;
      j--;
    }
    scores[j] = dot;
    ids[j] = i;
  }
  return { ids, scores };
}

function latency(samples: readonly number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    mean: sorted.reduce((sum, v) => sum + v, 0) / Math.max(1, sorted.length),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** A query below this recall@10 counts as missed. */
const MISSED_BELOW = 0.5;

function recallOf(found: readonly number[], truth: Neighbours): number {
  const expected = new Set(truth.ids);
  return found.filter((id) => expected.has(id)).length / K;
}

// ---------------------------------------------------------------------------------------------
// Memory

let gcFunction: (() => void) | null | undefined;

/**
 * `global.gc` without `--expose-gc` on the command line, so that a closed instance's memory is
 * not still counted in RSS. Looked up on first use: importing the benchmark changes no V8 flags.
 */
function gc(): (() => void) | null {
  if (gcFunction === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gcFunction = vm.runInNewContext('gc') as () => void;
    } catch {
      gcFunction = null;
    }
  }
  return gcFunction;
}

function memorySnapshot(): MemorySnapshot {
  // Twice: a closed instance's WebAssembly memory can need a second cycle to be released.
  gc()?.();
  gc()?.();
  const m = process.memoryUsage();
  return { rssBytes: m.rss, heapUsedBytes: m.heapUsed, externalBytes: m.external, arrayBuffersBytes: m.arrayBuffers };
}

/** PGlite keeps its Emscripten module private; its WebAssembly memory is the Postgres heap. */
function wasmHeapBytes(db: PgliteDatabase): number | null {
  const mod = (db.pg as unknown as { mod?: { wasmMemory?: WebAssembly.Memory; HEAPU8?: Uint8Array } }).mod;
  return mod?.wasmMemory?.buffer.byteLength ?? mod?.HEAPU8?.byteLength ?? null;
}

// ---------------------------------------------------------------------------------------------
// PGlite

interface SizeRow {
  table_bytes: string | number;
  index_bytes: string | number;
  total_bytes: string | number;
  database_bytes: string | number;
}

const TABLE = 'knn_items';
const INDEX = 'knn_items_hnsw_idx';
/** Rows per binary COPY (about 16 MB each), to keep the benchmark's own memory peak low. */
const COPY_CHUNK = 10_000;
const COPY_SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]; // "PGCOPY\n\377\r\n\0"

/**
 * Rows [start, end) as a binary COPY file: `(entity_id bigint, embedding_vector vector)`, the
 * vector in pgvector's binary form (int16 dim, int16 unused, float4 values). Binary, because
 * parsing 384 numbers of text costs about a millisecond per row in PGlite.
 */
function binaryCopy(base: Float32Array, start: number, end: number): Blob {
  const rowBytes = 2 + (4 + 8) + (4 + 4 + 4 * DIM);
  const buffer = new ArrayBuffer(COPY_SIGNATURE.length + 8 + (end - start) * rowBytes + 2);
  const view = new DataView(buffer);
  new Uint8Array(buffer).set(COPY_SIGNATURE);
  let o = COPY_SIGNATURE.length + 8; // flags and header extension length: both 0
  for (let i = start; i < end; i++) {
    view.setInt16(o, 2);
    view.setInt32(o + 2, 8);
    view.setBigInt64(o + 6, BigInt(i + 1));
    view.setInt32(o + 14, 4 + 4 * DIM);
    view.setInt16(o + 18, DIM);
    view.setInt16(o + 20, 0);
    o += 22;
    for (let d = 0; d < DIM; d++, o += 4) view.setFloat32(o, base[i * DIM + d]!);
  }
  view.setInt16(o, -1);
  return new Blob([buffer]);
}

/**
 * Bulk-loads rows [0, end) with binary COPY through PGlite's `/dev/blob`. halfvec goes through a
 * vector staging table and pgvector's own cast rather than a float16 encoder written here.
 */
async function bulkLoad(db: PgliteDatabase, type: VectorType, base: Float32Array, end: number): Promise<number[]> {
  const target = type === 'vector' ? TABLE : 'knn_staging';
  if (type === 'halfvec')
    await db.pg.exec(`CREATE TABLE knn_staging (entity_id bigint NOT NULL, embedding_vector vector(${DIM}) NOT NULL)`);
  const chunkMs: number[] = [];
  for (let start = 0; start < end; start += COPY_CHUNK) {
    const blob = binaryCopy(base, start, Math.min(end, start + COPY_CHUNK));
    const t0 = performance.now();
    await db.pg.query(`COPY ${target} (entity_id, embedding_vector) FROM '/dev/blob' WITH (FORMAT binary)`, [], { blob });
    chunkMs.push(performance.now() - t0);
  }
  if (type === 'halfvec') {
    await db.pg.exec(
      `INSERT INTO ${TABLE} SELECT entity_id, embedding_vector::halfvec(${DIM}) FROM knn_staging ORDER BY entity_id; DROP TABLE knn_staging;`,
    );
  }
  return chunkMs;
}

/** The size of pg_wal: part of the data directory a `memory://` or `idb://` world keeps in memory. */
async function walBytes(db: PgliteDatabase): Promise<number> {
  const { rows } = await db.pg.query<{ bytes: string | number | null }>(`SELECT sum(size) AS bytes FROM pg_ls_waldir()`);
  return Number(rows[0]?.bytes ?? 0);
}

async function showSetting(db: PgliteDatabase, name: string): Promise<string> {
  const { rows } = await db.pg.query<Record<string, string>>(`SHOW ${name}`);
  return String(Object.values(rows[0] ?? {})[0] ?? '');
}

/** The plan's nodes without costs or the 384-number literal, e.g. `Limit → Index Scan using … on knn_items`. */
async function planNodes(db: PgliteDatabase, sql: string, literal: string): Promise<string> {
  const { rows } = await db.pg.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, [literal]);
  return rows
    .map((r) => r['QUERY PLAN'].trim())
    .filter((line, i) => i === 0 || line.startsWith('->'))
    .map((line) => line.replace(/^->\s*/, '').replace(/\s*\(cost=.*$/, ''))
    .join(' → ');
}

interface QueryRun {
  readonly latency: Latency;
  readonly recall: number;
  readonly minRecall: number;
  readonly missedQueries: number;
}

/** Times each query alone (the SET statements run before, untimed) and scores it against the truth. */
async function timeQueries(
  db: PgliteDatabase,
  sql: string,
  literals: readonly string[],
  warmup: readonly string[],
  truth: readonly Neighbours[],
): Promise<QueryRun> {
  for (const literal of warmup) await db.query(sql, [literal]);
  const samples: number[] = [];
  const recalls: number[] = [];
  for (const [q, literal] of literals.entries()) {
    const t0 = performance.now();
    const { rows } = await db.query<{ entity_id: string | number }>(sql, [literal]);
    samples.push(performance.now() - t0);
    recalls.push(
      recallOf(
        rows.map((r) => Number(r.entity_id) - 1),
        truth[q]!,
      ),
    );
  }
  return {
    latency: latency(samples),
    recall: recalls.reduce((a, b) => a + b, 0) / recalls.length,
    minRecall: Math.min(...recalls),
    missedQueries: recalls.filter((r) => r < MISSED_BELOW).length,
  };
}

interface StoreInput {
  readonly type: VectorType;
  readonly n: number;
  readonly base: Float32Array;
  readonly literals: readonly string[];
  readonly warmup: readonly string[];
  readonly truth: readonly Neighbours[];
}

/** What a build hands to the query instance: the build's part of `StoreResult`, and its dump. */
type Built = Pick<
  StoreResult,
  | 'bulkRows'
  | 'loadMs'
  | 'loadChunkMs'
  | 'indexBuildMs'
  | 'buildNotices'
  | 'walBytesBeforeCheckpoint'
  | 'walBytesAfterCheckpoint'
  | 'buildWasmHeapBytes'
  | 'incremental'
  | 'sizes'
> & {
  /** The data directory tarball; dropped once the query instance has opened it. */
  dump: Blob | null;
};

/**
 * Builds the world in a throwaway instance and dumps its data directory: the build grows the
 * WebAssembly heap (which never shrinks), and the app never bulk-builds, so queries and memory
 * are measured in a fresh instance that opens the dump, as a worker opens a saved world.
 */
async function buildWorld(input: StoreInput, options: KnnOptions, log: (m: string) => void): Promise<Built> {
  const { type, n, base } = input;
  const incrementalRows = Math.min(options.incrementalRows, Math.floor(n / 10));
  const bulkRows = n - incrementalRows;
  const db = await PgliteDatabase.open('memory://');
  try {
    // The app's table shape (migration 0004), without the columns the search does not read.
    await db.pg.exec(`CREATE TABLE ${TABLE} (entity_id bigint NOT NULL, embedding_vector ${type}(${DIM}) NOT NULL)`);
    let t0 = performance.now();
    const loadChunkMs = await bulkLoad(db, type, base, bulkRows);
    const loadMs = performance.now() - t0;
    log(`  ${type} n=${n}: loaded ${bulkRows} rows in ${formatMs(loadMs)}`);

    if (options.maintenanceWorkMem) await db.pg.exec(`SET maintenance_work_mem = '${options.maintenanceWorkMem}'`);
    const buildNotices: string[] = [];
    t0 = performance.now();
    // pgvector's defaults, as in the migration: m = 16, ef_construction = 64.
    await db.pg.query(`CREATE INDEX ${INDEX} ON ${TABLE} USING hnsw (embedding_vector ${type}_cosine_ops)`, [], {
      onNotice: (notice) => buildNotices.push(notice.message ?? String(notice)),
    });
    const indexBuildMs = performance.now() - t0;
    const buildWasmHeapBytes = wasmHeapBytes(db);
    log(`  ${type} n=${n}: built the HNSW index in ${formatMs(indexBuildMs)}${buildNotices.length ? ` (${buildNotices.join('; ')})` : ''}`);

    // The rest arrive one by one through the built index, as the app adds embeddings (as text).
    const insertSamples: number[] = [];
    for (let i = bulkRows; i < n; i++) {
      const sql = `INSERT INTO ${TABLE} (entity_id, embedding_vector) VALUES (${i + 1}, '${vectorLiteral(base, i)}')`;
      t0 = performance.now();
      await db.query(sql);
      insertSamples.push(performance.now() - t0);
    }
    await db.pg.exec(`VACUUM ANALYZE ${TABLE}`);

    const { rows } = await db.pg.query<SizeRow>(
      `SELECT pg_relation_size('${TABLE}') AS table_bytes, pg_relation_size('${INDEX}') AS index_bytes,
              pg_total_relation_size('${TABLE}') AS total_bytes, pg_database_size(current_database()) AS database_bytes`,
    );
    const s = rows[0]!;
    // The build leaves hundreds of MB of WAL (up to max_wal_size) until a checkpoint recycles it;
    // a saved world that has been checkpointed is the fairer thing to open and measure.
    const walBytesBeforeCheckpoint = await walBytes(db);
    await db.pg.exec('CHECKPOINT');
    return {
      bulkRows,
      loadMs,
      loadChunkMs,
      indexBuildMs,
      buildNotices,
      walBytesBeforeCheckpoint,
      walBytesAfterCheckpoint: await walBytes(db),
      buildWasmHeapBytes,
      incremental: latency(insertSamples),
      sizes: {
        tableBytes: Number(s.table_bytes),
        indexBytes: Number(s.index_bytes),
        totalBytes: Number(s.total_bytes),
        databaseBytes: Number(s.database_bytes),
      },
      dump: await db.pg.dumpDataDir('none'),
    };
  } finally {
    await db.close();
  }
}

/** HNSW at each ef_search, then exact SQL, then the cost of parsing the query vector alone. */
async function queryWorld(db: PgliteDatabase, input: StoreInput, options: KnnOptions, log: (m: string) => void): Promise<MethodResult[]> {
  const { type, n, literals, warmup, truth } = input;
  // The app's query (semantic-service.ts): iterative scan on, ORDER BY cosine distance, LIMIT.
  const sql = `SELECT entity_id FROM ${TABLE} ORDER BY embedding_vector <=> $1::${type}(${DIM}) LIMIT ${K}`;
  await db.pg.exec(`SET hnsw.iterative_scan = relaxed_order`);
  const methods: MethodResult[] = [];
  for (const ef of options.efSearch) {
    await db.pg.exec(`SET hnsw.ef_search = ${ef}`);
    // On a small table with a large ef_search the planner may prefer a sequential scan (as it
    // would in the app); record that, then force the index so the row measures HNSW.
    const plannerPlan = await planNodes(db, sql, literals[0]!);
    await db.pg.exec(`SET enable_seqscan = off`);
    const plan = await planNodes(db, sql, literals[0]!);
    if (!plan.includes(INDEX)) throw new Error(`The HNSW query did not use ${INDEX}: ${plan}`);
    const run = await timeQueries(db, sql, literals, warmup, truth);
    await db.pg.exec(`RESET enable_seqscan`);
    methods.push({ method: 'hnsw', type, efSearch: ef, ...run, plan, plannerChoseIndex: plannerPlan.includes(INDEX) });
    log(
      `  ${type} n=${n} ef_search=${ef}: p50 ${formatMs(run.latency.p50)}, p95 ${formatMs(run.latency.p95)}, recall@10 ${run.recall.toFixed(3)}`,
    );
  }

  // Exact SQL: the same query with index scans off, so Postgres scans and sorts every row.
  await db.pg.exec(`SET enable_indexscan = off`);
  const exactPlan = await planNodes(db, sql, literals[0]!);
  if (exactPlan.includes(INDEX)) throw new Error(`The exact query still used ${INDEX}: ${exactPlan}`);
  const exact = await timeQueries(db, sql, literals, warmup, truth);
  await db.pg.exec(`RESET enable_indexscan`);
  methods.unshift({ method: 'exact-sql', type, efSearch: null, ...exact, plan: exactPlan, plannerChoseIndex: null });
  log(`  ${type} n=${n} exact SQL: p50 ${formatMs(exact.latency.p50)}, recall@10 ${exact.recall.toFixed(3)}`);

  // The floor under every SQL row: a round trip that only parses the 384-number text parameter.
  const floorSql = `SELECT vector_dims($1::${type}(${DIM})) AS entity_id`;
  for (const literal of warmup) await db.query(floorSql, [literal]);
  const floor: number[] = [];
  for (const literal of literals) {
    const t0 = performance.now();
    await db.query(floorSql, [literal]);
    floor.push(performance.now() - t0);
  }
  methods.push({
    method: 'parse-only',
    type,
    efSearch: null,
    latency: latency(floor),
    recall: null,
    minRecall: null,
    missedQueries: null,
    plan: null,
    plannerChoseIndex: null,
  });
  return methods;
}

async function measureStore(input: StoreInput, options: KnnOptions, log: (m: string) => void): Promise<StoreResult> {
  const { type, n } = input;
  // Before the builder opens: no PGlite instance and no dump in memory yet.
  const memoryBefore = memorySnapshot();
  const built = await buildWorld(input, options, log);
  const dumpBytes = built.dump!.size;
  const t0 = performance.now();
  const db = await PgliteDatabase.open('memory://', { loadDataDir: built.dump! });
  const openMs = performance.now() - t0;
  // Let it go, so the RSS after the queries counts the open world and not its tarball.
  built.dump = null;
  try {
    const wasmHeapAfterOpenBytes = wasmHeapBytes(db);
    log(`  ${type} n=${n}: reopened from a ${mib(dumpBytes)} dump in ${formatMs(openMs)}`);
    const methods = await queryWorld(db, input, options, log);
    const { dump: _dump, ...facts } = built;
    return {
      type,
      ...facts,
      dumpBytes,
      openMs,
      wasmHeapAfterOpenBytes,
      wasmHeapBytes: wasmHeapBytes(db),
      memoryBefore,
      memoryAfter: memorySnapshot(),
      methods,
    };
  } finally {
    await db.close();
  }
}

async function readSettings(): Promise<Record<string, string>> {
  const db = await PgliteDatabase.open('memory://');
  try {
    const settings: Record<string, string> = {};
    for (const name of ['server_version', 'shared_buffers', 'work_mem', 'maintenance_work_mem', 'hnsw.ef_search']) {
      settings[name] = await showSetting(db, name);
    }
    const { rows } = await db.pg.query<{ extversion: string }>(`SELECT extversion FROM pg_extension WHERE extname = 'vector'`);
    settings.pgvector = rows[0]?.extversion ?? 'unknown';
    return settings;
  } finally {
    await db.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The run

export async function runKnnBench(context: Pick<BenchContext, 'log'>, options: KnnOptions = DEFAULT_OPTIONS): Promise<KnnResult> {
  const { log } = context;
  const started = performance.now();
  const settings = await readSettings();
  log(`PGlite: Postgres ${settings.server_version}, pgvector ${settings.pgvector}, shared_buffers ${settings.shared_buffers}`);

  const clusters = makeClusters(options.seed);
  // Queries come from their own stream, so every size is searched with the same queries, and
  // each smaller world is a prefix of the larger ones.
  const queryVectors = makeVectors(clusters, options.queries + WARMUP_QUERIES, options.seed + 1);
  const literals = Array.from({ length: options.queries }, (_, q) => vectorLiteral(queryVectors, q));
  const warmup = Array.from({ length: WARMUP_QUERIES }, (_, w) => vectorLiteral(queryVectors, options.queries + w));
  const largest = Math.max(...options.sizes);
  let t0 = performance.now();
  const base = makeVectors(clusters, largest, options.seed + 2);
  const generateMs = performance.now() - t0;
  log(`generated ${largest} + ${options.queries + WARMUP_QUERIES} vectors in ${formatMs(generateMs)}`);

  const sizes: SizeResult[] = [];
  for (const n of [...options.sizes].sort((a, b) => a - b)) {
    // Ground truth and the JS baseline: warm the JIT first, then time every query.
    for (let w = 0; w < WARMUP_QUERIES; w++) bruteForceTopK(base, n, queryVectors, options.queries + w);
    const truth: Neighbours[] = [];
    const jsSamples: number[] = [];
    for (let q = 0; q < options.queries; q++) {
      t0 = performance.now();
      truth.push(bruteForceTopK(base, n, queryVectors, q));
      jsSamples.push(performance.now() - t0);
    }
    const js: MethodResult = {
      method: 'js-brute-force',
      type: 'float32',
      efSearch: null,
      latency: latency(jsSamples),
      recall: null,
      minRecall: null,
      missedQueries: null,
      plan: null,
      plannerChoseIndex: null,
    };
    log(`n=${n}: JS brute force p50 ${formatMs(js.latency.p50)}, p95 ${formatMs(js.latency.p95)}`);

    const types: VectorType[] = options.halfvecSizes.includes(n) ? ['vector', 'halfvec'] : ['vector'];
    const stores: StoreResult[] = [];
    for (const type of types) stores.push(await measureStore({ type, n, base, literals, warmup, truth }, options, log));
    sizes.push({
      n,
      generateMs,
      meanTop1Cosine: truth.reduce((sum, t) => sum + t.scores[0]!, 0) / truth.length,
      meanTop10Cosine: truth.reduce((sum, t) => sum + t.scores[K - 1]!, 0) / truth.length,
      js,
      stores,
    });
  }
  return {
    options,
    dim: DIM,
    k: K,
    dataShape: DATA_SHAPE,
    settings,
    gcAvailable: gc() !== null,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    durationMs: performance.now() - started,
    sizes,
  };
}

// ---------------------------------------------------------------------------------------------
// Markdown

const GOAL = { p50Ms: 20, recall: 0.95 } as const;

function mib(bytes: number | null): string {
  return bytes === null || !Number.isFinite(bytes) ? 'n/a' : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined ? 'n/a' : `${(a / b).toFixed(1)}×`;
}

function methodName(m: MethodResult): string {
  switch (m.method) {
    case 'js-brute-force':
      return 'JS brute force, float32 (the ground truth; no database)';
    case 'exact-sql':
      return `exact SQL, \`${m.type}\` (index scans off: sequential scan + sort)`;
    case 'parse-only':
      return `floor: a query that only parses the text vector (\`SELECT vector_dims($1::${m.type})\`)`;
    case 'hnsw': {
      const forced = m.plannerChoseIndex === false ? ' (index forced; the planner alone would scan the table)' : '';
      return `HNSW, \`${m.type}\`, \`ef_search = ${m.efSearch}\`${forced}`;
    }
  }
}

function meetsGoal(m: MethodResult): boolean {
  return m.method === 'hnsw' && m.recall !== null && m.recall >= GOAL.recall && m.latency.p50 <= GOAL.p50Ms;
}

function recallCell(m: MethodResult): string {
  if (m.method === 'js-brute-force') return '1 (by definition)';
  if (m.recall === null) return '—';
  const missed = m.missedQueries ? `; ${m.missedQueries} missed` : '';
  return `${m.recall.toFixed(3)} (worst query ${m.minRecall!.toFixed(1)}${missed})`;
}

function methodRow(m: MethodResult): string[] {
  const goal = m.method === 'hnsw' ? (meetsGoal(m) ? 'yes' : 'no') : '';
  return [methodName(m), formatMs(m.latency.p50), formatMs(m.latency.p95), recallCell(m), goal];
}

function loadCell(s: StoreResult): string {
  const rate = `${count(Math.round(s.bulkRows / (s.loadMs / 1000)))} rows/s`;
  const first = s.loadChunkMs[0];
  const last = s.loadChunkMs[s.loadChunkMs.length - 1];
  const chunks = s.loadChunkMs.length > 1 ? `; first COPY ${formatMs(first!)}, last ${formatMs(last!)}` : '';
  return `${formatMs(s.loadMs)} (${rate}${chunks})`;
}

function storeRow(s: StoreResult): string[] {
  return [
    `\`${s.type}(384)\``,
    loadCell(s),
    `${formatMs(s.indexBuildMs)}${s.buildNotices.length ? ' (outgrew `maintenance_work_mem`)' : ''}; heap ${mib(s.buildWasmHeapBytes)}`,
    `${formatMs(s.incremental.p50)} / ${formatMs(s.incremental.p95)}`,
    `${mib(s.sizes.tableBytes)} + ${mib(s.sizes.indexBytes)} = ${mib(s.sizes.totalBytes)}`,
    `${mib(s.walBytesBeforeCheckpoint)} → ${mib(s.walBytesAfterCheckpoint)}`,
    `${formatMs(s.openMs)} (data directory ${mib(s.dumpBytes)})`,
    `${mib(s.wasmHeapAfterOpenBytes)} → ${mib(s.wasmHeapBytes)}`,
    `${mib(s.memoryBefore.rssBytes)} → ${mib(s.memoryAfter.rssBytes)}`,
  ];
}

function hnswRows(size: SizeResult, type: VectorType): MethodResult[] {
  return size.stores.find((s) => s.type === type)?.methods.filter((m) => m.method === 'hnsw') ?? [];
}

function methodOf(size: SizeResult, type: VectorType, method: MethodResult['method']): MethodResult | undefined {
  return size.stores.find((s) => s.type === type)?.methods.find((m) => m.method === method);
}

/** The cheapest ef_search that meets the goal at the given size and type, if any. */
function cheapestMeetingGoal(size: SizeResult, type: VectorType): MethodResult | null {
  return (
    hnswRows(size, type)
      .filter(meetsGoal)
      .sort((a, b) => a.efSearch! - b.efSearch!)[0] ?? null
  );
}

interface Recommendation {
  readonly ef: number;
  /** False when every value that meets the goal still misses some queries entirely. */
  readonly noMisses: boolean;
}

/**
 * The cheapest ef_search that meets the goal at the largest size and has enough recall at every
 * size, preferring one with no missed query: a mean can hide a search that returns none of the
 * true neighbours, which a user sees as a wrong answer, and a bigger candidate list costs little.
 */
function recommend(result: KnnResult, largest: SizeResult): Recommendation | null {
  const rowsAt = (ef: number) => result.sizes.map((size) => hnswRows(size, 'vector').find((m) => m.efSearch === ef));
  const meeting = hnswRows(largest, 'vector')
    .filter(meetsGoal)
    .map((m) => m.efSearch!)
    .filter((ef) => rowsAt(ef).every((m) => (m?.recall ?? 0) >= GOAL.recall))
    .sort((a, b) => a - b);
  const clean = meeting.find((ef) => rowsAt(ef).every((m) => m?.missedQueries === 0));
  if (clean !== undefined) return { ef: clean, noMisses: true };
  return meeting[0] === undefined ? null : { ef: meeting[0], noMisses: false };
}

function goalLines(size: SizeResult): string[] {
  const n = count(size.n);
  const goal = `p50 ≤ ${GOAL.p50Ms} ms with recall@10 ≥ ${GOAL.recall}`;
  const best = cheapestMeetingGoal(size, 'vector');
  if (!best) {
    const summary = hnswRows(size, 'vector')
      .map((m) => `ef ${m.efSearch}: ${formatMs(m.latency.p50)}, ${m.recall!.toFixed(3)}`)
      .join('; ');
    return [`- **Goal (${goal} at ${n} vectors): not met** by any measured \`ef_search\` with \`vector\` (${summary}).`];
  }
  const lines = [
    `- **Goal (${goal} at ${n} vectors): met** with \`vector\` and HNSW from \`ef_search = ${best.efSearch}\` (p50 ${formatMs(best.latency.p50)}, p95 ${formatMs(best.latency.p95)}, recall@10 ${best.recall!.toFixed(3)}).`,
  ];
  const below = hnswRows(size, 'vector').filter((m) => m.efSearch! < best.efSearch!);
  if (below.length) {
    lines.push(
      `  Below that it falls short on recall, not time: ${below.map((m) => `\`ef_search = ${m.efSearch}\` gives ${m.recall!.toFixed(3)} in ${formatMs(m.latency.p50)}`).join(', ')}.`,
    );
  }
  const exact = methodOf(size, 'vector', 'exact-sql');
  if (exact) {
    lines.push(
      `- Baselines at ${n}: exact SQL takes ${formatMs(exact.latency.p50)} (p50) and brute force in JS ${formatMs(size.js.latency.p50)}, ${ratio(exact.latency.p50, best.latency.p50)} and ${ratio(size.js.latency.p50, best.latency.p50)} the HNSW time. Every SQL query pays about ${formatMs(methodOf(size, 'vector', 'parse-only')?.latency.p50 ?? Number.NaN)} for the round trip and the parsing of its 384-number text parameter (the "floor" row).`,
    );
  }
  return lines;
}

/** A median difference in words; differences within timer noise are not a cost. */
function extraCost(ms: number): string {
  return ms > 0.1 ? `for ${formatMs(ms)} more at the median` : 'at no measurable extra cost at the median';
}

function recommendationLine(result: KnnResult, size: SizeResult): string {
  const pick = recommend(result, size);
  if (!pick) return '- **Recommendation**: no measured `ef_search` meets the goal at every size; see the tables.';
  const appDefault = Number.parseInt(result.settings['hnsw.ef_search'] ?? '', 10);
  const at = hnswRows(size, 'vector').find((m) => m.efSearch === pick.ef)!;
  const cheapest = cheapestMeetingGoal(size, 'vector');
  const why =
    pick.noMisses && cheapest && cheapest.efSearch !== pick.ef
      ? `\`ef_search = ${cheapest.efSearch}\` already meets the goal on average, but ${cheapest.missedQueries} of ${at.latency.n} queries found less than half of their true neighbours; ${pick.ef} misses none at any size, ${extraCost(at.latency.p50 - cheapest.latency.p50)}`
      : pick.noMisses
        ? `the smallest measured value that meets the goal at every size without missing a query`
        : `the smallest measured value that meets the goal at every size (every such value still misses some queries)`;
  const change =
    pick.ef === HNSW_EF_SEARCH
      ? `The app uses it (\`HNSW_EF_SEARCH\` in \`vector-search.ts\`; pgvector's default is ${appDefault}).`
      : `The app uses ${HNSW_EF_SEARCH} (\`HNSW_EF_SEARCH\` in \`vector-search.ts\`; pgvector's default is ${appDefault}): change it to ${pick.ef}.`;
  return `- **Recommendation: \`ef_search = ${pick.ef}\`** (p50 ${formatMs(at.latency.p50)}, p95 ${formatMs(at.latency.p95)}, recall@10 ${at.recall!.toFixed(3)} at ${count(size.n)}): ${why}. ${change} Synthetic data is only a proxy: check recall on real embeddings once a world has some.`;
}

function halfvecLine(size: SizeResult, recommended: number | null): string | null {
  const vec = size.stores.find((s) => s.type === 'vector');
  const half = size.stores.find((s) => s.type === 'halfvec');
  if (!vec || !half) return null;
  const halfBest = cheapestMeetingGoal(size, 'halfvec');
  const ef = recommended ?? halfBest?.efSearch ?? hnswRows(size, 'vector')[0]?.efSearch;
  const halfAt = hnswRows(size, 'halfvec').find((m) => m.efSearch === ef);
  const vecAt = hnswRows(size, 'vector').find((m) => m.efSearch === ef);
  const meets = halfBest
    ? `meets the goal from \`ef_search = ${halfBest.efSearch}\``
    : 'does not meet the goal at any measured `ef_search`';
  const recall =
    halfAt && vecAt
      ? ` (recall@10 at \`ef_search = ${ef}\`: ${halfAt.recall!.toFixed(3)} against ${vecAt.recall!.toFixed(3)} for \`vector\`, both scored against float32 exact search)`
      : '';
  const speed = `HNSW queries ${ratio(halfAt?.latency.p50, vecAt?.latency.p50)} the \`vector\` time at the median, exact SQL ${ratio(methodOf(size, 'halfvec', 'exact-sql')?.latency.p50, methodOf(size, 'vector', 'exact-sql')?.latency.p50)}, the index build ${ratio(half.indexBuildMs, vec.indexBuildMs)} and one-row inserts ${ratio(half.incremental.p50, vec.incremental.p50)}`;
  return `- **halfvec** at ${count(size.n)}: table + index ${mib(half.sizes.totalBytes)} against ${mib(vec.sizes.totalBytes)} for \`vector\` (${Math.round((1 - half.sizes.totalBytes / vec.sizes.totalBytes) * 100)}% less). It ${meets}${recall}, but it is slower in this WebAssembly build: ${speed}. WebAssembly has no half-precision conversion instruction, so pgvector widens every element in software.`;
}

function memoryLine(result: KnnResult, size: SizeResult): string | null {
  if (!size.stores.length) return null;
  const parts = size.stores.map(
    (st) =>
      `\`${st.type}\`: wasm heap ${mib(st.wasmHeapBytes)} + data directory ${mib(st.dumpBytes)} (table and index ${mib(st.sizes.totalBytes)}) ≈ ${mib((st.wasmHeapBytes ?? 0) + st.dumpBytes)}`,
  );
  const wal = size.stores.map(
    (st) => `${mib(st.walBytesAfterCheckpoint)} for \`${st.type}\` after a \`CHECKPOINT\` (${mib(st.walBytesBeforeCheckpoint)} before it)`,
  );
  return `- **Worker memory** at ${count(size.n)}, for a \`memory://\` or \`idb://\` world (its files live in JS memory beside the wasm heap): ${parts.join('; ')}. The wasm heap is mostly \`shared_buffers\` (${result.settings.shared_buffers}) and did not grow while querying. Each data directory includes its WAL: ${wal.join(', ')}; Postgres keeps the segments for reuse (up to \`max_wal_size\`) rather than deleting them.`;
}

/** Bulk loading that slows as the table grows points at the filesystem, not Postgres: say so when it shows. */
function loadSlowdownLine(result: KnnResult): string | null {
  const store = [...result.sizes].sort((a, b) => b.n - a.n)[0]?.stores[0];
  const chunks = store?.loadChunkMs ?? [];
  if (chunks.length < 3 || chunks[chunks.length - 1]! < 3 * chunks[0]!) return null;
  return `- **Bulk loading slows as the table grows**: each ${count(COPY_CHUNK)}-row COPY took ${chunks.map((ms) => formatMs(ms)).join(', ')}. While this benchmark was written, a CPU profile of such a load (PGlite 0.5.14, \`memory://\`) spent about two thirds of its time in Emscripten's MEMFS \`resizeFileStorage\`, which reallocates and copies a whole file every time its size is set, so bulk writes into \`memory://\` and \`idb://\` worlds grow quadratically with the table. One-row inserts stay at a few milliseconds (see the insert column).`;
}

function conclusion(result: KnnResult): string[] {
  const size = [...result.sizes].sort((a, b) => b.n - a.n)[0];
  if (!size) return ['No sizes were measured.'];
  const pick = recommend(result, size);
  return [
    ...goalLines(size),
    recommendationLine(result, size),
    halfvecLine(size, pick?.ef ?? null),
    memoryLine(result, size),
    loadSlowdownLine(result),
  ].filter((line): line is string => line !== null);
}

export function knnMarkdown(result: KnnResult, meta: RunMeta): string {
  const { options, settings } = result;
  const lines = ['## kNN vector search: HNSW vs exact, latency and recall@10 (PGlite + pgvector)', '', ...conclusion(result), ''];
  for (const size of result.sizes) {
    const methods = [size.js, ...size.stores.flatMap((s) => s.methods)];
    const first = size.stores[0];
    lines.push(
      `### ${count(size.n)} vectors (${options.queries} queries, top ${result.k})`,
      '',
      table(['Method', 'p50', 'p95', `recall@10: mean (worst query; queries below ${MISSED_BELOW})`, 'meets goal'], methods.map(methodRow)),
      '',
      table(
        [
          'Column',
          `Bulk load, ${count(first?.bulkRows ?? 0)} rows`,
          'HNSW build; wasm heap after',
          `One-row insert into the built index, p50 / p95 (n=${first?.incremental.n ?? '?'})`,
          'Table + index',
          'WAL before → after CHECKPOINT',
          'Open the saved world',
          'Wasm heap: after open → after queries',
          'Process RSS: before the build → world open, after queries',
        ],
        size.stores.map(storeRow),
      ),
      '',
      `Exact neighbours have mean cosine similarity ${size.meanTop1Cosine.toFixed(3)} (1st) and ${size.meanTop10Cosine.toFixed(3)} (10th).`,
      '',
    );
  }
  const notices = result.sizes.flatMap((s) => s.stores.flatMap((st) => st.buildNotices.map((x) => `${st.type} n=${s.n}: ${x}`)));
  lines.push(
    `- Machine: ${describeMachine(meta.machine)}; peak RSS of the whole run ${mib(result.maxRssBytes)}`,
    `- Date: ${meta.date}; load average (1 min) ${meta.loadAverage.start[0]?.toFixed(2)} at the start, ${meta.loadAverage.end[0]?.toFixed(2)} at the end`,
    `- Command: \`${meta.command}\`, or alone \`npx tsx bench/run.ts knn\` (\`bench/node/knn.bench.ts\`; raw results in \`bench/out/knn.json\`; \`KNN_SIZES=1000,5000\` for a quick run), total ${formatMs(result.durationMs)}`,
    `- Engine: PGlite (Postgres ${settings.server_version}) with pgvector ${settings.pgvector}, opened with the app's \`PgliteDatabase.open('memory://')\`, in Node, in the benchmark's own process: the same WebAssembly build the world worker runs, without the browser and the comlink round trip to the worker. \`shared_buffers\` ${settings.shared_buffers}, \`work_mem\` ${settings.work_mem}, \`maintenance_work_mem\` ${options.maintenanceWorkMem ?? settings.maintenance_work_mem} for the index build (PGlite's default is ${settings.maintenance_work_mem}).`,
    '- Measured beside: exact search in the same run and process: brute force in JS over the same float32 vectors (the ground truth for recall) and the same SQL query with `enable_indexscan = off`.',
    '',
    'How it was measured:',
    '',
    `- **Data**: deterministic (seeded) ${result.dim}-d unit vectors in ${result.dataShape.clusters} clusters: a random cluster centre, plus noise along ${result.dataShape.subspaceRank} directions of that cluster, plus isotropic noise, normalised. Clustered and of low intrinsic dimension like real sentence embeddings; uniform noise would make HNSW recall look artificially bad. The ${options.queries} queries are held-out vectors drawn the same way, the same at every size; each smaller set is a prefix of the larger.`,
    `- **Build**: the app's table shape (\`entity_id bigint, embedding_vector vector(384)\`, or \`halfvec(384)\`). All but the last ${options.incrementalRows} rows are loaded with binary \`COPY … FROM '/dev/blob'\` in ${count(COPY_CHUNK)}-row chunks (halfvec through a \`vector\` staging table and pgvector's cast), then \`CREATE INDEX … USING hnsw (embedding_vector vector_cosine_ops)\` (\`halfvec_cosine_ops\`) with pgvector's defaults \`m = 16\`, \`ef_construction = 64\`, as in migration 0004. The last ${options.incrementalRows} rows are then inserted one statement each, with the vector as text, through the built index: that is how the app adds embeddings (its index exists from the first row, so it never bulk-builds). Then \`VACUUM ANALYZE\` and \`CHECKPOINT\`.`,
    "- **Open**: the built data directory is dumped and opened in a fresh PGlite (`loadDataDir`), as a worker opens a saved world; all queries and memory figures come from that instance, so the build's memory does not count.",
    `- **Query**: the app's (\`semantic-service.ts\`): \`SET hnsw.iterative_scan = relaxed_order\` and \`SET hnsw.ef_search = X\` once per configuration, then per query \`SELECT entity_id FROM … ORDER BY embedding_vector <=> $1 LIMIT ${result.k}\` with the vector as a text parameter, timed alone with \`performance.now()\` around the awaited call (so it includes PGlite's protocol work and the parsing of the text vector). ${WARMUP_QUERIES} untimed warm-up queries run before each configuration. EXPLAIN is checked: HNSW rows use the index, exact rows do not. The app asks for a window of 4 × top N rows; its first 10 are the same as with \`LIMIT 10\`, since the HNSW candidate list (\`ef_search\`) is the same.`,
    `- **Recall@10**: per query, the share of the exact top 10 (JS, float32) that the method returned, averaged; a query below ${MISSED_BELOW} counts as missed. halfvec is scored against float32 exact search, so its recall includes the loss from 16-bit storage. pgvector draws each element's graph level at random, so the graph, and recall at a given \`ef_search\`, changes from one build to the next: while this benchmark was written, two runs at 100k differed by up to 0.04 at the same \`ef_search\`, so read smaller differences as noise.`,
    "- **Memory**: PGlite's WebAssembly memory (the Postgres heap; it never shrinks, so the figure after the queries is its high-water mark), the size of the data directory the world was opened from, and the process RSS (after a forced GC) before the world was built and with it open. RSS is the whole benchmark process, including its own float32 copy of the vectors, and moves with GC and allocator timing; wasm heap + data directory is the better estimate of what a world worker holds.",
  );
  if (notices.length) lines.push(`- Index build notices: ${notices.map((x) => cell(x, 200)).join('; ')}`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Registration

function numberList(value: string | undefined): number[] | null {
  if (!value) return null;
  const numbers = value.split(',').map((part) => Number.parseInt(part.trim(), 10));
  return numbers.length && numbers.every((x) => Number.isInteger(x) && x > 0) ? numbers : null;
}

/** `512MB` and the like; `default` keeps PGlite's own setting. */
function maintenanceWorkMem(value: string | undefined): string | null {
  if (value === 'default') return null;
  return value && /^\d+(kB|MB|GB)$/.test(value) ? value : DEFAULT_OPTIONS.maintenanceWorkMem;
}

/**
 * `KNN_SIZES=1000,5000` (a quick run), `KNN_QUERIES`, `KNN_EF=40,100`, `KNN_HALFVEC_SIZES`
 * (default: the largest size; `0` for none), `KNN_MAINTENANCE_WORK_MEM=256MB` (`default`: PGlite's).
 */
export function knnOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): KnnOptions {
  const sizes = numberList(env.KNN_SIZES) ?? DEFAULT_OPTIONS.sizes;
  const halfvec = env.KNN_HALFVEC_SIZES === '0' ? [] : (numberList(env.KNN_HALFVEC_SIZES) ?? [Math.max(...sizes)]);
  return {
    ...DEFAULT_OPTIONS,
    sizes,
    halfvecSizes: halfvec,
    queries: numberList(env.KNN_QUERIES)?.[0] ?? DEFAULT_OPTIONS.queries,
    efSearch: numberList(env.KNN_EF) ?? DEFAULT_OPTIONS.efSearch,
    maintenanceWorkMem: maintenanceWorkMem(env.KNN_MAINTENANCE_WORK_MEM),
  };
}

export const knnBenchmark: Benchmark<KnnResult> = {
  id: 'knn',
  title: 'kNN vector search (HNSW vs exact; vector vs halfvec)',
  // Runs in Node: the browser and server the runner provides are not used.
  run: (context) => runKnnBench(context, knnOptionsFromEnv()),
  markdown: knnMarkdown,
};
