import { PgliteDatabase } from '../../../src/lib/db/pglite-database';
import { makeWorldTemplate } from '../../../src/lib/db/world-template';

/**
 * Real in-memory PGlite databases for tests. initdb costs 3–5 s on two cores, so the first
 * database of a test file is dumped once and later ones start from that fresh, empty dump.
 */
let template: Promise<Blob> | undefined;

export async function openTestDatabase(): Promise<PgliteDatabase> {
  template ??= makeWorldTemplate('none');
  return PgliteDatabase.open('memory://', { loadDataDir: await template });
}
