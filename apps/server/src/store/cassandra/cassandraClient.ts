// The cassandra-driver client the Cassandra adapters share: the driver's default load-balancing
// policy (token-aware over the local data center's round robin), prepared statements for every
// query, bigint columns as JS bigint (snowflakes exceed 2^53), and one consistency for the cluster.
import cassandra from 'cassandra-driver';

export const CASSANDRA_CONSISTENCIES = ['ONE', 'TWO', 'THREE', 'QUORUM', 'ALL', 'LOCAL_QUORUM', 'EACH_QUORUM', 'LOCAL_ONE'] as const;
export type CassandraConsistency = (typeof CASSANDRA_CONSISTENCIES)[number];

export interface CassandraOptions {
  /** host:port pairs, e.g. 127.0.0.1:9042 (ScyllaDB speaks the same protocol). */
  contactPoints: string[];
  keyspace: string;
  localDataCenter: string;
  consistency: CassandraConsistency;
  /** Replicas in the local data center, used only when the keyspace is created. */
  replicationFactor: number;
}

const CONSISTENCY_CODES: Record<CassandraConsistency, number> = {
  ONE: cassandra.types.consistencies.one,
  TWO: cassandra.types.consistencies.two,
  THREE: cassandra.types.consistencies.three,
  QUORUM: cassandra.types.consistencies.quorum,
  ALL: cassandra.types.consistencies.all,
  LOCAL_QUORUM: cassandra.types.consistencies.localQuorum,
  EACH_QUORUM: cassandra.types.consistencies.eachQuorum,
  LOCAL_ONE: cassandra.types.consistencies.localOne,
};

/** Connects; a cluster that does not answer fails here with the contact points in the message. */
export async function openCassandraClient(options: CassandraOptions): Promise<cassandra.Client> {
  const client = new cassandra.Client({
    contactPoints: options.contactPoints,
    localDataCenter: options.localDataCenter,
    queryOptions: {
      consistency: CONSISTENCY_CODES[options.consistency],
      // Reactions use lightweight transactions (INSERT ... IF NOT EXISTS); keep their Paxos round in the local DC.
      serialConsistency: cassandra.types.consistencies.localSerial,
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

/** Keyspace names go into CQL text (DDL cannot bind them): letters, digits and underscores only. */
export const KEYSPACE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,47}$/;
