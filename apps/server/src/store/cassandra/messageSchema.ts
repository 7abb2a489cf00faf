// The CQL tables of the Cassandra MessageStore, created at start when missing (idempotent DDL).
//
// messages         one partition per (channel, 10-day bucket), newest first; `body` is the whole
//                  MessageRecord as JSON (new record fields need no migration), `author_id` is its own
//                  column because only `insert` writes it: a row without it is the leftover of an
//                  edit racing a delete (UPDATE is an upsert) and readers skip it.
// channel_buckets  the buckets a channel has messages in, so paging never walks empty windows.
// pins             a channel's pinned message ids (at most 50 per channel), kept by blind writes.
// reactions        one row per (message, emoji, user) in the message's bucket partition: adding is a
//                  single conditional insert, counts come from GROUP BY, no counter to drift.
import type cassandra from 'cassandra-driver';

export function messageTables(keyspace: string): string[] {
  const ks = `"${keyspace}"`;
  return [
    `CREATE TABLE IF NOT EXISTS ${ks}.messages (
       channel_id bigint, bucket int, message_id bigint, author_id text, body text,
       PRIMARY KEY ((channel_id, bucket), message_id)
     ) WITH CLUSTERING ORDER BY (message_id DESC)`,
    `CREATE TABLE IF NOT EXISTS ${ks}.channel_buckets (
       channel_id bigint, bucket int,
       PRIMARY KEY (channel_id, bucket)
     ) WITH CLUSTERING ORDER BY (bucket DESC)`,
    `CREATE TABLE IF NOT EXISTS ${ks}.pins (
       channel_id bigint, message_id bigint, pinned_at bigint,
       PRIMARY KEY (channel_id, message_id)
     )`,
    `CREATE TABLE IF NOT EXISTS ${ks}.reactions (
       channel_id bigint, bucket int, message_id bigint, emoji text, user_key text, user_id text, created_at bigint,
       PRIMARY KEY ((channel_id, bucket), message_id, emoji, user_key)
     )`,
  ];
}

/** Creates the keyspace (NetworkTopologyStrategy in the local DC) and the tables when missing. */
export async function ensureMessageSchema(client: cassandra.Client, keyspace: string, localDataCenter: string, replicationFactor: number): Promise<void> {
  await client.execute(
    `CREATE KEYSPACE IF NOT EXISTS "${keyspace}" WITH replication = {'class': 'NetworkTopologyStrategy', '${localDataCenter.replaceAll("'", "''")}': ${replicationFactor}}`,
    [],
    { prepare: false },
  );
  for (const ddl of messageTables(keyspace)) await client.execute(ddl, [], { prepare: false });
}
