import { PGlite } from '@electric-sql/pglite';
import { createDamWorld } from '../../src/lib/dam/create-world';
import { listAssets } from '../../src/lib/dam/services/asset-query-service';
import { refreshSearchStatistics } from '../../src/lib/dam/services/search-maintenance';
import { PgliteDatabase } from '../../src/lib/db/pglite-database';
import { quantile } from './stats';

/**
 * The tag-query benchmark's world and cases, shared by the Node run and the Chromium worker
 * probe so both measure exactly the same thing. Nothing here imports Node.
 */

export interface TagQueryOptions {
  readonly entities: number;
  readonly tags: number;
  readonly linksPerEntity: number;
  readonly modelLinksPerEntity: number;
  readonly runs: number;
}

export const DEFAULT_OPTIONS: TagQueryOptions = { entities: 100_000, tags: 2_000, linksPerEntity: 10, modelLinksPerEntity: 2, runs: 30 };

export interface CaseResult {
  readonly name: string;
  readonly query: string;
  readonly matches: number;
  readonly p50: number;
  readonly p95: number;
  readonly baselineP50: number | null;
  readonly baselineP95: number | null;
}

export interface TagQueryRun {
  readonly loadMs: number;
  readonly manualLinks: number;
  readonly modelLinks: number;
  readonly cases: CaseResult[];
}

/**
 * A world for the benchmark at `url` (`memory://`, or in Chromium `opfs-ahp://…` as the app
 * keeps worlds). WAL is capped at 64 MB (PGlite's default lets it grow to 1 GB while the
 * library loads, more than a browser worker should hold for a benchmark); that changes how
 * often the load checkpoints, not how queries run.
 */
export async function openBenchWorld(url: string): Promise<PgliteDatabase> {
  const db = await PgliteDatabase.open(url, {
    startParams: [...PGlite.defaultStartParams, '-c', 'max_wal_size=64MB', '-c', 'min_wal_size=32MB'],
  });
  await createDamWorld({ name: 'bench', databaseUrl: url }, db);
  return db;
}

/**
 * Synthetic library in SQL: each entity gets k tags drawn from a power law over 1..tags (a few
 * tags on most entities, most tags on few, as real libraries have), the last 50 tags are
 * `character:` tags whose parent is `series:s<t mod 5>`, and tag 2 has an alias.
 */
export async function loadTagLibrary(db: PgliteDatabase, o: TagQueryOptions): Promise<{ manual: number; model: number }> {
  await db.exec(`
    INSERT INTO entities (id) SELECT g FROM generate_series(1, ${o.entities}) g;
    INSERT INTO component_file_properties (entity_id, original_filename, file_size_bytes, mime_type, first_seen_at)
      SELECT g, 'IMG_' || lpad(g::text, 6, '0') || '.jpg', 1000 + g, 'image/jpeg', now() - (g || ' seconds')::interval
      FROM generate_series(1, ${o.entities}) g;
    SELECT setval('entities_id_seq', ${o.entities});
    INSERT INTO entities (id) SELECT ${o.entities} + t FROM generate_series(1, ${o.tags + 5}) t;
    INSERT INTO component_tag_concept (entity_id, tag_name, tag_scope_type)
      SELECT ${o.entities} + t, CASE WHEN t > ${o.tags - 50} THEN 'character:c' || t ELSE 'tag' || t END, 'GLOBAL'
      FROM generate_series(1, ${o.tags}) t;
    INSERT INTO component_tag_concept (entity_id, tag_name, tag_scope_type)
      SELECT ${o.entities + o.tags} + s, 'series:s' || (s - 1), 'GLOBAL' FROM generate_series(1, 5) s;
    INSERT INTO component_tag_parent (entity_id, parent_tag_entity_id)
      SELECT ${o.entities} + t, ${o.entities + o.tags} + 1 + (t % 5) FROM generate_series(${o.tags - 49}, ${o.tags}) t;
    SELECT setval('entities_id_seq', ${o.entities + o.tags + 5});
  `);
  // The alias needs an entity of its own.
  const { rows } = await db.query<{ id: number }>('INSERT INTO entities DEFAULT VALUES RETURNING id');
  await db.query(`INSERT INTO component_tag_concept (entity_id, tag_name, tag_scope_type) VALUES ($1, 'alias-of-tag2', 'GLOBAL')`, [
    rows[0]!.id,
  ]);
  await db.query(`INSERT INTO component_tag_sibling (entity_id, preferred_tag_entity_id) VALUES ($1, $2)`, [rows[0]!.id, o.entities + 2]);
  // Each entity's k tags: tag index from a power law over 1..tags, distinct per entity.
  await db.exec(`
    INSERT INTO component_entity_tag_link (entity_id, tag_concept_entity_id)
      SELECT DISTINCT e, ${o.entities} + least(${o.tags}, 1 + floor(exp(ln(${o.tags}) * ((hashint4(e * 31 + k) & 65535) / 65536.0)^1.6))::int)
      FROM generate_series(1, ${o.entities}) e, generate_series(1, ${o.linksPerEntity}) k;
    INSERT INTO component_model_generated_tag_link (entity_id, tag_concept_entity_id, source_model_name, confidence)
      SELECT DISTINCT ON (e, k % 5) e, ${o.entities} + 1000 + (k % 5), 'bench-model', ((hashint4(e * 7 + k) & 1023) / 1023.0)
      FROM generate_series(1, ${o.entities}) e, generate_series(1, ${o.modelLinksPerEntity}) k;
  `);
  // What the app's runner does when a round of work ends.
  await refreshSearchStatistics(db);
  const counts = await db.query<{ manual: number; model: number }>(
    `SELECT (SELECT count(*)::int FROM component_entity_tag_link) AS manual, (SELECT count(*)::int FROM component_model_generated_tag_link) AS model`,
  );
  return counts.rows[0]!;
}

/** p50 and p95 of `runs` timed calls after one untimed warm-up. */
export async function time(fn: () => Promise<unknown>, runs: number): Promise<{ p50: number; p95: number }> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { p50: quantile(samples, 0.5), p95: quantile(samples, 0.95) };
}

/** The plainest SQL for a case: count and first page by semi-joins on the tag id, no sibling or parent expansion, no tag sets. */
async function baseline(db: PgliteDatabase, where: string, params: unknown[]): Promise<void> {
  await db.query(`SELECT count(*)::int FROM component_file_properties p WHERE ${where}`, params);
  await db.query(`SELECT p.entity_id FROM component_file_properties p WHERE ${where} ORDER BY p.entity_id DESC LIMIT 100`, params);
}

interface TagQueryCase {
  readonly name: string;
  readonly query: string;
  readonly baseline: { readonly where: string; readonly params: (tagId: (t: number) => number) => unknown[] } | null;
}

const has = (param: number) =>
  `EXISTS (SELECT 1 FROM component_entity_tag_link l WHERE l.entity_id = p.entity_id AND l.tag_concept_entity_id = $${param})`;

export const TAG_QUERY_CASES: readonly TagQueryCase[] = [
  { name: 'one common tag', query: 'tag:tag3', baseline: { where: has(1), params: (id) => [id(3)] } },
  { name: 'one rare tag', query: 'tag:tag1500', baseline: { where: has(1), params: (id) => [id(1500)] } },
  {
    name: 'AND of 3 tags',
    query: 'tag:tag3 tag:tag4 tag:tag5',
    baseline: { where: `${has(1)} AND ${has(2)} AND ${has(3)}`, params: (id) => [id(3), id(4), id(5)] },
  },
  { name: 'NOT a common tag', query: '-tag:tag3', baseline: { where: `NOT ${has(1)}`, params: (id) => [id(3)] } },
  {
    name: 'tag AND NOT tag',
    query: 'tag:tag3 -tag:tag4',
    baseline: { where: `${has(1)} AND NOT ${has(2)}`, params: (id) => [id(3), id(4)] },
  },
  { name: 'alias (sibling) name', query: 'tag:alias-of-tag2', baseline: { where: has(1), params: (id) => [id(2)] } },
  { name: 'parent (10 children)', query: 'tag:series:s1', baseline: null },
  { name: 'namespace:*', query: 'character:*', baseline: null },
  { name: 'model-tag > 0.5', query: 'model-tag:tag1001>0.5', baseline: null },
  { name: 'words + tag', query: 'IMG_01 tag:tag3', baseline: null },
];

/**
 * Each case as the search box runs it (`listAssets({ search, limit: 100 })`: a count and a page
 * of cards), `runs` timed runs after one warm-up, and its baseline the same way.
 */
export async function measureTagQueries(db: PgliteDatabase, o: TagQueryOptions, log: (m: string) => void): Promise<CaseResult[]> {
  const id = (t: number) => o.entities + t;
  const results: CaseResult[] = [];
  for (const c of TAG_QUERY_CASES) {
    const page = await listAssets(db, { search: c.query, limit: 100 });
    const ours = await time(() => listAssets(db, { search: c.query, limit: 100 }), o.runs);
    const base = c.baseline ? await time(() => baseline(db, c.baseline!.where, c.baseline!.params(id)), o.runs) : null;
    results.push({
      name: c.name,
      query: c.query,
      matches: page.total,
      ...ours,
      baselineP50: base?.p50 ?? null,
      baselineP95: base?.p95 ?? null,
    });
    log(`${c.name}: ${page.total} matches, p50 ${ours.p50.toFixed(1)} ms, p95 ${ours.p95.toFixed(1)} ms`);
  }
  return results;
}

/** Opens a world at `url`, loads the library, measures every case, and closes the world. */
export async function runTagQueries(o: TagQueryOptions, url: string, log: (m: string) => void): Promise<TagQueryRun> {
  const db = await openBenchWorld(url);
  try {
    const start = performance.now();
    const counts = await loadTagLibrary(db, o);
    const loadMs = performance.now() - start;
    log(`loaded ${counts.manual} manual and ${counts.model} model links in ${(loadMs / 1000).toFixed(1)} s`);
    return { loadMs, manualLinks: counts.manual, modelLinks: counts.model, cases: await measureTagQueries(db, o, log) };
  } finally {
    await db.close();
  }
}
