// Settings of the Cassandra adapters, without the driver: config.ts validates the environment
// against these, and only a server with MESSAGE_STORE=cassandra loads cassandra-driver.

export const CASSANDRA_CONSISTENCIES = ['ONE', 'TWO', 'THREE', 'QUORUM', 'ALL', 'LOCAL_QUORUM', 'EACH_QUORUM', 'LOCAL_ONE'] as const;
export type CassandraConsistency = (typeof CASSANDRA_CONSISTENCIES)[number];

/** Keyspace names go into CQL text (DDL cannot bind them): letters, digits and underscores only. */
export const KEYSPACE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,47}$/;

export interface CassandraOptions {
  /** host:port pairs, e.g. 127.0.0.1:9042 (ScyllaDB speaks the same protocol). */
  contactPoints: string[];
  keyspace: string;
  localDataCenter: string;
  /** Of every read and write (LOCAL_QUORUM by default; LOCAL_ONE suits a single development node). */
  consistency: CassandraConsistency;
  /** Replicas in the local data center, used only when the keyspace is created. */
  replicationFactor: number;
}
