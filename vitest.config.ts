import { defineConfig } from 'vitest/config';

// One runner for every package: tests live next to the code (`*.test.ts`). The global setup finds
// (or unpacks) the Chromium the browser tests drive, once, before the workers start.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
    globalSetup: ['packages/testkit/src/chromiumSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
