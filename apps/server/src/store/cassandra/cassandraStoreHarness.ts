// Test support: Cassandra stores on one keyspace per test file for the store contract suites.
// `reopen` closes the client and connects a new store to the same keyspace, as a restarted server
// would; `dropCassandraKeyspace` removes the file's keyspace afterwards.
import type { OpenStoreHarness, StoreHarness } from '../StoreHarness.ts';
import { openCassandraClient } from './cassandraClient.ts';
import { KEYSPACE_NAME, type CassandraOptions } from './cassandraSettings.ts';

export interface ClosableStore {
  close(): Promise<void>;
}

/** Options for a single development node; `contactPoint` is what the Cassandra test setup provides. */
export function testCassandraOptions(contactPoint: string, keyspace: string): CassandraOptions {
  return { contactPoints: [contactPoint], keyspace, localDataCenter: 'datacenter1', consistency: 'LOCAL_QUORUM', replicationFactor: 1 };
}

export function cassandraStoreHarness<Store extends ClosableStore>(open: () => Promise<Store>): OpenStoreHarness<Store> {
  return async () => {
    let store = await open();
    const harness: StoreHarness<Store> = {
      get store() {
        return store;
      },
      async reopen() {
        await store.close();
        store = await open();
        return store;
      },
      dispose() {
        return store.close();
      },
    };
    return harness;
  };
}

export async function dropCassandraKeyspace(options: CassandraOptions): Promise<void> {
  if (!KEYSPACE_NAME.test(options.keyspace)) throw new Error(`invalid Cassandra keyspace name "${options.keyspace}"`);
  const client = await openCassandraClient(options);
  try {
    await client.execute(`DROP KEYSPACE IF EXISTS "${options.keyspace}"`, [], { prepare: false });
  } finally {
    await client.shutdown();
  }
}
