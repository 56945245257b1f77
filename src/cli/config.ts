import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { assertValidWorldName, InvalidWorldNameError } from '../lib/ecs/world-config';
import { ConfigError } from './errors';

/**
 * Where the `dam` command keeps its worlds and which it uses, from (last wins): defaults, the
 * configuration file, then environment variables. In the spirit of the Python seed's
 * `DAM_WORLDS_CONFIG`, whose JSON (inline or a path) is still read.
 *
 * ```toml
 * data_dir = "~/dam"                 # worlds.json, worlds/<name>/{db,blobs}, models/
 * default_world = "photos"
 * [worlds.photos]
 * database_url = "postgres://dam@localhost/dam_photos"   # or a directory for PGlite
 * blob_root = "/mnt/big/dam-blobs"
 * ```
 */
export interface DamConfig {
  readonly dataDir: string;
  readonly defaultWorld: string;
  /** Worlds the configuration names, by name. */
  readonly worlds: ReadonlyMap<string, WorldSpec>;
  /** The file read, or null (none, or inline JSON). */
  readonly file: string | null;
}

/** A world as the configuration describes it; what is absent is DAM's own choice. */
export interface WorldSpec {
  readonly name: string;
  /** A `postgres://` URL, or an absolute directory for a PGlite database. */
  readonly databaseUrl?: string;
  /** An absolute directory for the world's blobs. */
  readonly blobRoot?: string;
}

/** Where the settings come from; `main` passes the real process's, tests could pass others. */
export interface ConfigSources {
  /** `--config PATH`. */
  readonly configPath?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

const TOP_KEYS = new Set(['data_dir', 'default_world', 'worlds']);
const WORLD_KEYS = new Set(['database_url', 'blob_root']);
const ENV_WORLD = /^DAM_WORLD_([A-Z0-9_]+)_(DATABASE_URL|BLOB_ROOT)$/;

/** The seed's default world: made on first use. */
export const DEFAULT_WORLD = 'default';

/** `DAM_WORLD_<NAME>_…`: the name upper-cased, `-` as `_`. */
export function envNameOf(world: string): string {
  return world.toUpperCase().replaceAll('-', '_');
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export async function loadConfig(sources: ConfigSources): Promise<DamConfig> {
  const { env, cwd } = sources;
  const found = await findConfigFile(sources);
  const raw = found ? await readConfig(found) : null;
  const baseDir = found?.path ? dirname(found.path) : cwd;
  const where = found?.path ?? (found ? 'DAM_WORLDS_CONFIG' : '');

  const fileConfig = raw ? validate(raw, where) : { worlds: {} };
  const worlds = new Map<string, WorldSpec>();
  for (const [name, entry] of Object.entries(fileConfig.worlds)) {
    worlds.set(name, {
      name,
      ...(entry.database_url !== undefined && { databaseUrl: databaseLocation(entry.database_url, baseDir, `${where}: worlds.${name}`) }),
      ...(entry.blob_root !== undefined && { blobRoot: directory(entry.blob_root, baseDir) }),
    });
  }

  // Environment variables win over the file; their relative paths are the caller's (cwd).
  for (const [key, value] of Object.entries(env)) {
    const match = ENV_WORLD.exec(key);
    if (!match || !value) continue;
    const known = [...worlds.keys()].find((name) => envNameOf(name) === match[1]);
    const name = known ?? match[1]!.toLowerCase();
    checkWorldName(name, key);
    const spec = worlds.get(name) ?? { name };
    worlds.set(
      name,
      match[2] === 'DATABASE_URL'
        ? { ...spec, databaseUrl: databaseLocation(value, cwd, key) }
        : { ...spec, blobRoot: directory(value, cwd) },
    );
  }

  const defaultWorld = env.DAM_DEFAULT_WORLD || fileConfig.default_world || DEFAULT_WORLD;
  checkWorldName(defaultWorld, env.DAM_DEFAULT_WORLD ? 'DAM_DEFAULT_WORLD' : `${where}: default_world`);
  const dataDir = env.DAM_DATA_DIR
    ? directory(env.DAM_DATA_DIR, cwd)
    : fileConfig.data_dir !== undefined
      ? directory(fileConfig.data_dir, baseDir)
      : defaultDataDir(env);
  return { dataDir, defaultWorld, worlds, file: found?.path ?? null };
}

/** `$XDG_DATA_HOME/dam`, else `~/.local/share/dam` (the XDG default). */
function defaultDataDir(env: Readonly<Record<string, string | undefined>>): string {
  const xdg = env.XDG_DATA_HOME;
  return xdg && isAbsolute(xdg) ? join(xdg, 'dam') : join(homedir(), '.local', 'share', 'dam');
}

interface FoundConfig {
  /** The file, or null for JSON given inline in `DAM_WORLDS_CONFIG`. */
  readonly path: string | null;
  readonly text?: string;
}

/** `--config`, else `DAM_CONFIG`, else `DAM_WORLDS_CONFIG` (a path or inline JSON), else `./dam.toml` or `./dam.json`. */
async function findConfigFile({ configPath, env, cwd }: ConfigSources): Promise<FoundConfig | null> {
  if (configPath) return { path: resolve(cwd, expandHome(configPath)) };
  if (env.DAM_CONFIG) return { path: resolve(cwd, expandHome(env.DAM_CONFIG)) };
  const seed = env.DAM_WORLDS_CONFIG?.trim();
  if (seed) return seed.startsWith('{') ? { path: null, text: seed } : { path: resolve(cwd, expandHome(seed)) };
  const candidates = ['dam.toml', 'dam.json'].map((name) => join(cwd, name));
  const present = [];
  for (const candidate of candidates) if (await isFile(candidate)) present.push(candidate);
  if (present.length > 1) throw new ConfigError(`Both ${present.join(' and ')} exist: remove one, or choose with --config`);
  return present[0] ? { path: present[0] } : null;
}

async function readConfig(found: FoundConfig): Promise<unknown> {
  if (found.path === null) return parseJson(found.text!, 'DAM_WORLDS_CONFIG');
  let text: string;
  try {
    text = await readFile(found.path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the configuration file ${found.path}: ${(error as Error).message}`);
  }
  if (extname(found.path).toLowerCase() === '.json') return parseJson(text, found.path);
  try {
    return parseToml(text);
  } catch (error) {
    throw new ConfigError(`${found.path} is not valid TOML: ${(error as Error).message}`);
  }
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${where} is not valid JSON: ${(error as Error).message}`);
  }
}

interface FileConfig {
  data_dir?: string;
  default_world?: string;
  worlds: Record<string, { database_url?: string; blob_root?: string }>;
}

/** Checks the parsed file: known keys only, strings where strings go, valid world names. */
function validate(raw: unknown, where: string): FileConfig {
  if (!isTable(raw)) throw new ConfigError(`${where}: the configuration must be a table of settings`);
  // The seed's DAM_WORLDS_CONFIG was a bare map of worlds: `{ "<name>": { "database_url": … } }`.
  const bare = Object.keys(raw).length > 0 && Object.keys(raw).every((k) => !TOP_KEYS.has(k)) && Object.values(raw).every(isTable);
  const top = bare ? { worlds: raw } : raw;
  for (const key of Object.keys(top)) {
    if (!TOP_KEYS.has(key)) throw new ConfigError(`${where}: unknown setting "${key}" (known: ${[...TOP_KEYS].join(', ')})`);
  }
  const config: FileConfig = { worlds: {} };
  if (top.data_dir !== undefined) config.data_dir = requireString(top.data_dir, `${where}: data_dir`);
  if (top.default_world !== undefined) {
    config.default_world = requireString(top.default_world, `${where}: default_world`);
    checkWorldName(config.default_world, `${where}: default_world`);
  }
  if (top.worlds !== undefined) {
    if (!isTable(top.worlds)) throw new ConfigError(`${where}: worlds must be a table of worlds ([worlds.<name>])`);
    for (const [name, entry] of Object.entries(top.worlds)) {
      checkWorldName(name, `${where}: worlds`);
      if (!isTable(entry)) throw new ConfigError(`${where}: worlds.${name} must be a table`);
      const world: { database_url?: string; blob_root?: string } = {};
      for (const [key, value] of Object.entries(entry)) {
        if (!WORLD_KEYS.has(key)) {
          throw new ConfigError(`${where}: unknown setting "${key}" in worlds.${name} (known: ${[...WORLD_KEYS].join(', ')})`);
        }
        const text = requireString(value, `${where}: worlds.${name}.${key}`);
        if (key === 'database_url') world.database_url = text;
        else world.blob_root = text;
      }
      config.worlds[name] = world;
    }
  }
  return config;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function requireString(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ConfigError(`${where} must be a non-empty string`);
  return value;
}

function checkWorldName(name: string, where: string): void {
  try {
    assertValidWorldName(name);
  } catch (error) {
    if (error instanceof InvalidWorldNameError) throw new ConfigError(`${where}: ${error.message}`);
    throw error;
  }
}

/** A PostgreSQL URL as given, or a directory made absolute. Other URLs (`memory://`) keep nothing. */
function databaseLocation(value: string, baseDir: string, where: string): string {
  if (isPostgresUrl(value)) return value;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new ConfigError(`${where}: database_url must be a postgres:// URL or a directory, not "${value}"`);
  }
  return directory(value, baseDir);
}

function directory(value: string, baseDir: string): string {
  return resolve(baseDir, expandHome(value));
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}
