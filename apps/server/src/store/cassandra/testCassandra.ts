// How Cassandra test files reach the run's node. The global setup (test/cassandra/cassandraGlobalSetup.ts)
// starts it in the background, so the JVM's start overlaps the other projects' tests, and writes its
// progress to a status file; a file's beforeAll waits for it (waitForTestCassandra) and its tests
// then read the contact point. When the node could not start, beforeAll throws the setup's reason
// and every test of the file fails with it.
import fs from 'node:fs';
import { inject } from 'vitest';
import { z } from 'zod';

export const TestCassandraStatus = z.discriminatedUnion('state', [
  z.object({ state: z.literal('starting') }),
  z.object({ state: z.literal('ready'), contactPoint: z.string() }),
  z.object({ state: z.literal('failed'), reason: z.string() }),
]);
export type TestCassandraStatus = z.infer<typeof TestCassandraStatus>;

declare module 'vitest' {
  export interface ProvidedContext {
    cassandraStatusFile: string;
  }
}

/** A test file's beforeAll waits this long at most (first run: Maven download, then the JVM start). */
export const CASSANDRA_WAIT_MS = 240_000;

let contactPoint: string | null = null;

/** Resolves when the run's node answers CQL; rejects with the reason it did not start. */
export async function waitForTestCassandra(timeoutMs = CASSANDRA_WAIT_MS - 5_000): Promise<string> {
  const file = inject('cassandraStatusFile');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = TestCassandraStatus.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (status.state === 'ready') return (contactPoint = status.contactPoint);
    if (status.state === 'failed') throw new Error(`Cassandra is not available: ${status.reason}`);
    if (Date.now() > deadline) throw new Error(`Cassandra is not available: still starting after ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The node's contact point, once waitForTestCassandra has resolved in this file. */
export function testCassandraContactPoint(): string {
  if (contactPoint === null) throw new Error('Cassandra is not available (waitForTestCassandra did not succeed in this file)');
  return contactPoint;
}

/** Whether this file reached the node (afterAll cleanups skip otherwise). */
export function testCassandraReady(): boolean {
  return contactPoint !== null;
}

/** A keyspace name unique to this test file's run. */
export function freshKeyspace(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}`;
}
