// A browser and an SDK client in one voice channel, through the same SFU: Chromium (fake microphone
// playing the speech fixture) joins over WebRTC via the TLS voice gateway (select protocol 'webrtc',
// SDP answer in op 4; SRTP), the SDK VoiceClient over UDP (AES-GCM rtpsize). The SDK side must
// decode speech whose energy envelope follows the fixture; the page must play what the SDK client
// sends (its inbound-rtp audio energy rises while it plays and stays flat before).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { energyEnvelope, envelopeCorrelation, readWav, type PcmAudio } from '@concord/media';
import { joinVoiceChannel, type JoinedVoice, type ReceivedFrame } from '@concord/client/voice';
import { GatewayOpcode, VoiceCloseCode, VoiceOpcode } from '@concord/protocol';
import { launchChromium } from '@concord/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawVoiceClient } from './voice-gatewayClient.ts';
import { connectGateway, eventually, guildWithMember, registerUser, startTestServer, type Recorder, type TestServer, type TestUser } from './harness.ts';
import { spkiHash } from '@concord/testkit';

const FIXTURE = fileURLToPath(new URL('../../../packages/testkit/fixtures/speech-48k-mono.wav', import.meta.url));
const PAGE = readFileSync(fileURLToPath(new URL('./fixtures/voice-webrtc-page.html', import.meta.url)));

interface PageStats {
  connectionState: string;
  inbound: { packetsReceived: number; totalAudioEnergy: number; audioLevel: number };
  outbound: { packetsSent: number };
}
interface PageVoice { state: string; closeCode: number | null; answered: boolean; error: string | null; offerBytes: number; ready: { ssrc: number } | null }

let t: TestServer;
let speech: PcmAudio;
let browserUser: TestUser;
let guildId: string;
let channelId: string;
let sdk: JoinedVoice;
const heard: ReceivedFrame[] = [];
const gateways: Recorder[] = [];
let pageServer: http.Server | undefined;
let browser: Browser | undefined;
let page: Page;

/** SHA-256 of the certificate's SubjectPublicKeyInfo, base64: what Chromium is told to trust (only this key). */

const pageStats = () => page.evaluate(() => (globalThis as unknown as { rtpStats(): Promise<PageStats> }).rtpStats());
const pageVoice = () => page.evaluate(() => { const v = (globalThis as unknown as { voice: PageVoice }).voice; return { state: v.state, closeCode: v.closeCode, answered: v.answered, error: v.error, offerBytes: v.offerBytes, ready: v.ready }; });

beforeAll(async () => {
  speech = readWav(readFileSync(FIXTURE));
  t = await startTestServer();
  const owner = await registerUser(t);
  browserUser = await registerUser(t);
  const sdkUser = await registerUser(t);
  const { guild, invite } = await guildWithMember(owner, browserUser);
  await sdkUser.api.acceptInvite(invite.code);
  guildId = guild.id;
  channelId = (await owner.api.createChannel(guild.id, { name: 'Lobby', type: 2 })).id;

  const sdkGateway = await connectGateway(t, sdkUser.token, 'json');
  gateways.push(sdkGateway);
  sdk = await joinVoiceChannel(sdkGateway.client, { guildId: guild.id, channelId, voice: { ca: readFileSync(t.voiceCaFile ?? ''), channels: 1 } });
  sdk.voice.on('audio', (f) => heard.push(f));

  // The browser user's main gateway runs in the test (the page only does voice): op 4 gives the
  // voice server's endpoint and token for the page to dial.
  const browserGateway = await connectGateway(t, browserUser.token, 'json');
  gateways.push(browserGateway);
  const serverUpdate = browserGateway.client.waitFor('VOICE_SERVER_UPDATE', (d) => d.guild_id === guild.id);
  browserGateway.client.send(GatewayOpcode.VoiceStateUpdate, { guild_id: guild.id, channel_id: channelId, self_mute: false, self_deaf: false });
  const { token, endpoint } = await serverUpdate;

  const server = http.createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE); });
  pageServer = server;
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  const chromium = await launchChromium({
    args: [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${FIXTURE}`,
      '--autoplay-policy=no-user-gesture-required',
      '--allow-loopback-in-peer-connection',
      `--ignore-certificate-errors-spki-list=${spkiHash(t.voiceCaFile ?? '')}`,
    ],
  });
  browser = chromium;
  page = await chromium.newPage();
  await page.goto(`http://127.0.0.1:${String((server.address() as AddressInfo).port)}/`);
  await page.evaluate((o) => (globalThis as unknown as { startVoice(o: unknown): Promise<void> }).startVoice(o), { endpoint, serverId: guild.id, userId: browserUser.id, sessionId: browserGateway.client.session, token });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const [v, s] = [await pageVoice(), await pageStats()];
    if (v.error !== null || v.state === 'closed') throw new Error(`page voice failed: ${JSON.stringify(v)}`);
    if (v.answered && s.connectionState === 'connected') break;
    if (Date.now() > deadline) throw new Error(`page never connected: ${JSON.stringify({ v, s })}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}, 60_000);

afterAll(async () => {
  await browser?.close();
  pageServer?.close();
  sdk.voice.close();
  for (const g of gateways) g.close();
  await t.close();
});

/** The fixture tiled `times` over: the fake microphone loops it, so the page may start anywhere in it. */
function tiled(samples: Int16Array, times: number): Int16Array {
  const out = new Int16Array(samples.length * times);
  for (let i = 0; i < times; i++) out.set(samples, i * samples.length);
  return out;
}

describe('a Chromium page and an SDK client in one voice channel', () => {
  it('the SDK client decodes the page microphone (the speech WAV): envelope correlation >= 0.7', async () => {
    const fromBrowser = () => heard.filter((f) => f.userId === browserUser.id);
    // One and a half loops of the fixture, so a whole loop is in the window whatever the phase.
    const wanted = Math.ceil((speech.samples.length * 1.5) / 960);
    const start = fromBrowser().length;
    await eventually(() => fromBrowser().length >= start + wanted, 'browser audio at the SDK client', 15_000);
    const frames = fromBrowser().slice(start, start + wanted);
    const pcm = new Int16Array(frames.length * 960);
    frames.forEach((f, i) => pcm.set(f.pcm, i * 960));
    const reference = energyEnvelope(tiled(speech.samples, 3));
    const loopFrames = Math.ceil(speech.samples.length / 960);
    const match = envelopeCorrelation(reference, energyEnvelope(pcm), 2 * loopFrames);
    console.log(`browser -> SDK: ${String(frames.length)} frames, envelope correlation ${match.correlation.toFixed(3)} at lag ${String(match.lag)}`);
    expect(match.correlation).toBeGreaterThanOrEqual(0.7);
    expect((await pageStats()).outbound.packetsSent).toBeGreaterThan(wanted);
  }, 30_000);

  it('the page plays what the SDK client sends: inbound audio energy rises while it plays, flat before', async () => {
    const quietMs = 1500;
    const before = await pageStats();
    await new Promise((r) => setTimeout(r, quietMs));
    const quiet = await pageStats();
    const quietEnergy = quiet.inbound.totalAudioEnergy - before.inbound.totalAudioEnergy;
    const playing = sdk.voice.play(speech.samples);
    let maxLevel = 0;
    const sampler = setInterval(() => { pageStats().then((s) => { maxLevel = Math.max(maxLevel, s.inbound.audioLevel); }, () => undefined); }, 200);
    await playing;
    await new Promise((r) => setTimeout(r, 500));
    clearInterval(sampler);
    const after = await pageStats();
    const playEnergy = after.inbound.totalAudioEnergy - quiet.inbound.totalAudioEnergy;
    console.log(`SDK -> browser: packets ${String(after.inbound.packetsReceived - quiet.inbound.packetsReceived)}, energy quiet ${quietEnergy.toExponential(2)} vs playing ${playEnergy.toExponential(2)}, max audioLevel ${maxLevel.toFixed(3)}`);
    expect(after.inbound.packetsReceived - quiet.inbound.packetsReceived).toBeGreaterThan(Math.ceil(speech.samples.length / 960) * 0.9);
    expect(playEnergy).toBeGreaterThan(0.01);
    expect(playEnergy).toBeGreaterThan(10 * quietEnergy);
    expect(maxLevel).toBeGreaterThan(0.01);
  }, 30_000);

  it('closes with 4020 on a WebRTC select protocol whose offer cannot be answered or is missing', async () => {
    // Runs last: a new main session for the browser user takes the voice state over from the page's.
    const port = t.server.voice?.node.gatewayPort ?? 0;
    const closeCodeFor = async (selectProtocol: unknown): Promise<number> => {
      const c = RawVoiceClient.connect(port, t.voiceCaFile ?? '');
      await c.opened;
      c.send(VoiceOpcode.Identify, grant);
      await c.next(VoiceOpcode.Ready);
      c.send(VoiceOpcode.SelectProtocol, selectProtocol);
      return (await c.closed).code;
    };
    const gw = await connectGateway(t, browserUser.token, 'json');
    gateways.push(gw);
    const serverUpdate = gw.client.waitFor('VOICE_SERVER_UPDATE', (d) => d.guild_id === guildId);
    gw.client.send(GatewayOpcode.VoiceStateUpdate, { guild_id: guildId, channel_id: channelId, self_mute: false, self_deaf: false });
    const { token } = await serverUpdate;
    const grant = { server_id: guildId, user_id: browserUser.id, session_id: gw.client.session, token };
    expect(await closeCodeFor({ protocol: 'webrtc', data: 'not an offer', sdp: 'v=0\r\nnot an offer' })).toBe(VoiceCloseCode.BadRequest);
    expect(await closeCodeFor({ protocol: 'webrtc', data: { address: '127.0.0.1', port: 5, mode: 'aead_aes256_gcm_rtpsize' } })).toBe(VoiceCloseCode.BadRequest);
    expect(await closeCodeFor({ protocol: 'webrtc', data: 7 })).toBe(VoiceCloseCode.BadRequest);
  }, 30_000);
});
