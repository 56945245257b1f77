import type { Page } from '@playwright/test';
import type { StoreKind } from '../../src/lib/api/dam-api';
import { describeMachine } from '../lib/machine';
import { cell, table } from '../lib/markdown';
import { formatMs, summarize, type Summary } from '../lib/stats';
import type { Benchmark, BenchContext, RunMeta } from '../lib/types';
import { openFreshApp, type AppSession } from './app-page';

/**
 * World storage in Chromium: for each PGlite store the app can keep a world in, the time to
 * open a world cold (first initdb + migrations) and warm (reopen after a reload, new worker),
 * the cost of one committed, durably flushed transaction, and of one transaction inserting
 * 1,000 entities with one component each. The in-memory store is the baseline.
 *
 * Every open is timed with a small in-memory "park" world as the current world, so that the
 * time to close the previous world is (nearly) nothing and the same for every store.
 */

export const STORES = ['memory', 'idb', 'opfs-ahp', 'memfs2opfs'] as const satisfies readonly StoreKind[];
export type BenchStore = (typeof STORES)[number];

const STORE_NOTES: Readonly<Record<BenchStore, string>> = {
  memory: 'memory (baseline, no persistence)',
  idb: '`idb://` (IndexedDB)',
  'opfs-ahp': '`opfs-ahp://` (OPFS access handle pool)',
  memfs2opfs: '`memfs2opfs://` (in-memory FS journaled to OPFS)',
};

const PARK_WORLD = 'bench-park';
/** One page call (a world open, a batch) that takes longer than this aborts the repetition. */
const STEP_TIMEOUT_MS = 240_000;

export interface WorldStoreOptions {
  /** Fresh browser profiles; each gives one cold and one warm open per store. */
  readonly reps: number;
  /** Sequential one-entity transactions, timed one by one (after one untimed warm-up). */
  readonly transactions: number;
  readonly batchSize: number;
  readonly batchReps: number;
}

export const DEFAULT_OPTIONS: WorldStoreOptions = { reps: 3, transactions: 30, batchSize: 1000, batchReps: 3 };

export interface OpenSample {
  readonly rep: number;
  readonly createMs: number;
  readonly openMs: number;
  readonly totalMs: number;
}

export interface Measured<T> {
  readonly samples: T[];
  readonly errors: string[];
}

export interface StoreResult {
  readonly store: BenchStore;
  readonly world: string;
  readonly cold: Measured<OpenSample> & { summary: Summary | null; createSummary: Summary | null; openSummary: Summary | null };
  /** Null for the memory store: it has nothing to reopen. */
  readonly warm: (Measured<number> & { summary: Summary | null }) | null;
  readonly transaction: Measured<number> & { summary: Summary | null; warmupMs: number | null; afterOpen: 'cold' | 'warm' | null };
  readonly batch: Measured<number> & { summary: Summary | null; size: number };
}

export interface WorldStoreResult {
  readonly options: WorldStoreOptions;
  readonly parkWorld: string;
  /** The order stores were opened in, per repetition (rotated to spread order effects). */
  readonly orders: BenchStore[][];
  readonly repErrors: string[];
  readonly durationMs: number;
  readonly stores: StoreResult[];
}

type PageOutcome<T> = { ok: true; value: T } | { ok: false; error: string };

class StepTimeout extends Error {
  override name = 'StepTimeout';
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StepTimeout(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Runs a step in the page; errors thrown by the API come back as messages, a hung step aborts the rep. */
async function step<T>(what: string, run: () => Promise<PageOutcome<T>>): Promise<PageOutcome<T>> {
  try {
    return await withTimeout(run(), STEP_TIMEOUT_MS, what);
  } catch (error) {
    if (error instanceof StepTimeout) throw error;
    return { ok: false, error: messageOf(error) };
  }
}

function coldOpen(page: Page, name: string, store: BenchStore) {
  return step(`cold open of ${name}`, () =>
    page.evaluate(
      async ({ name, store }): Promise<PageOutcome<{ createMs: number; openMs: number }>> => {
        const api = globalThis.damApi;
        if (!api) return { ok: false, error: 'globalThis.damApi is missing' };
        try {
          const t0 = performance.now();
          await api.createWorld(name, { store });
          const t1 = performance.now();
          await api.openWorld(name);
          const t2 = performance.now();
          return { ok: true, value: { createMs: t1 - t0, openMs: t2 - t1 } };
        } catch (error) {
          return { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
        }
      },
      { name, store },
    ),
  );
}

function timedOpen(page: Page, name: string) {
  return step(`open of ${name}`, () =>
    page.evaluate(async (name): Promise<PageOutcome<{ ms: number; previous: string | null }>> => {
      const api = globalThis.damApi;
      if (!api) return { ok: false, error: 'globalThis.damApi is missing' };
      try {
        const previous = await api.currentWorld();
        const t0 = performance.now();
        await api.openWorld(name);
        return { ok: true, value: { ms: performance.now() - t0, previous } };
      } catch (error) {
        return { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
      }
    }, name),
  );
}

function createWorld(page: Page, name: string, store: BenchStore) {
  return step(`create ${name}`, () =>
    page.evaluate(
      async ({ name, store }): Promise<PageOutcome<null>> => {
        try {
          await globalThis.damApi!.createWorld(name, { store });
          return { ok: true, value: null };
        } catch (error) {
          return { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
        }
      },
      { name, store },
    ),
  );
}

function singleTransactions(page: Page, count: number) {
  return step(`${count} transactions`, () =>
    page.evaluate(async (count): Promise<PageOutcome<{ warmupMs: number; samples: number[] }>> => {
      const api = globalThis.damApi;
      if (!api) return { ok: false, error: 'globalThis.damApi is missing' };
      // No named helper functions in here: tsx would wrap them in a `__name` call the page lacks.
      const file = 'FilePropertiesComponent';
      try {
        const w0 = performance.now();
        await api.createEntity([{ component: file, fields: { originalFilename: 'tx-warmup.jpg', fileSizeBytes: 999 } }]);
        const warmupMs = performance.now() - w0;
        const samples: number[] = [];
        for (let i = 0; i < count; i++) {
          const t0 = performance.now();
          await api.createEntity([{ component: file, fields: { originalFilename: `tx-${i}.jpg`, fileSizeBytes: 1000 + i } }]);
          samples.push(performance.now() - t0);
        }
        return { ok: true, value: { warmupMs, samples } };
      } catch (error) {
        return { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
      }
    }, count),
  );
}

function batchInsert(page: Page, size: number, round: number) {
  return step(`batch of ${size}`, () =>
    page.evaluate(
      async ({ size, round }): Promise<PageOutcome<number>> => {
        const api = globalThis.damApi;
        if (!api) return { ok: false, error: 'globalThis.damApi is missing' };
        const batch = Array.from({ length: size }, (_, i) => [
          { component: 'FilePropertiesComponent', fields: { originalFilename: `batch-${round}-${i}.jpg`, fileSizeBytes: i } },
        ]);
        try {
          const t0 = performance.now();
          const ids = await api.createEntities(batch);
          const ms = performance.now() - t0;
          if (ids.length !== size) return { ok: false, error: `createEntities returned ${ids.length} ids for ${size} entities` };
          return { ok: true, value: ms };
        } catch (error) {
          return { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
        }
      },
      { size, round },
    ),
  );
}

/** Mutable per-store accumulators, summarized at the end. */
interface StoreState {
  store: BenchStore;
  world: string;
  cold: Measured<OpenSample>;
  warm: Measured<number>;
  transaction: Measured<number> & { warmupMs: number | null; afterOpen: 'cold' | 'warm' | null };
  batch: Measured<number>;
  workloadsDone: boolean;
}

export function worldName(store: BenchStore): string {
  return `bench-${store}`;
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

async function runWorkloads(
  page: Page,
  state: StoreState,
  afterOpen: 'cold' | 'warm',
  options: WorldStoreOptions,
  log: (m: string) => void,
) {
  state.workloadsDone = true;
  state.transaction.afterOpen = afterOpen;
  const tx = await singleTransactions(page, options.transactions);
  if (tx.ok) {
    state.transaction.warmupMs = tx.value.warmupMs;
    state.transaction.samples.push(...tx.value.samples);
    const s = summarize(tx.value.samples)!;
    log(`  ${state.store}: ${options.transactions} transactions, median ${formatMs(s.median)}, p90 ${formatMs(s.p90)}`);
  } else {
    state.transaction.errors.push(tx.error);
    log(`  ${state.store}: transactions failed: ${tx.error}`);
  }
  for (let round = 0; round < options.batchReps; round++) {
    const batch = await batchInsert(page, options.batchSize, round);
    if (batch.ok) {
      state.batch.samples.push(batch.value);
      log(`  ${state.store}: batch of ${options.batchSize}: ${formatMs(batch.value)}`);
    } else {
      state.batch.errors.push(batch.error);
      log(`  ${state.store}: batch failed: ${batch.error}`);
    }
  }
}

async function park(page: Page): Promise<void> {
  const parked = await timedOpen(page, PARK_WORLD);
  if (!parked.ok) throw new Error(`Could not reopen the park world: ${parked.error}`);
}

async function runRep(
  context: BenchContext,
  rep: number,
  order: readonly BenchStore[],
  states: Map<BenchStore, StoreState>,
  options: WorldStoreOptions,
) {
  const { log } = context;
  const started = performance.now();
  const session: AppSession = await openFreshApp(context);
  log(`rep ${rep + 1}: fresh profile ready in ${formatMs(performance.now() - started)} (app created and opened "default")`);
  try {
    const { page } = session;
    const made = await createWorld(page, PARK_WORLD, 'memory');
    if (!made.ok) throw new Error(`Could not create the park world: ${made.error}`);
    await park(page);

    // Cold: create (initdb + migrations, then close) and open each store's world.
    const created: BenchStore[] = [];
    for (const store of order) {
      const state = states.get(store)!;
      const cold = await coldOpen(page, state.world, store);
      if (cold.ok) {
        created.push(store);
        const { createMs, openMs } = cold.value;
        state.cold.samples.push({ rep, createMs, openMs, totalMs: createMs + openMs });
        log(`rep ${rep + 1}: cold ${store}: ${formatMs(createMs + openMs)} (create ${formatMs(createMs)} + open ${formatMs(openMs)})`);
        if (store === 'memory' && !state.workloadsDone) await runWorkloads(page, state, 'cold', options, log);
      } else {
        state.cold.errors.push(cold.error);
        log(`rep ${rep + 1}: cold ${store} FAILED: ${cold.error}`);
      }
      await park(page);
    }

    // Warm: reload (a new worker, which reopens the park world), then open the store's world.
    const reopen = created.filter((store) => store !== 'memory');
    for (const [index, store] of reopen.entries()) {
      const state = states.get(store)!;
      await withTimeout(session.reload(), STEP_TIMEOUT_MS, 'reload');
      const warm = await timedOpen(page, state.world);
      if (warm.ok && warm.value.previous !== PARK_WORLD) {
        state.warm.errors.push(`after reload the app had "${warm.value.previous}" open, not the park world`);
      } else if (warm.ok) {
        state.warm.samples.push(warm.value.ms);
        log(`rep ${rep + 1}: warm ${store}: ${formatMs(warm.value.ms)}`);
        if (!state.workloadsDone) await runWorkloads(page, state, 'warm', options, log);
      } else {
        state.warm.errors.push(warm.error);
        log(`rep ${rep + 1}: warm ${store} FAILED: ${warm.error}`);
      }
      if (index < reopen.length - 1) await park(page);
    }
  } finally {
    await session.close();
  }
}

export async function runWorldStoreBench(context: BenchContext, options: WorldStoreOptions = DEFAULT_OPTIONS): Promise<WorldStoreResult> {
  const started = performance.now();
  const states = new Map<BenchStore, StoreState>(
    STORES.map((store) => [
      store,
      {
        store,
        world: worldName(store),
        cold: { samples: [], errors: [] },
        warm: { samples: [], errors: [] },
        transaction: { samples: [], errors: [], warmupMs: null, afterOpen: null },
        batch: { samples: [], errors: [] },
        workloadsDone: false,
      },
    ]),
  );
  const orders: BenchStore[][] = [];
  const repErrors: string[] = [];
  for (let rep = 0; rep < options.reps; rep++) {
    const order = rotate(STORES, rep);
    orders.push(order);
    try {
      await runRep(context, rep, order, states, options);
    } catch (error) {
      repErrors.push(`rep ${rep + 1}: ${messageOf(error)}`);
      context.log(`rep ${rep + 1} ABORTED: ${messageOf(error)}`);
    }
  }
  return {
    options,
    parkWorld: PARK_WORLD,
    orders,
    repErrors,
    durationMs: performance.now() - started,
    stores: STORES.map((store) => {
      const s = states.get(store)!;
      return {
        store,
        world: s.world,
        cold: {
          ...s.cold,
          summary: summarize(s.cold.samples.map((x) => x.totalMs)),
          createSummary: summarize(s.cold.samples.map((x) => x.createMs)),
          openSummary: summarize(s.cold.samples.map((x) => x.openMs)),
        },
        warm: store === 'memory' ? null : { ...s.warm, summary: summarize(s.warm.samples) },
        transaction: { ...s.transaction, summary: summarize(s.transaction.samples) },
        batch: { ...s.batch, summary: summarize(s.batch.samples), size: options.batchSize },
      };
    }),
  };
}

/** A number, or the error when nothing was measured; failures beside numbers are counted. */
function resultCell(summary: Summary | null, errors: readonly string[], format: (s: Summary) => string): string {
  if (!summary) return errors.length ? `error: ${cell(errors[0]!, 140)}` : 'not measured';
  const failed = errors.length ? ` (${errors.length} failed: ${cell(errors[0]!, 80)})` : '';
  return `${format(summary)}${failed}`;
}

export function worldStoreMarkdown(result: WorldStoreResult, meta: RunMeta): string {
  const { options } = result;
  const rows = result.stores.map((s) => [
    STORE_NOTES[s.store],
    resultCell(s.cold.summary, s.cold.errors, (sum) => formatMs(sum.median)),
    s.warm ? resultCell(s.warm.summary, s.warm.errors, (sum) => formatMs(sum.median)) : 'n/a (nothing to reopen)',
    resultCell(s.transaction.summary, s.transaction.errors, (sum) => `${formatMs(sum.median)} / ${formatMs(sum.p90)}`),
    resultCell(s.batch.summary, s.batch.errors, (sum) => formatMs(sum.median)),
  ]);
  const coldN = Math.max(...result.stores.map((s) => s.cold.samples.length));
  const lines = [
    '## World storage: open time and write cost per store',
    '',
    table(
      [
        'Store',
        `Cold open, median of ${coldN}`,
        'Warm open, median',
        `One committed transaction, median / p90 (n=${options.transactions})`,
        `${options.batchSize.toLocaleString('en-US')}-entity batch, median of ${options.batchReps}`,
      ],
      rows,
    ),
    '',
    `- Machine: ${describeMachine(meta.machine)}`,
    `- Browser: ${meta.machine.chromiumVersion ?? 'unknown Chromium'}, headless, driven by Playwright`,
    `- Date: ${meta.date}; load average (1 min) ${meta.loadAverage.start[0]?.toFixed(2)} at the start, ${meta.loadAverage.end[0]?.toFixed(2)} at the end`,
    `- Command: \`${meta.command}\` (\`bench/browser/world-store.bench.ts\`; raw samples in \`bench/out/world-store.json\`), total ${formatMs(result.durationMs)}`,
    '- Measured beside: the `memory` store (PGlite with no persistence), in the same run, browser and page.',
    '',
    'How it was measured (all times taken inside the page with `performance.now()` around the awaited `damApi` calls, so they include the comlink round trip to the world worker):',
    '',
    `- **Cold open**: in each of ${options.reps} fresh browser profiles, \`createWorld(name, { store })\` (first initdb + migrations) plus \`openWorld(name)\`, timed together, whichever of the two does the opening. Store order is rotated per profile.`,
    '- **Warm open**: reload the page (a new worker), wait for the app to be ready, then `openWorld(name)` of the world created cold (schema only, no entities). Memory has nothing to reopen.',
    `- Every open is timed with a small in-memory world (\`${result.parkWorld}\`) as the current world, so closing the previous world costs (almost) nothing.`,
    `- **One committed transaction**: ${options.transactions} sequential \`createEntity\` calls with one \`FilePropertiesComponent\` each, after one untimed warm-up; each call commits and flushes the store before it returns.`,
    `- **Batch**: one \`createEntities\` call with ${options.batchSize.toLocaleString('en-US')} entities of one \`FilePropertiesComponent\` each (${options.batchSize.toLocaleString('en-US')} entity + ${options.batchSize.toLocaleString('en-US')} component inserts, one transaction, one flush), ${options.batchReps} times in a row.`,
    '- The transaction and batch workloads run in the first profile, right after the warm open (for memory, after the cold open).',
  ];
  if (result.repErrors.length) lines.push('', `Aborted repetitions: ${result.repErrors.map((e) => cell(e, 200)).join('; ')}`);
  return lines.join('\n');
}

export const worldStoreBenchmark: Benchmark<WorldStoreResult> = {
  id: 'world-store',
  title: 'World storage per store (open, transaction, batch)',
  run: (context) => runWorldStoreBench(context, optionsFromEnv()),
  markdown: worldStoreMarkdown,
};

/** `BENCH_REPS` overrides the number of fresh profiles (for a quick run). */
function optionsFromEnv(): WorldStoreOptions {
  const reps = Number.parseInt(process.env.BENCH_REPS ?? '', 10);
  return Number.isInteger(reps) && reps > 0 ? { ...DEFAULT_OPTIONS, reps } : DEFAULT_OPTIONS;
}
