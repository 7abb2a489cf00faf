// The gateway protocol over real sockets: HELLO/IDENTIFY/READY, heartbeats, exact RESUME replay,
// and the close code for every kind of bad input. The server must keep serving afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import zlib from 'node:zlib';
import { GatewayCloseCode, GatewayOpcode, binaryCodec, jsonCodec, type GatewayEncoding } from '@concord/protocol';
import { connectGateway, eventually, guildWithMember, rawSocket, registerUser, startTestServer, type TestServer, type TestUser } from './harness.ts';

let t: TestServer;
let alice: TestUser;
beforeAll(async () => {
  t = await startTestServer();
  alice = await registerUser(t);
});
afterAll(async () => {
  await t.close();
});

const once = <T>(ws: { once(ev: string, cb: (...a: any[]) => void): void }, ev: string) => new Promise<T>((r) => ws.once(ev, (x: T) => r(x)));

describe('gateway handshake', () => {
  it('sends HELLO with a heartbeat interval and acknowledges heartbeats', async () => {
    const { ws, messages } = rawSocket(t, 'v=9&encoding=json');
    await once(ws, 'open');
    await eventually(() => messages.length >= 1, 'HELLO');
    const hello = JSON.parse(String(messages[0]));
    expect(hello.op).toBe(GatewayOpcode.Hello);
    expect(hello.d.heartbeat_interval).toBeGreaterThan(1000);
    ws.send(JSON.stringify({ op: 1, d: null }));
    await eventually(() => messages.length >= 2, 'HEARTBEAT_ACK');
    expect(JSON.parse(String(messages[1])).op).toBe(GatewayOpcode.HeartbeatAck);
    ws.close();
  });

  it.each<[string, string, (ws: import('ws').WebSocket) => void, number]>([
    ['an unsupported API version', 'v=3&encoding=json', () => {}, GatewayCloseCode.InvalidApiVersion],
    ['malformed JSON', 'v=9&encoding=json', (ws) => ws.send('{"op": 2, "d": '), GatewayCloseCode.DecodeError],
    ['a frame that is not an object', 'v=9&encoding=json', (ws) => ws.send('[1,2,3]'), GatewayCloseCode.DecodeError],
    ['a garbage binary frame', 'v=9&encoding=bin', (ws) => ws.send(Buffer.from([0xc7, 2, 0, 0x08, 0xff, 0xff, 0xff])), GatewayCloseCode.DecodeError],
    ['an unknown opcode', 'v=9&encoding=json', (ws) => ws.send(JSON.stringify({ op: 99, d: null })), GatewayCloseCode.UnknownOpcode],
    ['an op before IDENTIFY', 'v=9&encoding=json', (ws) => ws.send(JSON.stringify({ op: 3, d: { status: 'online', since: null, activities: [], afk: false } })), GatewayCloseCode.NotAuthenticated],
    ['a bad token', 'v=9&encoding=json', (ws) => ws.send(JSON.stringify({ op: 2, d: { token: 'not-a-token', properties: {} } })), GatewayCloseCode.AuthenticationFailed],
    ['an IDENTIFY with wrong types', 'v=9&encoding=json', (ws) => ws.send(JSON.stringify({ op: 2, d: { token: 5 } })), GatewayCloseCode.DecodeError],
    ['an oversized frame', 'v=9&encoding=json', (ws) => ws.send(JSON.stringify({ op: 1, d: 'x'.repeat(20_000) })), GatewayCloseCode.DecodeError],
    ['a flood of frames', 'v=9&encoding=json', (ws) => { for (let i = 0; i < 130; i++) ws.send(JSON.stringify({ op: 1, d: null })); }, GatewayCloseCode.RateLimited],
  ])('closes the session on %s with the right code', async (_what, query, act, code) => {
    const { ws, closed } = rawSocket(t, query);
    await once(ws, 'open');
    act(ws);
    expect((await closed).code).toBe(code);
    // ...and keeps serving everyone else.
    expect((await alice.api.me()).id).toBe(alice.id);
  });

  it('closes 4005 on a second IDENTIFY', async () => {
    const { ws, closed, messages } = rawSocket(t, 'v=9&encoding=json');
    await once(ws, 'open');
    ws.send(JSON.stringify({ op: 2, d: { token: alice.token, properties: {} } }));
    await eventually(() => messages.some((m) => String(m).includes('"READY"')), 'READY');
    ws.send(JSON.stringify({ op: 2, d: { token: alice.token, properties: {} } }));
    expect((await closed).code).toBe(GatewayCloseCode.AlreadyAuthenticated);
  });

  it('speaks zlib-stream: every frame ends with the sync-flush suffix and inflates to JSON', async () => {
    const { ws, messages } = rawSocket(t, 'v=10&encoding=json&compress=zlib-stream');
    await once(ws, 'open');
    const inflate = zlib.createInflate();
    const decoded: any[] = [];
    inflate.on('data', (chunk: Buffer) => decoded.push(JSON.parse(chunk.toString())));
    await eventually(() => messages.length >= 1, 'compressed HELLO');
    const first = messages[0] as Buffer;
    expect(first.subarray(-4).equals(Buffer.from([0x00, 0x00, 0xff, 0xff]))).toBe(true);
    inflate.write(first);
    await eventually(() => decoded.length === 1, 'inflated HELLO');
    expect(decoded[0].op).toBe(GatewayOpcode.Hello);
    ws.close();
  });

  it('lists guilds with channels, roles and members in READY', async () => {
    const owner = await registerUser(t);
    const member = await registerUser(t);
    const { guild } = await guildWithMember(owner, member);
    const gw = await connectGateway(t, member.token, 'bin');
    const ready = await new Promise<any>((resolve) => {
      gw.client.close();
      gw.client.once('ready', resolve);
      gw.client.connect();
    });
    const g = ready.guilds.find((x: { id: string }) => x.id === guild.id);
    expect(g).toMatchObject({ name: 'Test Guild', owner_id: owner.id, member_count: 2, unavailable: false });
    expect(g.members.map((m: { user: { id: string } }) => m.user.id).sort()).toEqual([owner.id, member.id].sort());
    expect(g.channels.length).toBe(4);
    expect(ready.user.id).toBe(member.id);
    expect(typeof ready.session_id).toBe('string');
    expect(ready.resume_gateway_url).toMatch(/^ws:\/\//);
    gw.close();
  });
});

describe('RESUME', () => {
  it.each<GatewayEncoding>(['bin', 'json'])('replays exactly the events missed while the socket was down (%s)', async (encoding) => {
    const owner = await registerUser(t);
    const member = await registerUser(t);
    const { general } = await guildWithMember(owner, member);
    const gw = await connectGateway(t, member.token, encoding);
    const before = await owner.api.sendMessage(general, 'before the drop');
    await eventually(() => gw.of('MESSAGE_CREATE').some((m) => m.id === before.id), 'message before drop');
    const seqBefore = gw.client.seq;
    const resumed = new Promise<void>((resolve) => gw.client.once('resumed', resolve));
    // Drop the socket and send while it is gone: the client reconnects with RESUME.
    const closed = new Promise<void>((resolve) => gw.client.once('close', () => resolve()));
    gw.client.dropConnection();
    await closed;
    const missed: string[] = [];
    for (let i = 0; i < 10; i++) missed.push((await owner.api.sendMessage(general, `missed ${i}`)).id);
    await resumed;
    const after = await owner.api.sendMessage(general, 'after the resume');
    await eventually(() => gw.of('MESSAGE_CREATE').some((m) => m.id === after.id), 'message after resume');
    const received = gw.of('MESSAGE_CREATE').map((m) => m.id);
    // Each message exactly once, in order, nothing lost, nothing duplicated.
    expect(received).toEqual([before.id, ...missed, after.id]);
    const seqs = gw.events.filter((e) => e.t === 'MESSAGE_CREATE').map((e) => e.s!);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(seqs[0]).toBeLessThanOrEqual(seqBefore!);
    expect(gw.of('READY').length).toBe(1);
    gw.close();
  });

  it('keeps a dropped session detached until RESUME, moves it to the newest socket, and ends it on a clean close', async () => {
    const detachedGauge = async () => Number(/^concord_gateway_detached_sessions (\d+)$/m.exec(await (await fetch(`${t.server.url}/metrics`)).text())?.[1]);
    const frames = (messages: unknown[]) => messages.map((m) => JSON.parse(String(m)) as { op: number; t: string | null; s: number | null; d: Record<string, unknown> | null });
    const identified = rawSocket(t, 'v=9&encoding=json');
    await once(identified.ws, 'open');
    identified.ws.send(JSON.stringify({ op: 2, d: { token: alice.token, properties: {} } }));
    await eventually(() => frames(identified.messages).some((f) => f.t === 'READY'), 'READY');
    const ready = frames(identified.messages).find((f) => f.t === 'READY')!;
    const sessionId = String(ready.d?.['session_id']);
    const gauge0 = await detachedGauge();

    identified.ws.terminate(); // no close frame: the server sees 1006, a drop
    await eventually(() => t.server.gateway.sessions.get(sessionId)?.state.status === 'detached', 'the session detached');
    expect(await detachedGauge()).toBe(gauge0 + 1);

    const resume = async () => {
      const next = rawSocket(t, 'v=9&encoding=json');
      await once(next.ws, 'open');
      next.ws.send(JSON.stringify({ op: 6, d: { token: alice.token, session_id: sessionId, seq: ready.s } }));
      await eventually(() => frames(next.messages).some((f) => f.t === 'RESUMED'), 'RESUMED');
      return next;
    };
    const first = await resume();
    expect(t.server.gateway.sessions.get(sessionId)?.state.status).toBe('ready');
    expect(await detachedGauge()).toBe(gauge0);

    // A second RESUME while the first socket is still open takes the session over: the old socket
    // is closed with 4009, and the session stays ready on the new one.
    const second = await resume();
    expect((await first.closed).code).toBe(GatewayCloseCode.SessionTimedOut);
    expect(t.server.gateway.sessions.get(sessionId)?.state.status).toBe('ready');
    expect(await detachedGauge()).toBe(gauge0);
    second.ws.send(JSON.stringify({ op: 1, d: null }));
    await eventually(() => frames(second.messages).some((f) => f.op === GatewayOpcode.HeartbeatAck), 'HEARTBEAT_ACK on the new socket');

    second.ws.close(1000);
    await eventually(() => !t.server.gateway.sessions.has(sessionId), 'the session ended');
    expect(await detachedGauge()).toBe(gauge0);
  });

  it('answers INVALID_SESSION for an unknown session id', async () => {
    const { ws, messages } = rawSocket(t, 'v=9&encoding=json');
    await once(ws, 'open');
    ws.send(JSON.stringify({ op: 6, d: { token: alice.token, session_id: 'nope', seq: 1 } }));
    await eventually(() => messages.some((m) => JSON.parse(String(m)).op === GatewayOpcode.InvalidSession), 'INVALID_SESSION');
    expect(JSON.parse(String(messages.find((m) => JSON.parse(String(m)).op === 9)))).toMatchObject({ op: 9, d: false });
    ws.close();
  });
});

describe('presence', () => {
  it('shows members online with their activity, and offline when they disconnect', async () => {
    const owner = await registerUser(t);
    const member = await registerUser(t);
    await guildWithMember(owner, member);
    const ownerGw = await connectGateway(t, owner.token, 'json');
    const memberGw = await connectGateway(t, member.token, 'bin');
    memberGw.client.updatePresence({ status: 'dnd', activities: [{ name: 'Elden Ring', type: 0 }] });
    await eventually(() => ownerGw.of('PRESENCE_UPDATE').some((p) => p.user.id === member.id && p.status === 'dnd' && p.activities[0]?.name === 'Elden Ring'), 'dnd presence');
    memberGw.close();
    await eventually(() => ownerGw.of('PRESENCE_UPDATE').some((p) => p.user.id === member.id && p.status === 'offline'), 'offline presence');
    ownerGw.close();
  });
});

describe('codecs on the wire', () => {
  it('sends the same event to json and binary sessions with the same content and sequence', async () => {
    const owner = await registerUser(t);
    const member = await registerUser(t);
    const { general } = await guildWithMember(owner, member);
    const j = await connectGateway(t, member.token, 'json');
    const b = await connectGateway(t, member.token, 'bin');
    const m = await owner.api.sendMessage(general, { content: 'same bytes? 🎮', embeds: [{ title: 'GG', fields: [{ name: 'K/D', value: '3.2' }] }] });
    await eventually(() => j.of('MESSAGE_CREATE').some((x) => x.id === m.id) && b.of('MESSAGE_CREATE').some((x) => x.id === m.id), 'both encodings');
    const je = j.events.find((e) => e.t === 'MESSAGE_CREATE' && e.d.id === m.id)!;
    const be = b.events.find((e) => e.t === 'MESSAGE_CREATE' && e.d.id === m.id)!;
    expect(be.d).toEqual(je.d);
    expect(be.s).toBe(je.s);
    const jsonBytes = Buffer.byteLength(jsonCodec.encode({ op: 0, t: 'MESSAGE_CREATE', s: je.s, d: je.d }));
    const binBytes = binaryCodec.encode({ op: 0, t: 'MESSAGE_CREATE', s: be.s, d: be.d }).byteLength;
    expect(binBytes).toBeLessThan(jsonBytes * 0.7);
    j.close();
    b.close();
  });
});

describe('fan-out', () => {
  it('encodes each dispatched event once per encoding, however many sessions receive it', async () => {
    const { vi } = await import('vitest');
    const owner = await registerUser(t);
    const members = await Promise.all(Array.from({ length: 6 }, () => registerUser(t)));
    const guild = await owner.api.createGuild({ name: 'Fan-out' });
    const invite = await owner.api.createInvite(guild.system_channel_id!);
    for (const m of members) await m.api.acceptInvite(invite.code);
    const sessions = await Promise.all(members.map((m, i) => connectGateway(t, m.token, i % 2 ? 'bin' : 'json')));
    const jsonSpy = vi.spyOn(jsonCodec, 'encode');
    const binSpy = vi.spyOn(binaryCodec, 'encode');
    try {
      const sent = await owner.api.sendMessage(guild.system_channel_id!, 'to everyone');
      await eventually(() => sessions.every((s) => s.of('MESSAGE_CREATE').some((m) => m.id === sent.id)), 'delivery to all six');
      const encodesOf = (calls: [import('@concord/protocol').GatewayPayload][]) => calls.filter(([p]) => p.t === 'MESSAGE_CREATE' && (p.d as { id: string }).id === sent.id).length;
      expect(encodesOf(jsonSpy.mock.calls)).toBe(1);
      expect(encodesOf(binSpy.mock.calls)).toBe(1);
    } finally {
      jsonSpy.mockRestore();
      binSpy.mockRestore();
      sessions.forEach((s) => s.close());
    }
  });
});

describe('server restart', () => {
  it('sends RECONNECT (op 7) before closing sessions with 1012 at shutdown', async () => {
    const own = await startTestServer();
    try {
      const u = await registerUser(own);
      const guild = await u.api.createGuild({ name: 'Restart' });
      const gw = await connectGateway(own, u.token, 'bin');
      const closed = new Promise<number>((resolve) => gw.client.once('close', (code) => resolve(code)));
      const rawOps: number[] = [];
      // Watch the raw opcodes the SDK receives (its private frame handler, wrapped).
      const client = gw.client as unknown as { onPayload: (p: { op: number }) => void };
      const original = client.onPayload.bind(gw.client);
      client.onPayload = (p) => {
        rawOps.push(p.op);
        original(p);
      };
      await own.server.close();
      expect(await closed).toBe(1012);
      expect(rawOps).toContain(7);
      gw.close();
      // Messages acknowledged before the restart are still there afterwards.
      await own.restart();
      expect((await own.api(u.token).getGuild(guild.id)).name).toBe('Restart');
    } finally {
      await own.close().catch(() => undefined);
    }
  });
});
