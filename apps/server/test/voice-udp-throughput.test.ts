// Throughput smoke, not a speed assertion: one sender to nine receivers in one room for 2 s, server
// and clients in this one process (so the figure is a floor: the sender's sealing and the receivers'
// reads share the core). Logs forwarded packets per second; `npm run bench` owns real figures.
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { UdpMediaServer } from '../src/voice/udp/UdpMediaServer.ts';
import { VoiceUdpTestClient } from './voice-udpClient.ts';

const RECEIVERS = 9;
const DURATION_MS = 2000;
let server: UdpMediaServer;
let sender: VoiceUdpTestClient;
const receivers: VoiceUdpTestClient[] = [];

beforeAll(async () => {
  server = await UdpMediaServer.start({ host: '127.0.0.1', port: 0, publicIp: '127.0.0.1' });
  sender = await VoiceUdpTestClient.join(server, 'room');
  for (let i = 0; i < RECEIVERS; i++) {
    const r = await VoiceUdpTestClient.join(server, 'room', i % 2 === 0 ? 'aead_aes256_gcm_rtpsize' : 'aead_xchacha20_poly1305_rtpsize');
    // Count only: decrypting here would bill the receivers' work to the server's figure.
    r.socket.removeAllListeners('message');
    receivers.push(r);
  }
});
afterAll(async () => {
  await Promise.all([sender, ...receivers].map((c) => c.close()));
  await server.close();
});

it('logs forwarded packets per second for 1 sender -> 9 receivers', async () => {
  let received = 0;
  for (const r of receivers) r.socket.on('message', () => { received++; });
  const opus = Buffer.alloc(120, 0x55); // about a 48 kbps 20 ms Opus frame
  const start = performance.now();
  const before = server.stats();
  let sent = 0;
  while (performance.now() - start < DURATION_MS) {
    // Bursts small enough for loopback socket buffers, then yield so the server reads them.
    for (let i = 0; i < 20; i++) { sender.send(sender.packet(opus)); sent++; }
    await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setTimeout(r, 100));
  const elapsedS = (performance.now() - start) / 1000;
  const after = server.stats();
  const forwarded = after.forwarded - before.forwarded;
  const accepted = forwarded / RECEIVERS;
  console.log(`voice-udp smoke: ${String(sent)} sent, ${String(Math.round(accepted))} accepted, ${String(forwarded)} forwarded ` +
    `(${String(Math.round(forwarded / elapsedS))} forwarded/s, ${String(Math.round(accepted / elapsedS))} in/s), ${String(received)} read by receivers, ` +
    `drops ${JSON.stringify(after.dropped)}`);
  expect(forwarded).toBeGreaterThan(0);
  expect(Object.values(after.dropped).reduce((x, y) => x + y, 0)).toBe(0);
});
