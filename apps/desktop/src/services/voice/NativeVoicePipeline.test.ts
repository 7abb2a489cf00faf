// The desktop's native voice pipeline headless against the real server (spawned, TLS voice gateway,
// real UDP). The Electron binary cannot run here, so the pipeline runs in plain Node and a
// worker_threads MessageChannel stands in for Electron's MessagePortMain (the same postMessage /
// 'message' shape, adapted by PipelinePort.ts); this test plays the renderer's side of the port:
// it posts 20 ms microphone frames (the speech fixture) and collects the mixed frames posted back.
// A headless SDK client (joinVoiceChannel) is the other member of the channel.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { ConcordApi, GatewayClient, type WebSocketConstructor } from '@concord/client';
import { joinVoiceChannel, type JoinedVoice, type ReceivedFrame } from '@concord/client/voice';
import { energyEnvelope, envelopeCorrelation, readWav, rmsDbfs, type PcmAudio } from '@concord/media';
import { GatewayOpcode } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEFAULT_SETTINGS } from '../../shared/bridge.ts';
import { startTestServer, type TestServer } from '../../../test/web/harness.ts';
import { NativeVoicePipeline, type PipelineSettings } from './NativeVoicePipeline.ts';
import { fromNodePort } from './PipelinePort.ts';
import type { OutboundMessage } from './pipelineMessages.ts';
import { arrivalTimeline } from '@concord/testkit';

const FIXTURE = fileURLToPath(new URL('../../../../../packages/testkit/fixtures/speech-48k-mono.wav', import.meta.url));
const FRAME = 960;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: TestServer;
let webRoot: string;
let ca: string;
let speech: PcmAudio;
let guildId = '';
let channelId = '';
let desktopUserId = '';
let sdkUserId = '';
let desktopGateway: GatewayClient;
let sdkGateway: GatewayClient;
let sdk: JoinedVoice;
const sdkHeard: ReceivedFrame[] = [];
let pipeline: NativeVoicePipeline;
/** The renderer's end of the port. */
let rendererPort: MessagePort;
const posted: { atMs: number; message: OutboundMessage }[] = [];

async function register(api: ConcordApi, name: string) {
  const { token, user_id } = await api.register({ username: name, password: 'correct horse battery' });
  return { id: user_id, api: new ConcordApi({ baseUrl: `${server.url}/api/v9`, token }), token };
}

async function gateway(token: string): Promise<GatewayClient> {
  const client = new GatewayClient({ url: server.url.replace('http', 'ws'), token, encoding: 'json', WebSocket: WebSocket as unknown as WebSocketConstructor });
  client.connect();
  await client.waitForReady();
  return client;
}

function settings(input: Partial<PipelineSettings['voiceInput']> = {}, voice: Partial<PipelineSettings['voice']> = {}): PipelineSettings {
  return { voice: { ...DEFAULT_SETTINGS.voice, ...voice }, voiceInput: { ...DEFAULT_SETTINGS.voiceInput, ...input } };
}

/** Posts frames as the capture worklet would: one per 20 ms on a drift-corrected clock. */
async function feed(frames: readonly Float32Array[]): Promise<void> {
  const start = performance.now();
  for (let i = 0; i < frames.length; i++) {
    const waitMs = start + i * 20 - performance.now();
    if (waitMs > 0) await sleep(waitMs);
    rendererPort.postMessage({ type: 'pcm', pcm: frames[i] });
  }
}

function speechFrames(): Float32Array[] {
  const frames: Float32Array[] = [];
  for (let i = 0; i * FRAME < speech.samples.length; i++) {
    const frame = new Float32Array(FRAME);
    speech.samples.subarray(i * FRAME, (i + 1) * FRAME).forEach((s, j) => (frame[j] = s / 32768));
    frames.push(frame);
  }
  return frames;
}

/** Quiet room noise around -70 dBFS. */
function silenceFrames(count: number): Float32Array[] {
  return Array.from({ length: count }, () => Float32Array.from({ length: FRAME }, () => (Math.random() - 0.5) * 0.0011));
}


const postedPcm = (sinceIndex = 0) => posted.slice(sinceIndex).flatMap((p) => (p.message.type === 'pcm' ? [{ atMs: p.atMs, pcm: p.message.pcm }] : []));

function newPipeline(s: PipelineSettings): NativeVoicePipeline {
  const channel = new MessageChannel();
  rendererPort = channel.port2;
  rendererPort.on('message', (message: OutboundMessage) => posted.push({ atMs: performance.now(), message }));
  return new NativeVoicePipeline({ port: fromNodePort(channel.port1), settings: s, ca, statsIntervalMs: 500 });
}

/** What the renderer's session does: op 4 on its gateway, then hand VOICE_SERVER_UPDATE to main. */
async function connectPipeline(p: NativeVoicePipeline): Promise<void> {
  const sessionId = desktopGateway.session!;
  const state = desktopGateway.waitFor('VOICE_STATE_UPDATE', (d) => d.session_id === sessionId && d.channel_id === channelId, 10_000);
  const voiceServer = desktopGateway.waitFor('VOICE_SERVER_UPDATE', (d) => d.guild_id === guildId, 10_000);
  desktopGateway.send(GatewayOpcode.VoiceStateUpdate, { guild_id: guildId, channel_id: channelId, self_mute: false, self_deaf: false });
  const [own, update] = await Promise.all([state, voiceServer]);
  const mark = posted.length;
  p.connect({ endpoint: update.endpoint!, token: update.token, sessionId: own.session_id, serverId: guildId, userId: own.user_id });
  const start = Date.now();
  while (!posted.slice(mark).some((x) => x.message.type === 'state' && x.message.state.status === 'connected')) {
    if (Date.now() - start > 10_000) throw new Error('the pipeline did not connect');
    await sleep(10);
  }
}

beforeAll(async () => {
  speech = readWav(readFileSync(FIXTURE));
  webRoot = mkdtempSync(path.join(tmpdir(), 'concord-native-voice-web-'));
  server = await startTestServer(webRoot, { VOICE_PORT: '0', VOICE_UDP_PORT: '0' });
  ca = readFileSync(path.join(server.dataDir, 'voice-tls/cert.pem'), 'utf8');
  const anonymous = new ConcordApi({ baseUrl: `${server.url}/api/v9` });
  const suffix = Date.now().toString(36).slice(-5);
  const desktop = await register(anonymous, `desk_${suffix}`);
  const other = await register(anonymous, `sdk_${suffix}`);
  desktopUserId = desktop.id;
  sdkUserId = other.id;
  const guild = await desktop.api.createGuild({ name: 'Native voice' });
  guildId = guild.id;
  channelId = (await desktop.api.createChannel(guild.id, { name: 'Lounge', type: 2 })).id;
  await other.api.acceptInvite((await desktop.api.createInvite(guild.system_channel_id!, { max_age: 0 })).code);
  desktopGateway = await gateway(desktop.token);
  sdkGateway = await gateway(other.token);
  sdk = await joinVoiceChannel(sdkGateway, { guildId, channelId, voice: { ca, channels: 1 } });
  sdk.voice.on('audio', (f) => { if (f.userId === desktopUserId) sdkHeard.push(f); });
  pipeline = newPipeline(settings());
  await connectPipeline(pipeline);
}, 60_000);

afterAll(async () => {
  pipeline.close();
  sdk.voice.close();
  desktopGateway.close();
  sdkGateway.close();
  await server.close();
  rmSync(webRoot, { recursive: true, force: true });
});

describe('native voice pipeline (headless: no Electron binary here; worker_threads MessageChannel for MessagePortMain)', () => {
  it('microphone frames from the port reach a headless SDK listener (voice activity + noise expander on): envelope r >= 0.8', async () => {
    await feed([...silenceFrames(10), ...speechFrames(), ...silenceFrames(25)]);
    await sleep(300);
    const received = arrivalTimeline(sdkHeard);
    expect(received.length).toBeGreaterThan(speech.samples.length * 0.8);
    const match = envelopeCorrelation(energyEnvelope(speech.samples), energyEnvelope(received), 40);
    console.log(`desktop -> SDK: r=${match.correlation.toFixed(3)} lag=${match.lag} frames heard=${sdkHeard.length} sent=${pipeline.stats().packetsSent}`);
    expect(match.correlation).toBeGreaterThanOrEqual(0.8);
    const selfSpeaking = posted.filter((p) => p.message.type === 'speaking' && p.message.self);
    expect(selfSpeaking.map((p) => p.message.type === 'speaking' && p.message.speaking)).toEqual(expect.arrayContaining([true, false]));
    expect(posted.some((p) => p.message.type === 'inputLevel')).toBe(true);
    expect(pipeline.stats().inputDropped).toBe(0);
  }, 20_000);

  it('the SDK speaking comes back over the port as mixed 20 ms frames that correlate, with speaking events', async () => {
    const mark = posted.length;
    await sdk.voice.play(speech.samples);
    await sleep(400);
    const frames = postedPcm(mark);
    expect(frames.every((f) => f.pcm.length === FRAME)).toBe(true);
    const match = envelopeCorrelation(energyEnvelope(speech.samples), energyEnvelope(arrivalTimeline(frames)), 40);
    console.log(`SDK -> desktop: r=${match.correlation.toFixed(3)} frames posted=${frames.length}`);
    expect(match.correlation).toBeGreaterThanOrEqual(0.8);
    const speaking = posted.slice(mark).filter((p) => p.message.type === 'speaking' && !p.message.self && p.message.userId === sdkUserId);
    // The fixture pauses longer than the 300 ms hangover, so the ring may go off and on between phrases.
    const flags = speaking.map((p) => p.message.type === 'speaking' && p.message.speaking);
    expect(flags[0]).toBe(true);
    expect(flags.at(-1)).toBe(false);
    flags.forEach((on, i) => expect(on).toBe(i % 2 === 0));
    const stats = pipeline.stats();
    expect(stats.users.find((u) => u.userId === sdkUserId)?.packetsReceived).toBeGreaterThan(150);
    // -1 until the first heartbeat ACK (HELLO's interval is longer than this test so far).
    expect(stats.pingMs).toBeGreaterThanOrEqual(-1);
    expect(posted.some((p) => p.message.type === 'stats')).toBe(true);
  }, 20_000);

  it('the voice activity gate sends nothing during silence (after the hangover and the 5 end-of-spurt frames)', async () => {
    const before = pipeline.stats().packetsSent;
    await feed(silenceFrames(50));
    expect(pipeline.stats().packetsSent).toBe(before);
    await feed(speechFrames().slice(0, 50));
    const afterSpeech = pipeline.stats().packetsSent;
    expect(afterSpeech - before).toBeGreaterThan(20);
    await feed(silenceFrames(50));
    // Hangover 300 ms = 15 frames, then 5 Opus silence frames end the spurt.
    expect(pipeline.stats().packetsSent - afterSpeech).toBeLessThanOrEqual(15 + 5 + 1);
  }, 20_000);

  it('push-to-talk sends only while the key is down, plus the release delay', async () => {
    pipeline.setSettings(settings({ mode: 'pushToTalk', pttReleaseDelayMs: 200 }));
    const speechLoop = speechFrames();
    const start = pipeline.stats().packetsSent;
    await feed(speechLoop.slice(0, 40));
    expect(pipeline.stats().packetsSent).toBe(start);
    pipeline.setPushToTalk(true);
    await feed(speechLoop.slice(40, 90));
    const whileDown = pipeline.stats().packetsSent - start;
    expect(whileDown).toBeGreaterThanOrEqual(48);
    pipeline.setPushToTalk(false);
    await feed(speechLoop.slice(90, 140));
    const afterRelease = pipeline.stats().packetsSent - start - whileDown;
    console.log(`PTT: 0 idle, ${whileDown} while down (50 frames), ${afterRelease} after release (200 ms delay + 5 end frames)`);
    expect(afterRelease).toBeGreaterThanOrEqual(8);
    expect(afterRelease).toBeLessThanOrEqual(10 + 5 + 2);
    pipeline.setSettings(settings());
  }, 20_000);

  it('per-user volume 0 silences that user in the mix; 100 % brings them back', async () => {
    pipeline.setUserAudio(sdkUserId, 0, false);
    let mark = posted.length;
    await sdk.voice.play(speech.samples.subarray(0, FRAME * 50));
    await sleep(300);
    const muted = postedPcm(mark);
    expect(muted.length).toBeGreaterThan(40);
    expect(Math.max(...muted.map((f) => rmsDbfs(f.pcm)))).toBe(-100);
    pipeline.setUserAudio(sdkUserId, 100, false);
    mark = posted.length;
    await sdk.voice.play(speech.samples.subarray(0, FRAME * 50));
    await sleep(300);
    expect(Math.max(...postedPcm(mark).map((f) => rmsDbfs(f.pcm)))).toBeGreaterThan(-40);
  }, 20_000);

  it('drops and counts hostile port messages without disturbing the stream', () => {
    const before = pipeline.stats().inputDropped;
    for (const bad of [null, 42, 'pcm', { type: 'pcm' }, { type: 'pcm', pcm: new Float32Array(10) }, { type: 'pcm', pcm: [1, 2, 3] }, { type: 'other' }]) rendererPort.postMessage(bad);
    return new Promise<void>((resolve) => setTimeout(() => {
      expect(pipeline.stats().inputDropped - before).toBe(7);
      resolve();
    }, 100));
  });
});
