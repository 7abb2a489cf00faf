// Voice nodes as their own processes: a main server with VOICE=off and two `voiceMain.ts` child
// processes (tsx; real TLS voice gateways and UDP on free ports, each with its own generated
// certificate) that register over the control link. Two guilds land on different nodes (least
// loaded); SDK voice clients in one channel hear each other; SIGKILL of their node gives both a new
// VOICE_SERVER_UPDATE naming the surviving node within seconds, they reconnect there and audio
// flows again, while the other guild's member is left alone.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { energyEnvelope, envelopeCorrelation, readWav, type PcmAudio } from '@concord/media';
import { joinVoiceChannel, VoiceClient, type ReceivedFrame } from '@concord/client/voice';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTlsCertificate } from '../src/voice/tlsCertificate.ts';
import { connectGateway, eventually, guildWithMember, registerUser, startTestServer, type Recorder, type TestServer, type TestUser } from './harness.ts';

const VOICE_MAIN = fileURLToPath(new URL('../src/voice/voiceMain.ts', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../../../packages/testkit/fixtures/speech-48k-mono.wav', import.meta.url));
const SECRET = 'voice-nodes-process-secret';

interface NodeProcess {
  id: string;
  child: ChildProcess;
  dataDir: string;
  endpoint: string;
  exited: Promise<NodeJS.Signals | number | null>;
  log: string[];
}

/** Starts voiceMain.ts and resolves once it logged its registration (with its endpoint). */
async function startNode(t: TestServer, id: string, tls: { certFile: string; keyFile: string }): Promise<NodeProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `concord-${id}-`));
  const child = spawn(process.execPath, ['--import', 'tsx', VOICE_MAIN], {
    env: {
      ...process.env,
      VOICE_CONTROL_URL: `${t.server.url.replace('http', 'ws')}/internal/voice-nodes`,
      VOICE_NODE_SECRET: SECRET,
      VOICE_NODE_ID: id,
      DATA_DIR: dataDir,
      PORT: '0', // voice gateway and UDP on any free port
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      TLS_CERT_FILE: tls.certFile,
      TLS_KEY_FILE: tls.keyFile,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  // Written by the stdout listener (an object, so the checks below are not narrowed to the initial value).
  const seen: { endpoint: string | null } = { endpoint: null };
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      log.push(line);
      let entry: { msg?: string; endpoint?: string };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue;
      }
      if (entry.msg?.includes('registered with the main server') && entry.endpoint !== undefined) {
        seen.endpoint = entry.endpoint;
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => log.push(`stderr: ${chunk.toString('utf8')}`));
  try {
    await eventually(() => seen.endpoint !== null || child.exitCode !== null, `${id} registered`, 45_000);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${String(e)}\n${log.join('\n')}`, { cause: e });
  }
  if (seen.endpoint === null) throw new Error(`${id} did not register:\n${log.join('\n')}`);
  return { id, child, dataDir, endpoint: seen.endpoint, exited, log };
}

let t: TestServer;
let speech: PcmAudio;
const nodes: NodeProcess[] = [];
const gateways: Recorder[] = [];
const clients: VoiceClient[] = [];
let ca: string;

interface Member {
  user: TestUser;
  gw: Recorder;
  voice: VoiceClient;
  heard: ReceivedFrame[];
}

let guildA: string;
let guildB: string;
let speaker: Member;
let listener: Member;
let loner: Member;

function track(voice: VoiceClient, heard: ReceivedFrame[]): VoiceClient {
  clients.push(voice);
  voice.on('audio', (f) => heard.push(f));
  return voice;
}

async function join(user: TestUser, guildId: string, channelId: string): Promise<Member> {
  const gw = await connectGateway(t, user.token, 'json');
  gateways.push(gw);
  const heard: ReceivedFrame[] = [];
  const joined = await joinVoiceChannel(gw.client, { guildId, channelId, timeoutMs: 20_000, voice: { ca, channels: 1 } });
  return { user, gw, voice: track(joined.voice, heard), heard };
}

/** What a Discord client does on a new VOICE_SERVER_UPDATE: drop the old voice connection, dial the new endpoint. */
async function follow(m: Member, guildId: string, update: { token: string; endpoint: string }): Promise<void> {
  m.voice.close();
  m.voice = track(new VoiceClient({ endpoint: update.endpoint, token: update.token, sessionId: m.gw.client.session ?? '', serverId: guildId, userId: m.user.id, ca, channels: 1 }), m.heard);
  m.voice.connect();
  await m.voice.waitForReady(20_000);
}

/** Plays two seconds of speech from the speaker; returns how well the listener's copy follows it. */
async function speakAndMeasure(): Promise<{ sent: number; received: number; correlation: number }> {
  const clip = speech.samples.subarray(0, 960 * 100);
  listener.heard.length = 0;
  const sent = await speaker.voice.play(clip);
  await new Promise((r) => setTimeout(r, 400)); // the jitter buffer drains
  const own = listener.heard.filter((f) => f.userId === speaker.user.id);
  const pcm = new Int16Array(own.length * 960);
  own.forEach((f, i) => pcm.set(f.pcm, i * 960));
  return { sent, received: own.length, correlation: envelopeCorrelation(energyEnvelope(clip), energyEnvelope(pcm), 25).correlation };
}

const serverUpdates = (m: Member, guildId: string) => m.gw.of('VOICE_SERVER_UPDATE').filter((d: { guild_id: string }) => d.guild_id === guildId) as { token: string; endpoint: string }[];

beforeAll(async () => {
  speech = readWav(readFileSync(FIXTURE));
  t = await startTestServer({ VOICE: 'off', VOICE_NODE_SECRET: SECRET, VOICE_NODE_HEARTBEAT_MS: '1000' });
  // One certificate for both: two generated ones would both be CN=localhost, and a client trusting
  // both finds only the first by subject name (OpenSSL), so it could not verify the second node.
  const tls = await ensureTlsCertificate({ dataDir: t.dataDir, certFile: null, keyFile: null, publicHost: 'localhost' });
  ca = readFileSync(tls.certFile, 'utf8');
  nodes.push(...(await Promise.all([startNode(t, 'node-one', tls), startNode(t, 'node-two', tls)])));
  await eventually(() => t.server.voiceNodes.size === 2, 'both nodes in the registry');

  const ownerA = await registerUser(t);
  const memberA = await registerUser(t);
  const ownerB = await registerUser(t);
  const a = await guildWithMember(ownerA, memberA);
  guildA = a.guild.id;
  guildB = (await ownerB.api.createGuild({ name: 'Guild B' })).id;
  const channelA = (await ownerA.api.createChannel(guildA, { name: 'Voice A', type: 2 })).id;
  const channelB = (await ownerB.api.createChannel(guildB, { name: 'Voice B', type: 2 })).id;
  speaker = await join(ownerA, guildA, channelA);
  listener = await join(memberA, guildA, channelA);
  loner = await join(ownerB, guildB, channelB);
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.close();
  for (const g of gateways) g.close();
  for (const n of nodes) {
    if (n.child.exitCode === null && n.child.signalCode === null) n.child.kill('SIGTERM');
    await Promise.race([n.exited, new Promise((r) => setTimeout(r, 5000))]);
    fs.rmSync(n.dataDir, { recursive: true, force: true });
  }
  await t.close();
}, 30_000);

describe('voice nodes in their own processes', () => {
  it('puts two guilds on different nodes (least loaded) and members of one channel hear each other', async () => {
    const endpointA = serverUpdates(speaker, guildA)[0]?.endpoint;
    const endpointB = serverUpdates(loner, guildB)[0]?.endpoint;
    expect(nodes.map((n) => n.endpoint)).toContain(endpointA);
    expect(nodes.map((n) => n.endpoint)).toContain(endpointB);
    expect(endpointA).not.toBe(endpointB);
    expect(serverUpdates(listener, guildA)[0]?.endpoint).toBe(endpointA);
    // Each node reports its connected clients (the main server's least-loaded input).
    await eventually(() => t.server.voiceNodes.get(nodes.find((n) => n.endpoint === endpointA)?.id ?? '')?.load() === 2, 'load 2 on guild A\'s node');
    const heard = await speakAndMeasure();
    expect(heard.received).toBeGreaterThanOrEqual(heard.sent * 0.9);
    expect(heard.correlation).toBeGreaterThanOrEqual(0.8);
  }, 30_000);

  it('SIGKILL of their node: both members get the surviving node in a new VOICE_SERVER_UPDATE within seconds, reconnect, and hear each other again', async () => {
    const endpointA = serverUpdates(speaker, guildA)[0]?.endpoint;
    const doomed = nodes.find((n) => n.endpoint === endpointA)!;
    const survivor = nodes.find((n) => n !== doomed)!;
    const lonerUpdates = serverUpdates(loner, guildB).length;
    const killedAt = Date.now();
    doomed.child.kill('SIGKILL');
    expect(await doomed.exited).toBe('SIGKILL');
    await eventually(() => serverUpdates(speaker, guildA).length === 2 && serverUpdates(listener, guildA).length === 2, 'new VOICE_SERVER_UPDATEs', 10_000);
    const movedMs = Date.now() - killedAt;
    const [toSpeaker, toListener] = [serverUpdates(speaker, guildA)[1]!, serverUpdates(listener, guildA)[1]!];
    expect(toSpeaker.endpoint).toBe(survivor.endpoint);
    expect(toListener.endpoint).toBe(survivor.endpoint);
    expect(movedMs).toBeLessThan(5000);
    await Promise.all([follow(speaker, guildA, toSpeaker), follow(listener, guildA, toListener)]);
    const reconnectedMs = Date.now() - killedAt;
    const heard = await speakAndMeasure();
    console.log(`voice node failover: new VOICE_SERVER_UPDATE ${String(movedMs)} ms after SIGKILL, both reconnected at ${String(reconnectedMs)} ms; ${String(heard.received)}/${String(heard.sent)} frames heard, envelope r=${heard.correlation.toFixed(3)}`);
    expect(heard.received).toBeGreaterThanOrEqual(heard.sent * 0.9);
    expect(heard.correlation).toBeGreaterThanOrEqual(0.8);
    // The other guild was on the survivor: no move, still connected.
    expect(serverUpdates(loner, guildB).length).toBe(lonerUpdates);
    expect(loner.voice.state.status).toBe('ready');
    expect(t.server.voiceNodes.size).toBe(1);
  }, 60_000);
});
