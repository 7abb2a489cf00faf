// The UDP SFU over real loopback UDP: IP discovery, forwarding in both AEAD modes with per-receiver
// keys, speaking before the first forwarded packet, deaf/mute/rooms, and every drop reason counted.
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { VoiceCipher, writeOpusRtpHeader } from '@concord/media';
import { VOICE_ENCRYPTION_MODES, type VoiceEncryptionMode } from '@concord/protocol';
import { VoiceUDPSocket } from '@discordjs/voice';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UdpMediaServer, type MediaParticipant } from '../src/voice/udp/UdpMediaServer.ts';
import { settle, VoiceUdpTestClient, waitFor } from './voice-udpClient.ts';

let server: UdpMediaServer;
const clients: VoiceUdpTestClient[] = [];
const join = async (roomId: string, mode?: VoiceEncryptionMode) => {
  const c = await VoiceUdpTestClient.join(server, roomId, mode);
  clients.push(c);
  return c;
};
const opus = (n: number) => Buffer.from([0xfc, 0xff, 0xfe, n & 0xff, (n >> 8) & 0xff]);

beforeEach(async () => {
  server = await UdpMediaServer.start({ host: '127.0.0.1', port: 0, publicIp: '127.0.0.1' });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server.close();
});

describe('IP discovery', () => {
  it('answers with the address and port the request came from, and ignores an unknown SSRC', async () => {
    const c = await join('room');
    const answer = await c.discover();
    expect(answer).toMatchObject({ address: '127.0.0.1', port: c.port });
    await expect(c.discover(12345, 300)).rejects.toThrow(/timed out/);
    expect(server.stats().dropped.unknownSsrc).toBe(1);
  });

  it("answers @discordjs/voice's own IP discovery, whose first keep-alive comes before it", async () => {
    const p = server.add({ userId: 'bot', roomId: 'room' });
    const socket = new VoiceUDPSocket({ ip: '127.0.0.1', port: server.port });
    try {
      const local = await socket.performIPDiscovery(p.ssrc);
      expect(local.ip).toBe('127.0.0.1');
      expect(local.port).toBeGreaterThan(0);
      expect(server.stats()).toMatchObject({ discoveries: 1, dropped: { garbage: 0, truncated: 0, unknownSsrc: 0 } });
    } finally {
      socket.destroy();
    }
  });

  it('echoes a keep-alive from a discovered address only', async () => {
    const c = await join('room');
    const keepAlive = Buffer.from([7, 0, 0, 0, 0, 0, 0, 0]);
    c.send(keepAlive);
    await waitFor(() => c.datagrams.some((d) => d.equals(keepAlive)), 2000, 'keep-alive echo');
    const stranger = dgram.createSocket('udp4');
    const echoed: Buffer[] = [];
    stranger.on('message', (m) => echoed.push(m));
    await new Promise<void>((r) => { stranger.bind(0, '127.0.0.1', r); });
    stranger.send(keepAlive, server.port, '127.0.0.1');
    await settle();
    expect(echoed).toHaveLength(0);
    expect(server.stats().keepAlives).toBe(1);
    expect(server.stats().dropped.garbage).toBe(0);
    await new Promise<void>((r) => { stranger.close(r); });
  });
});

describe.each(VOICE_ENCRYPTION_MODES)('forwarding in %s', (mode) => {
  it('delivers each packet to the other member sealed with its own key, with the sender RTP fields, and not back to the sender', async () => {
    const a = await join('room', mode);
    const b = await join('room', mode);
    const sent = [a.sendOpus(opus(1)), a.sendOpus(opus(2)), a.sendOpus(opus(3))];
    await waitFor(() => b.media.length === 3, 2000, 'b to receive 3 packets');
    expect(b.undecryptable).toBe(0);
    expect(b.media.map((m) => m.opus.toString('hex'))).toEqual([1, 2, 3].map((n) => opus(n).toString('hex')));
    expect(b.media.map((m) => [m.ssrc, m.sequence, m.timestamp])).toEqual([1, 2, 3].map((n) => [a.ssrc, n, n * 960]));
    // Sealed again per receiver: b's own counter from 1, not a's ciphertext.
    expect(b.media.map((m) => m.nonce)).toEqual([1, 2, 3]);
    expect(b.datagrams.some((d) => sent.some((s) => s.equals(d)))).toBe(false);
    b.sendOpus(opus(9));
    await waitFor(() => a.media.length === 1, 2000, 'a to receive b');
    expect(a.media[0]?.opus.toString('hex')).toBe(opus(9).toString('hex'));
    await settle();
    expect(a.media.every((m) => m.ssrc === b.ssrc)).toBe(true);
    expect(b.media.every((m) => m.ssrc === a.ssrc)).toBe(true);
    expect(server.stats()).toMatchObject({ received: 4 + 2, forwarded: 4 });
  });
});

it('forwards between members that chose different modes', async () => {
  const a = await join('room', 'aead_aes256_gcm_rtpsize');
  const b = await join('room', 'aead_xchacha20_poly1305_rtpsize');
  a.sendOpus(opus(5));
  await waitFor(() => b.media.length === 1, 2000, 'b');
  expect(b.media[0]?.opus.equals(opus(5))).toBe(true);
});

it('announces speaking before the first packet of a talk spurt is forwarded, and activity at most every 10 s', async () => {
  const a = await join('room');
  const b = await join('room');
  const speaking: { p: MediaParticipant; receivedByB: number; forwarded: number }[] = [];
  const activity: MediaParticipant[] = [];
  server.onSpeakingStart((p) => speaking.push({ p, receivedByB: b.media.length, forwarded: server.stats().forwarded }));
  server.onActivity((p) => activity.push(p));
  for (let i = 0; i < 5; i++) { a.sendOpus(opus(i)); await settle(20); }
  await waitFor(() => b.media.length === 5, 2000, 'five packets');
  expect(speaking).toHaveLength(1);
  expect(speaking[0]).toMatchObject({ p: { ssrc: a.ssrc, roomId: 'room' }, receivedByB: 0, forwarded: 0 });
  await settle(250);
  a.sendOpus(opus(6));
  await waitFor(() => b.media.length === 6, 2000, 'sixth packet');
  expect(speaking).toHaveLength(2);
  expect(speaking[1]?.forwarded).toBe(5);
  expect(activity.map((p) => p.ssrc)).toEqual([a.ssrc]);
});

it('sends nothing to a deafened member and drops a member that may not send, until the flags change', async () => {
  const a = await join('room');
  const b = await join('room');
  const c = await join('room');
  server.setFlags(b.ssrc, { canSend: true, deaf: true });
  a.sendOpus(opus(1));
  await waitFor(() => c.media.length === 1, 2000, 'c');
  await settle();
  expect(b.media).toHaveLength(0);
  server.setFlags(b.ssrc, { canSend: true, deaf: false });
  server.setFlags(a.ssrc, { canSend: false, deaf: false });
  a.sendOpus(opus(2));
  await waitFor(() => server.stats().dropped.notAllowed === 1, 2000, 'notAllowed');
  await settle();
  expect(b.media).toHaveLength(0);
  expect(c.media).toHaveLength(1);
  server.setFlags(a.ssrc, { canSend: true, deaf: false });
  a.sendOpus(opus(3));
  await waitFor(() => b.media.length === 1 && c.media.length === 2, 2000, 'b and c');
});

it('keeps rooms apart, and a moved member hears its new room only', async () => {
  const a = await join('one');
  const b = await join('one');
  const x = await join('two');
  a.sendOpus(opus(1));
  x.sendOpus(opus(2));
  await waitFor(() => b.media.length === 1, 2000, 'b');
  await settle();
  expect(b.media.map((m) => m.ssrc)).toEqual([a.ssrc]);
  expect(x.media).toHaveLength(0);
  expect(a.media).toHaveLength(0);
  server.move(b.ssrc, 'two');
  a.sendOpus(opus(3));
  x.sendOpus(opus(4));
  await waitFor(() => b.media.length === 2, 2000, 'b in two');
  await settle();
  expect(b.media[1]?.ssrc).toBe(x.ssrc);
  expect(x.media).toHaveLength(0); // b sent nothing
  server.remove(x.ssrc);
  x.sendOpus(opus(5));
  await waitFor(() => server.stats().dropped.unknownSsrc === 1, 2000, 'removed ssrc dropped');
});

describe('drops', () => {
  it('counts garbage, truncated, replayed, wrongly keyed, unknown-SSRC and wrong-address packets and keeps forwarding', async () => {
    const a = await join('room');
    const b = await join('room');
    const valid = a.sendOpus(opus(1));
    await waitFor(() => b.media.length === 1, 2000, 'first packet');

    a.send(Buffer.from('hello, garbage!!')); // version 1
    a.send(Buffer.from([0x80])); // one byte of RTP
    a.send(valid.subarray(0, 12 + 10)); // header and less than tag + nonce
    a.send(valid); // replay
    const wrongKey = new VoiceCipher('aead_aes256_gcm_rtpsize', randomBytes(32));
    const header = Buffer.alloc(12);
    writeOpusRtpHeader(header, 0, 50, 50 * 960, a.ssrc);
    // Its counter must be ahead of a's, or the replay check (before decryption) drops it first.
    for (let i = 0; i < 4; i++) wrongKey.seal(header, opus(2));
    a.send(wrongKey.seal(header, opus(2)));
    const unknown = Buffer.alloc(12);
    writeOpusRtpHeader(unknown, 0, 1, 1, 0x0badf00d);
    a.send(a.cipher.seal(unknown, opus(3)));
    const rtcp = Buffer.concat([Buffer.from('81c90007', 'hex'), Buffer.alloc(4), randomBytes(40)]);
    a.send(rtcp);
    // a's valid next packet, from another socket.
    const thief = dgram.createSocket('udp4');
    await new Promise<void>((r) => { thief.bind(0, '127.0.0.1', r); });
    thief.send(a.packet(opus(4)), server.port, '127.0.0.1');

    // Two discoveries, the valid packet, a's seven, the thief's one.
    await waitFor(() => server.stats().received === 2 + 1 + 7 + 1, 2000, 'every datagram read');
    expect(server.stats().dropped).toEqual({ garbage: 1, truncated: 2, replayed: 1, badKey: 1, unknownSsrc: 1, notAllowed: 0, wrongAddress: 1 });
    expect(server.stats().rtcp).toBe(1);
    // The failed attempts did not advance a's replay window past what a really sends next.
    a.sendOpus(opus(5));
    await waitFor(() => b.media.length === 2, 2000, 'forwarding after the drops');
    expect(b.media[1]?.opus.equals(opus(5))).toBe(true);
    await new Promise<void>((r) => { thief.close(r); });
  });

  it('accepts a packet reordered within the window but not its duplicate', async () => {
    const a = await join('room');
    const b = await join('room');
    const first = a.packet(opus(1));
    const second = a.packet(opus(2));
    a.send(second);
    await waitFor(() => b.media.length === 1, 2000, 'second');
    a.send(first);
    await waitFor(() => b.media.length === 2, 2000, 'late first');
    a.send(first);
    await waitFor(() => server.stats().dropped.replayed === 1, 2000, 'replay counted');
  });

  it('forwards nothing from a member with no session yet', async () => {
    const a = await join('room');
    const p = server.add({ userId: 'late', roomId: 'room' });
    const header = Buffer.alloc(12);
    writeOpusRtpHeader(header, 0, 1, 1, p.ssrc);
    const late = new VoiceCipher('aead_aes256_gcm_rtpsize', randomBytes(32));
    a.send(a.cipher.seal(header, opus(1))); // from a's address: wrongAddress (p has none bound)
    await a.discover(p.ssrc); // now a's socket owns p too (rebinding before select protocol)
    a.send(late.seal(header, opus(1)));
    await waitFor(() => server.stats().dropped.notAllowed === 1, 2000, 'notAllowed');
    expect(server.stats().dropped.wrongAddress).toBe(1);
  });
});

describe('sinks (a non-UDP transport in a room)', () => {
  it('hands sinks the Opus payload and forwards injected media to UDP members, never back to the injector', async () => {
    const a = await join('room');
    const webPeer = server.add({ userId: 'web', roomId: 'room' });
    const delivered: { opus: string; seq: number; ts: number; from: number }[] = [];
    const own: number[] = [];
    const removeSink = server.addSink('room', { ssrc: webPeer.ssrc, deliver: (o, seq, ts, from) => { delivered.push({ opus: o.toString('hex'), seq, ts, from }); } });
    server.addSink('room', { ssrc: 0, deliver: (_o, _s, _t, from) => { own.push(from); } });
    a.sendOpus(opus(1));
    await waitFor(() => delivered.length === 1, 2000, 'sink delivery');
    expect(delivered[0]).toEqual({ opus: opus(1).toString('hex'), seq: 1, ts: 960, from: a.ssrc });
    expect(server.injectFrom(webPeer.ssrc, opus(7), 300, 288_000)).toBe(true);
    await waitFor(() => a.media.length === 1, 2000, 'injected media at a');
    expect(a.media[0]).toMatchObject({ ssrc: webPeer.ssrc, sequence: 300, timestamp: 288_000 });
    expect(a.media[0]?.opus.equals(opus(7))).toBe(true);
    expect(delivered).toHaveLength(1);
    expect(own).toEqual([a.ssrc, webPeer.ssrc]);
    removeSink();
    a.sendOpus(opus(2));
    await waitFor(() => own.length === 3, 2000, 'second sink');
    expect(delivered).toHaveLength(1);
    server.setFlags(webPeer.ssrc, { canSend: false, deaf: false });
    expect(server.injectFrom(webPeer.ssrc, opus(8), 301, 0)).toBe(false);
  });
});
