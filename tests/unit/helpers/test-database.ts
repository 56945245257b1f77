import { PgliteDatabase } from '../../../src/lib/db/pglite-database';

/**
 * Real in-memory PGlite databases for tests. initdb costs 3–5 s on two cores, so the first
 * database of a test file is dumped once and later ones start from that fresh, empty dump.
 */
let template: Promise<Blob> | undefined;

async function freshTemplate(): Promise<Blob> {
  const db = await PgliteDatabase.open('memory://');
  const dump = await db.pg.dumpDataDir('none');
  await db.close();
  return dump;
}

export async function openTestDatabase(): Promise<PgliteDatabase> {
  template ??= freshTemplate();
  return PgliteDatabase.open('memory://', { loadDataDir: await template });
}
