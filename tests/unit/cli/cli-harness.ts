import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DamApp } from '../../../src/lib/dam/dam-app';
import { createNodePlatform } from '../../../src/lib/platform/node-platform';

/** The real executable, run as a user would run it. */
const BIN = join(import.meta.dirname, '../../../bin/dam.mjs');

export interface DamRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `dam ARGS` in `cwd`. The environment is the test process's (so `DAM_WORLD_TEMPLATE` and,
 * in the PostgreSQL run, `DAM_POSTGRES_SERVER` reach it) without any configuration of the
 * machine's own, plus `env`.
 */
export function dam(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Promise<DamRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  for (const key of ['DAM_CONFIG', 'DAM_WORLDS_CONFIG']) if (!options.env?.[key]) delete env[key];
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: options.cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** `dam ARGS --json`, its one JSON document parsed (and the run, for the exit code). */
export async function damJson<T = Record<string, unknown>>(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<DamRun & { json: T }> {
  const run = await dam([...args, '--json'], options);
  let json: T;
  try {
    json = JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`dam ${args.join(' ')} --json printed no single JSON document (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  return { ...run, json };
}

/**
 * A world name no other test file uses: in the PostgreSQL run every world with a data
 * directory is a database `dam_<name>` on one shared server.
 */
export function uniqueWorldName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export async function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `dam-cli-${prefix}-`));
}

export async function sha256Of(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

export async function md5Of(path: string): Promise<string> {
  return createHash('md5')
    .update(await readFile(path))
    .digest('hex');
}

/**
 * Opens the data directory the CLI wrote, as the app does, for `fn` to look at the worlds.
 * Never while a `dam` process has them open: one PGlite directory, one process.
 */
export async function withDataDir<T>(dataDir: string, fn: (app: DamApp) => Promise<T>): Promise<T> {
  const app = new DamApp(await createNodePlatform({ dataDir }));
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

/** Drops the worlds kept on a PostgreSQL server (the PostgreSQL run), then removes `dir`. */
export async function removeDataDir(dir: string, dataDir: string): Promise<void> {
  await withDataDir(dataDir, async (app) => {
    for (const world of await app.listWorlds()) if (world.store === 'postgres') await app.deleteWorld(world.name).catch(() => undefined);
  }).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}
