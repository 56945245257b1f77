import { PgliteDatabase } from './pglite-database';

/**
 * A freshly initialised PGlite data directory with pgvector created, as a tarball. Starting a
 * new world from it skips initdb (4 s in Node, ~19 s in a browser worker on two cores; loading
 * takes ~1 s). `prepare` may run more on it first: the app's build applies the DAM migrations
 * (vite-plugins/world-template.ts), which a new browser world then finds already recorded.
 * Without it the template depends only on the PGlite build.
 */
export async function makeWorldTemplate(
  compression: 'gzip' | 'none' = 'gzip',
  prepare?: (db: PgliteDatabase) => Promise<void>,
): Promise<Blob> {
  const db = await PgliteDatabase.open('memory://');
  try {
    await prepare?.(db);
    return await db.pg.dumpDataDir(compression);
  } finally {
    await db.close();
  }
}
