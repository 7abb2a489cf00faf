import { configDefaults, defineConfig } from 'vitest/config';

// One runner for every package: tests live next to the code (`*.test.ts`). The global setup finds
// (or unpacks) the Chromium the browser tests drive, once, before the workers start.
// The `cassandra` project holds the tests that need Apache Cassandra: its global setup starts one
// node for the whole run (or reuses one on CASSANDRA_TEST_PORT), and runs only when such a test is
// selected (vitest runs a project's global setup only for projects with files in the run).
const CASSANDRA_TESTS = ['apps/server/src/store/cassandra/**/*.test.ts', 'apps/server/test/cassandra/**/*.test.ts'];
// The `quiet` project runs after the others have finished (a later groupOrder), one file at a time:
// tests whose claim is about time on a machine that is not starved (video that never freezes for
// 60 s: a sender whose capture and encoder threads wait for a core sends frames late, and every
// viewer then sees that as a freeze, whatever the SFU does).
// The bottleneck test too: a starved sender or viewer reads as congestion to the estimate.
const QUIET_TESTS = ['apps/server/test/video-sfu-chromium.test.ts', 'apps/server/test/video-simulcast-bandwidth.test.ts'];

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
          exclude: [...configDefaults.exclude, ...CASSANDRA_TESTS, ...QUIET_TESTS],
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
      {
        extends: true,
        test: {
          name: 'quiet',
          include: QUIET_TESTS,
          globalSetup: ['packages/testkit/src/chromiumSetup.ts'],
          sequence: { groupOrder: 1 },
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
