// DM calls across three real server processes (issue 20), each with its own voice node, on NATS and
// on Redis: P starts a call through A and Q's session on B rings; a session that starts on C gets
// CALL_CREATE after READY; Q declines through C and P rings again through B; Q accepts on B and is
// sent to P's voice node; the call ends on B and the CALL message's participants and end reach P on
// A; P's process SIGKILLed mid-call: P leaves the call on B once.
import { ConcordApi, GatewayClient, type WebSocketConstructor } from '@concord/client';
import { GatewayOpcode } from '@concord/protocol';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { dropClusterData } from '../../src/bus/dropClusterData.ts';
import { adminQuery, dropSchema, freshSchemaName, TEST_DATABASE_URL } from '../../src/store/postgres/postgresStoreHarness.ts';
import { clusterName, makeDataDir, RawGateway, startNode, type ClusterNodeProcess, type ClusterSpec } from './clusterNodes.ts';

const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const RING_TIMEOUT_MS = 4000;

interface User {
  id: string;
  token: string;
}
interface Recorded {
  client: GatewayClient;
  of: (t: string) => any[];
}

const until = async (predicate: () => boolean, what: string, timeoutMs = 10_000) => {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe.each(['nats', 'redis'] as const)('DM calls on a cluster of three nodes on %s', (bus) => {
  const schema = freshSchemaName();
  const cluster = clusterName();
  const dataDir = makeDataDir();
  const nodes: ClusterNodeProcess[] = [];
  let a: ClusterNodeProcess, b: ClusterNodeProcess, c: ClusterNodeProcess;
  const api = (node: ClusterNodeProcess, token: string | null = null) => new ConcordApi({ baseUrl: `${node.url}/api/v9`, token });
  const clients: GatewayClient[] = [];
  const raws: RawGateway[] = [];
  let p: User, q: User;
  let dmId: string;
  let pGw: Recorded, qGw: Recorded;

  const gateway = async (node: ClusterNodeProcess, user: User): Promise<Recorded> => {
    const client = new GatewayClient({ url: node.url.replace('http', 'ws'), token: user.token, encoding: 'json', WebSocket: WebSocket as unknown as WebSocketConstructor });
    clients.push(client);
    const events: { t: string; d: unknown }[] = [];
    client.on('dispatch', (t, d) => events.push({ t, d }));
    client.connect();
    await client.waitForReady();
    return { client, of: (t) => events.filter((e) => e.t === t).map((e) => e.d) };
  };
  const call = (r: Recorded, channelId: string | null) => r.client.send(GatewayOpcode.VoiceStateUpdate, { guild_id: null, channel_id: channelId, self_mute: false, self_deaf: false });
  const post = (node: ClusterNodeProcess, user: User, path: string, body: unknown) =>
    fetch(`${node.url}/api/v9${path}`, { method: 'POST', headers: { authorization: user.token, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    await adminQuery('SELECT 1');
    const spec: ClusterSpec = {
      bus,
      env: {
        METADATA_STORE: 'postgres',
        DATABASE_URL: TEST_DATABASE_URL,
        DATABASE_SCHEMA: schema,
        DATABASE_POOL_SIZE: '4',
        DATA_DIR: dataDir,
        CLUSTER_NAME: cluster,
        NATS_URL,
        REDIS_URL,
        VOICE: 'on',
        VOICE_PORT: '0',
        VOICE_UDP_PORT: '0',
        CALL_RING_TIMEOUT_MS: String(RING_TIMEOUT_MS),
      },
    };
    for (const name of ['A', 'B', 'C']) nodes.push(await startNode(name, spec));
    [a, b, c] = nodes as [ClusterNodeProcess, ClusterNodeProcess, ClusterNodeProcess];
    const register = async (node: ClusterNodeProcess, name: string): Promise<User> => {
      const { token, user_id } = await api(node).register({ username: `${name}_${bus}_${process.pid}`, password: 'correct horse battery' });
      return { id: user_id, token };
    };
    p = await register(a, 'p');
    q = await register(b, 'q');
    // Relationships written on one node reach the other through the bus: wait for each before the next step.
    const related = async (node: ClusterNodeProcess, user: User, otherId: string, type: number) => {
      for (let i = 0; i < 250; i++) {
        const list = (await (await fetch(`${node.url}/api/v9/users/@me/relationships`, { headers: { authorization: user.token } })).json()) as { id: string; type: number }[];
        if (list.some((r) => r.id === otherId && r.type === type)) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`relationship ${type} with ${otherId} never reached ${node.name}`);
    };
    await api(a, p.token).addFriend(q.id);
    await related(b, q, p.id, 3); // Q sees P's incoming request on B
    await api(b, q.token).addFriend(p.id);
    await related(a, p, q.id, 1); // A knows they are friends
    dmId = (await api(a, p.token).createDM(q.id)).id;
    pGw = await gateway(a, p);
    qGw = await gateway(b, q);
  }, 180_000);

  afterAll(async () => {
    for (const g of clients) g.close();
    for (const s of raws) s.close();
    await Promise.all(nodes.map((n) => n.stop()));
    await dropSchema(schema);
    await dropClusterData(cluster, { natsUrl: NATS_URL, redisUrl: REDIS_URL });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('rings from A, declines through C, rings again through B, is accepted on B on the same voice node, and ends with the message\'s participants', async () => {
    call(pGw, dmId);
    await until(() => qGw.of('CALL_CREATE').some((d) => d.channel_id === dmId && d.ringing.includes(q.id)), 'Q rings on B');
    const created = qGw.of('CALL_CREATE')[0];
    expect(created.voice_states).toEqual([expect.objectContaining({ user_id: p.id, channel_id: dmId })]);

    // A session that starts on C while the call goes on learns of it right after READY.
    const onC = await RawGateway.identify(c.url, q.token);
    raws.push(onC);
    const late = await onC.waitFor((f) => f.t === 'CALL_CREATE');
    expect(late.d).toMatchObject({ channel_id: dmId, message_id: created.message_id, ringing: [q.id] });

    expect((await post(c, q, `/channels/${dmId}/call/stop-ringing`, {})).status).toBe(204);
    await until(() => pGw.of('CALL_UPDATE').some((d) => d.ringing.length === 0), 'the decline on A');
    expect((await post(b, p, `/channels/${dmId}/call/ring`, {})).status).toBe(204);
    await until(() => pGw.of('CALL_UPDATE').filter((d) => d.ringing.includes(q.id)).length === 1, 'ringing again on A');

    call(qGw, dmId);
    await until(() => pGw.of('CALL_UPDATE').some((d) => d.voice_states.length === 2 && d.ringing.length === 0), 'Q in the call, seen on A');
    await until(() => qGw.of('VOICE_SERVER_UPDATE').length === 1, 'Q\'s voice server');
    const [pServer] = pGw.of('VOICE_SERVER_UPDATE');
    const [qServer] = qGw.of('VOICE_SERVER_UPDATE');
    expect(qServer).toMatchObject({ guild_id: null, channel_id: dmId });
    expect(qServer.endpoint).toBe(pServer.endpoint);
    expect(qServer.endpoint).not.toBeNull();
    expect(qServer.token).not.toBe(pServer.token);

    call(pGw, null);
    await until(() => qGw.of('CALL_UPDATE').some((d) => d.voice_states.length === 1 && d.voice_states[0].user_id === q.id), 'P left, seen on B');
    call(qGw, null);
    await until(() => pGw.of('CALL_DELETE').length === 1, 'the call ends, seen on A');
    await until(() => pGw.of('MESSAGE_UPDATE').some((m) => m.id === created.message_id && m.call?.ended_timestamp), 'the CALL message ends, seen on A');
    const ended = pGw.of('MESSAGE_UPDATE').find((m) => m.id === created.message_id);
    expect(ended.call.participants).toEqual([p.id, q.id]);
    expect(qGw.of('CALL_DELETE')).toHaveLength(1);
    expect(pGw.of('CALL_DELETE')).toHaveLength(1);
  }, 60_000);

  it('stops a ring whose ringing node was SIGKILLed (the other nodes\' backstop, told once)', async () => {
    const createdBefore = qGw.of('CALL_CREATE').length;
    call(pGw, dmId);
    await until(() => qGw.of('CALL_CREATE').length === createdBefore + 1, 'a new call rings on B');
    const [pSeen, qSeen] = [pGw.of('CALL_UPDATE').length, qGw.of('CALL_UPDATE').length];
    expect((await post(b, q, `/channels/${dmId}/call/stop-ringing`, {})).status).toBe(204);
    await until(() => pGw.of('CALL_UPDATE').length > pSeen && qGw.of('CALL_UPDATE').length > qSeen, 'the decline on A and B');
    // C rings Q again and dies before its ring timer fires: A and B stop the ring later (after
    // ring timeout + 5 s, or once C is noticed dead when C was the leader).
    const updatesBefore = qGw.of('CALL_UPDATE').length;
    expect((await post(c, p, `/channels/${dmId}/call/ring`, {})).status).toBe(204);
    await until(() => qGw.of('CALL_UPDATE').slice(updatesBefore).some((d) => d.ringing.includes(q.id)), 'Q rings again');
    await c.kill();
    await until(() => qGw.of('CALL_UPDATE').slice(updatesBefore).some((d) => d.ringing.length === 0), 'the ring stops without C', RING_TIMEOUT_MS + 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(qGw.of('CALL_UPDATE').slice(updatesBefore).filter((d) => d.ringing.length === 0)).toHaveLength(1);
    call(pGw, null);
    await until(() => pGw.of('CALL_DELETE').length === 2, 'the call ends');
  }, 60_000);

  it('drops the participant of a SIGKILLed node from the call once', async () => {
    const createdBefore = qGw.of('CALL_CREATE').length;
    call(pGw, dmId);
    await until(() => qGw.of('CALL_CREATE').length === createdBefore + 1, 'another call rings on B');
    const earlier = qGw.of('CALL_UPDATE').length;
    call(qGw, dmId);
    await until(() => qGw.of('CALL_UPDATE').slice(earlier).some((d) => d.voice_states.length === 2), 'both in the call');
    const before = qGw.of('CALL_UPDATE').length;
    const pGone = () => qGw.of('VOICE_STATE_UPDATE').filter((d) => d.user_id === p.id && d.channel_id === null);
    const leavesBefore = pGone().length;
    await a.kill();
    await until(() => pGone().length > leavesBefore, 'P leaves the call on B', 25_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(pGone()).toHaveLength(leavesBefore + 1);
    const updates = qGw.of('CALL_UPDATE').slice(before);
    expect(updates).toHaveLength(1);
    expect(updates[0].voice_states.map((s: { user_id: string }) => s.user_id)).toEqual([q.id]);
  }, 40_000);
});
