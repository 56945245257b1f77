import { createHash } from 'node:crypto';
import pg from 'pg';
import { ident } from '../db/sql';
import { DamError } from '../dam/errors';
import { redactPassword } from '../db/postgres-database';

/**
 * Worlds kept as databases on one PostgreSQL server: `<server>/<database>`, where the database
 * is `<prefix><world>`. Identifiers stop at 63 bytes, so a long one is shortened with a hash.
 */
export function postgresDatabaseName(prefix: string, worldName: string): string {
  const name = `${prefix}${worldName}`.toLowerCase();
  if (name.length <= 63) return name;
  return `${name.slice(0, 50)}_${createHash('sha256').update(name).digest('hex').slice(0, 12)}`;
}

/** The server URL with its database replaced. */
export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

export function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

async function withServer<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, application_name: 'dam-admin' });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new DamError(
      'WorldOpenError',
      `Could not reach the PostgreSQL server at ${redactPassword(serverUrl)}: ${(error as Error).message}`,
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Creates the world's database, from `template` when one is given (a database every migration
 * has already run on, which the tests prepare once). Refuses one that exists: a new world must
 * not adopt someone else's rows.
 */
export async function createPostgresDatabase(databaseUrl: string, options: { template?: string } = {}): Promise<void> {
  const name = databaseOf(databaseUrl);
  await withServer(withDatabase(databaseUrl, 'postgres'), async (client) => {
    const { rows } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rows.length > 0) throw new DamError('WorldExistsError', `The PostgreSQL database "${name}" already exists`);
    await client.query(`CREATE DATABASE ${ident(name)}${options.template ? ` TEMPLATE ${ident(options.template)}` : ''}`);
  });
}

export async function dropPostgresDatabase(databaseUrl: string): Promise<void> {
  const name = databaseOf(databaseUrl);
  await withServer(withDatabase(databaseUrl, 'postgres'), async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
  });
}
