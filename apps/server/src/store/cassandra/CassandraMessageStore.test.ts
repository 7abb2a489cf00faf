import { afterAll } from 'vitest';
import { freshKeyspace, testCassandraContactPoint } from './testCassandra.ts';
import { describeMessageStore } from '../MessageStore.contract.ts';
import { CassandraMessageStore } from './CassandraMessageStore.ts';
import { cassandraStoreHarness, dropCassandraKeyspace, testCassandraOptions } from './cassandraStoreHarness.ts';

// A fresh keyspace for this file on the run's Cassandra node (test/cassandra/cassandraGlobalSetup.ts).
const keyspace = freshKeyspace('concord_contract');
const options = () => testCassandraOptions(testCassandraContactPoint(), keyspace);

describeMessageStore('Cassandra', cassandraStoreHarness(() => CassandraMessageStore.open(options())));

afterAll(async () => {
  await dropCassandraKeyspace(options());
});
