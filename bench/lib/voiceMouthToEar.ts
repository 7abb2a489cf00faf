// bench:voice's mouth-to-ear figure: the real server in this process (startServer, voice on), two
// SDK VoiceClients joined over op 4 on loopback. The speaker plays 20 ms frames of silence with a
// 1 kHz tone burst every `pulseEveryFrames` frames; the listener's decoded frames are watched for
// the burst's rising edge. Mouth-to-ear = (time the burst frame leaves the decoder / jitter buffer)
// - (time that frame was handed to the encoder), i.e. encode, encrypt, SFU, decrypt, jitter buffer
// and decode, plus the wait for the playout tick. (The 20 ms of capturing the frame itself is not
// included: the frame is complete when handed over.)
import fs from 'node:fs';
import { ConcordApi, GatewayClient, type WebSocketConstructor } from '@concord/client';
import { joinVoiceChannel } from '@concord/client/voice';
import { rmsDbfs } from '@concord/media';
import { startServer } from '@concord/server';
import WebSocket from 'ws';
import { makeTempDir, removeTempDir } from './cleanup.ts';

export interface MouthToEarResult {
  pulses: number;
  detected: number;
  samplesMs: number[];
  listenerStats: unknown;
}

export async function measureMouthToEar(durationS: number, pulseEveryFrames = 25): Promise<MouthToEarResult> {
  const dataDir = makeTempDir('voice-m2e');
  const server = await startServer({ env: { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', RATE_LIMITS: 'off', VOICE_PORT: '0', VOICE_UDP_PORT: '0' } });
  const gateways: GatewayClient[] = [];
  try {
    const caFile = server.voice?.selfSignedCertFile;
    if (caFile === null || caFile === undefined) throw new Error('the server started without a self-signed voice certificate');
    const ca = fs.readFileSync(caFile);
    const api = (token: string | null) => new ConcordApi({ baseUrl: `${server.url}/api/v9`, token });
    const a = await api(null).register({ username: `m2e_a_${String(process.pid)}`, password: 'correct horse battery' });
    const b = await api(null).register({ username: `m2e_b_${String(process.pid)}`, password: 'correct horse battery' });
    const guild = await api(a.token).createGuild({ name: 'm2e' });
    const channel = await api(a.token).createChannel(guild.id, { name: 'voice', type: 2 });
    const invite = await api(a.token).createInvite(channel.id, { max_age: 0 });
    await api(b.token).acceptInvite(invite.code);
    const connect = async (token: string) => {
      const gw = new GatewayClient({ url: server.url.replace('http', 'ws'), token, encoding: 'json', WebSocket: WebSocket as unknown as WebSocketConstructor });
      gateways.push(gw);
      gw.connect();
      await gw.waitForReady();
      return joinVoiceChannel(gw, { guildId: guild.id, channelId: channel.id, voice: { ca, channels: 1 } });
    };
    const speaker = await connect(a.token);
    const listener = await connect(b.token);

    const frames = Math.round((durationS * 1000) / 20);
    const pcm = new Int16Array(frames * 960);
    const pulseFrames: number[] = [];
    for (let f = pulseEveryFrames; f < frames; f += pulseEveryFrames) {
      pulseFrames.push(f);
      for (let i = 0; i < 960; i++) pcm[f * 960 + i] = Math.round(16_000 * Math.sin((2 * Math.PI * 1000 * i) / 48_000));
    }
    const capturedAt = new Map<number, number>();
    const pulseSet = new Set(pulseFrames);
    const edges: number[] = [];
    let quiet = true;
    listener.voice.on('audio', (frame) => {
      const level = rmsDbfs(frame.pcm);
      if (quiet && level > -30) edges.push(frame.atMs);
      quiet = level < -50 ? true : quiet && level <= -30;
    });
    await speaker.voice.play(pcm, { onFrameSent: (i, at) => { if (pulseSet.has(i)) capturedAt.set(i, at); } });
    await new Promise((r) => setTimeout(r, 300));
    // Each edge belongs to the latest pulse captured before it (pulses are 500 ms apart, far more than the delay).
    const captured = [...capturedAt.values()].sort((x, y) => x - y);
    const samplesMs: number[] = [];
    for (const edge of edges) {
      let best: number | undefined;
      for (const c of captured) if (c <= edge) best = c;
      if (best !== undefined && edge - best < 400) samplesMs.push(edge - best);
    }
    const listenerStats = listener.voice.stats().streams;
    speaker.leave();
    listener.leave();
    return { pulses: captured.length, detected: samplesMs.length, samplesMs, listenerStats };
  } finally {
    for (const gw of gateways) gw.close();
    await server.close();
    removeTempDir(dataDir);
  }
}
