// The real server with MESSAGE_STORE=cassandra on the run's Cassandra node (cassandraGlobalSetup.ts):
// chat through REST and the gateway, then a restart on the same keyspace; the rows are checked in
// Cassandra itself, so a server that quietly kept messages in SQLite fails here.
import type { APIMessage } from '@concord/protocol';
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropCassandraKeyspace, testCassandraOptions } from '../../src/store/cassandra/cassandraStoreHarness.ts';
import { CASSANDRA_WAIT_MS, freshKeyspace, testCassandraContactPoint, testCassandraReady, waitForTestCassandra } from '../../src/store/cassandra/testCassandra.ts';
import { connectGateway, eventually, guildWithMember, registerUser, startTestServer } from '../harness.ts';

const keyspace = freshKeyspace('concord_server');

beforeAll(() => waitForTestCassandra(), CASSANDRA_WAIT_MS);

afterAll(async () => {
  if (testCassandraReady()) await dropCassandraKeyspace(testCassandraOptions(testCassandraContactPoint(), keyspace));
});

describe('server with MESSAGE_STORE=cassandra', () => {
  it('sends, edits, reacts, pins and pages history in Cassandra, and a restarted server reads the same history', async () => {
    const contactPoint = testCassandraContactPoint();
    const t = await startTestServer({ MESSAGE_STORE: 'cassandra', CASSANDRA_CONTACT_POINTS: contactPoint, CASSANDRA_KEYSPACE: keyspace, CASSANDRA_CONSISTENCY: 'LOCAL_ONE' });
    try {
      const owner = await registerUser(t);
      const member = await registerUser(t);
      const { general } = await guildWithMember(owner, member);
      const gw = await connectGateway(t, member.token, 'json');
      const sent: APIMessage[] = [];
      for (let i = 0; i < 30; i++) sent.push(await owner.api.sendMessage(general, `hello ${i}`));
      await eventually(() => gw.of('MESSAGE_CREATE').length === 30, '30 MESSAGE_CREATE on the member session');
      gw.close();
      const target = sent[10]!;
      const edited = await owner.api.editMessage(general, target.id, { content: 'hello 10, edited' });
      expect(edited.edited_timestamp).not.toBeNull();
      await member.api.addReaction(general, target.id, '🔥');
      await owner.api.addReaction(general, target.id, '🔥');
      await member.api.addReaction(general, target.id, '👍');
      await owner.api.pin(general, sent[3]!.id);
      await owner.api.deleteMessage(general, sent[29]!.id);

      const history = async (api: typeof owner.api) => {
        const newest = await api.getMessages(general, { limit: 10 });
        const older = await api.getMessages(general, { limit: 50, before: newest.at(-1)!.id });
        const around = await api.getMessages(general, { limit: 5, around: target.id });
        const after = await api.getMessages(general, { limit: 3, after: sent[0]!.id });
        const pins = await api.getPins(general);
        return {
          pages: [newest, older, around, after].map((page) => page.map((m) => ({ id: m.id, type: m.type, content: m.content, edited: m.edited_timestamp !== null, reactions: m.reactions ?? [] }))),
          pins: pins.map((m) => m.id),
        };
      };
      const before = await history(member.api);
      // Newest first: the pin's system message (type 6), then hello 28 down (29 was deleted).
      expect(before.pages[0]!.map((m) => [m.type, m.content])).toEqual([[6, ''], ...Array.from({ length: 9 }, (_, i) => [0, `hello ${28 - i}`])]);
      // The rest: hello 19 .. hello 0, then whatever the guild posted before them (the member's join message).
      expect(before.pages[1]!.filter((m) => m.type === 0).map((m) => m.content)).toEqual(Array.from({ length: 20 }, (_, i) => (19 - i === 10 ? 'hello 10, edited' : `hello ${19 - i}`)));
      expect(before.pages[2]!.map((m) => m.content)).toEqual(['hello 12', 'hello 11', 'hello 10, edited', 'hello 9', 'hello 8']);
      const reacted = before.pages[2]!.find((m) => m.id === target.id)!;
      expect(reacted.edited).toBe(true);
      // First-come emoji order; the member reacted with both.
      expect(reacted.reactions.map((r) => ({ name: r.emoji.name, count: r.count, me: r.me }))).toEqual([
        { name: '🔥', count: 2, me: true },
        { name: '👍', count: 1, me: true },
      ]);
      expect(before.pages[3]!.map((m) => m.content)).toEqual(['hello 3', 'hello 2', 'hello 1']);
      expect(before.pins).toEqual([sent[3]!.id]);

      // The rows are in Cassandra, in the target's bucket partition.
      const client = new cassandra.Client({ contactPoints: [contactPoint], localDataCenter: 'datacenter1', encoding: { useBigIntAsLong: true } });
      try {
        const rows = await client.execute(`SELECT COUNT(*) AS n FROM "${keyspace}".messages WHERE channel_id = ? AND bucket = ?`, [BigInt(general), Number((BigInt(target.id) >> 22n) / 864_000_000n)], { prepare: true });
        const n: unknown = rows.first().get('n');
        expect(n).toBeGreaterThanOrEqual(29n);
      } finally {
        await client.shutdown();
      }

      await t.restart();
      const memberAfter = t.api(member.token);
      expect(await history(memberAfter)).toEqual(before);
    } finally {
      await t.close();
    }
  });
});
