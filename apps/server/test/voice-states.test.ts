// Voice states on the main gateway and REST, over a real server: op 4 joins, moves, self flags and
// leaves; VOICE_SERVER_UPDATE to the joining session only, after its own VOICE_STATE_UPDATE;
// voice_states in READY; one channel per user; channel deletion, kicks and session end; node loss
// and reallocation; the AFK channel; the REST join and lookups. A recording VoiceNode shows the grants.
import { GatewayOpcode } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectGateway, eventually, guildWithMember, registerUser, startTestServer, type Recorder, type TestServer, type TestUser } from './harness.ts';
import { RecordingVoiceNode } from './voice-states.node.ts';

let t: TestServer;
let node: RecordingVoiceNode;

beforeAll(async () => {
  t = await startTestServer({ VOICE: 'off', RESUME_WINDOW_MS: '1000', IDENTIFY_TIMEOUT_MS: '600' });
  node = new RecordingVoiceNode('node-a', 'voice-a.test:443');
  t.server.voiceNodes.register(node);
});
afterAll(async () => {
  await t.close();
});

const join = (r: Recorder, guildId: string, channelId: string | null, flags: { self_mute?: boolean; self_deaf?: boolean; self_video?: boolean } = {}) =>
  r.client.send(GatewayOpcode.VoiceStateUpdate, { guild_id: guildId, channel_id: channelId, self_mute: flags.self_mute ?? false, self_deaf: flags.self_deaf ?? false, self_video: flags.self_video ?? false });

const voiceUpdates = (r: Recorder, userId: string) => r.of('VOICE_STATE_UPDATE').filter((d: { user_id: string }) => d.user_id === userId);

async function voiceGuild(owner: TestUser, member: TestUser) {
  const { guild } = await guildWithMember(owner, member);
  const lobby = await owner.api.createChannel(guild.id, { name: 'Lobby', type: 2 });
  const raid = await owner.api.createChannel(guild.id, { name: 'Raid', type: 2 });
  return { guild, lobby, raid };
}

describe('voice states over the gateway', () => {
  it('joins with op 4: VOICE_STATE_UPDATE to the guild, then VOICE_SERVER_UPDATE to the joining session only', async () => {
    const owner = await registerUser(t);
    const member = await registerUser(t);
    const { guild, lobby } = await voiceGuild(owner, member);
    const ownerGw = await connectGateway(t, owner.token, 'json');
    const joiner = await connectGateway(t, member.token, 'json');
    const otherSession = await connectGateway(t, member.token, 'bin');
    join(joiner, guild.id, lobby.id, { self_mute: true });
    await eventually(() => joiner.of('VOICE_SERVER_UPDATE').length === 1, 'VOICE_SERVER_UPDATE');
    await eventually(() => voiceUpdates(ownerGw, member.id).length === 1 && voiceUpdates(otherSession, member.id).length === 1, 'the guild sees the join');

    const own = joiner.events.findIndex((e) => e.t === 'VOICE_STATE_UPDATE' && e.d.user_id === member.id);
    const server = joiner.events.findIndex((e) => e.t === 'VOICE_SERVER_UPDATE');
    expect(own).toBeGreaterThanOrEqual(0);
    expect(server).toBeGreaterThan(own);
    const state = joiner.events[own]!.d;
    expect(state).toMatchObject({ guild_id: guild.id, channel_id: lobby.id, user_id: member.id, session_id: joiner.client.session, self_mute: true, self_deaf: false, mute: false, deaf: false, suppress: false });
    expect(state.member.user.id).toBe(member.id);
    const grant = node.grantOf(guild.id, member.id)!;
    expect(joiner.of('VOICE_SERVER_UPDATE')[0]).toEqual({ token: grant.token, guild_id: guild.id, endpoint: 'voice-a.test:443' });
    expect(grant).toMatchObject({ channelId: lobby.id, sessionId: joiner.client.session, selfMute: true, canSpeak: true, useVad: true, prioritySpeaker: false });
    // The user's other session and the owner see the state, never the token.
    expect(otherSession.of('VOICE_SERVER_UPDATE')).toEqual([]);
    expect(ownerGw.of('VOICE_SERVER_UPDATE')).toEqual([]);

    // The state is in READY for a new session, and over REST.
    const late = await connectGateway(t, owner.token, 'json');
    const ready = late.of('READY')[0];
    const g = ready.guilds.find((x: { id: string }) => x.id === guild.id);
    expect(g.voice_states).toEqual([expect.objectContaining({ channel_id: lobby.id, user_id: member.id, session_id: joiner.client.session, self_mute: true })]);
    expect(await owner.api.rest.get(`/guilds/${guild.id}/voice-states/${member.id}`)).toMatchObject({ channel_id: lobby.id, user_id: member.id, guild_id: guild.id });
    for (const r of [ownerGw, joiner, otherSession, late]) r.close();
  });

  it('self mute is a state update only, a move keeps the connection, a leave revokes', async () => {
    const owner = await registerUser(t);
    const member = await registerUser(t);
    const { guild, lobby, raid } = await voiceGuild(owner, member);
    const ownerGw = await connectGateway(t, owner.token, 'json');
    const joiner = await connectGateway(t, member.token, 'json');
    join(joiner, guild.id, lobby.id);
    await eventually(() => joiner.of('VOICE_SERVER_UPDATE').length === 1, 'joined');
    const token = node.grantOf(guild.id, member.id)!.token;

    join(joiner, guild.id, lobby.id, { self_mute: true, self_deaf: true });
    await eventually(() => voiceUpdates(ownerGw, member.id).length === 2, 'self mute update');
    expect(voiceUpdates(ownerGw, member.id)[1]).toMatchObject({ channel_id: lobby.id, self_mute: true, self_deaf: true });
    expect(node.grantOf(guild.id, member.id)).toMatchObject({ token, selfMute: true, selfDeaf: true });

    join(joiner, guild.id, raid.id, { self_mute: true, self_deaf: true });
    await eventually(() => voiceUpdates(ownerGw, member.id).length === 3, 'move');
    expect(voiceUpdates(ownerGw, member.id)[2]).toMatchObject({ channel_id: raid.id });
    expect(node.grantOf(guild.id, member.id)).toMatchObject({ token, channelId: raid.id });
    expect(node.calls.filter((c) => c.op === 'grant' && c.grant.userId === member.id)).toHaveLength(1);

    join(joiner, guild.id, null);
    await eventually(() => voiceUpdates(ownerGw, member.id).length === 4, 'leave');
    expect(voiceUpdates(ownerGw, member.id)[3]).toMatchObject({ channel_id: null, user_id: member.id });
    expect(node.grantOf(guild.id, member.id)).toBeUndefined();
    // One server update for the whole stay.
    expect(joiner.of('VOICE_SERVER_UPDATE')).toHaveLength(1);
    await expect(owner.api.rest.get(`/guilds/${guild.id}/voice-states/${member.id}`)).rejects.toMatchObject({ status: 404, code: 10065 });
    ownerGw.close();
    joiner.close();
  });

  it('a user is in one voice channel across guilds: joining another guild leaves the first', async () => {
    const owner = await registerUser(t);
    const member = await registerUser(t);
    const first = await voiceGuild(owner, member);
    const second = await voiceGuild(owner, member);
    const ownerGw = await connectGateway(t, owner.token, 'json');
    const joiner = await connectGateway(t, member.token, 'json');
    join(joiner, first.guild.id, first.lobby.id);
    await eventually(() => joiner.of('VOICE_SERVER_UPDATE').length === 1, 'first join');
    join(joiner, second.guild.id, second.lobby.id);
    await eventually(() => joiner.of('VOICE_SERVER_UPDATE').length === 2, 'second join');
    const left = voiceUpdates(ownerGw, member.id).find((d: { guild_id: string; channel_id: string | null }) => d.guild_id === first.guild.id && d.channel_id === null);
    expect(left).toBeDefined();
    expect(node.grantOf(first.guild.id, member.id)).toBeUndefined();
    expect(node.grantOf(second.guild.id, member.id)).toMatchObject({ channelId: second.lobby.id });
    ownerGw.close();
    joiner.close();
  });

  it('deleting the voice channel and kicking the member disconnect them', async () => {
    const owner = await registerUser(t);
    const a = await registerUser(t);
    const b = await registerUser(t);
    const { guild, lobby, raid } = await voiceGuild(owner, a);
    const invite = await owner.api.createInvite(guild.system_channel_id!, {});
    await b.api.acceptInvite(invite.code);
    const ownerGw = await connectGateway(t, owner.token, 'json');
    const gwA = await connectGateway(t, a.token, 'json');
    const gwB = await connectGateway(t, b.token, 'json');
    join(gwA, guild.id, lobby.id);
    join(gwB, guild.id, raid.id);
    await eventually(() => gwA.of('VOICE_SERVER_UPDATE').length === 1 && gwB.of('VOICE_SERVER_UPDATE').length === 1, 'both joined');
    await owner.api.deleteChannel(lobby.id);
    await eventually(() => voiceUpdates(ownerGw, a.id).some((d: { channel_id: string | null }) => d.channel_id === null), 'A disconnected');
    expect(node.grantOf(guild.id, a.id)).toBeUndefined();
    await owner.api.kick(guild.id, b.id);
    await eventually(() => voiceUpdates(ownerGw, b.id).some((d: { channel_id: string | null }) => d.channel_id === null), 'B disconnected');
    expect(node.grantOf(guild.id, b.id)).toBeUndefined();
    for (const r of [ownerGw, gwA, gwB]) r.close();
  });

  it('a session that ends leaves voice: at once on a clean close, after the resume window on a drop', async () => {
    const owner = await registerUser(t);
    const member = await registerUser(t);
    const { guild, lobby } = await voiceGuild(owner, member);
    const ownerGw = await connectGateway(t, owner.token, 'json');

    const clean = await connectGateway(t, member.token, 'json');
    join(clean, guild.id, lobby.id);
    await eventually(() => clean.of('VOICE_SERVER_UPDATE').length === 1, 'joined');
    clean.close();
    await eventually(() => voiceUpdates(ownerGw, member.id).some((d: { channel_id: string | null }) => d.channel_id === null), 'left on close');

    const dropped = await connectGateway(t, member.token, 'json', { reconnect: false });
    join(dropped, guild.id, lobby.id);
    await eventually(() => dropped.of('VOICE_SERVER_UPDATE').length === 1, 'joined again');
    const before = voiceUpdates(ownerGw, member.id).length;
    const droppedAt = Date.now();
    dropped.client.dropConnection();
    await eventually(() => voiceUpdates(ownerGw, member.id).length === before + 1, 'left after the resume window', 8000);
    expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(900);
    expect(voiceUpdates(ownerGw, member.id).at(-1)).toMatchObject({ channel_id: null });
    expect(node.grantOf(guild.id, member.id)).toBeUndefined();
    ownerGw.close();
    dropped.close();
  });

  it('an invalid op 4 closes with 4002; a refused one is ignored without closing', async () => {
    const owner = await registerUser(t);
    const member = await registerUser(t);
    const { guild, lobby } = await voiceGuild(owner, member);
    const joiner = await connectGateway(t, member.token, 'json');
    join(joiner, guild.id, guild.system_channel_id); // a text channel
    join(joiner, '123456789012345678', lobby.id); // not a member there
    join(joiner, guild.id, lobby.id);
    await eventually(() => joiner.of('VOICE_SERVER_UPDATE').length === 1, 'valid join after refused ones');
    expect(voiceUpdates(joiner, member.id)).toHaveLength(1);
    const closed = new Promise<number>((resolve) => joiner.client.on('close', (code) => resolve(code)));
    joiner.client.send(GatewayOpcode.VoiceStateUpdate, { guild_id: guild.id, channel_id: 'lobby' });
    expect(await closed).toBe(4002);
    joiner.close();
  });
});

describe('voice nodes and the AFK channel', () => {
  it('with no node the endpoint is null; a node that registers gets the state and a new VOICE_SERVER_UPDATE; losing it moves the guild', async () => {
    const owner = await registerUser(t);
    const member = await registerUser(t);
    const { guild, lobby } = await voiceGuild(owner, member);
    const joiner = await connectGateway(t, member.token, 'json');
    t.server.voiceNodes.unregister(node);
    try {
      join(joiner, guild.id, lobby.id);
      await eventually(() => joiner.of('VOICE_SERVER_UPDATE').length === 1, 'server update without a node');
      expect(joiner.of('VOICE_SERVER_UPDATE')[0]).toMatchObject({ guild_id: guild.id, endpoint: null });

      const b = new RecordingVoiceNode('node-b', 'voice-b.test:443');
      t.server.voiceNodes.register(b);
      await eventually(() => joiner.of('VOICE_SERVER_UPDATE').length === 2, 'server update on allocation');
      const grantB = b.grantOf(guild.id, member.id)!;
      expect(joiner.of('VOICE_SERVER_UPDATE')[1]).toEqual({ token: grantB.token, guild_id: guild.id, endpoint: 'voice-b.test:443' });

      const c = new RecordingVoiceNode('node-c', 'voice-c.test:443');
      c.loadValue = 5;
      t.server.voiceNodes.register(c);
      t.server.voiceNodes.unregister(b);
      await eventually(() => joiner.of('VOICE_SERVER_UPDATE').length === 3, 'server update after the node left');
      const grantC = c.grantOf(guild.id, member.id)!;
      expect(grantC.token).not.toBe(grantB.token);
      expect(joiner.of('VOICE_SERVER_UPDATE')[2]).toEqual({ token: grantC.token, guild_id: guild.id, endpoint: 'voice-c.test:443' });
      t.server.voiceNodes.unregister(c);
    } finally {
      t.server.voiceNodes.register(node);
      joiner.close();
    }
  });

  it('moves a member without voice activity for afk_timeout to the AFK channel, where nobody speaks', async () => {
    const owner = await registerUser(t);
    const member = await registerUser(t);
    const { guild, lobby } = await voiceGuild(owner, member);
    const afk = await owner.api.createChannel(guild.id, { name: 'AFK', type: 2 });
    await owner.api.modifyGuild(guild.id, { afk_channel_id: afk.id, afk_timeout: 60 });
    const ownerGw = await connectGateway(t, owner.token, 'json');
    const joiner = await connectGateway(t, member.token, 'json');
    join(joiner, guild.id, lobby.id);
    await eventually(() => joiner.of('VOICE_SERVER_UPDATE').length === 1, 'joined');
    const voice = t.server.services.voiceStates;

    voice.sweep(Date.now() + 59_000);
    node.emit({ type: 'activity', serverId: guild.id, userId: member.id });
    voice.sweep(Date.now() + 59_000); // 59 s after the activity: still not idle
    expect(node.grantOf(guild.id, member.id)).toMatchObject({ channelId: lobby.id, canSpeak: true });

    voice.sweep(Date.now() + 61_000);
    await eventually(() => voiceUpdates(ownerGw, member.id).length === 2, 'moved to AFK');
    expect(voiceUpdates(ownerGw, member.id)[1]).toMatchObject({ channel_id: afk.id });
    expect(node.grantOf(guild.id, member.id)).toMatchObject({ channelId: afk.id, canSpeak: false });
    expect(joiner.of('VOICE_SERVER_UPDATE')).toHaveLength(1);
    ownerGw.close();
    joiner.close();
  });
});

describe('voice states over REST', () => {
  it('POST /guilds/:id/voice-states/@me answers {token, endpoint, session_id}; the guild sees the state', async () => {
    const owner = await registerUser(t);
    const member = await registerUser(t);
    const { guild, lobby } = await voiceGuild(owner, member);
    const ownerGw = await connectGateway(t, owner.token, 'json');
    const answer = await member.api.rest.post<{ token: string; endpoint: string; session_id: string }>(`/guilds/${guild.id}/voice-states/@me`, { channel_id: lobby.id, self_deaf: true });
    expect(answer).toEqual({ token: node.grantOf(guild.id, member.id)!.token, endpoint: 'voice-a.test:443', session_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    await eventually(() => voiceUpdates(ownerGw, member.id).length === 1, 'state update');
    expect(voiceUpdates(ownerGw, member.id)[0]).toMatchObject({ channel_id: lobby.id, session_id: answer.session_id, self_deaf: true });
    expect(await member.api.rest.get(`/guilds/${guild.id}/voice-states/@me`)).toMatchObject({ channel_id: lobby.id, session_id: answer.session_id });

    // The REST join ends with its voice connection.
    node.emit({ type: 'connected', serverId: guild.id, userId: member.id, sessionId: answer.session_id });
    node.emit({ type: 'disconnected', serverId: guild.id, userId: member.id, sessionId: answer.session_id });
    await eventually(() => voiceUpdates(ownerGw, member.id).length === 2, 'left with the connection');
    expect(voiceUpdates(ownerGw, member.id)[1]).toMatchObject({ channel_id: null });

    await expect(member.api.rest.post(`/guilds/${guild.id}/voice-states/@me`, { channel_id: guild.system_channel_id })).rejects.toMatchObject({ status: 400, code: 50035 });
    await expect(member.api.rest.post(`/guilds/${guild.id}/voice-states/@me`, { channel_id: '123456789012345678' })).rejects.toMatchObject({ status: 404, code: 10003 });
    await expect(member.api.rest.get(`/guilds/${guild.id}/voice-states/${owner.id}`)).rejects.toMatchObject({ status: 404, code: 10065 });
    const stranger = await registerUser(t);
    await expect(stranger.api.rest.post(`/guilds/${guild.id}/voice-states/@me`, { channel_id: lobby.id })).rejects.toMatchObject({ status: 404, code: 10004 });
    ownerGw.close();
  });
});
