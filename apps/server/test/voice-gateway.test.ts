// The TLS voice gateway (Discord voice v8) over real sockets: a raw `ws` client trusting the node's
// generated certificate drives hello/identify/ready/select protocol/session description, heartbeats
// with seq_ack, clients connect/disconnect and speaking, resume with replay, and every close code.
// The node runs in front of a real UdpMediaServer with short timers so the timeouts are testable.
import { encodeIpDiscovery, decodeIpDiscovery, IP_DISCOVERY_REQUEST } from '@concord/media';
import { VOICE_ENCRYPTION_MODES, VOICE_GATEWAY_MAX_INBOUND_BYTES, VoiceCloseCode, VoiceOpcode } from '@concord/protocol';
import fc from 'fast-check';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UwsGuard } from '../src/http/UwsGuard.ts';
import { Metrics } from '../src/metrics.ts';
import { LocalVoiceNode } from '../src/voice/LocalVoiceNode.ts';
import { ensureTlsCertificate } from '../src/voice/tlsCertificate.ts';
import { UdpMediaServer } from '../src/voice/udp/UdpMediaServer.ts';
import type { VoiceGrant, VoiceNodeEvent } from '../src/voice/VoiceNode.ts';
import { RawVoiceClient } from './voice-gatewayClient.ts';

const HEARTBEAT_MS = 400;
let dataDir: string;
let caFile: string;
let media: UdpMediaServer;
let node: LocalVoiceNode;
const events: VoiceNodeEvent[] = [];
const clients: RawVoiceClient[] = [];
let idCounter = 100_000_000_000_000_000n;
const snowflake = () => String(++idCounter);

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-voicegw-'));
  const tls = await ensureTlsCertificate({ dataDir, certFile: null, keyFile: null, publicHost: 'localhost' });
  caFile = tls.certFile;
  const log = pino({ level: 'silent' });
  media = await UdpMediaServer.start({ host: '127.0.0.1', port: 0, publicIp: '127.0.0.1' });
  node = await LocalVoiceNode.start(
    media,
    { host: '127.0.0.1', port: 0, certFile: tls.certFile, keyFile: tls.keyFile, publicHost: 'localhost', heartbeatIntervalMs: HEARTBEAT_MS, identifyTimeoutMs: 800, resumeWindowMs: 1500, rateLimit: { frames: 30, windowMs: 60_000 } },
    new UwsGuard(log, new Metrics()),
    log,
  );
  node.onEvent((e) => events.push(e));
});
afterAll(async () => {
  for (const c of clients) c.close();
  await node.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function dial(): RawVoiceClient {
  const c = RawVoiceClient.connect(node.gatewayPort, caFile);
  clients.push(c);
  return c;
}

function grantFor(serverId: string, channelId: string, patch: Partial<VoiceGrant> = {}): VoiceGrant {
  const g: VoiceGrant = { token: `tok-${snowflake()}`, serverId, channelId, userId: snowflake(), sessionId: `sess-${snowflake()}`, mute: false, deaf: false, selfMute: false, selfDeaf: false, canSpeak: true, useVad: true, prioritySpeaker: false, canStream: true, ...patch };
  node.grant(g);
  return g;
}

const identifyData = (g: VoiceGrant) => ({ server_id: g.serverId, user_id: g.userId, session_id: g.sessionId, token: g.token, max_dave_protocol_version: 1 });

/** Dials and identifies (op 0 sent right at open, before HELLO arrives, as @discordjs/voice does); resolves at READY. */
async function joined(g: VoiceGrant): Promise<RawVoiceClient> {
  const c = dial();
  await c.opened;
  c.send(VoiceOpcode.Identify, identifyData(g));
  await c.next(VoiceOpcode.Ready);
  return c;
}

async function closeCodeOf(send: (c: RawVoiceClient) => void, g?: VoiceGrant): Promise<number> {
  const c = g ? await joined(g) : dial();
  await c.opened;
  send(c);
  return (await c.closed).code;
}

describe('the handshake', () => {
  it('says HELLO, answers IDENTIFY with READY, heartbeats with seq_ack, and keys the session on select protocol', async () => {
    const serverId = snowflake();
    const g = grantFor(serverId, snowflake());
    const c = dial();
    await c.opened;
    c.send(VoiceOpcode.Identify, identifyData(g));
    const hello = await c.next(VoiceOpcode.Hello);
    expect(hello.d).toEqual({ heartbeat_interval: HEARTBEAT_MS, v: 8 });
    const ready = await c.next(VoiceOpcode.Ready);
    expect(ready.seq).toBe(1);
    expect(ready.d).toMatchObject({ ip: '127.0.0.1', port: media.port, modes: [...VOICE_ENCRYPTION_MODES] });
    expect(ready.d.modes[0]).toBe('aead_aes256_gcm_rtpsize');
    expect(ready.d.ssrc).toBeGreaterThan(0);

    c.send(VoiceOpcode.Heartbeat, { t: 1234, seq_ack: 1 });
    expect((await c.next(VoiceOpcode.HeartbeatAck)).d).toEqual({ t: 1234 });

    // Real IP discovery over UDP for the SSRC READY gave.
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
    const answer = await new Promise<ReturnType<typeof decodeIpDiscovery>>((resolve) => {
      udp.once('message', (m) => resolve(decodeIpDiscovery(m)));
      udp.send(encodeIpDiscovery({ type: IP_DISCOVERY_REQUEST, ssrc: ready.d.ssrc, address: '', port: 0 }), ready.d.port, ready.d.ip);
    });
    expect(answer).toMatchObject({ address: '127.0.0.1', port: udp.address().port });
    c.send(VoiceOpcode.SelectProtocol, { protocol: 'udp', data: { address: answer!.address, port: answer!.port, mode: 'aead_aes256_gcm_rtpsize' } });
    const description = await c.next(VoiceOpcode.SessionDescription);
    expect(description.d.mode).toBe('aead_aes256_gcm_rtpsize');
    expect(description.d.secret_key).toHaveLength(32);
    expect(description.d.dave_protocol_version).toBe(0);
    expect(description.seq).toBeGreaterThan(ready.seq!);
    udp.close();
    expect(events).toContainEqual({ type: 'connected', serverId, userId: g.userId, sessionId: g.sessionId });
    c.close();
  });

  it('accepts the xchacha20 mode too', async () => {
    const c = await joined(grantFor(snowflake(), snowflake()));
    c.send(VoiceOpcode.SelectProtocol, { protocol: 'udp', data: { address: '127.0.0.1', port: 40000, mode: 'aead_xchacha20_poly1305_rtpsize' } });
    expect((await c.next(VoiceOpcode.SessionDescription)).d.mode).toBe('aead_xchacha20_poly1305_rtpsize');
    c.close();
  });
});

describe('rooms', () => {
  it('tells a joiner who is here (op 11), the room about the joiner, relays speaking (op 5) and announces a leave (op 13)', async () => {
    const serverId = snowflake();
    const channelId = snowflake();
    const a = grantFor(serverId, channelId);
    const b = grantFor(serverId, channelId);
    const elsewhere = grantFor(serverId, snowflake());
    const ca = await joined(a);
    const cOther = await joined(elsewhere);
    ca.send(VoiceOpcode.Speaking, { speaking: 1 | 4, delay: 0, ssrc: 0 });
    const cb = await joined(b);
    expect((await cb.next(VoiceOpcode.ClientsConnect)).d).toEqual({ user_ids: [a.userId] });
    expect((await ca.next(VoiceOpcode.ClientsConnect)).d).toEqual({ user_ids: [b.userId] });
    // A was already speaking: the joiner learns A's SSRC at once; the priority flag needs PRIORITY_SPEAKER.
    const aSsrc = (await ca.next(VoiceOpcode.Ready)).d.ssrc as number;
    expect((await cb.next(VoiceOpcode.Speaking)).d).toEqual({ user_id: a.userId, ssrc: aSsrc, speaking: 1 });
    cb.send(VoiceOpcode.Speaking, { speaking: 1, delay: 0, ssrc: 0 });
    const bSsrc = (await cb.next(VoiceOpcode.Ready)).d.ssrc as number;
    expect((await ca.next(VoiceOpcode.Speaking)).d).toEqual({ user_id: b.userId, ssrc: bSsrc, speaking: 1 });

    node.revoke(serverId, b.userId);
    expect((await cb.closed).code).toBe(VoiceCloseCode.Disconnected);
    expect((await ca.next(VoiceOpcode.ClientDisconnect)).d).toEqual({ user_id: b.userId });
    // Another channel of the same guild heard nothing of this.
    expect(cOther.frames.filter((f) => f.op === VoiceOpcode.ClientsConnect || f.op === VoiceOpcode.Speaking || f.op === VoiceOpcode.ClientDisconnect)).toEqual([]);
    ca.close();
    cOther.close();
  });

  it('moves a connected client in place on a channel update: op 13 to the old room, op 11 to the new one', async () => {
    const serverId = snowflake();
    const [one, two] = [snowflake(), snowflake()];
    const a = grantFor(serverId, one);
    const b = grantFor(serverId, two);
    const ca = await joined(a);
    const cb = await joined(b);
    const a2 = grantFor(serverId, one);
    const ca2 = await joined(a2);
    await ca.next(VoiceOpcode.ClientsConnect);
    node.update(serverId, a2.userId, { channelId: two });
    expect((await ca.next(VoiceOpcode.ClientDisconnect)).d).toEqual({ user_id: a2.userId });
    expect((await cb.next(VoiceOpcode.ClientsConnect)).d).toEqual({ user_ids: [a2.userId] });
    expect((await ca2.next(VoiceOpcode.ClientsConnect, (f) => f.d.user_ids[0] === b.userId)).d).toEqual({ user_ids: [b.userId] });
    for (const c of [ca, cb, ca2]) c.close();
  });

  it('a muted member announces no speaking', async () => {
    const serverId = snowflake();
    const channelId = snowflake();
    const a = grantFor(serverId, channelId, { mute: true });
    const b = grantFor(serverId, channelId);
    const ca = await joined(a);
    const cb = await joined(b);
    ca.send(VoiceOpcode.Speaking, { speaking: 1, delay: 0, ssrc: 0 });
    ca.send(VoiceOpcode.Heartbeat, { t: 1, seq_ack: 0 });
    await ca.next(VoiceOpcode.HeartbeatAck);
    await new Promise((r) => setTimeout(r, 100));
    expect(cb.of(VoiceOpcode.Speaking)).toEqual([]);
    ca.close();
    cb.close();
  });
});

describe('resume', () => {
  it('replays the frames sent after seq_ack to the new socket, then RESUMED', async () => {
    const serverId = snowflake();
    const channelId = snowflake();
    const a = grantFor(serverId, channelId);
    const b = grantFor(serverId, channelId);
    const ca = await joined(a);
    const acked = ca.lastSeq;
    ca.close();
    await ca.closed;
    // While A is away, B joins and speaks: A must get both after resuming.
    const cb = await joined(b);
    cb.send(VoiceOpcode.Speaking, { speaking: 1, delay: 0, ssrc: 0 });
    await cb.next(VoiceOpcode.ClientsConnect);
    await new Promise((r) => setTimeout(r, 50));
    const again = dial();
    await again.opened;
    again.send(VoiceOpcode.Resume, { server_id: serverId, session_id: a.sessionId, token: a.token, seq_ack: acked });
    const resumed = await again.next(VoiceOpcode.Resumed);
    const replayed = again.frames.filter((f) => f.op !== VoiceOpcode.Hello && f.op !== VoiceOpcode.Resumed);
    expect(replayed.map((f) => f.op)).toEqual([VoiceOpcode.ClientsConnect, VoiceOpcode.Speaking]);
    expect(replayed.every((f) => f.seq! > acked && f.seq! < resumed.seq!)).toBe(true);
    expect(again.of(VoiceOpcode.Ready)).toEqual([]);
    // Nothing already acked is sent twice.
    const again2 = dial();
    await again2.opened;
    again2.send(VoiceOpcode.Resume, { server_id: serverId, session_id: a.sessionId, token: a.token, seq_ack: resumed.seq });
    await again2.next(VoiceOpcode.Resumed);
    expect((await again.closed).code).toBe(4000);
    expect(again2.frames.map((f) => f.op)).toEqual([VoiceOpcode.Hello, VoiceOpcode.Resumed]);
    again2.close();
    cb.close();
  });

  it('refuses a resume with a bad token (4004), for an unknown session (4006) or server (4011)', async () => {
    const serverId = snowflake();
    const a = grantFor(serverId, snowflake());
    const ca = await joined(a);
    ca.close();
    expect(await closeCodeOf((c) => c.send(VoiceOpcode.Resume, { server_id: serverId, session_id: a.sessionId, token: 'wrong', seq_ack: 1 }))).toBe(VoiceCloseCode.AuthenticationFailed);
    expect(await closeCodeOf((c) => c.send(VoiceOpcode.Resume, { server_id: serverId, session_id: 'nope', token: a.token, seq_ack: 1 }))).toBe(VoiceCloseCode.SessionNoLongerValid);
    expect(await closeCodeOf((c) => c.send(VoiceOpcode.Resume, { server_id: snowflake(), session_id: a.sessionId, token: a.token }))).toBe(VoiceCloseCode.ServerNotFound);
  });

  it('ends a detached session after the resume window (disconnected event, op 13 to the room)', async () => {
    const serverId = snowflake();
    const channelId = snowflake();
    const a = grantFor(serverId, channelId);
    const b = grantFor(serverId, channelId);
    const ca = await joined(a);
    const cb = await joined(b);
    ca.close();
    expect((await cb.next(VoiceOpcode.ClientDisconnect, undefined, 4000)).d).toEqual({ user_id: a.userId });
    expect(events).toContainEqual({ type: 'disconnected', serverId, userId: a.userId, sessionId: a.sessionId });
    cb.close();
  });
});

describe('close codes', () => {
  const server = () => grantFor(snowflake(), snowflake());

  it('4003 for anything but IDENTIFY or RESUME first', async () => {
    expect(await closeCodeOf((c) => c.send(VoiceOpcode.Heartbeat, { t: 1, seq_ack: -1 }))).toBe(VoiceCloseCode.NotAuthenticated);
    expect(await closeCodeOf((c) => c.send(VoiceOpcode.SelectProtocol, { protocol: 'udp', data: { address: '1.2.3.4', port: 5, mode: 'aead_aes256_gcm_rtpsize' } }))).toBe(VoiceCloseCode.NotAuthenticated);
  });

  it('4003 when nothing is identified within the identify timeout', async () => {
    const c = dial();
    await c.opened;
    expect((await c.closed).code).toBe(VoiceCloseCode.NotAuthenticated);
  });

  it('4005 for a second IDENTIFY or a RESUME on an identified socket', async () => {
    const g = server();
    expect(await closeCodeOf((c) => c.send(VoiceOpcode.Identify, identifyData(g)), g)).toBe(VoiceCloseCode.AlreadyAuthenticated);
    const h = server();
    expect(await closeCodeOf((c) => c.send(VoiceOpcode.Resume, { server_id: h.serverId, session_id: h.sessionId, token: h.token }), h)).toBe(VoiceCloseCode.AlreadyAuthenticated);
  });

  it('4001 for an unknown opcode, also a server-only one', async () => {
    expect(await closeCodeOf((c) => c.send(99, {}))).toBe(VoiceCloseCode.UnknownOpcode);
    const g = server();
    expect(await closeCodeOf((c) => c.send(VoiceOpcode.Ready, {}), g)).toBe(VoiceCloseCode.UnknownOpcode);
  });

  it('4002 for undecodable, binary and oversized frames', async () => {
    expect(await closeCodeOf((c) => c.sendRaw('{"op": 0, "d": '))).toBe(VoiceCloseCode.DecodeError);
    expect(await closeCodeOf((c) => c.sendRaw('[1,2,3]'))).toBe(VoiceCloseCode.DecodeError);
    expect(await closeCodeOf((c) => c.sendRaw(Buffer.from([0, 1, 26, 1, 2, 3])))).toBe(VoiceCloseCode.DecodeError);
    const g = server();
    expect(await closeCodeOf((c) => c.send(VoiceOpcode.Speaking, { speaking: 1, ssrc: 1, pad: 'x'.repeat(VOICE_GATEWAY_MAX_INBOUND_BYTES) }), g)).toBe(VoiceCloseCode.DecodeError);
  });

  it('4020 for a frame whose data breaks its schema', async () => {
    expect(await closeCodeOf((c) => c.send(VoiceOpcode.Identify, { server_id: 'x', user_id: 1 }))).toBe(VoiceCloseCode.BadRequest);
    const g = server();
    expect(await closeCodeOf((c) => c.send(VoiceOpcode.Speaking, { speaking: 'yes' }), g)).toBe(VoiceCloseCode.BadRequest);
    const h = server();
    expect(await closeCodeOf((c) => c.send(VoiceOpcode.SelectProtocol, { protocol: 'udp', data: { address: '1.2.3.4', port: 0, mode: 'x' } }), h)).toBe(VoiceCloseCode.BadRequest);
  });

  it('4004 for a wrong token or session, 4011 for a server with no grant', async () => {
    const g = server();
    expect(await closeCodeOf((c) => c.send(VoiceOpcode.Identify, { ...identifyData(g), token: 'guess' }))).toBe(VoiceCloseCode.AuthenticationFailed);
    expect(await closeCodeOf((c) => c.send(VoiceOpcode.Identify, { ...identifyData(g), session_id: 'someone-else' }))).toBe(VoiceCloseCode.AuthenticationFailed);
    expect(await closeCodeOf((c) => c.send(VoiceOpcode.Identify, { ...identifyData(g), user_id: snowflake() }))).toBe(VoiceCloseCode.AuthenticationFailed);
    expect(await closeCodeOf((c) => c.send(VoiceOpcode.Identify, { ...identifyData(g), server_id: snowflake() }))).toBe(VoiceCloseCode.ServerNotFound);
  });

  it('4012 for an unknown protocol, 4016 for an unknown encryption mode', async () => {
    const g = server();
    expect(await closeCodeOf((c) => c.send(VoiceOpcode.SelectProtocol, { protocol: 'carrier-pigeon', data: { address: '1.2.3.4', port: 5, mode: 'aead_aes256_gcm_rtpsize' } }), g)).toBe(VoiceCloseCode.UnknownProtocol);
    const h = server();
    expect(await closeCodeOf((c) => c.send(VoiceOpcode.SelectProtocol, { protocol: 'udp', data: { address: '1.2.3.4', port: 5, mode: 'xsalsa20_poly1305' } }), h)).toBe(VoiceCloseCode.UnknownEncryptionMode);
  });

  it('4009 when heartbeats stop', async () => {
    const c = await joined(server());
    const started = Date.now();
    expect((await c.closed).code).toBe(VoiceCloseCode.SessionTimeout);
    expect(Date.now() - started).toBeGreaterThan(HEARTBEAT_MS);
  });

  it('keeps a heartbeating session open past the heartbeat deadline', async () => {
    const c = await joined(server());
    const timer = setInterval(() => c.send(VoiceOpcode.Heartbeat, { t: Date.now(), seq_ack: c.lastSeq }), HEARTBEAT_MS / 2);
    await new Promise((r) => setTimeout(r, HEARTBEAT_MS * 4));
    clearInterval(timer);
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    c.close();
  });

  it('4021 when a socket sends too many frames', async () => {
    const g = server();
    expect(
      await closeCodeOf((c) => {
        for (let i = 0; i < 40; i++) c.send(VoiceOpcode.Heartbeat, { t: i, seq_ack: 0 });
      }, g),
    ).toBe(VoiceCloseCode.RateLimited);
  });

  it('4014 when the grant is revoked', async () => {
    const g = server();
    const c = await joined(g);
    node.revoke(g.serverId, g.userId);
    expect((await c.closed).code).toBe(VoiceCloseCode.Disconnected);
  });
});

describe('hostile input', () => {
  it('survives random frames and still serves a clean handshake', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.json(),
          fc.record({ op: fc.integer({ min: -2, max: 40 }), d: fc.anything() }).map((x) => JSON.stringify(x)),
          fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
        ),
        async (payload) => {
          const c = dial();
          await c.opened;
          c.sendRaw(payload);
          const { code } = await Promise.race([c.closed, new Promise<{ code: number }>((r) => setTimeout(() => r({ code: -1 }), 1500))]);
          c.close();
          // Every frame either closes with one of our codes or (never, here: no identify) is accepted.
          expect(code === -1 || (code >= 4000 && code <= 4021)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
    const c = await joined(grantFor(snowflake(), snowflake()));
    expect(c.of(VoiceOpcode.Ready)).toHaveLength(1);
    c.close();
  });
});
