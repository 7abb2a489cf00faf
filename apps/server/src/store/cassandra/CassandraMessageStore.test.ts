import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASSANDRA_WAIT_MS, freshKeyspace, testCassandraContactPoint, testCassandraReady, waitForTestCassandra } from './testCassandra.ts';
import { newMessageRecord } from '../../domain/newMessageRecord.ts';
import { describeMessageStore } from '../MessageStore.contract.ts';
import type { HistoryQuery, MessageRecord } from '../records.ts';
import { CassandraMessageStore } from './CassandraMessageStore.ts';
import { cassandraStoreHarness, dropCassandraKeyspace, testCassandraOptions } from './cassandraStoreHarness.ts';
import { bucketOf } from './messageBuckets.ts';

// A fresh keyspace for this file on the run's Cassandra node (test/cassandra/cassandraGlobalSetup.ts).
const keyspace = freshKeyspace('concord_contract');
const options = () => testCassandraOptions(testCassandraContactPoint(), keyspace);

beforeAll(() => waitForTestCassandra(), CASSANDRA_WAIT_MS);

describeMessageStore('Cassandra', cassandraStoreHarness(() => CassandraMessageStore.open(options())));

afterAll(async () => {
  if (testCassandraReady()) await dropCassandraKeyspace(options());
});

// Beyond the contract (whose messages all fall in one 10-day bucket): paging across buckets.
describe('CassandraMessageStore buckets', () => {
  const DAY_MS = 24 * 60 * 60 * 1000;
  const snowflakeAt = (ms: number, seq: number) => ((BigInt(ms) << 22n) | BigInt(seq)).toString();
  const record = (channelId: string, id: string, content: string): MessageRecord =>
    newMessageRecord({ id, channel_id: channelId, guild_id: null, author_id: '100000000000000001', type: 0, content });

  it('pages before, after and around across buckets and the empty windows between them, like one sorted list', async () => {
    const store = await CassandraMessageStore.open(options());
    try {
      const ch = '300000000000000001';
      // 24 messages: two or three per 10-day bucket over 60 days, then a 50-day gap, then 12 more.
      const start = 1_700_000_000_000;
      const times = [...Array.from({ length: 24 }, (_, i) => start + i * 2.5 * DAY_MS), ...Array.from({ length: 12 }, (_, i) => start + 110 * DAY_MS + i * 4 * DAY_MS)];
      const ids = times.map((t, i) => snowflakeAt(t, i));
      expect(new Set(ids.map((id) => bucketOf(BigInt(id)))).size).toBeGreaterThanOrEqual(10);
      for (const [i, id] of ids.entries()) await store.insert(record(ch, id, `m${i}`));
      const asc = [...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
      const desc = [...asc].reverse();
      const got = async (q: HistoryQuery) => (await store.list(ch, q)).map((m) => m.id);

      expect(await got({ limit: 100 })).toEqual(desc);
      for (const limit of [1, 3, 7, 20]) {
        for (const anchorIndex of [0, 1, 5, 11, 23, 24, 30, 35]) {
          const anchor = asc[anchorIndex]!;
          const older = desc.filter((id) => BigInt(id) < BigInt(anchor));
          const newer = asc.filter((id) => BigInt(id) > BigInt(anchor));
          expect(await got({ limit, before: anchor })).toEqual(older.slice(0, limit));
          expect(await got({ limit, after: anchor })).toEqual(newer.slice(0, limit).reverse());
          const olderIncl = desc.filter((id) => BigInt(id) <= BigInt(anchor)).slice(0, Math.ceil(limit / 2));
          const newerPart = newer.slice(0, limit - olderIncl.length).reverse();
          expect(await got({ limit, around: anchor })).toEqual([...newerPart, ...olderIncl]);
        }
      }
      // An anchor inside the empty 50-day gap, and ids before the first / after the last message.
      const inGap = snowflakeAt(start + 85 * DAY_MS, 0);
      expect(await got({ limit: 2, before: inGap })).toEqual(desc.filter((id) => BigInt(id) < BigInt(inGap)).slice(0, 2));
      expect(await got({ limit: 2, after: inGap })).toEqual(asc.filter((id) => BigInt(id) > BigInt(inGap)).slice(0, 2).reverse());
      expect(await got({ limit: 3, after: '1' })).toEqual(asc.slice(0, 3).reverse());
      expect(await got({ limit: 3, before: snowflakeAt(start + 400 * DAY_MS, 0) })).toEqual(desc.slice(0, 3));
    } finally {
      await store.close();
    }
  });

  it('hides an edit that landed after its message was deleted, and still fills the page', async () => {
    const store = await CassandraMessageStore.open(options());
    try {
      const ch = '300000000000000002';
      const base = 1_700_000_000_000;
      const ms = Array.from({ length: 5 }, (_, i) => record(ch, snowflakeAt(base + i, 0), `m${i}`));
      for (const m of ms) await store.insert(m);
      const victim = ms[2]!;
      expect(await store.delete(ch, [victim.id])).toBe(1);
      // UPDATE is an upsert in CQL: this leaves a row without author_id behind.
      await store.update({ ...victim, content: 'edited too late', edited_at: 1 });
      expect(await store.get(ch, victim.id)).toBeNull();
      expect((await store.list(ch, { limit: 4 })).map((m) => m.content)).toEqual(['m4', 'm3', 'm1', 'm0']);
      expect((await store.list(ch, { limit: 2, before: ms[4]!.id })).map((m) => m.content)).toEqual(['m3', 'm1']);
      expect(await store.delete(ch, [victim.id])).toBe(0);
    } finally {
      await store.close();
    }
  });
});
