// The voice-node control link (/internal/voice-nodes) from the main server's side, with hand-driven
// fake nodes over real WebSockets: the secret (401 when wrong, 404 when the server has none), the
// register/ready handshake, grants following a guild to another node when its link closes or its
// heartbeats stop (a new VOICE_SERVER_UPDATE with the other endpoint and a fresh token), and every
// kind of malformed frame closing only that link, with the server still serving.
import fc from 'fast-check';
import { GatewayOpcode } from '@concord/protocol';
import WebSocket from 'ws';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VoiceNodeControlClient } from '../src/voice/control/VoiceNodeControlClient.ts';
import type { VoiceGrant, VoiceNode, VoiceNodeEvent } from '../src/voice/VoiceNode.ts';
import { connectGateway, eventually, guildWithMember, registerUser, startTestServer, type Recorder, type TestServer } from './harness.ts';

const SECRET = 'voice-node-secret-for-tests';
// Long enough that a loaded machine (the full suite on 2 cores) does not miss three in a row.
const HEARTBEAT_MS = 1000;

interface FakeNode {
  ws: WebSocket;
  received: any[];
  closed: Promise<{ code: number; reason: string }>;
  isClosed(): boolean;
  send(message: unknown): void;
}

let t: TestServer;
const controlUrl = (server: TestServer) => `${server.server.url.replace('http', 'ws')}/internal/voice-nodes`;

/** Dials the control route; resolves once open (or rejects with the HTTP status of a refusal). */
function dial(server: TestServer, secret: string | null = SECRET): Promise<FakeNode> {
  const ws = new WebSocket(controlUrl(server), secret === null ? {} : { headers: { authorization: `Bearer ${secret}` } });
  const received: any[] = [];
  let closed = false;
  const closedP = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      closed = true;
      resolve({ code, reason: reason.toString() });
    });
  });
  ws.on('message', (data) => received.push(JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : '{}')));
  return new Promise((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => {
      ws.terminate();
      reject(new Error(`HTTP ${String(res.statusCode)}`));
    });
    ws.on('error', () => undefined);
    ws.on('open', () => resolve({ ws, received, closed: closedP, isClosed: () => closed, send: (m) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)) }));
  });
}

async function registered(id: string, endpoint: string): Promise<FakeNode> {
  const node = await dial(t);
  node.send({ op: 'register', id, endpoint });
  await eventually(() => node.received.some((m) => m.op === 'ready'), `${id} ready`);
  return node;
}

const gateways: Recorder[] = [];

beforeAll(async () => {
  t = await startTestServer({ VOICE: 'off', VOICE_NODE_SECRET: SECRET, VOICE_NODE_HEARTBEAT_MS: String(HEARTBEAT_MS) });
});

afterAll(async () => {
  for (const g of gateways) g.close();
  await t.close();
});

async function voiceMember() {
  const owner = await registerUser(t);
  const member = await registerUser(t);
  const { guild } = await guildWithMember(owner, member);
  const channel = await owner.api.createChannel(guild.id, { name: 'Voice', type: 2 });
  const gw = await connectGateway(t, member.token, 'json');
  gateways.push(gw);
  const join = () => gw.client.send(GatewayOpcode.VoiceStateUpdate, { guild_id: guild.id, channel_id: channel.id, self_mute: false, self_deaf: false });
  return { member, guild, channel, gw, join };
}

describe('voice node control link', () => {
  it('refuses a wrong or missing secret with 401 and registers nothing; a plain GET is 404', async () => {
    await expect(dial(t, 'x'.repeat(SECRET.length))).rejects.toThrow('HTTP 401');
    await expect(dial(t, `${SECRET}x`)).rejects.toThrow('HTTP 401');
    await expect(dial(t, null)).rejects.toThrow('HTTP 401');
    const plain = await fetch(controlUrl(t).replace('ws', 'http'));
    expect(plain.status).toBe(404);
    expect(t.server.voiceNodes.size).toBe(0);
    expect(t.server.voiceNodeControl.stats().refused.badSecret).toBe(3);
  });

  it('answers 404 on a server without VOICE_NODE_SECRET', async () => {
    const plain = await startTestServer({ VOICE: 'off' });
    try {
      await expect(dial(plain, SECRET)).rejects.toThrow('HTTP 404');
      expect(plain.server.voiceNodeControl.stats().refused.disabled).toBe(1);
    } finally {
      await plain.close();
    }
  });

  it('grants a joining member on a registered node; when its link closes the member gets a new VOICE_SERVER_UPDATE with the other node and a fresh token', async () => {
    const a = await registered('node-a', 'a.example:1001');
    expect(a.received[0]).toEqual({ op: 'ready', heartbeatIntervalMs: HEARTBEAT_MS });
    let aClients = 0;
    const heartbeat = setInterval(() => a.send({ op: 'load', clients: aClients }), HEARTBEAT_MS / 2);
    const v = await voiceMember();
    v.join();
    await eventually(() => v.gw.of('VOICE_SERVER_UPDATE').length === 1, 'first VOICE_SERVER_UPDATE');
    const first = v.gw.of('VOICE_SERVER_UPDATE')[0];
    expect(first.endpoint).toBe('a.example:1001');
    await eventually(() => a.received.some((m) => m.op === 'grant'), 'grant at node a');
    const grant = a.received.find((m) => m.op === 'grant').grant;
    expect(grant).toMatchObject({ token: first.token, serverId: v.guild.id, channelId: v.channel.id, userId: v.member.id, sessionId: v.gw.client.session });
    // The node's events reach the domain (a connected client counts toward its load).
    a.send({ op: 'event', event: { type: 'connected', serverId: v.guild.id, userId: v.member.id, sessionId: grant.sessionId } });
    aClients = 1;
    a.send({ op: 'load', clients: 1 });
    await eventually(() => t.server.voiceNodes.get('node-a')?.load() === 1, 'load reported');

    const b = await registered('node-b', '[::1]:1002');
    const hb = setInterval(() => b.send({ op: 'load', clients: 0 }), HEARTBEAT_MS / 2);
    clearInterval(heartbeat);
    const lostAt = Date.now();
    a.ws.terminate();
    await eventually(() => v.gw.of('VOICE_SERVER_UPDATE').length === 2, 'second VOICE_SERVER_UPDATE');
    const second = v.gw.of('VOICE_SERVER_UPDATE')[1];
    expect(Date.now() - lostAt).toBeLessThan(1000);
    expect(second.endpoint).toBe('[::1]:1002');
    expect(second.token).not.toBe(first.token);
    await eventually(() => b.received.some((m) => m.op === 'grant' && m.grant.token === second.token), 'grant at node b');
    expect(t.server.voiceNodes.get('node-a')).toBeUndefined();

    // Self mute reaches the node as an update; leaving as a revoke.
    v.gw.client.send(GatewayOpcode.VoiceStateUpdate, { guild_id: v.guild.id, channel_id: v.channel.id, self_mute: true, self_deaf: false });
    await eventually(() => b.received.some((m) => m.op === 'update' && m.patch.selfMute === true && m.userId === v.member.id), 'update at node b');
    v.gw.client.send(GatewayOpcode.VoiceStateUpdate, { guild_id: v.guild.id, channel_id: null, self_mute: false, self_deaf: false });
    await eventually(() => b.received.some((m) => m.op === 'revoke' && m.userId === v.member.id), 'revoke at node b');
    clearInterval(hb);
    b.ws.close();
    await b.closed;
  });

  it('a node that stops heartbeating is closed with 4009 within three intervals and its guild moves', async () => {
    const silent = await registered('node-silent', 'silent.example:1');
    const v = await voiceMember();
    v.join();
    await eventually(() => silent.received.some((m) => m.op === 'grant'), 'grant at the silent node');
    const live = await registered('node-live', 'live.example:2');
    const hb = setInterval(() => live.send({ op: 'load', clients: 0 }), HEARTBEAT_MS / 2);
    const closed = await silent.closed;
    expect(closed.code).toBe(4009);
    await eventually(() => v.gw.of('VOICE_SERVER_UPDATE').some((d) => d.endpoint === 'live.example:2'), 'moved to the live node');
    clearInterval(hb);
    live.ws.close();
    await live.closed;
  });

  it('closes a link on each kind of bad frame without affecting the server', async () => {
    const cases: { before?: unknown[]; frame: unknown; code: number }[] = [
      { frame: 'not json', code: 4001 },
      { frame: Buffer.from([1, 2, 3]), code: 4001 },
      { frame: { op: 'load', clients: 1 }, code: 4003 },
      { frame: { op: 'register', id: 'bad id!', endpoint: 'x:1' }, code: 4001 },
      { frame: { op: 'register', id: 'ok', endpoint: 'no-port' }, code: 4001 },
      { frame: { op: 'register', id: 'ok', endpoint: 'h:1', extra: true }, code: 4001 },
      { before: [{ op: 'register', id: 'dup-1', endpoint: 'h:1' }], frame: { op: 'register', id: 'dup-2', endpoint: 'h:1' }, code: 4005 },
      { before: [{ op: 'register', id: 'ev-1', endpoint: 'h:1' }], frame: { op: 'event', event: { type: 'connected', serverId: '1' } }, code: 4001 },
      { before: [{ op: 'register', id: 'ld-1', endpoint: 'h:1' }], frame: { op: 'load', clients: -1 }, code: 4001 },
      // Over maxPayloadLength uWS drops the connection without a close frame.
      { frame: 'x'.repeat(70 * 1024), code: 1006 },
    ];
    for (const c of cases) {
      const n = await dial(t);
      for (const m of c.before ?? []) n.send(m);
      if (c.frame instanceof Buffer) n.ws.send(c.frame);
      else n.send(c.frame);
      expect((await n.closed).code, JSON.stringify(c.frame).slice(0, 80)).toBe(c.code);
    }
    // A second link under a registered id is refused while the first lives.
    const first = await registered('same-id', 'h:1');
    const second = await dial(t);
    second.send({ op: 'register', id: 'same-id', endpoint: 'h:2' });
    expect((await second.closed).code).toBe(4010);
    first.ws.close();
    await first.closed;
    await eventually(() => t.server.voiceNodes.size === 0, 'every node unregistered');
    expect((await fetch(`${t.server.url}/healthz`)).status).toBe(200);
  });

  it('fuzz: random and mutated frames after register never register garbage or break the server', async () => {
    const valid = [{ op: 'load', clients: 3 }, { op: 'event', event: { type: 'activity', serverId: '1', userId: '2' } }];
    const frame = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.record({ op: fc.constantFrom('register', 'load', 'event', 'grant', 'revoke', '__proto__'), clients: fc.anything(), event: fc.anything(), id: fc.string() }).map((v) => JSON.stringify(v)),
      fc.constantFrom(...valid).chain((v) => fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 })).map((extra) => JSON.stringify({ ...v, ...extra }))),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(frame, async (f) => {
        const id = `fuzz-${String(n++)}`;
        const node = await registered(id, 'fuzz.example:9');
        node.send(f);
        node.send('{"op":"load","clients":"definitely not a number"}');
        const { code } = await node.closed;
        expect([4001, 4005]).toContain(code);
        await eventually(() => !t.server.voiceNodes.get(id), 'unregistered');
      }),
      { numRuns: 40 },
    );
    expect((await fetch(`${t.server.url}/healthz`)).status).toBe(200);
  }, 30_000);

  it('the node side registers, applies grants, drops them when the link is lost and re-registers after backoff', async () => {
    const grants = new Map<string, VoiceGrant>();
    const listeners: ((e: VoiceNodeEvent) => void)[] = [];
    const fake: VoiceNode = {
      id: 'in-process',
      endpoint: 'client.example:7',
      load: () => grants.size,
      grant: (g) => grants.set(g.userId, g),
      update: () => undefined,
      revoke: (_serverId, userId) => grants.delete(userId),
      onEvent: (l) => listeners.push(l),
      close: () => Promise.resolve(),
    };
    const client = new VoiceNodeControlClient(fake, { url: controlUrl(t), secret: SECRET, id: 'sdk-side', backoff: { minMs: 20, maxMs: 100 } }, pino({ level: 'silent' }));
    client.start();
    try {
      await eventually(() => t.server.voiceNodes.get('sdk-side') !== undefined && client.status === 'registered', 'registered');
      const v = await voiceMember();
      v.join();
      await eventually(() => grants.has(v.member.id), 'grant applied on the node side');
      for (const l of listeners) l({ type: 'connected', serverId: v.guild.id, userId: v.member.id, sessionId: v.gw.client.session ?? '' });
      // (Members an earlier test left waiting for a node are granted here too: the load is the node's own count.)
      await eventually(() => t.server.voiceNodes.get('sdk-side')?.load() === grants.size, 'load reported after the event');
      const first = t.server.voiceNodes.get('sdk-side');
      await first?.close(); // the main server ends this link (1001)
      await eventually(() => grants.size === 0, 'grants dropped with the link');
      await eventually(() => { const again = t.server.voiceNodes.get('sdk-side'); return again !== undefined && again !== first && client.status === 'registered'; }, 're-registered');
      // The re-registered node gets the member back (it was waiting for a node).
      await eventually(() => grants.has(v.member.id), 'member granted again', 15_000);
    } finally {
      client.close();
    }
    await eventually(() => t.server.voiceNodes.get('sdk-side') === undefined, 'unregistered on close');
  });

  it('the node side is refused with a wrong secret and never registers', async () => {
    const fake: VoiceNode = { id: 'x', endpoint: 'x.example:1', load: () => 0, grant: () => undefined, update: () => undefined, revoke: () => undefined, onEvent: () => undefined, close: () => Promise.resolve() };
    const client = new VoiceNodeControlClient(fake, { url: controlUrl(t), secret: 'not-the-secret-at-all', id: 'intruder', backoff: { minMs: 20, maxMs: 50 } }, pino({ level: 'silent' }));
    const refusedBefore = t.server.voiceNodeControl.stats().refused.badSecret;
    client.start();
    await eventually(() => t.server.voiceNodeControl.stats().refused.badSecret >= refusedBefore + 2, 'refused twice (it keeps retrying with backoff)');
    client.close();
    expect(t.server.voiceNodes.get('intruder')).toBeUndefined();
  });
});
