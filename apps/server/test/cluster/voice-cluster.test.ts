// Voice across three real server processes (issue 20), each with its own voice node (TLS voice
// gateway + UDP SFU on ephemeral ports), one PostgreSQL schema and one NATS bus. X joins a voice
// channel through A; a READY on B lists X's state; Y joins through B and is sent to the same voice
// node as X, and the two exchange real Opus/RTP over UDP; a REST move issued on C moves X; a voice
// channel's user limit counts members of every process; SIGKILL of A: X leaves the channel on B and
// C within ~20 s, announced once, and Y (whose voice node was A's) is sent to another voice node.
// A fourth node started mid-test learns who is in voice. On NATS and on Redis.
import { GatewayClient, type WebSocketConstructor } from '@concord/client';
import { joinVoiceChannel, type JoinedVoice, type ReceivedFrame } from '@concord/client/voice';
import { readWav } from '@concord/media';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { api, RawGateway, testCluster, until, type ClusterNodeProcess, type User } from './clusterNodes.ts';

const FIXTURE = fileURLToPath(new URL('../../../../packages/testkit/fixtures/speech-48k-mono.wav', import.meta.url));

describe.each(['nats', 'redis'] as const)('voice on a cluster of three nodes on %s', (bus) => {
  const cluster = testCluster(bus, { VOICE: 'on', VOICE_PORT: '0', VOICE_UDP_PORT: '0' });
  const nodes = cluster.nodes;
  let a: ClusterNodeProcess, b: ClusterNodeProcess, c: ClusterNodeProcess;
  const raws: RawGateway[] = [];
  const clients: GatewayClient[] = [];
  const joined: JoinedVoice[] = [];
  let owner: User, x: User, y: User;
  let guildId: string, lobbyId: string, stageId: string;
  let xClient: GatewayClient;
  let xVoice: JoinedVoice, yVoice: JoinedVoice;
  let xEndpoint: string;
  let ownerOnB: RawGateway, ownerOnC: RawGateway;

  const gatewayClient = async (node: ClusterNodeProcess, user: User) => {
    const client = new GatewayClient({ url: node.url.replace('http', 'ws'), token: user.token, encoding: 'json', WebSocket: WebSocket as unknown as WebSocketConstructor });
    clients.push(client);
    client.connect();
    await client.waitForReady();
    return client;
  };
  const join = async (client: GatewayClient, channelId: string) => {
    const voice = await joinVoiceChannel(client, { guildId, channelId, voice: { ca: fs.readFileSync(path.join(cluster.dataDir, 'voice-tls', 'cert.pem')), channels: 1 } });
    joined.push(voice);
    return voice;
  };
  const voiceStateOn = async (node: ClusterNodeProcess, userId: string) => {
    const res = await fetch(`${node.url}/api/v9/guilds/${guildId}/voice-states/${userId}`, { headers: { authorization: owner.token } });
    return res.status === 200 ? ((await res.json()) as { channel_id: string }) : null;
  };

  beforeAll(async () => {
    // One after another: the first runs the migrations and makes the voice certificate the others reuse.
    [a, b, c] = await cluster.startAll('A', 'B', 'C');
    owner = await cluster.register(a, 'owner');
    x = await cluster.register(a, 'x');
    y = await cluster.register(b, 'y');
    const guild = await api(a, owner.token).createGuild({ name: 'voice cluster' });
    guildId = guild.id;
    lobbyId = (await api(a, owner.token).createChannel(guildId, { name: 'Lobby', type: 2 })).id;
    stageId = (await api(a, owner.token).createChannel(guildId, { name: 'Other room', type: 2 })).id;
    const invite = await api(a, owner.token).createInvite(guild.system_channel_id!, {});
    await api(a, x.token).acceptInvite(invite.code);
    await api(b, y.token).acceptInvite(invite.code);
  }, 180_000);

  afterAll(async () => {
    await cluster.teardown(joined.map((j) => j.voice), clients, raws);
  }, 60_000);

  it('lists a member who joined through A in a READY on B and in GET on C', async () => {
    xClient = await gatewayClient(a, x);
    const serverUpdate = xClient.waitFor('VOICE_SERVER_UPDATE', (d) => d.guild_id === guildId);
    xVoice = await join(xClient, lobbyId);
    xEndpoint = (await serverUpdate).endpoint!;
    ownerOnB = await RawGateway.identify(b.url, owner.token);
    raws.push(ownerOnB);
    // A user's READY carries its guilds whole (a bot's would have them follow as GUILD_CREATE).
    const ready = await ownerOnB.waitFor((f) => f.t === 'READY');
    const guild = (ready.d.guilds as { id: string; voice_states?: unknown[] }[]).find((g) => g.id === guildId);
    expect(guild?.voice_states).toEqual([expect.objectContaining({ user_id: x.id, channel_id: lobbyId, session_id: xClient.session })]);
    await until('x in the lobby on C', async () => (await voiceStateOn(c, x.id))?.channel_id === lobbyId);
  }, 60_000);

  it('sends a member joining through B to the voice node X is on, and they hear each other over UDP', async () => {
    const yClient = await gatewayClient(b, y);
    const serverUpdate = yClient.waitFor('VOICE_SERVER_UPDATE', (d) => d.guild_id === guildId);
    yVoice = await join(yClient, lobbyId);
    expect((await serverUpdate).endpoint).toBe(xEndpoint);
    // X on A sees Y's state, dispatched once by B.
    const heardByY: ReceivedFrame[] = [];
    const heardByX: ReceivedFrame[] = [];
    yVoice.voice.on('audio', (f) => heardByY.push(f));
    xVoice.voice.on('audio', (f) => heardByX.push(f));
    const speech = readWav(fs.readFileSync(FIXTURE)).samples.subarray(0, 960 * 50);
    const sent = await xVoice.voice.play(speech);
    await until('Y to hear X', () => heardByY.filter((f) => f.userId === x.id).length >= sent * 0.9);
    await yVoice.voice.play(speech);
    await until('X to hear Y', () => heardByX.filter((f) => f.userId === y.id).length >= sent * 0.9);
    expect(yVoice.voice.stats().received.badKey).toBe(0);
  }, 60_000);

  it('tells a node that starts later who is in voice (a READY there lists both)', async () => {
    const d = await cluster.start('D');
    const ownerOnD = await RawGateway.identify(d.url, owner.token);
    raws.push(ownerOnD);
    const ready = await ownerOnD.waitFor((f) => f.t === 'READY');
    const guild = (ready.d.guilds as { id: string; voice_states: { user_id: string; channel_id: string }[] }[]).find((g) => g.id === guildId);
    expect(guild?.voice_states.map((v) => [v.user_id, v.channel_id]).sort()).toEqual([[x.id, lobbyId], [y.id, lobbyId]].sort());
  }, 60_000);

  it('refuses a join over the user limit counting members connected through other nodes', async () => {
    await api(a, owner.token).modifyChannel(lobbyId, { user_limit: 2 });
    await until('the limit on C', async () => (await api(c, owner.token).getChannel(lobbyId)).user_limit === 2);
    const third = await api(c).register({ username: `z_${bus}_${process.pid}`, password: 'correct horse battery' });
    const invite = await api(a, owner.token).createInvite(lobbyId, {});
    await api(c, third.token).acceptInvite(invite.code);
    const res = await fetch(`${c.url}/api/v9/guilds/${guildId}/voice-states/@me`, { method: 'POST', headers: { authorization: third.token, 'content-type': 'application/json' }, body: JSON.stringify({ channel_id: lobbyId }) });
    expect(res.status).toBe(403);
    await api(a, owner.token).modifyChannel(lobbyId, { user_limit: 0 });
  }, 30_000);

  it('moves X by a REST call on C: X\'s session on A is told and its voice connection follows', async () => {
    ownerOnC = await RawGateway.identify(c.url, owner.token);
    raws.push(ownerOnC);
    const told = xClient.waitFor('VOICE_STATE_UPDATE', (d) => d.user_id === x.id && d.channel_id === stageId);
    await api(c, owner.token).modifyMember(guildId, x.id, { channel_id: stageId });
    await told.catch((e: unknown) => {
      throw new Error(`${String(e)}; B saw ${JSON.stringify(ownerOnB.dispatches('VOICE_STATE_UPDATE').map((f) => f.d))}; C: ${c.output().slice(-3000)}`);
    });
    await ownerOnB.waitFor((f) => f.t === 'VOICE_STATE_UPDATE' && f.d.user_id === x.id && f.d.channel_id === stageId);
    expect((await voiceStateOn(a, x.id))?.channel_id).toBe(stageId);
    // In the other room, Y no longer hears X.
    const heardByY: ReceivedFrame[] = [];
    yVoice.voice.on('audio', (f) => heardByY.push(f));
    await new Promise((r) => setTimeout(r, 300));
    await xVoice.voice.play(readWav(fs.readFileSync(FIXTURE)).samples.subarray(0, 960 * 20));
    await new Promise((r) => setTimeout(r, 500));
    expect(heardByY.filter((f) => f.userId === x.id)).toHaveLength(0);
    expect(ownerOnB.dispatches('VOICE_STATE_UPDATE').filter((f) => f.d.user_id === x.id && f.d.channel_id === stageId)).toHaveLength(1);
  }, 30_000);

  it('when A is SIGKILLed, X leaves on B and C once, and Y ends on a voice node that lives', async () => {
    const yClient = clients[1]!;
    // Which process holds the lobby's voice node is the rendezvous pick's choice: each logs its endpoint.
    const endpointOf = (n: ClusterNodeProcess) => /Voice gateway on wss:\/\/([^ ,"]+)/.exec(n.output())?.[1];
    const heldByA = endpointOf(a) === xEndpoint;
    const moved = heldByA ? yClient.waitFor('VOICE_SERVER_UPDATE', (d) => d.guild_id === guildId && d.endpoint !== xEndpoint, 30_000) : null;
    await a.kill();
    const gone = (g: RawGateway) => g.dispatches('VOICE_STATE_UPDATE').filter((f) => f.d.user_id === x.id && f.d.channel_id === null);
    await until('X to leave on B and C', () => gone(ownerOnB).length > 0 && gone(ownerOnC).length > 0, 25_000);
    const yEndpoint = moved ? (await moved).endpoint : xEndpoint;
    expect(nodes.slice(1).map(endpointOf)).toContain(yEndpoint);
    await until('Y connected to a live voice node', () => yVoice.voice.state.status === 'ready');
    await new Promise((r) => setTimeout(r, 1500));
    expect(gone(ownerOnB)).toHaveLength(1);
    expect(gone(ownerOnC)).toHaveLength(1);
    expect(await voiceStateOn(b, x.id)).toBeNull();
    expect((await voiceStateOn(c, y.id))?.channel_id).toBe(lobbyId);
  }, 40_000);
});
