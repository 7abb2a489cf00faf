// Vitest global setup of the `cassandra` project (vitest.config.ts): one Cassandra node for every
// Cassandra test file of the run. It reuses a node that already answers on CASSANDRA_TEST_PORT
// (default 9042, e.g. one started with `npm run cassandra`), else starts one on a temporary data
// directory and stops it after the run. When it cannot start, the tests fail with the reason
// (testCassandra.ts) rather than being skipped.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureDevCassandra } from '../../scripts/devCassandra.ts';
import type { TestCassandra } from '../../src/store/cassandra/testCassandra.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const port = Number(process.env['CASSANDRA_TEST_PORT'] ?? 9042);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-cassandra-test-'));
  const say = (line: string) => process.stderr.write(`[cassandra setup] ${line}\n`);
  let provided: TestCassandra;
  let stop = () => Promise.resolve();
  try {
    const node = await ensureDevCassandra({ port, dataDir, heapMaxMb: 1024, log: say });
    stop = () => node.stop();
    const { resolveMs, startMs } = node.timings;
    say(
      node.startedHere
        ? `Cassandra ${node.releaseVersion} started at ${node.contactPoint}: jars ${resolveMs === null ? 'cached' : `resolved in ${resolveMs} ms`}, JVM start to CQL ${startMs} ms`
        : `reusing Cassandra ${node.releaseVersion} at ${node.contactPoint}`,
    );
    provided = { ok: true, contactPoint: node.contactPoint };
  } catch (err) {
    provided = { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
  project.provide('cassandra', provided);
  return async () => {
    await stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
