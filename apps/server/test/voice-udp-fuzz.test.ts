// Random datagrams at the UDP SFU from a member's own address (so they reach the deepest checks):
// pure noise, mutated and truncated real packets, discovery and keep-alive shapes. The server must
// read every one, account for each exactly once, and still forward real media afterwards.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { UdpMediaServer, type UdpMediaStats } from '../src/voice/udp/UdpMediaServer.ts';
import { VoiceUdpTestClient, waitFor } from './voice-udpClient.ts';

let server: UdpMediaServer;
let a: VoiceUdpTestClient;
let b: VoiceUdpTestClient;

beforeAll(async () => {
  server = await UdpMediaServer.start({ host: '127.0.0.1', port: 0, publicIp: '127.0.0.1' });
  a = await VoiceUdpTestClient.join(server, 'room');
  b = await VoiceUdpTestClient.join(server, 'room', 'aead_xchacha20_poly1305_rtpsize');
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
  await server.close();
});

/** Every datagram ends as exactly one of these (b is the only receiver, so forwarded = accepted). */
function accounted(s: UdpMediaStats): number {
  return Object.values(s.dropped).reduce((x, y) => x + y, 0) + s.rtcp + s.keepAlives + s.discoveries + s.forwarded;
}

const datagram = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.uint8Array({ minLength: 8, maxLength: 8 }),
  // A real packet of a's, then bit flips and a cut.
  fc.tuple(fc.uint8Array({ maxLength: 120 }), fc.array(fc.nat(), { maxLength: 4 }), fc.nat()).map(([payload, flips, cut]) => {
    const p = Buffer.from(a.packet(Buffer.from(payload)));
    for (const f of flips) p[f % p.length] = (p[f % p.length] ?? 0) ^ (1 << (f % 8));
    return cut % 3 === 0 ? p.subarray(0, cut % (p.length + 1)) : p;
  }),
  // RTP-shaped: version 2, random flags/PT, a known or unknown SSRC, random rest.
  fc.tuple(fc.nat(0x3f), fc.boolean(), fc.constantFrom(0, 1, 2), fc.uint8Array({ maxLength: 80 })).map(([flags, pt120, who, rest]) => {
    const h = Buffer.alloc(12);
    h[0] = 0x80 | flags;
    h[1] = pt120 ? 120 : rest[0] ?? 0;
    h.writeUInt32BE(who === 0 ? a.ssrc : who === 1 ? b.ssrc : 77, 8);
    return Buffer.concat([h, rest]);
  }),
  // Discovery-shaped, for a, b or nobody.
  fc.constantFrom(0, 1, 2).map((who) => {
    const d = Buffer.alloc(74);
    d.writeUInt16BE(1, 0);
    d.writeUInt16BE(70, 2);
    d.writeUInt32BE(who === 0 ? a.ssrc : who === 1 ? b.ssrc : 78, 4);
    return d;
  }),
);

it('reads and accounts for any datagrams without throwing, then still forwards', async () => {
  let sent = server.stats().received;
  await fc.assert(
    fc.asyncProperty(fc.array(datagram, { minLength: 1, maxLength: 25 }), async (batch) => {
      for (const d of batch) a.send(d);
      sent += batch.length;
      await waitFor(() => server.stats().received === sent, 5000, 'the batch to be read');
      const s = server.stats();
      expect(accounted(s)).toBe(s.received);
    }),
    { numRuns: 150 },
  );
  expect(server.stats().received).toBeGreaterThan(150);
  const before = b.media.length;
  a.sendOpus(Buffer.from([0xf8, 1, 2, 3]));
  await waitFor(() => b.media.length === before + 1, 2000, 'forwarding after the fuzz');
  expect(b.undecryptable).toBe(0);
});
