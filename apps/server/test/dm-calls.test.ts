// Calls in DMs and group DMs over a real server and real gateway sessions: op 4 with guild_id null
// starts a call (the CALL message, CALL_CREATE with the others ringing, VOICE_SERVER_UPDATE to the
// joining session with the channel as the voice server), joins and leaves are CALL_UPDATEs, the last
// leave is CALL_DELETE and a MESSAGE_UPDATE with participants and ended_timestamp; ringing stops by
// decline, by joining and by the timeout; non-recipients and blocked users are refused. A recording
// VoiceNode shows the grants (the media path is the guild one, tested with the real node elsewhere).
import { GatewayOpcode, MessageType } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectGateway, eventually, guildWithMember, registerUser, type Recorder, type TestServer, type TestUser, startTestServer } from './harness.ts';
import { RecordingVoiceNode } from './voice-states.node.ts';

const RING_TIMEOUT_MS = 800;
let t: TestServer;
let node: RecordingVoiceNode;

beforeAll(async () => {
  t = await startTestServer({ VOICE: 'off', RESUME_WINDOW_MS: '1000', CALL_RING_TIMEOUT_MS: String(RING_TIMEOUT_MS) });
  node = new RecordingVoiceNode('node-call', 'voice-call.test:443');
  t.server.voiceNodes.register(node);
});
afterAll(async () => {
  await t.close();
});

const call = (r: Recorder, channelId: string | null, flags: { self_mute?: boolean } = {}) =>
  r.client.send(GatewayOpcode.VoiceStateUpdate, { guild_id: null, channel_id: channelId, self_mute: flags.self_mute ?? false, self_deaf: false });

async function friends(a: TestUser, b: TestUser): Promise<void> {
  await a.api.addFriend(b.id);
  await b.api.addFriend(a.id);
}

async function dmPair() {
  const a = await registerUser(t);
  const b = await registerUser(t);
  await friends(a, b);
  const dm = await a.api.createDM(b.id);
  const ga = await connectGateway(t, a.token, 'json');
  const gb = await connectGateway(t, b.token, 'bin');
  return { a, b, dm, ga, gb };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function refusals(reason: string): Promise<number> {
  const text = await (await fetch(`${t.server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`concord_gateway_voice_state_refusals_total{reason="${reason}"}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

describe('DM calls', () => {
  it('the first joiner starts a call: CALL message, CALL_CREATE ringing the other, then its voice state and VOICE_SERVER_UPDATE', async () => {
    const { a, b, dm, ga, gb } = await dmPair();
    call(ga, dm.id);
    await eventually(() => ga.of('VOICE_SERVER_UPDATE').length === 1 && gb.of('CALL_CREATE').length === 1, 'call started');
    const created = gb.of('CALL_CREATE')[0];
    expect(created).toMatchObject({ channel_id: dm.id, ringing: [b.id], region: 'node-call' });
    expect(created.voice_states).toEqual([expect.objectContaining({ channel_id: dm.id, user_id: a.id, session_id: ga.client.session })]);
    expect(created.voice_states[0].guild_id).toBeUndefined();

    const grant = node.grantOf(dm.id, a.id)!;
    expect(grant).toMatchObject({ serverId: dm.id, channelId: dm.id, sessionId: ga.client.session, canSpeak: true, canStream: true });
    expect(ga.of('VOICE_SERVER_UPDATE')[0]).toEqual({ token: grant.token, guild_id: null, channel_id: dm.id, endpoint: 'voice-call.test:443' });
    expect(gb.of('VOICE_SERVER_UPDATE')).toEqual([]);
    // Own state before the server update, as in guilds.
    const own = ga.events.findIndex((e) => e.t === 'VOICE_STATE_UPDATE' && e.d.user_id === a.id);
    const server = ga.events.findIndex((e) => e.t === 'VOICE_SERVER_UPDATE');
    expect(own).toBeGreaterThanOrEqual(0);
    expect(server).toBeGreaterThan(own);

    await eventually(() => gb.of('MESSAGE_CREATE').some((m: { type: number }) => m.type === MessageType.CALL), 'the CALL message');
    const message = gb.of('MESSAGE_CREATE').find((m: { type: number }) => m.type === MessageType.CALL);
    expect(message).toMatchObject({ id: created.message_id, channel_id: dm.id, author: { id: a.id }, content: '', call: { participants: [a.id], ended_timestamp: null } });

    // B answers: no longer ringing, both in the call.
    call(gb, dm.id);
    await eventually(() => ga.of('CALL_UPDATE').some((c: { voice_states: unknown[] }) => c.voice_states.length === 2), 'B joined');
    const joined = ga.of('CALL_UPDATE').find((c: { voice_states: unknown[] }) => c.voice_states.length === 2);
    expect(joined.ringing).toEqual([]);
    expect(node.grantOf(dm.id, b.id)).toMatchObject({ serverId: dm.id });
    expect(gb.of('VOICE_SERVER_UPDATE')[0]).toMatchObject({ guild_id: null, channel_id: dm.id });

    // Self mute is a voice state update, not a call update.
    const updatesBefore = ga.of('CALL_UPDATE').length;
    call(gb, dm.id, { self_mute: true });
    await eventually(() => ga.of('VOICE_STATE_UPDATE').some((v: { user_id: string; self_mute: boolean }) => v.user_id === b.id && v.self_mute), 'B muted');
    expect(node.grantOf(dm.id, b.id)).toMatchObject({ selfMute: true });
    expect(ga.of('CALL_UPDATE')).toHaveLength(updatesBefore);

    // A leaves: CALL_UPDATE with B alone; B leaves: CALL_DELETE and the message ends.
    call(ga, null);
    await eventually(() => gb.of('CALL_UPDATE').some((c: { voice_states: { user_id: string }[] }) => c.voice_states.length === 1 && c.voice_states[0]!.user_id === b.id), 'A left');
    expect(node.grantOf(dm.id, a.id)).toBeUndefined();
    expect(ga.of('CALL_DELETE')).toEqual([]);
    call(gb, null);
    await eventually(() => ga.of('CALL_DELETE').length === 1 && gb.of('CALL_DELETE').length === 1, 'CALL_DELETE');
    expect(ga.of('CALL_DELETE')[0]).toEqual({ channel_id: dm.id });
    await eventually(() => ga.of('MESSAGE_UPDATE').some((m: { id: string }) => m.id === created.message_id), 'the message ends');
    const ended = ga.of('MESSAGE_UPDATE').find((m: { id: string }) => m.id === created.message_id);
    expect(ended.call.participants).toEqual([a.id, b.id]);
    const durationMs = Date.parse(ended.call.ended_timestamp) - Date.parse(ended.timestamp);
    expect(durationMs).toBeGreaterThanOrEqual(0);
    expect(durationMs).toBeLessThan(10_000);
    // Stored: history answers the ended call.
    const [latest] = await b.api.rest.get<{ id: string; type: number; call: { participants: string[]; ended_timestamp: string } }[]>(`/channels/${dm.id}/messages?limit=1`);
    expect(latest).toMatchObject({ id: created.message_id, type: 3, call: { participants: [a.id, b.id], ended_timestamp: ended.call.ended_timestamp } });
    ga.close();
    gb.close();
  });

  it('decline stops ringing for the decliner; the call message then shows a missed call (B never in participants)', async () => {
    const { a, b, dm, ga, gb } = await dmPair();
    call(ga, dm.id);
    await eventually(() => gb.of('CALL_CREATE').length === 1, 'ringing');
    expect(gb.of('CALL_CREATE')[0].ringing).toEqual([b.id]);
    await b.api.rest.post(`/channels/${dm.id}/call/stop-ringing`, {});
    await eventually(() => ga.of('CALL_UPDATE').some((c: { ringing: string[] }) => c.ringing.length === 0), 'declined');
    // The caller may ring again (POST ring, default: everyone not in the call).
    await a.api.rest.post(`/channels/${dm.id}/call/ring`, {});
    await eventually(() => gb.of('CALL_UPDATE').some((c: { ringing: string[] }) => c.ringing.includes(b.id)), 'rung again');
    await b.api.rest.post(`/channels/${dm.id}/call/stop-ringing`, { recipients: null });
    await eventually(() => ga.of('CALL_UPDATE').filter((c: { ringing: string[] }) => c.ringing.length === 0).length === 2, 'declined again');
    call(ga, null);
    await eventually(() => gb.of('MESSAGE_UPDATE').some((m: { type: number }) => m.type === 3), 'ended');
    const ended = gb.of('MESSAGE_UPDATE').find((m: { type: number }) => m.type === 3);
    expect(ended.call.participants).toEqual([a.id]);
    expect(ended.call.ended_timestamp).not.toBeNull();
    ga.close();
    gb.close();
  });

  it('a session that starts while a call goes on in its DM gets CALL_CREATE right after READY (a reload mid-call)', async () => {
    const { b, dm, ga, gb } = await dmPair();
    call(ga, dm.id);
    await eventually(() => gb.of('CALL_CREATE').length === 1, 'ringing');
    const again = await connectGateway(t, b.token, 'json');
    await eventually(() => again.of('CALL_CREATE').length === 1, 'CALL_CREATE after READY');
    expect(again.of('CALL_CREATE')[0]).toMatchObject({ channel_id: dm.id, ringing: [b.id] });
    const third = await connectGateway(t, (await registerUser(t)).token, 'json');
    await sleep(200);
    expect(third.of('CALL_CREATE')).toEqual([]);
    call(ga, null);
    await eventually(() => again.of('CALL_DELETE').length === 1, 'CALL_DELETE');
    for (const g of [ga, gb, again, third]) g.close();
  });

  it('ringing stops on its own after the ring timeout', async () => {
    const { b, dm, ga, gb } = await dmPair();
    call(ga, dm.id);
    await eventually(() => gb.of('CALL_CREATE').length === 1, 'ringing');
    const started = Date.now();
    await eventually(() => gb.of('CALL_UPDATE').some((c: { ringing: string[] }) => !c.ringing.includes(b.id)), 'ring timeout', RING_TIMEOUT_MS + 3000);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(RING_TIMEOUT_MS - 100);
    // The caller is still in the call: no CALL_DELETE.
    expect(gb.of('CALL_DELETE')).toEqual([]);
    call(ga, null);
    await eventually(() => gb.of('CALL_DELETE').length === 1, 'ended');
    ga.close();
    gb.close();
  });

  it('a group DM call rings everyone else; ring and stop-ringing name recipients', async () => {
    const a = await registerUser(t);
    const b = await registerUser(t);
    const c = await registerUser(t);
    await friends(a, b);
    await friends(a, c);
    const group = await a.api.createGroupDM([b.id, c.id]);
    const [ga, gb, gc] = await Promise.all([connectGateway(t, a.token, 'json'), connectGateway(t, b.token, 'json'), connectGateway(t, c.token, 'json')]);
    call(ga, group.id);
    await eventually(() => gc.of('CALL_CREATE').length === 1, 'ringing');
    expect([...gc.of('CALL_CREATE')[0].ringing].sort()).toEqual([b.id, c.id].sort());
    // The caller stops ringing C only.
    await a.api.rest.post(`/channels/${group.id}/call/stop-ringing`, { recipients: [c.id] });
    await eventually(() => gb.of('CALL_UPDATE').some((u: { ringing: string[] }) => u.ringing.length === 1 && u.ringing[0] === b.id), 'C no longer rung');
    // C joins without being rung; the call has two people, B still rings.
    call(gc, group.id);
    await eventually(() => gb.of('CALL_UPDATE').some((u: { voice_states: unknown[]; ringing: string[] }) => u.voice_states.length === 2 && u.ringing.length === 1), 'C joined');
    // Bad bodies are 50035; unknown ids are ignored.
    await expect(a.api.rest.post(`/channels/${group.id}/call/ring`, { recipients: ['nope'] })).rejects.toMatchObject({ status: 400, code: 50035 });
    await a.api.rest.post(`/channels/${group.id}/call/ring`, { recipients: ['123456789012345678'] });
    call(ga, null);
    call(gc, null);
    await eventually(() => gb.of('CALL_DELETE').length === 1, 'ended');
    for (const r of [ga, gb, gc]) r.close();
  });

  it('refuses non-recipients (op 4 ignored, REST 50001) and calls with someone who blocked you', async () => {
    const { a, b, dm, ga, gb } = await dmPair();
    const outsider = await registerUser(t);
    const go = await connectGateway(t, outsider.token, 'json');
    const before = await refusals('not_recipient');
    call(go, dm.id);
    await sleep(300);
    expect(await refusals('not_recipient')).toBe(before + 1);
    expect(ga.of('CALL_CREATE')).toEqual([]);
    expect(go.of('VOICE_SERVER_UPDATE')).toEqual([]);
    expect(node.grantOf(dm.id, outsider.id)).toBeUndefined();

    call(ga, dm.id);
    await eventually(() => gb.of('CALL_CREATE').length === 1, 'call');
    await expect(outsider.api.rest.post(`/channels/${dm.id}/call/ring`, {})).rejects.toMatchObject({ status: 403, code: 50001 });
    await expect(outsider.api.rest.post(`/channels/${dm.id}/call/stop-ringing`, {})).rejects.toMatchObject({ status: 403, code: 50001 });
    await expect(a.api.rest.post(`/channels/999999999999999999/call/ring`, {})).rejects.toMatchObject({ status: 404, code: 10003 });
    call(ga, null);
    await eventually(() => gb.of('CALL_DELETE').length === 1, 'ended');
    // No call now: ring is 404.
    await expect(a.api.rest.post(`/channels/${dm.id}/call/ring`, {})).rejects.toMatchObject({ status: 404, code: 10003 });

    // B blocks A: A can no longer start a call in their DM.
    await b.api.blockUser(a.id);
    const blockedBefore = await refusals('blocked');
    call(ga, dm.id);
    await sleep(300);
    expect(await refusals('blocked')).toBe(blockedBefore + 1);
    expect(gb.of('CALL_CREATE')).toHaveLength(1);
    expect(node.grantOf(dm.id, a.id)).toBeUndefined();
    for (const r of [ga, gb, go]) r.close();
  });

  it('one voice channel at a time: joining a call leaves guild voice and joining guild voice leaves the call', async () => {
    const a = await registerUser(t);
    const b = await registerUser(t);
    const { guild } = await guildWithMember(a, b);
    const lobby = await a.api.createChannel(guild.id, { name: 'Lobby', type: 2 });
    const dm = await a.api.createDM(b.id);
    const ga = await connectGateway(t, a.token, 'json');
    const gb = await connectGateway(t, b.token, 'json');
    ga.client.send(GatewayOpcode.VoiceStateUpdate, { guild_id: guild.id, channel_id: lobby.id, self_mute: false, self_deaf: false });
    await eventually(() => ga.of('VOICE_SERVER_UPDATE').length === 1, 'guild voice');
    call(ga, dm.id);
    await eventually(() => gb.of('CALL_CREATE').length === 1, 'call');
    expect(node.grantOf(guild.id, a.id)).toBeUndefined();
    expect(gb.of('VOICE_STATE_UPDATE').some((v: { guild_id?: string; user_id: string; channel_id: string | null }) => v.guild_id === guild.id && v.user_id === a.id && v.channel_id === null)).toBe(true);
    ga.client.send(GatewayOpcode.VoiceStateUpdate, { guild_id: guild.id, channel_id: lobby.id, self_mute: false, self_deaf: false });
    await eventually(() => gb.of('CALL_DELETE').length === 1, 'the call ended by joining guild voice');
    expect(node.grantOf(dm.id, a.id)).toBeUndefined();
    expect(node.grantOf(guild.id, a.id)).toBeDefined();
    ga.close();
    gb.close();
  });

  it('leaving the group DM leaves its call and stops its ringing', async () => {
    const a = await registerUser(t);
    const b = await registerUser(t);
    const c = await registerUser(t);
    await friends(a, b);
    await friends(a, c);
    const group = await a.api.createGroupDM([b.id, c.id]);
    const [ga, gb] = await Promise.all([connectGateway(t, a.token, 'json'), connectGateway(t, b.token, 'json')]);
    call(ga, group.id);
    call(gb, group.id);
    await eventually(() => ga.of('CALL_UPDATE').some((u: { voice_states: unknown[] }) => u.voice_states.length === 2), 'both in the call');
    // C (rung) leaves the group: no longer rung; B (in the call) leaves: out of the call.
    await c.api.rest.delete(`/channels/${group.id}`);
    await eventually(() => ga.of('CALL_UPDATE').some((u: { ringing: string[]; voice_states: unknown[] }) => u.ringing.length === 0 && u.voice_states.length === 2), 'C no longer rung');
    await b.api.rest.delete(`/channels/${group.id}`);
    await eventually(() => ga.of('CALL_UPDATE').some((u: { voice_states: { user_id: string }[] }) => u.voice_states.length === 1 && u.voice_states[0]!.user_id === a.id), 'B out of the call');
    expect(node.grantOf(group.id, b.id)).toBeUndefined();
    call(ga, null);
    await eventually(() => ga.of('CALL_DELETE').length === 1, 'ended');
    ga.close();
    gb.close();
  });

  it('a session that ends leaves its call', async () => {
    const { a, dm, ga, gb } = await dmPair();
    call(ga, dm.id);
    await eventually(() => gb.of('CALL_CREATE').length === 1, 'call');
    expect(node.grantOf(dm.id, a.id)).toBeDefined();
    ga.close();
    await eventually(() => gb.of('CALL_DELETE').length === 1, 'the call ends with the session', 10_000);
    expect(node.grantOf(dm.id, a.id)).toBeUndefined();
    gb.close();
  });
});
