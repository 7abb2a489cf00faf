// bench:voice's load generator (forked by bench/voice.ts): one UDP socket per participant, IP
// discovery for each, then the senders send sealed Opus-sized RTP packets at a set rate, each
// carrying its send time (performance.now()), and every receiver counts what arrives and opens
// every `sampleEvery`-th packet with its own key to read the delay (sampling keeps this process from
// becoming the bottleneck at high rates). IPC: {t:'setup'} -> {t:'ready'}; {t:'run'} -> {t:'result'}.
import dgram from 'node:dgram';
import { VoiceCipher, writeOpusRtpHeader } from '@concord/media';

interface Participant { ssrc: number; key: string; room: string }
type Msg =
  | { t: 'setup'; port: number; participants: Participant[]; sendersPerRoom: number }
  | { t: 'run'; inPps: number; durationS: number; sampleEvery: number; payloadBytes: number };

interface Peer {
  readonly ssrc: number;
  readonly socket: dgram.Socket;
  readonly cipher: VoiceCipher;
  readonly sends: boolean;
  seq: number;
  ts: number;
}

const peers: Peer[] = [];
let serverPort = 0;
let received = 0;
let sampled: number[] = [];
let sampleEvery = 1;
let counting = false;
/** Tags this phase's packets (payload byte 8), so packets still queued from the previous phase are not counted. */
let phaseTag = 0;
let lastArrivalMs = 0;

function send(m: unknown): void {
  process.send?.(m);
}

async function setup(port: number, participants: Participant[], sendersPerRoom: number): Promise<void> {
  serverPort = port;
  const perRoom = new Map<string, number>();
  for (const p of participants) {
    const n = perRoom.get(p.room) ?? 0;
    perRoom.set(p.room, n + 1);
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 20, lookup: (h, _o, cb) => { cb(null, h, 4); } });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const peer: Peer = { ssrc: p.ssrc, socket, cipher: new VoiceCipher('aead_aes256_gcm_rtpsize', Buffer.from(p.key, 'hex')), sends: n < sendersPerRoom, seq: 0, ts: 0 };
    let n2 = 0;
    socket.on('message', (msg) => {
      if (!counting || msg.length <= 74) return;
      lastArrivalMs = performance.now();
      received++;
      if (++n2 % sampleEvery !== 0) return;
      const body = peer.cipher.open(msg, 12);
      if (body !== null && body[8] === phaseTag) sampled.push(performance.now() - body.readDoubleLE(0));
    });
    peers.push(peer);
  }
  // IP discovery for every socket (the relays bind the address they see).
  await Promise.all(peers.map((peer) => new Promise<void>((resolve, reject) => {
    const req = Buffer.alloc(74);
    req.writeUInt16BE(1, 0);
    req.writeUInt16BE(70, 2);
    req.writeUInt32BE(peer.ssrc, 4);
    const timer = setTimeout(() => { reject(new Error(`no IP discovery answer for ${String(peer.ssrc)}`)); }, 5000);
    peer.socket.once('message', () => { clearTimeout(timer); resolve(); });
    peer.socket.send(req, serverPort, '127.0.0.1');
  })));
  send({ t: 'ready' });
}

async function run(inPps: number, durationS: number, every: number, payloadBytes: number): Promise<void> {
  // Let the previous phase's packets drain (none for 200 ms) before counting this one's.
  counting = true;
  lastArrivalMs = performance.now();
  while (performance.now() - lastArrivalMs < 200) await new Promise((r) => setTimeout(r, 50));
  phaseTag = (phaseTag + 1) & 0xff;
  sampleEvery = every;
  sampled = [];
  received = 0;
  counting = true;
  const senders = peers.filter((p) => p.sends);
  const header = Buffer.alloc(12);
  const payload = Buffer.alloc(payloadBytes, 0x55);
  payload[8] = phaseTag;
  let sent = 0;
  const start = performance.now();
  const endMs = start + durationS * 1000;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      if (now >= endMs) {
        clearInterval(timer);
        resolve();
        return;
      }
      const due = Math.floor(((now - start) / 1000) * inPps);
      for (let burst = 0; sent < due && burst < 200; burst++) {
        const peer = senders[sent % senders.length]!;
        writeOpusRtpHeader(header, 0, peer.seq, peer.ts, peer.ssrc);
        peer.seq = (peer.seq + 1) & 0xffff;
        peer.ts = (peer.ts + 960) >>> 0;
        payload.writeDoubleLE(performance.now(), 0);
        peer.socket.send(peer.cipher.seal(header, payload), serverPort, '127.0.0.1');
        sent++;
      }
    }, 1);
  });
  // Stragglers: until nothing arrived for 200 ms (at most 3 s).
  while (performance.now() - lastArrivalMs < 200 && performance.now() - endMs < 3000) await new Promise((r) => setTimeout(r, 50));
  counting = false;
  send({ t: 'result', sent, received, latenciesMs: sampled });
}

process.on('message', (m: Msg) => {
  const fail = (e: unknown) => { send({ t: 'error', error: String(e) }); };
  if (m.t === 'setup') setup(m.port, m.participants, m.sendersPerRoom).catch(fail);
  else run(m.inPps, m.durationS, m.sampleEvery, m.payloadBytes).catch(fail);
});
process.on('disconnect', () => { for (const p of peers) p.socket.close(); process.exit(0); });
