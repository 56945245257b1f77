import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { DamApp } from '../../src/lib/dam/dam-app';
import { createNodePlatform } from '../../src/lib/platform/node-platform';
import { databaseOf, withDatabase } from '../../src/lib/platform/postgres-worlds';

const TEMPLATE = 'dam_world_template';

/**
 * The World suite on a real PostgreSQL server with pgvector: starts one on a loopback port
 * (scripts/pg-test-server.sh installs what is missing), or uses `DAM_POSTGRES_SERVER` when it is
 * set. Every DAM migration runs once into a template database, which each new test world
 * copies, as the PGlite suite copies its dump. Test databases are dropped at the end.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const server = process.env.DAM_POSTGRES_SERVER || startServer();
  process.env.DAM_POSTGRES_SERVER = server;
  process.env.DAM_TEST_BACKEND = 'postgres';
  await dropDatabases(server, `${TEMPLATE}|dam_.*`);
  // The template is made the way a world is, then renamed: no one else may be connected to it.
  const platform = await createNodePlatform({ postgresServer: server, postgresTemplate: '' });
  const app = new DamApp(platform);
  const made = await app.createWorld('template');
  await app.close();
  await admin(server, (client) => client.query(`ALTER DATABASE "${databaseOf(made.databaseUrl)}" RENAME TO ${TEMPLATE}`));
  process.env.DAM_POSTGRES_TEMPLATE = TEMPLATE;
  return () => dropDatabases(server, 'dam_.*');
}

function startServer(): string {
  const output = execFileSync('bash', ['scripts/pg-test-server.sh'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return output.trim().split('\n').at(-1)!;
}

async function admin<T>(server: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(server, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function dropDatabases(server: string, pattern: string): Promise<void> {
  await admin(server, async (client) => {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname ~ $1', [`^(${pattern})$`]);
    for (const { datname } of rows) await client.query(`DROP DATABASE "${datname}" WITH (FORCE)`);
  });
}
