import { loadavg } from 'node:os';
import type { MachineInfo } from './machine';

/** What every benchmark gets from the runner. */
export interface BenchContext {
  /** Where the copied build is served, with cross-origin isolation headers. */
  readonly baseUrl: string;
  /** A scratch directory for browser profiles; removed after the run. */
  readonly workDir: string;
  readonly chromiumPath: string;
  readonly machine: MachineInfo;
  log(message: string): void;
}

/** Facts written beside every result. */
export interface RunMeta {
  readonly date: string;
  readonly command: string;
  readonly machine: MachineInfo;
  /** 1, 5 and 15 minute load averages before and after the run: other work on the machine skews timings. */
  readonly loadAverage: { readonly start: readonly number[]; readonly end: readonly number[] };
}

export interface Benchmark<Result> {
  /** Names the JSON file (`bench/out/ID.json`) and the BENCHMARKS.md section markers. */
  readonly id: string;
  readonly title: string;
  run(context: BenchContext): Promise<Result>;
  /** The Markdown between the section's markers. */
  markdown(result: Result, meta: RunMeta): string;
}

/** A benchmark with its result type erased, so benchmarks of different results can share one list. */
export interface RunnableBenchmark {
  readonly id: string;
  readonly title: string;
  run(context: BenchContext, meta: Omit<RunMeta, 'loadAverage'>): Promise<{ result: unknown; meta: RunMeta; markdown: string }>;
  /** The Markdown for a result saved earlier in `bench/out/ID.json` (trusted to be this benchmark's). */
  render(saved: { result: unknown; meta: RunMeta }): string;
}

export function runnable<Result>(benchmark: Benchmark<Result>): RunnableBenchmark {
  return {
    id: benchmark.id,
    title: benchmark.title,
    async run(context, startMeta) {
      const start = loadavg();
      const result = await benchmark.run(context);
      const meta: RunMeta = { ...startMeta, loadAverage: { start, end: loadavg() } };
      return { result, meta, markdown: benchmark.markdown(result, meta) };
    },
    render: (saved) => benchmark.markdown(saved.result as Result, saved.meta),
  };
}
