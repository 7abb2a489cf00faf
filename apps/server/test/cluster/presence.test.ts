// Presence across three real server processes (issue 20): a session's presence is known on every
// node, whichever node holds it. X and V on node A, Y on node B, Z on node C (started later), all in
// one guild: B's READY lists X with X's activities; X's op 3 reaches Y (and Z) as exactly one
// PRESENCE_UPDATE; C learns every presence when it joins, from A and B (the log's tail no longer
// holds them): READY and a member chunk with presences. A live session resumed on another node (the
// old node lets it go on sessionMoved) keeps its presence without an offline in between. After
// SIGKILL of A, V goes offline for Y exactly once within ~20 s (and back, idle as it was, once when it resumes
// on C) while X, resumed on C at once, never flickers and keeps its status and activities.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, RawGateway, testCluster, type ClusterNodeProcess, type Frame, type User } from './clusterNodes.ts';

/** ClusterNodes: down after 15 s of silence, swept every 5 s. */
const DOWN_WITHIN_MS = 25_000;
const LOG_TAIL_MESSAGES = 100;

interface Activity {
  name: string;
  type: number;
  state?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(['nats', 'redis'] as const)('presence on a cluster of three nodes on %s', (bus) => {
  // The log keeps its last ~100 messages (the smallest allowed): C must learn older presences from the nodes, not the log.
  const cluster = testCluster(bus, { REPLAY_BUFFER_EVENTS: String(LOG_TAIL_MESSAGES) });
  let a: ClusterNodeProcess, b: ClusterNodeProcess, c: ClusterNodeProcess;
  const sockets: RawGateway[] = [];
  let x: User, y: User, z: User, v: User;
  let guildId: string, channelId: string;
  let xGw: RawGateway, yGw: RawGateway, zGw: RawGateway, zMoved: RawGateway, vGw: RawGateway;

  beforeAll(async () => {
    // C starts later, in the test.
    [a, b] = await cluster.startAll('A', 'B');
  }, 120_000);

  afterAll(() => cluster.teardown(sockets), 60_000);

  const register = (node: ClusterNodeProcess, name: string) => cluster.register(node, name);
  /** IDENTIFY with a presence (as the desktop client sends its game), READY awaited. */
  const identify = async (node: ClusterNodeProcess, user: User, presence: { status: string; activities: Activity[] } | null = null): Promise<RawGateway> => {
    const g = await RawGateway.open(node.url);
    sockets.push(g);
    const d = { token: user.token, properties: { os: 'linux', browser: 'cluster-test', device: 'cluster-test' }, ...(presence ? { presence: { ...presence, since: null, afk: false } } : {}) };
    g.ws.send(JSON.stringify({ op: 2, d }));
    await g.waitFor((f) => f.t === 'READY');
    return g;
  };
  const readyPresence = (g: RawGateway, userId: string) => {
    const ready = g.frames.find((f) => f.t === 'READY')!;
    const guild = (ready.d.guilds as { id: string; presences?: { user: { id: string } }[] }[]).find((gd) => gd.id === guildId);
    return guild?.presences?.find((p) => p.user.id === userId) ?? null;
  };
  const presencesOf = (g: RawGateway, userId: string, from = 0): Frame[] => g.frames.slice(from).filter((f) => f.t === 'PRESENCE_UPDATE' && f.d.user.id === userId);
  /** A message sent through `via` and seen on every socket: everything published before it has been delivered. */
  const barrier = async (via: ClusterNodeProcess, sockets: RawGateway[]) => {
    const m = await api(via, x.token).sendMessage(channelId, 'barrier');
    await Promise.all(sockets.map((g) => g.waitFor((f) => f.t === 'MESSAGE_CREATE' && f.d.id === m.id)));
  };

  it('lists a user on A as online with their activities in a READY on B', async () => {
    x = await register(a, 'x');
    v = await register(a, 'v');
    y = await register(b, 'y');
    z = await register(b, 'z');
    const guild = await api(a, x.token).createGuild({ name: `presence on ${bus}` });
    guildId = guild.id;
    channelId = (await api(a, x.token).getChannels(guildId)).find((ch) => ch.type === 0)!.id;
    const invite = await api(a, x.token).createInvite(channelId, {});
    for (const [node, user] of [[b, y], [b, z], [a, v]] as const) await api(node, user.token).acceptInvite(invite.code);

    yGw = await identify(b, y);
    // Y can only have heard of these through the bus: they connect to A.
    xGw = await identify(a, x, { status: 'online', activities: [{ name: 'Elden Ring', type: 0, state: 'Limgrave' }] });
    vGw = await identify(a, v, { status: 'idle', activities: [] });
    const xOnline = await yGw.waitFor((f) => f.t === 'PRESENCE_UPDATE' && f.d.user.id === x.id);
    expect(xOnline.d).toMatchObject({ status: 'online', activities: [{ name: 'Elden Ring', type: 0, state: 'Limgrave' }], guild_id: guildId });
    await yGw.waitFor((f) => f.t === 'PRESENCE_UPDATE' && f.d.user.id === v.id);

    // The replica goes on the log before the dispatch it explains: B knows X now. A new IDENTIFY on B sees it.
    const fresh = await identify(b, y);
    expect(readyPresence(fresh, x.id)).toMatchObject({ status: 'online', activities: [{ name: 'Elden Ring', type: 0, state: 'Limgrave' }], client_status: { web: 'online' } });
    expect(readyPresence(fresh, v.id)).toMatchObject({ status: 'idle' });
    fresh.close();
    // The approximate count read on B counts the sessions held by A.
    const res = await fetch(`${b.url}/api/v9/guilds/${guildId}?with_counts=true`, { headers: { authorization: y.token } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { approximate_presence_count?: number }).approximate_presence_count).toBe(3);
  }, 60_000);

  it('tells Y on B of a status set on A exactly once', async () => {
    const from = yGw.frames.length;
    xGw.ws.send(JSON.stringify({ op: 3, d: { status: 'dnd', activities: [{ name: 'Hades', type: 0 }], since: null, afk: false } }));
    await yGw.waitFor((f) => f.t === 'PRESENCE_UPDATE' && f.d.user.id === x.id && f.d.status === 'dnd');
    await barrier(a, [yGw, xGw]);
    const seen = presencesOf(yGw, x.id, from);
    expect(seen.map((f) => [f.d.status, f.d.activities.map((act: Activity) => act.name)])).toEqual([['dnd', ['Hades']]]);
  }, 30_000);

  it('teaches a node started later every presence: its READY and member chunks list them', async () => {
    // Push every presence announcement so far out of the log's tail (Redis trims in whole stream
    // nodes of 100, so three tails' worth): what C learns, it learns from A and B when it joins.
    for (let i = 0; i < 3 * LOG_TAIL_MESSAGES; i += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, j) => api(b, y.token).sendMessage(channelId, `filler ${i + j}`)));
    }
    await barrier(b, [yGw, xGw]);
    c = await cluster.start('C');
    zGw = await identify(c, z, { status: 'online', activities: [{ name: 'Celeste', type: 0 }] });
    expect(readyPresence(zGw, x.id)).toMatchObject({ status: 'dnd', activities: [{ name: 'Hades', type: 0 }] });
    expect(readyPresence(zGw, v.id)).toMatchObject({ status: 'idle' });
    expect(readyPresence(zGw, y.id)).toMatchObject({ status: 'online' });
    zGw.ws.send(JSON.stringify({ op: 8, d: { guild_id: guildId, query: '', limit: 0, presences: true, nonce: 'p' } }));
    const chunk = await zGw.waitFor((f) => f.t === 'GUILD_MEMBERS_CHUNK' && f.d.nonce === 'p');
    const byUser = new Map((chunk.d.presences as { user: { id: string }; status: string }[]).map((p) => [p.user.id, p.status]));
    expect(Object.fromEntries(byUser)).toEqual({ [x.id]: 'dnd', [y.id]: 'online', [v.id]: 'idle', [z.id]: 'online' });

    // With three nodes, one change is still one PRESENCE_UPDATE for each other node's sessions.
    const fromY = yGw.frames.length;
    const fromZ = zGw.frames.length;
    xGw.ws.send(JSON.stringify({ op: 3, d: { status: 'idle', activities: [{ name: 'Hades', type: 0 }, { name: 'Custom Status', type: 4, state: 'one more run' }], since: null, afk: false } }));
    await Promise.all([yGw, zGw].map((g) => g.waitFor((f) => f.t === 'PRESENCE_UPDATE' && f.d.user.id === x.id && f.d.status === 'idle')));
    await barrier(c, [yGw, zGw, xGw]);
    expect(presencesOf(yGw, x.id, fromY)).toHaveLength(1);
    expect(presencesOf(zGw, x.id, fromZ)).toHaveLength(1);
  }, 90_000);

  it('keeps the presence of a live session resumed on another node: the old node lets go without an offline', async () => {
    const fromY = yGw.frames.length;
    const closed = new Promise<void>((resolve) => zGw.ws.once('close', () => resolve()));
    // Z's client resumes on B while its socket on C is still open (it had not noticed C was gone).
    zMoved = await RawGateway.open(b.url);
    sockets.push(zMoved);
    zMoved.ws.send(JSON.stringify({ op: 6, d: { token: z.token, session_id: zGw.sessionId, seq: zGw.seq } }));
    await zMoved.waitFor((f) => f.t === 'RESUMED');
    await closed; // C read sessionMoved and let the session go
    await barrier(c, [yGw, xGw, zMoved]);
    expect(presencesOf(yGw, z.id, fromY)).toEqual([]);
    for (const node of [a, c]) {
      const g = await identify(node, y);
      expect(readyPresence(g, z.id)).toMatchObject({ status: 'online', activities: [{ name: 'Celeste', type: 0 }] });
      g.close();
    }
  }, 30_000);

  it('after SIGKILL of A: V goes offline once within ~20 s and back online once resumed on C, X resumed on C at once never flickers', async () => {
    const fromY = yGw.frames.length;
    const xSession = xGw.sessionId;
    const xSeq = xGw.seq;
    const killedAt = Date.now();
    await a.kill();
    // X's client reconnects at once, to another node.
    const resumed = await RawGateway.open(c.url);
    sockets.push(resumed);
    resumed.ws.send(JSON.stringify({ op: 6, d: { token: x.token, session_id: xSession, seq: xSeq } }));
    await resumed.waitFor((f) => f.t === 'RESUMED', 15_000);

    const vOffline = await yGw.waitFor((f) => f.t === 'PRESENCE_UPDATE' && f.d.user.id === v.id && f.d.status === 'offline', DOWN_WITHIN_MS);
    const downAfterMs = Date.now() - killedAt;
    expect(vOffline.d.guild_id).toBe(guildId);
    // V's client comes back now, on C, while the other survivor may not have dropped A yet.
    const vResumed = await RawGateway.open(c.url);
    sockets.push(vResumed);
    vResumed.ws.send(JSON.stringify({ op: 6, d: { token: v.token, session_id: vGw.sessionId, seq: vGw.seq } }));
    await vResumed.waitFor((f) => f.t === 'RESUMED', 15_000);
    // The other survivor notices A at its own sweep (up to 5 s later): it must stay silent and leave V's session, now C's, alone.
    await sleep(6_000);
    await barrier(b, [yGw, zMoved, resumed, vResumed]);
    expect(presencesOf(yGw, v.id, fromY).map((f) => f.d.status)).toEqual(['offline', 'idle']);
    expect(presencesOf(zMoved, v.id).map((f) => f.d.status)).toEqual(['offline', 'idle']);
    expect(presencesOf(yGw, x.id, fromY)).toEqual([]);

    // Every survivor still shows X as it was, held by C now, and V back online.
    for (const node of [b, c]) {
      const g = await identify(node, y);
      expect(readyPresence(g, x.id)).toMatchObject({ status: 'idle', activities: [{ name: 'Hades', type: 0 }, { name: 'Custom Status', type: 4, state: 'one more run' }] });
      expect(readyPresence(g, v.id)).toMatchObject({ status: 'idle' });
      g.close();
    }
    console.log(`presence e2e on ${bus}: V offline on B ${downAfterMs} ms after SIGKILL of A`);
  }, 90_000);
});
