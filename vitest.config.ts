import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    // PGlite's initdb takes seconds on two cores; tests open real databases.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One world template (initdb) for the whole suite, not one per test file.
    globalSetup: ['tests/unit/global-setup.ts'],
  },
});
