import { readFile } from 'node:fs/promises';
import { PgliteDatabase } from '../../../src/lib/db/pglite-database';
import { makeWorldTemplate } from '../../../src/lib/db/world-template';

/**
 * Real in-memory PGlite databases for tests. initdb costs 3–5 s on two cores, so every database
 * starts from a fresh, empty dump: the one the suite's global setup wrote (`DAM_WORLD_TEMPLATE`),
 * or, when a file runs without it, one made on first use.
 */
let template: Promise<Blob> | undefined;

export async function openTestDatabase(): Promise<PgliteDatabase> {
  const path = process.env.DAM_WORLD_TEMPLATE;
  template ??= path ? readFile(path).then((bytes) => new Blob([bytes])) : makeWorldTemplate('none');
  return PgliteDatabase.open('memory://', { loadDataDir: await template });
}
