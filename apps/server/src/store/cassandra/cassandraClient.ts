// The cassandra-driver client the Cassandra adapters share: the driver's default load-balancing
// policy (token-aware over the local data center's round robin), prepared statements for every
// query, bigint columns as JS bigint (snowflakes exceed 2^53), and one consistency for the cluster.
// The driver is imported when a client is opened: a SQLite-only server never loads it (175 ms).
import type cassandra from 'cassandra-driver';
import type { CassandraConsistency, CassandraOptions } from './cassandraSettings.ts';

function consistencyCode(driver: typeof cassandra, name: CassandraConsistency): number {
  const c = driver.types.consistencies;
  const codes: Record<CassandraConsistency, number> = {
    ONE: c.one,
    TWO: c.two,
    THREE: c.three,
    QUORUM: c.quorum,
    ALL: c.all,
    LOCAL_QUORUM: c.localQuorum,
    EACH_QUORUM: c.eachQuorum,
    LOCAL_ONE: c.localOne,
  };
  return codes[name];
}

/** Connects; a cluster that does not answer fails here with the contact points in the message. */
export async function openCassandraClient(options: CassandraOptions): Promise<cassandra.Client> {
  const driver = (await import('cassandra-driver')).default;
  const client = new driver.Client({
    contactPoints: options.contactPoints,
    localDataCenter: options.localDataCenter,
    queryOptions: {
      consistency: consistencyCode(driver, options.consistency),
      // Reactions use lightweight transactions (INSERT ... IF NOT EXISTS); keep their Paxos round in the local DC.
      serialConsistency: driver.types.consistencies.localSerial,
      prepare: true,
    },
    encoding: { useBigIntAsLong: true },
    socketOptions: { connectTimeout: 10_000 },
  });
  try {
    await client.connect();
  } catch (err) {
    await client.shutdown().catch(() => undefined);
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `Cassandra did not answer at ${options.contactPoints.join(', ')} (data center ${options.localDataCenter}): ${reason}. ` +
        'Start one with `npm run cassandra`, or fix CASSANDRA_CONTACT_POINTS / CASSANDRA_LOCAL_DC.',
      { cause: err },
    );
  }
  return client;
}

