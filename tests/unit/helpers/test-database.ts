import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Database } from '../../../src/lib/db/database';
import { PgliteDatabase } from '../../../src/lib/db/pglite-database';
import { PostgresDatabase } from '../../../src/lib/db/postgres-database';
import { makeWorldTemplate } from '../../../src/lib/db/world-template';
import { createPostgresDatabase, withDatabase } from '../../../src/lib/platform/postgres-worlds';

/**
 * Real, empty databases for tests. On PGlite (the default) each is in memory, loaded from a
 * fresh dump: initdb costs 3–5 s on two cores, so the suite's global setup writes one
 * (`DAM_WORLD_TEMPLATE`), or a file running without it makes one on first use. With
 * `DAM_TEST_BACKEND=postgres` (vitest.postgres.config.ts) each is a new database on the real
 * server the setup started (`DAM_POSTGRES_SERVER`).
 */
let template: Promise<Blob> | undefined;

export const testBackend: 'pglite' | 'postgres' = process.env.DAM_TEST_BACKEND === 'postgres' ? 'postgres' : 'pglite';

export async function openTestDatabase(): Promise<Database> {
  if (testBackend === 'postgres') {
    const server = process.env.DAM_POSTGRES_SERVER;
    if (!server) throw new Error('DAM_TEST_BACKEND=postgres needs DAM_POSTGRES_SERVER (vitest.postgres.config.ts sets it)');
    const url = withDatabase(server, `dam_test_${randomBytes(6).toString('hex')}`);
    await createPostgresDatabase(url);
    return PostgresDatabase.open(url);
  }
  const path = process.env.DAM_WORLD_TEMPLATE;
  template ??= path ? readFile(path).then((bytes) => new Blob([bytes])) : makeWorldTemplate('none');
  return PgliteDatabase.open('memory://', { loadDataDir: await template });
}
