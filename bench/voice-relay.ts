// bench:voice's relay process (forked by bench/voice.ts, never run alone): either our SFU
// (UdpMediaServer from @concord/server) or the bare dgram + node:crypto relay, alone in its process
// so its CPU time (process.cpuUsage) and event-loop delay (monitorEventLoopDelay) are its own.
// IPC: {t:'setup', rooms, roomSize} -> {t:'ready', port, participants:[{ssrc, key, room}]};
// {t:'start'} resets the figures; {t:'stop'} -> {t:'figures', ...}.
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { UdpMediaServer } from '@concord/server';
import { BareVoiceRelay } from './baseline/voiceRelay.ts';

type Msg = { t: 'setup'; rooms: number; roomSize: number } | { t: 'start' } | { t: 'stop' };

const kind = process.argv[2] === 'baseline' ? 'baseline' : 'concord';
let forwardedNow: () => number = () => 0;
let receivedNow: () => number = () => 0;
let close: () => Promise<void> = () => Promise.resolve();
const eld = monitorEventLoopDelay({ resolution: 1 });
let mark = { cpu: process.cpuUsage(), wallMs: performance.now(), forwarded: 0, received: 0 };

function send(m: unknown): void {
  process.send?.(m);
}

async function setup(rooms: number, roomSize: number): Promise<void> {
  const participants: { ssrc: number; key: string; room: string }[] = [];
  if (kind === 'concord') {
    const sfu = await UdpMediaServer.start({ host: '127.0.0.1', port: 0, publicIp: '127.0.0.1' });
    for (let r = 0; r < rooms; r++) {
      for (let i = 0; i < roomSize; i++) {
        const p = sfu.add({ userId: `u${String(r)}-${String(i)}`, roomId: `room${String(r)}` });
        const key = randomBytes(32);
        sfu.setSession(p.ssrc, 'aead_aes256_gcm_rtpsize', key);
        participants.push({ ssrc: p.ssrc, key: key.toString('hex'), room: p.roomId });
      }
    }
    forwardedNow = () => sfu.stats().forwarded;
    receivedNow = () => sfu.stats().received;
    close = () => sfu.close();
    send({ t: 'ready', port: sfu.port, participants });
  } else {
    const relay = await BareVoiceRelay.start('127.0.0.1');
    let next = 1;
    for (let r = 0; r < rooms; r++) {
      for (let i = 0; i < roomSize; i++) {
        const key = randomBytes(32);
        relay.add(next, key, `room${String(r)}`);
        participants.push({ ssrc: next++, key: key.toString('hex'), room: `room${String(r)}` });
      }
    }
    forwardedNow = () => relay.forwarded;
    receivedNow = () => relay.received;
    close = () => relay.close();
    send({ t: 'ready', port: relay.port, participants });
  }
}

process.on('message', (raw: Msg) => {
  switch (raw.t) {
    case 'setup':
      setup(raw.rooms, raw.roomSize).catch((e: unknown) => { send({ t: 'error', error: String(e) }); });
      return;
    case 'start':
      eld.reset();
      eld.enable();
      mark = { cpu: process.cpuUsage(), wallMs: performance.now(), forwarded: forwardedNow(), received: receivedNow() };
      return;
    case 'stop': {
      eld.disable();
      const cpu = process.cpuUsage(mark.cpu);
      send({
        t: 'figures',
        wallS: (performance.now() - mark.wallMs) / 1000,
        cpuUserS: cpu.user / 1e6,
        cpuSystemS: cpu.system / 1e6,
        forwarded: forwardedNow() - mark.forwarded,
        received: receivedNow() - mark.received,
        eldP50Ms: eld.percentile(50) / 1e6,
        eldP99Ms: eld.percentile(99) / 1e6,
        eldMaxMs: eld.max / 1e6,
      });
      return;
    }
  }
});
process.on('disconnect', () => { void close().finally(() => process.exit(0)); });
