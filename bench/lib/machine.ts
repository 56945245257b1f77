import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** What a benchmark ran on, written beside every result. */
export interface MachineInfo {
  readonly os: string;
  readonly cpuModel: string;
  readonly cpuCores: number;
  readonly totalMemoryBytes: number;
  readonly nodeVersion: string;
  readonly chromiumPath: string | null;
  readonly chromiumVersion: string | null;
}

/** `chromium --version`, without the wrapper script's stderr noise; null if it cannot run. */
export function chromiumVersion(path: string | null): string | null {
  if (!path) return null;
  try {
    return execFileSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 30_000 }).trim();
  } catch {
    return null;
  }
}

export function machineInfo(chromiumPath: string | null): MachineInfo {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCores: cpus.length,
    totalMemoryBytes: os.totalmem(),
    nodeVersion: process.version,
    chromiumPath,
    chromiumVersion: chromiumVersion(chromiumPath),
  };
}

/** One line for a results table, e.g. `Intel Xeon …, 2 cores, 23.4 GiB RAM, Linux 6.1 x64, Node v20.20.2`. */
export function describeMachine(machine: MachineInfo): string {
  const gib = (machine.totalMemoryBytes / 2 ** 30).toFixed(1);
  return `${machine.cpuModel}, ${machine.cpuCores} cores, ${gib} GiB RAM, ${machine.os}, Node ${machine.nodeVersion}`;
}
