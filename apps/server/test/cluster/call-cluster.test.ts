// DM calls across three real server processes (issue 20), each with its own voice node, on NATS and
// on Redis: P starts a call through A and Q's session on B rings; a session that starts on C gets
// CALL_CREATE after READY; Q declines through C and P rings again through B; Q accepts on B and is
// sent to P's voice node; the call ends on B and the CALL message's participants and end reach P on
// A; P's process SIGKILLed mid-call: P leaves the call on B once.
import { GatewayClient, type WebSocketConstructor } from '@concord/client';
import { GatewayOpcode } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { api, RawGateway, testCluster, until, type ClusterNodeProcess, type User } from './clusterNodes.ts';

const RING_TIMEOUT_MS = 4000;

interface Recorded {
  client: GatewayClient;
  of: (t: string) => any[];
}

describe.each(['nats', 'redis'] as const)('DM calls on a cluster of three nodes on %s', (bus) => {
  const cluster = testCluster(bus, { VOICE: 'on', VOICE_PORT: '0', VOICE_UDP_PORT: '0', CALL_RING_TIMEOUT_MS: String(RING_TIMEOUT_MS) });
  let a: ClusterNodeProcess, b: ClusterNodeProcess, c: ClusterNodeProcess;
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
    return { client, of: (type) => events.filter((e) => e.t === type).map((e) => e.d) };
  };
  const call = (r: Recorded, channelId: string | null) => r.client.send(GatewayOpcode.VoiceStateUpdate, { guild_id: null, channel_id: channelId, self_mute: false, self_deaf: false });
  const post = (node: ClusterNodeProcess, user: User, path: string, body: unknown) =>
    fetch(`${node.url}/api/v9${path}`, { method: 'POST', headers: { authorization: user.token, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    [a, b, c] = await cluster.startAll('A', 'B', 'C');
    p = await cluster.register(a, 'p');
    q = await cluster.register(b, 'q');
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

  afterAll(() => cluster.teardown(clients, raws), 60_000);

  it('rings from A, declines through C, rings again through B, is accepted on B on the same voice node, and ends with the message\'s participants', async () => {
    call(pGw, dmId);
    await until('Q rings on B', () => qGw.of('CALL_CREATE').some((d) => d.channel_id === dmId && d.ringing.includes(q.id)));
    const created = qGw.of('CALL_CREATE')[0];
    expect(created.voice_states).toEqual([expect.objectContaining({ user_id: p.id, channel_id: dmId })]);

    // A session that starts on C while the call goes on learns of it right after READY.
    const onC = await RawGateway.identify(c.url, q.token);
    raws.push(onC);
    const late = await onC.waitFor((f) => f.t === 'CALL_CREATE');
    expect(late.d).toMatchObject({ channel_id: dmId, message_id: created.message_id, ringing: [q.id] });

    expect((await post(c, q, `/channels/${dmId}/call/stop-ringing`, {})).status).toBe(204);
    await until('the decline on A', () => pGw.of('CALL_UPDATE').some((d) => d.ringing.length === 0));
    expect((await post(b, p, `/channels/${dmId}/call/ring`, {})).status).toBe(204);
    await until('ringing again on A', () => pGw.of('CALL_UPDATE').filter((d) => d.ringing.includes(q.id)).length === 1);

    call(qGw, dmId);
    await until('Q in the call, seen on A', () => pGw.of('CALL_UPDATE').some((d) => d.voice_states.length === 2 && d.ringing.length === 0));
    await until('Q\'s voice server', () => qGw.of('VOICE_SERVER_UPDATE').length === 1);
    const [pServer] = pGw.of('VOICE_SERVER_UPDATE');
    const [qServer] = qGw.of('VOICE_SERVER_UPDATE');
    expect(qServer).toMatchObject({ guild_id: null, channel_id: dmId });
    expect(qServer.endpoint).toBe(pServer.endpoint);
    expect(qServer.endpoint).not.toBeNull();
    expect(qServer.token).not.toBe(pServer.token);

    call(pGw, null);
    await until('P left, seen on B', () => qGw.of('CALL_UPDATE').some((d) => d.voice_states.length === 1 && d.voice_states[0].user_id === q.id));
    call(qGw, null);
    await until('the call ends, seen on A', () => pGw.of('CALL_DELETE').length === 1);
    await until('the CALL message ends, seen on A', () => pGw.of('MESSAGE_UPDATE').some((m) => m.id === created.message_id && m.call?.ended_timestamp));
    const ended = pGw.of('MESSAGE_UPDATE').find((m) => m.id === created.message_id);
    expect(ended.call.participants).toEqual([p.id, q.id]);
    expect(qGw.of('CALL_DELETE')).toHaveLength(1);
    expect(pGw.of('CALL_DELETE')).toHaveLength(1);
  }, 60_000);

  it('stops a ring whose ringing node was SIGKILLed (the other nodes\' backstop, told once)', async () => {
    const createdBefore = qGw.of('CALL_CREATE').length;
    call(pGw, dmId);
    await until('a new call rings on B', () => qGw.of('CALL_CREATE').length === createdBefore + 1);
    const [pSeen, qSeen] = [pGw.of('CALL_UPDATE').length, qGw.of('CALL_UPDATE').length];
    expect((await post(b, q, `/channels/${dmId}/call/stop-ringing`, {})).status).toBe(204);
    await until('the decline on A and B', () => pGw.of('CALL_UPDATE').length > pSeen && qGw.of('CALL_UPDATE').length > qSeen);
    // C rings Q again and dies before its ring timer fires: A and B stop the ring later (after
    // ring timeout + 5 s, or once C is noticed dead when C was the leader).
    const updatesBefore = qGw.of('CALL_UPDATE').length;
    expect((await post(c, p, `/channels/${dmId}/call/ring`, {})).status).toBe(204);
    await until('Q rings again', () => qGw.of('CALL_UPDATE').slice(updatesBefore).some((d) => d.ringing.includes(q.id)));
    await c.kill();
    await until('the ring stops without C', () => qGw.of('CALL_UPDATE').slice(updatesBefore).some((d) => d.ringing.length === 0), RING_TIMEOUT_MS + 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(qGw.of('CALL_UPDATE').slice(updatesBefore).filter((d) => d.ringing.length === 0)).toHaveLength(1);
    call(pGw, null);
    await until('the call ends', () => pGw.of('CALL_DELETE').length === 2);
  }, 60_000);

  it('drops the participant of a SIGKILLed node from the call once', async () => {
    const createdBefore = qGw.of('CALL_CREATE').length;
    call(pGw, dmId);
    await until('another call rings on B', () => qGw.of('CALL_CREATE').length === createdBefore + 1);
    const earlier = qGw.of('CALL_UPDATE').length;
    call(qGw, dmId);
    await until('both in the call', () => qGw.of('CALL_UPDATE').slice(earlier).some((d) => d.voice_states.length === 2));
    const before = qGw.of('CALL_UPDATE').length;
    const pGone = () => qGw.of('VOICE_STATE_UPDATE').filter((d) => d.user_id === p.id && d.channel_id === null);
    const leavesBefore = pGone().length;
    await a.kill();
    await until('P leaves the call on B', () => pGone().length > leavesBefore, 25_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(pGone()).toHaveLength(leavesBefore + 1);
    const updates = qGw.of('CALL_UPDATE').slice(before);
    expect(updates).toHaveLength(1);
    expect(updates[0].voice_states.map((s: { user_id: string }) => s.user_id)).toEqual([q.id]);
  }, 40_000);
});
