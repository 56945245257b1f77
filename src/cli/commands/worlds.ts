import { resolve } from 'node:path';
import { DamError } from '../../lib/dam/errors';
import type { WorldRecord } from '../../lib/dam/platform';
import { redactPassword } from '../../lib/db/postgres-database';
import { flag, stringOption } from '../args';
import { isPostgresUrl } from '../config';
import { UsageError } from '../errors';
import { table } from '../output';
import type { Command } from './command';

/** A catalog entry as printed: a server URL without its password. */
function worldView(record: WorldRecord, defaultWorld: string, configured: boolean) {
  return {
    name: record.name,
    store: record.store,
    databaseUrl: isPostgresUrl(record.databaseUrl) ? redactPassword(record.databaseUrl) : record.databaseUrl,
    blobRoot: record.blobRoot ?? null,
    createdAt: record.createdAt,
    default: record.name === defaultWorld,
    configured,
  };
}

export const listWorlds: Command = {
  name: 'list-worlds',
  summary: 'list the worlds (libraries) and where each keeps its data',
  usage: 'dam list-worlds [--json]',
  description: 'The default world is marked with *; it is made on first use if it does not exist yet.',
  arity: { min: 0, max: 0 },
  async run({ out, session }) {
    const { app, config } = await session();
    const worlds = (await app.listWorlds()).map((w) => worldView(w, config.defaultWorld, config.worlds.has(w.name)));
    out.result({ dataDir: config.dataDir, defaultWorld: config.defaultWorld, worlds }, () => {
      if (worlds.length === 0) return `No worlds yet in ${config.dataDir}; "${config.defaultWorld}" is made on first use.`;
      return table([
        ['', 'NAME', 'STORE', 'DATABASE', 'BLOBS'],
        ...worlds.map((w) => [w.default ? '*' : '', w.name, w.store, w.databaseUrl, w.blobRoot ?? '(data dir)']),
      ]);
    });
  },
};

export const createWorld: Command = {
  name: 'create-world',
  summary: 'make a new, empty world',
  usage: 'dam create-world NAME [--database-url URL] [--blob-root DIR]',
  description:
    'Without options the world lives in the data directory (or, with DAM_POSTGRES_SERVER set, as a database on that server).\n' +
    '--database-url puts its database elsewhere: a postgres:// URL (the database is made if missing) or a directory (PGlite).\n' +
    '--blob-root keeps its files (blobs) in DIR.',
  options: {
    'database-url': { type: 'string', value: 'URL', description: 'a postgres:// URL or a directory for the database' },
    'blob-root': { type: 'string', value: 'DIR', description: 'the directory for the blobs' },
  },
  arity: { min: 1, max: 1 },
  async run({ out, args, cwd, session }) {
    const name = args.positionals[0]!;
    const url = stringOption(args, 'database-url');
    if (url !== undefined && !isPostgresUrl(url) && /^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
      throw new UsageError(`--database-url takes a postgres:// URL or a directory, not "${url}"`);
    }
    const blobRoot = stringOption(args, 'blob-root');
    const s = await session();
    const record = await s.createWorld(name, {
      ...(url !== undefined && { databaseUrl: isPostgresUrl(url) ? url : resolve(cwd, url) }),
      ...(blobRoot !== undefined && { blobRoot: resolve(cwd, blobRoot) }),
    });
    const view = worldView(record, s.config.defaultWorld, s.config.worlds.has(name));
    out.result({ world: view }, () => `Created the world "${name}" (${view.store}: ${view.databaseUrl}).`);
  },
};

export const deleteWorld: Command = {
  name: 'delete-world',
  summary: 'delete a world with all its assets, tags and stored files',
  usage: 'dam delete-world NAME --yes',
  description:
    'Only worlds whose database DAM placed itself are deleted; a world given a database in the configuration or with\n' +
    '--database-url is refused (its files are yours). A --blob-root directory is left as it is.',
  options: { yes: { type: 'boolean', description: 'really delete it' } },
  arity: { min: 1, max: 1 },
  async run({ out, args, session }) {
    const name = args.positionals[0]!;
    if (!flag(args, 'yes')) throw new UsageError(`Deleting "${name}" cannot be undone: add --yes to delete it`);
    const s = await session();
    const record = await s.platform.catalog.get(name);
    if (!record) throw new DamError('WorldNotFoundError', `There is no world named "${name}"`);
    if (!s.ownsDatabase(record)) {
      throw new DamError(
        'WorldOpenError',
        `The world "${name}" keeps its database at ${worldView(record, '', false).databaseUrl}, which DAM did not make: ` +
          'delete it yourself, then remove the world from the configuration',
      );
    }
    await s.app.deleteWorld(name);
    if (record.blobRoot) out.note(`The blobs in ${record.blobRoot} were left in place.`);
    out.result({ deleted: name }, () => `Deleted the world "${name}".`);
  },
};
