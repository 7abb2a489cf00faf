// Vitest global setup of the `cassandra` project (vitest.config.ts): one Cassandra node for every
// Cassandra test file of the run. It reuses a node that already answers on CASSANDRA_TEST_PORT
// (default 9042, e.g. one started with `npm run cassandra`), else starts one on a temporary data
// directory and stops it after the run. The start runs in the background (the other projects'
// tests run meanwhile); progress goes to a status file that the test files wait on
// (src/store/cassandra/testCassandra.ts), and a failure reaches them as the reason their tests fail.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureDevCassandra, type DevCassandra } from '../../scripts/devCassandra.ts';
import type { TestCassandraStatus } from '../../src/store/cassandra/testCassandra.ts';

export default function setup(project: TestProject): () => Promise<void> {
  const port = Number(process.env['CASSANDRA_TEST_PORT'] ?? 9042);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-cassandra-test-'));
  const statusFile = path.join(dir, 'status.json');
  const writeStatus = (status: TestCassandraStatus) => fs.writeFileSync(statusFile, JSON.stringify(status));
  const say = (line: string) => process.stderr.write(`[cassandra setup] ${line}\n`);
  writeStatus({ state: 'starting' });
  const started = ensureDevCassandra({ port, dataDir: path.join(dir, 'node'), heapMaxMb: 1024, log: say }).then(
    (node): DevCassandra => {
      const { resolveMs, startMs } = node.timings;
      say(
        node.startedHere
          ? `Cassandra ${node.releaseVersion} started at ${node.contactPoint}: jars ${resolveMs === null ? 'cached' : `resolved in ${resolveMs} ms`}, JVM start to CQL ${startMs} ms`
          : `reusing Cassandra ${node.releaseVersion} at ${node.contactPoint}`,
      );
      writeStatus({ state: 'ready', contactPoint: node.contactPoint });
      return node;
    },
    (err: unknown) => {
      const reason = err instanceof Error ? err.message : String(err);
      say(`Cassandra did not start: ${reason}`);
      writeStatus({ state: 'failed', reason });
      return null;
    },
  );
  project.provide('cassandraStatusFile', statusFile);
  return async () => {
    await (await started)?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
