import { configDefaults, defineConfig } from 'vitest/config';

// One runner for every package: tests live next to the code (`*.test.ts`). The global setup finds
// (or unpacks) the Chromium the browser tests drive, once, before the workers start.
// The `cassandra` project holds the tests that need Apache Cassandra: its global setup starts one
// node for the whole run (or reuses one on CASSANDRA_TEST_PORT), and runs only when such a test is
// selected (vitest runs a project's global setup only for projects with files in the run).
const CASSANDRA_TESTS = ['apps/server/src/store/cassandra/**/*.test.ts', 'apps/server/test/cassandra/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'default',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...CASSANDRA_TESTS],
          globalSetup: ['packages/testkit/src/chromiumSetup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'cassandra',
          include: CASSANDRA_TESTS,
          globalSetup: ['apps/server/test/cassandra/cassandraGlobalSetup.ts'],
        },
      },
    ],
  },
});
