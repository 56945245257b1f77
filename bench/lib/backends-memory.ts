import { readdirSync, readFileSync } from 'node:fs';

/**
 * Memory of the browser's processes while the `backends` benchmark runs in Chromium: the
 * proportional set size (`Pss` of /proc/N/smaps_rollup, shared pages divided among the processes
 * that map them, so the sum over processes does not count a shared library twice), summed by
 * Chromium process type, sampled every few seconds.
 */
export interface PssPeak {
  readonly samples: number;
  /** Largest sum over all of Chromium's processes at one sample. */
  readonly peakTotalBytes: number;
  /** Largest value per process type (browser, renderer, gpu-process, utility…) over the samples. */
  readonly peakByTypeBytes: Readonly<Record<string, number>>;
}

function readOr(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Chromium processes below `rootPid`, with their type (`--type=`, or `browser` for the main one). */
function chromiumProcesses(rootPid: number): { pid: number; type: string }[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readOr(`/proc/${name}/stat`);
    if (!stat) continue;
    parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
  }
  const out: { pid: number; type: string }[] = [];
  for (const pid of parentOf.keys()) {
    let p: number | undefined = parentOf.get(pid);
    while (p !== undefined && p !== rootPid && p > 1) p = parentOf.get(p);
    if (p !== rootPid) continue;
    const cmdline = readOr(`/proc/${pid}/cmdline`);
    if (!cmdline || !/chrom/i.test(cmdline.split('\0')[0] ?? '')) continue;
    out.push({ pid, type: /--type=([\w-]+)/.exec(cmdline)?.[1] ?? 'browser' });
  }
  return out;
}

function pssBytes(pid: number): number {
  const kb = /^Pss:\s+(\d+) kB/m.exec(readOr(`/proc/${pid}/smaps_rollup`) ?? '')?.[1];
  return kb ? Number(kb) * 1024 : 0;
}

/** Samples Chromium's processes under this Node process every `intervalMs` until stopped. */
export function samplePss(intervalMs = 2000): { stop(): PssPeak } {
  let samples = 0;
  let peakTotalBytes = 0;
  const peakByTypeBytes: Record<string, number> = {};
  const sample = () => {
    const byType: Record<string, number> = {};
    for (const { pid, type } of chromiumProcesses(process.pid)) byType[type] = (byType[type] ?? 0) + pssBytes(pid);
    const total = Object.values(byType).reduce((a, b) => a + b, 0);
    if (total === 0) return;
    samples++;
    peakTotalBytes = Math.max(peakTotalBytes, total);
    for (const [type, bytes] of Object.entries(byType)) peakByTypeBytes[type] = Math.max(peakByTypeBytes[type] ?? 0, bytes);
  };
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { samples, peakTotalBytes, peakByTypeBytes };
    },
  };
}
