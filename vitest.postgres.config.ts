import { defineConfig } from 'vitest/config';

/**
 * The World suite again, on a real PostgreSQL server with pgvector (tests/unit/postgres-setup.ts
 * starts one): every test here opens its worlds and databases there instead of in PGlite.
 * Files that never open a database, or test PGlite itself, are left to the main run.
 * `DAM_SKIP_PG=1` skips this run; CI must not set it.
 */
const skip = process.env.DAM_SKIP_PG === '1';

export default defineConfig({
  test: {
    include: skip ? [] : ['tests/unit/ecs/**/*.test.ts', 'tests/unit/dam/**/*.test.ts', 'tests/unit/cli/**/*.test.ts'],
    // Files that never open a database: the main run covers them.
    exclude: [
      'tests/unit/dam/media/**',
      'tests/unit/dam/{audio-decode,bundled-model-size,digest-files,large-file,mime-service,nsfwjs-tagger,query-parser}.test.ts',
    ],
    passWithNoTests: skip,
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: skip ? [] : ['tests/unit/global-setup.ts', 'tests/unit/postgres-setup.ts'],
  },
});
