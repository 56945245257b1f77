import { listAssets } from '../../src/lib/dam/services/asset-query-service';
import { refreshSearchStatistics } from '../../src/lib/dam/services/search-maintenance';
import type { PgliteDatabase } from '../../src/lib/db/pglite-database';
import { TextEmbeddingAllMiniLmL6V2Dim384Component } from '../../src/lib/dam/components/embeddings';
import type { QueryContext } from '../../src/lib/dam/query/query-sql';
import { prng } from '../browser/ingest-jpeg-fixtures';
import { describeMachine } from '../lib/machine';
import { cell, table } from '../lib/markdown';
import { formatMs } from '../lib/stats';
import { DEFAULT_OPTIONS as LIBRARY, loadTagLibrary, openBenchWorld, time } from '../lib/tag-library';
import type { Benchmark, BenchContext, RunMeta } from '../lib/types';

/**
 * A mixed search (words + 2 tags + a range + a meaning clause) against each of its parts alone,
 * the way the search box runs it (`listAssets({ search, limit: 100 })`: a count and a page of
 * 100 cards, in one SQL query each), at 100k assets, in PGlite in Node: the tag-query library
 * (1M manual tag links) plus an EXIF description per asset from a 400-word vocabulary and a
 * 384-d text vector per asset in 50 clusters. The meaning clause's query vector is a cluster
 * centre, given directly: embedding the text is the model's work, measured in the embeddings
 * benchmark. Beside it, in the same run, the words part as it ran before full-text search (an
 * `ILIKE` scan of every name).
 */

const DIM = 384;
const CLUSTERS = 50;
const VOCABULARY = 400;
const RUNS = 30;
const TABLE = TextEmbeddingAllMiniLmL6V2Dim384Component.table;

export interface MixedCase {
  readonly name: string;
  readonly kind: CaseKind;
  readonly query: string;
  readonly matches: number;
  readonly p50: number;
  readonly p95: number;
}

export interface MixedQueryResult {
  readonly assets: number;
  readonly loadMs: number;
  readonly cases: MixedCase[];
  readonly durationMs: number;
}

const PARTS = {
  words: 'sunset',
  tags: 'tag:tag3 tag:tag4',
  range: 'size:20KB..60KB',
  meaning: '~"cluster seven"',
} as const;

type CaseKind = 'part' | 'mixed' | 'name words' | 'name words before';

const CASES: readonly { name: string; query: string; kind: CaseKind }[] = [
  { name: 'words alone', query: PARTS.words, kind: 'part' },
  { name: '2 tags alone', query: PARTS.tags, kind: 'part' },
  { name: 'range alone', query: PARTS.range, kind: 'part' },
  { name: 'meaning alone', query: PARTS.meaning, kind: 'part' },
  { name: 'mixed: all four', query: Object.values(PARTS).join(' '), kind: 'mixed' },
  { name: 'name words (full text)', query: 'IMG_0001', kind: 'name words' },
  { name: 'name words as before (ILIKE scan)', query: 'IMG_0001', kind: 'name words before' },
];

function unit(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  return v.map((x) => x / norm);
}

const literal = (v: Float32Array) => `[${Array.from(v, (x) => x.toFixed(5)).join(',')}]`;

/** Descriptions (word `w<k>` drawn from a power law, and `sunset` on about one asset in eight) and clustered vectors. */
async function loadTextAndVectors(db: PgliteDatabase, n: number): Promise<Float32Array[]> {
  await db.exec(`
    INSERT INTO component_exif_metadata (entity_id, metadata)
      SELECT g, jsonb_build_object('ifd0', jsonb_build_object('ImageDescription',
        concat_ws(' ', CASE WHEN hashint4(g) & 7 = 0 THEN 'sunset' END,
          (SELECT string_agg('w' || (1 + floor(exp(ln(${VOCABULARY}) * ((hashint4(g * 13 + k) & 65535) / 65536.0)^1.5)))::int, ' ')
             FROM generate_series(1, 6) k))))
      FROM generate_series(1, ${n}) g;
  `);
  const random = prng(20_261_125);
  const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const centres = Array.from({ length: CLUSTERS }, () => unit(Float32Array.from({ length: DIM }, gauss)));
  // The HNSW index answers nearest-k, not the distance bound a `~` term compiles to, so the
  // query never reads it; dropped here because 100k one-row inserts into it take many minutes.
  await db.exec(`DROP INDEX IF EXISTS ${TABLE}_hnsw_idx`);
  const BATCH = 2000;
  for (let start = 1; start <= n; start += BATCH) {
    const ids: number[] = [];
    const vectors: string[] = [];
    for (let id = start; id < Math.min(n + 1, start + BATCH); id++) {
      const centre = centres[id % CLUSTERS]!;
      ids.push(id);
      vectors.push(literal(unit(centre.map((c) => c + gauss() * 0.045))));
    }
    await db.query(
      `INSERT INTO ${TABLE} (entity_id, embedding_vector, source_component_name, source_field_name)
       SELECT e, v::vector, 'FilePropertiesComponent', 'original_filename' FROM unnest($1::bigint[], $2::text[]) AS u(e, v)`,
      [ids, vectors],
    );
  }
  return centres;
}

async function runMixedQueries(context: BenchContext): Promise<MixedQueryResult> {
  const started = performance.now();
  const db = await openBenchWorld('memory://');
  try {
    const loadStart = performance.now();
    await loadTagLibrary(db, LIBRARY);
    const centres = await loadTextAndVectors(db, LIBRARY.entities);
    await refreshSearchStatistics(db);
    await db.exec(`VACUUM ANALYZE ${TABLE}, component_exif_metadata`);
    const loadMs = performance.now() - loadStart;
    context.log(`mixed-query: loaded ${LIBRARY.entities} assets in ${(loadMs / 1000).toFixed(1)} s`);
    const queryContext: QueryContext = { embedText: async () => ({ table: TABLE, vector: literal(centres[7]!) }) };
    const cases: MixedCase[] = [];
    for (const c of CASES) {
      let matches: number;
      let run: () => Promise<unknown>;
      if (c.kind === 'name words before') {
        const where = `original_filename ILIKE '%' || $1 || '%'`;
        const count = async () =>
          (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM component_file_properties WHERE ${where}`, [c.query])).rows[0]!.n;
        matches = await count();
        run = async () => {
          await count();
          await db.query(`SELECT entity_id FROM component_file_properties WHERE ${where} ORDER BY entity_id DESC LIMIT 100`, [c.query]);
        };
      } else {
        matches = (await listAssets(db, { search: c.query, limit: 100 }, queryContext)).total;
        run = () => listAssets(db, { search: c.query, limit: 100 }, queryContext);
      }
      const timing = await time(run, RUNS);
      cases.push({ name: c.name, kind: c.kind, query: c.query, matches, ...timing });
      context.log(`mixed-query: ${c.name}: ${matches} matches, p50 ${timing.p50.toFixed(1)} ms, p95 ${timing.p95.toFixed(1)} ms`);
    }
    return { assets: LIBRARY.entities, loadMs, cases, durationMs: performance.now() - started };
  } finally {
    await db.close();
  }
}

export const mixedQueryBenchmark: Benchmark<MixedQueryResult> = {
  id: 'mixed-query',
  title: 'Mixed search queries',
  // Runs in Node, in this process: the browser and server the runner provides are not used.
  run: runMixedQueries,
  markdown(result: MixedQueryResult, meta: RunMeta) {
    const mixed = result.cases.find((c) => c.kind === 'mixed');
    const slowestPart = Math.max(...result.cases.filter((c) => c.kind === 'part').map((c) => c.p95));
    return [
      `## Mixed search queries: words + 2 tags + a range + meaning, against each part (${result.assets.toLocaleString('en-US')} assets)`,
      '',
      table(
        ['Case', 'Query', 'Matches', 'p50', 'p95'],
        result.cases.map((c) => [c.name, cell(`\`${c.query}\``), c.matches.toLocaleString('en-US'), formatMs(c.p50), formatMs(c.p95)]),
      ),
      '',
      mixed
        ? `The mixed query takes ${formatMs(mixed.p95)} p95 against ${formatMs(slowestPart)} for its slowest part alone: one SQL statement, where the planner starts from the most selective index and checks the rest per row.`
        : '',
      '',
      `- Machine: ${describeMachine(meta.machine)}`,
      `- Date: ${meta.date}; load average (1 min) ${meta.loadAverage.start[0]?.toFixed(2)} at the start, ${meta.loadAverage.end[0]?.toFixed(2)} at the end`,
      `- Command: \`${meta.command}\`, or alone \`npx tsx bench/run.ts mixed-query\` (\`bench/node/mixed-query.bench.ts\`; raw results in \`bench/out/mixed-query.json\`); library loaded in ${formatMs(result.loadMs)}, total ${formatMs(result.durationMs)}`,
      `- Measured beside: each part of the mixed query alone, and the words part as it ran before full-text search (\`ILIKE\` on every name), in the same run and process.`,
      `- How: PGlite in Node (the same WebAssembly Postgres as the app's worker), in memory, WAL capped at 64 MB. The tag-query library (${LIBRARY.entities.toLocaleString('en-US')} assets, ${LIBRARY.tags.toLocaleString('en-US')} tags, about ${LIBRARY.linksPerEntity} manual links each by a power law), plus per asset an EXIF description of 6 words from a ${VOCABULARY}-word power-law vocabulary (\`sunset\` on one in eight) and one ${DIM}-d text vector in ${CLUSTERS} clusters. Each case is \`listAssets({ search, limit: 100 })\` (count and first page), ${RUNS} timed runs after one warm-up. The meaning clause compares with every stored vector within the least similarity (0.3): an exact count, no HNSW (the table's HNSW index is dropped before loading, since it only serves nearest-k queries and one-row inserts into it would take many minutes).`,
    ].join('\n');
  },
};
