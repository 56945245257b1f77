import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of the browser's processes, read from Linux's /proc while a benchmark runs: on two
 * cores the browser process (IndexedDB, blob files), the GPU process (canvas) and the renderer
 * (page, world and media workers) share the same cores, so wall time alone does not say where
 * the time goes or how far a rate is from what the machine can do at all.
 */
export interface CpuSample {
  readonly epochMs: number;
  /** Cumulative CPU ms (user + system) by Chromium process type: browser, renderer, gpu-process, utility… */
  readonly byType: Readonly<Record<string, number>>;
  /** Cumulative busy ms of the whole machine (all cores, /proc/stat), for what lies outside the browser. */
  readonly machineBusyMs: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux.

function readOr(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Every descendant of `rootPid` (not itself), from each process's parent in /proc/N/stat. */
function descendants(rootPid: number): { pid: number; stat: string[] }[] {
  const all: { pid: number; ppid: number; stat: string[] }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const text = readOr(`/proc/${name}/stat`);
    if (!text) continue;
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    all.push({ pid: Number(name), ppid: Number(fields[1]), stat: fields });
  }
  const children = new Map<number, typeof all>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: { pid: number; stat: string[] }[] = [];
  const stack = [...(children.get(rootPid) ?? [])];
  while (stack.length > 0) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(children.get(p.pid) ?? []));
  }
  return out;
}

function processType(pid: number): string | null {
  const cmdline = readOr(`/proc/${pid}/cmdline`);
  if (!cmdline || !/chrom/i.test(cmdline.split('\0')[0] ?? '')) return null;
  return /--type=([\w-]+)/.exec(cmdline)?.[1] ?? 'browser';
}

function machineBusyMs(): number {
  const cpu = (readOr('/proc/stat') ?? '').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
  const busy = cpu.reduce((a, b) => a + b, 0) - (cpu[3] ?? 0) - (cpu[4] ?? 0);
  return busy * TICK_MS;
}

export function sampleCpu(rootPid = process.pid): CpuSample {
  const byType: Record<string, number> = {};
  for (const { pid, stat } of descendants(rootPid)) {
    const type = processType(pid);
    if (!type) continue;
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
    byType[type] = (byType[type] ?? 0) + (Number(stat[11]) + Number(stat[12])) * TICK_MS;
  }
  return { epochMs: Date.now(), byType, machineBusyMs: machineBusyMs() };
}

/** Samples every `intervalMs` until stopped (a process that exits takes its time with it, so sample often). */
export function sampleCpuEvery(intervalMs = 100): { samples: CpuSample[]; stop(): void } {
  const samples: CpuSample[] = [sampleCpu()];
  const timer = setInterval(() => samples.push(sampleCpu()), intervalMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      samples.push(sampleCpu());
    },
  };
}

export interface CpuUse {
  readonly wallMs: number;
  /** CPU ms by process type over the window. */
  readonly byType: Readonly<Record<string, number>>;
  readonly browserTotalMs: number;
  readonly machineBusyMs: number;
}

/** CPU used between two moments, from the samples nearest inside them. */
export function cpuBetween(samples: readonly CpuSample[], fromEpochMs: number, toEpochMs: number): CpuUse | null {
  const first = samples.find((s) => s.epochMs >= fromEpochMs);
  const last = [...samples].reverse().find((s) => s.epochMs <= toEpochMs);
  if (!first || !last || last.epochMs <= first.epochMs) return null;
  const byType: Record<string, number> = {};
  for (const type of new Set([...Object.keys(first.byType), ...Object.keys(last.byType)])) {
    byType[type] = Math.max(0, (last.byType[type] ?? 0) - (first.byType[type] ?? 0));
  }
  return {
    wallMs: last.epochMs - first.epochMs,
    byType,
    browserTotalMs: Object.values(byType).reduce((a, b) => a + b, 0),
    machineBusyMs: last.machineBusyMs - first.machineBusyMs,
  };
}
