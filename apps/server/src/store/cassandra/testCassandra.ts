// What the Cassandra global setup hands to the test files, and the one call they make to get it.
import { inject } from 'vitest';

export type TestCassandra = { ok: true; contactPoint: string } | { ok: false; reason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    cassandra: TestCassandra;
  }
}

/** The node's contact point; throws the setup's reason when Cassandra could not start (the test fails). */
export function testCassandraContactPoint(): string {
  const cassandra = inject('cassandra');
  if (!cassandra.ok) throw new Error(`Cassandra is not available: ${cassandra.reason}`);
  return cassandra.contactPoint;
}

/** A keyspace name unique to this test file's run. */
export function freshKeyspace(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}`;
}
