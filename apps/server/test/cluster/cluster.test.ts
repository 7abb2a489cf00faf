// Three real server processes on one machine form one cluster (issue 20): one PostgreSQL schema for
// metadata, one bus (NATS JetStream, then Redis), one message store. A message sent through node A
// reaches sessions on B and C under one `s`; the nodes' memory follows writes made on the others;
// history agrees; a session dropped from B resumes on C with exactly the events it missed; SIGKILL
// of a node loses no acknowledged message.
//
// Messages: MESSAGE_STORE=sqlite in one DATA_DIR shared by the nodes (SQLite WAL across processes;
// the writes in this test are never concurrent), or Cassandra with CLUSTER_TEST_MESSAGE_STORE=cassandra
// (a fresh keyspace on the node at 127.0.0.1:9042, `npm run cassandra`).
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, clusterName, RawGateway, testCluster, type ClusterNodeProcess, type User } from './clusterNodes.ts';

const onCassandra = process.env['CLUSTER_TEST_MESSAGE_STORE'] === 'cassandra';

describe.each(['nats', 'redis'] as const)('a cluster of three nodes on %s', (bus) => {
  const keyspace = `k${clusterName()}`;
  const cluster = testCluster(bus, onCassandra ? { MESSAGE_STORE: 'cassandra', CASSANDRA_KEYSPACE: keyspace } : {});
  let a: ClusterNodeProcess, b: ClusterNodeProcess, c: ClusterNodeProcess;
  const sockets: RawGateway[] = [];
  let alice: User, bob: User, carol: User;
  let guildId: string, channelId: string;
  let aliceGw: RawGateway, bobGw: RawGateway, carolGw: RawGateway;

  beforeAll(async () => {
    [a, b, c] = await cluster.startAll('A', 'B', 'C');
  }, 180_000);

  afterAll(async () => {
    await cluster.teardown(sockets);
    if (onCassandra) {
      const client = new cassandra.Client({ contactPoints: (process.env['CASSANDRA_CONTACT_POINTS'] ?? '127.0.0.1:9042').split(','), localDataCenter: process.env['CASSANDRA_LOCAL_DC'] ?? 'datacenter1' });
      await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
      await client.shutdown();
    }
  }, 60_000);

  const register = (node: ClusterNodeProcess, name: string) => cluster.register(node, name);
  const gateway = async (node: ClusterNodeProcess, user: User) => {
    const g = await RawGateway.identify(node.url, user.token);
    sockets.push(g);
    return g;
  };

  it('keeps every node\'s memory in step with writes made on the others (users, guild, members, channels)', async () => {
    alice = await register(a, 'alice');
    bob = await register(b, 'bob');
    carol = await register(c, 'carol');
    const guild = await api(a, alice.token).createGuild({ name: `cluster on ${bus}` });
    guildId = guild.id;
    const general = (await api(a, alice.token).getChannels(guildId)).find((ch) => ch.type === 0)!;
    channelId = general.id;
    aliceGw = await gateway(a, alice);
    bobGw = await gateway(b, bob);
    carolGw = await gateway(c, carol);

    // Joins written on B and C: the guild made on A must be known there, and A must see the members.
    const invite = await api(a, alice.token).createInvite(channelId, {});
    await api(b, bob.token).acceptInvite(invite.code);
    await api(c, carol.token).acceptInvite(invite.code);
    await aliceGw.waitFor((f) => f.t === 'GUILD_MEMBER_ADD' && f.d.user.id === bob.id);
    await aliceGw.waitFor((f) => f.t === 'GUILD_MEMBER_ADD' && f.d.user.id === carol.id);
    await bobGw.waitFor((f) => f.t === 'GUILD_CREATE' && f.d.id === guildId);
    await carolGw.waitFor((f) => f.t === 'GUILD_CREATE' && f.d.id === guildId);

    // A channel made on A: B's sessions are told, and C lets carol post in it (C's permission check).
    const news = await api(a, alice.token).createChannel(guildId, { name: 'news' });
    await bobGw.waitFor((f) => f.t === 'CHANNEL_CREATE' && f.d.id === news.id);
    const posted = await api(c, carol.token).sendMessage(news.id, 'posted through C');
    expect(posted.channel_id).toBe(news.id);
    // A member list read on B includes the member who joined through C.
    expect((await api(b, bob.token).getMember(guildId, carol.id)).user?.id).toBe(carol.id);
  }, 60_000);

  it('delivers a message sent through A to sessions on B and C under one sequence number, and history agrees', async () => {
    const sent = await api(a, alice.token).sendMessage(channelId, 'hello from A');
    const seen = await Promise.all([aliceGw, bobGw, carolGw].map((g) => g.waitFor((f) => f.t === 'MESSAGE_CREATE' && f.d.id === sent.id)));
    expect(new Set(seen.map((f) => f.s)).size).toBe(1);
    expect(seen.map((f) => f.d.content)).toEqual(['hello from A', 'hello from A', 'hello from A']);
    const histories = await Promise.all([a, b, c].map(async (n) => (await api(n, bob.token).getMessages(channelId)).map((m) => m.id)));
    expect(histories[0]).toContain(sent.id);
    expect(histories[1]).toEqual(histories[0]);
    expect(histories[2]).toEqual(histories[0]);
  }, 30_000);

  it('resumes a session dropped from B on C with exactly the events it missed', async () => {
    const before = await api(a, alice.token).sendMessage(channelId, 'before the drop');
    await bobGw.waitFor((f) => f.t === 'MESSAGE_CREATE' && f.d.id === before.id);
    const seq = bobGw.seq!;
    const sessionId = bobGw.sessionId;
    bobGw.drop();
    // Missed: three through A and one through C, while bob has no socket.
    const missed: { id: string }[] = [];
    for (let i = 0; i < 3; i++) missed.push(await api(a, alice.token).sendMessage(channelId, `missed ${i} via A`));
    missed.push(await api(c, carol.token).sendMessage(channelId, 'missed via C'));
    await aliceGw.waitFor((f) => f.t === 'MESSAGE_CREATE' && f.d.id === missed.at(-1)!.id);

    const resumed = await RawGateway.open(c.url);
    sockets.push(resumed);
    resumed.ws.send(JSON.stringify({ op: 6, d: { token: bob.token, session_id: sessionId, seq } }));
    await resumed.waitFor((f) => f.t === 'RESUMED');
    const replayed = resumed.frames.filter((f) => f.t === 'MESSAGE_CREATE');
    expect(replayed.map((f) => f.d.id)).toEqual(missed.map((m) => m.id));
    expect(replayed.every((f) => f.s! > seq)).toBe(true);
    // Then live delivery goes on on the new node.
    const after = await api(b, alice.token).sendMessage(channelId, 'after the resume');
    await resumed.waitFor((f) => f.t === 'MESSAGE_CREATE' && f.d.id === after.id);
    expect(resumed.frames.filter((f) => f.t === 'MESSAGE_CREATE').map((f) => f.d.id)).toEqual([...missed.map((m) => m.id), after.id]);
  }, 30_000);

  it('refuses to resume a session whose seq is ahead of anything the cluster sent', async () => {
    const g = await RawGateway.open(a.url);
    sockets.push(g);
    g.ws.send(JSON.stringify({ op: 6, d: { token: carol.token, session_id: carolGw.sessionId, seq: 1_000_000_000 } }));
    const f = await g.waitFor((x) => x.op === 9, 10_000);
    expect(f.d).toBe(false);
  }, 20_000);

  it('loses no acknowledged message when a node is SIGKILLed mid-stream', async () => {
    const acked: string[] = [];
    let failed = 0;
    const sender = (async () => {
      for (let i = 0; i < 40; i++) {
        try {
          acked.push((await api(b, carol.token).sendMessage(channelId, `stream ${i}`)).id);
        } catch {
          failed++;
          return;
        }
      }
    })();
    while (acked.length < 10) await new Promise((r) => setTimeout(r, 2));
    await b.kill();
    await sender;
    expect(failed).toBeGreaterThan(0); // the kill landed mid-stream
    const history = (await api(a, alice.token).getMessages(channelId, { limit: 100 })).map((m) => m.id);
    for (const id of acked) expect(history).toContain(id);
    // The survivors still talk to each other.
    const later = await api(c, carol.token).sendMessage(channelId, 'after the kill');
    await aliceGw.waitFor((f) => f.t === 'MESSAGE_CREATE' && f.d.id === later.id);
  }, 60_000);
});
