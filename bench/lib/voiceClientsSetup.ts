// bench:voice-clients' world: the real server (a child process serving a production build of the
// web client, voice on), one guild with a voice channel, Chromium with fake media, signed-in pages
// carrying the in-page probe (bench/lib/voiceClientsProbe.ts), and headless SDK voice clients.
// Everything through public exports (@concord/desktop/testing, @concord/client, @concord/testkit).
import crypto from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConcordApi, GatewayClient, type WebSocketConstructor } from '@concord/client';
import { joinVoiceChannel, type JoinedVoice } from '@concord/client/voice';
import { buildWebClient, registerViaApi, startTestServer, type TestServer } from '@concord/desktop/testing';
import { launchChromium } from '@concord/testkit';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import WebSocket from 'ws';
import { voiceProbeInitScript, type VoiceProbeConfig, type VoiceProbeHandle } from './voiceClientsProbe.ts';

export interface VoiceWorld {
  server: TestServer;
  guildId: string;
  channelId: string;
  ca: Buffer;
  /** A Chromium whose fake microphone plays `fakeMicWav` (closed with the world). */
  launchBrowser(fakeMicWav: string): Promise<Browser>;
  /** Registers a member of the guild: its token and id. */
  addMember(name: string): Promise<{ token: string; id: string; name: string }>;
  close(): Promise<void>;
}

export interface ProbedPage {
  context: BrowserContext;
  page: Page;
  userId: string;
  errors: string[];
}

/** SHA-256 of the voice certificate's public key: Chromium trusts that key alone. */
function spkiHash(certFile: string): string {
  const key = new crypto.X509Certificate(readFileSync(certFile)).publicKey.export({ type: 'spki', format: 'der' });
  return crypto.createHash('sha256').update(key).digest('base64');
}

export async function startVoiceWorld(): Promise<VoiceWorld> {
  const server = await startTestServer(await buildWebClient(), { VOICE_PORT: '0', VOICE_UDP_PORT: '0', LOG_LEVEL: 'warn' });
  try {
    const certFile = path.join(server.dataDir, 'voice-tls/cert.pem');
    if (!existsSync(certFile)) throw new Error(`the server made no voice certificate at ${certFile}`);
    const suffix = Date.now().toString(36).slice(-5);
    const owner = await registerViaApi(server.url, `owner_${suffix}`);
    const ownerApi = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: owner.token });
    const guild = await ownerApi.createGuild({ name: 'Voice Bench' });
    const channel = await ownerApi.createChannel(guild.id, { name: 'Talk', type: 2 });
    const invite = (await ownerApi.createInvite(channel.id, { max_age: 0 })).code;
    const spki = spkiHash(certFile);
    const browsers: Browser[] = [];
    return {
      server,
      guildId: guild.id,
      channelId: channel.id,
      ca: readFileSync(certFile),
      async launchBrowser(fakeMicWav) {
        const browser = await launchChromium({
          args: [
            '--use-fake-ui-for-media-stream',
            '--use-fake-device-for-media-stream',
            `--use-file-for-fake-audio-capture=${fakeMicWav}`,
            '--autoplay-policy=no-user-gesture-required',
            '--allow-loopback-in-peer-connection',
            `--ignore-certificate-errors-spki-list=${spki}`,
          ],
        });
        browsers.push(browser);
        return browser;
      },
      async addMember(name) {
        const m = await registerViaApi(server.url, `${name}_${suffix}`);
        await new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: m.token }).acceptInvite(invite);
        return { ...m, name };
      },
      async close() {
        for (const b of browsers) await b.close().catch(() => undefined);
        await server.close();
      },
    };
  } catch (err) {
    await server.close();
    throw err;
  }
}

/**
 * A signed-in page with the probe, the guild open. The context bypasses the page's CSP: the probe's
 * AudioWorklet module is a blob: URL, which the web client's policy (rightly) refuses.
 */
export async function openProbedPage(world: VoiceWorld, browser: Browser, member: { token: string; id: string }, probe: VoiceProbeConfig): Promise<ProbedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  await context.addInitScript((t: string) => {
    if (!localStorage.getItem('concord.token')) localStorage.setItem('concord.token', t);
  }, member.token);
  await context.addInitScript({ content: voiceProbeInitScript(probe) });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(world.server.url);
  await page.waitForSelector('[data-testid=server-rail]');
  await page.click(`[data-testid=guild-icon][data-guild-id="${world.guildId}"]`);
  await page.locator(`[data-testid=channel-item][data-channel-id="${world.channelId}"]`).waitFor();
  return { context, page, userId: member.id, errors };
}

interface DebugWindow {
  __concordDebug?: {
    stores: { ui: { getState(): { settings: { voiceInput: Record<string, unknown> }; setSettings(s: unknown): void } } };
  };
}

/** Voice activity with a fixed threshold of -100 dBFS: the gate never closes (no spurt-start delay). */
export async function keepGateOpen(page: Page): Promise<void> {
  await page.evaluate(() => {
    const ui = (window as unknown as DebugWindow).__concordDebug?.stores.ui.getState();
    if (!ui) throw new Error('no __concordDebug on the page');
    ui.setSettings({ ...ui.settings, voiceInput: { ...ui.settings.voiceInput, mode: 'voiceActivity', sensitivityDb: -100 } });
  });
}

/** Clicks the voice channel and waits for "Voice Connected" and a connected peer connection. */
export async function joinFromPage(p: ProbedPage, channelId: string): Promise<void> {
  await p.page.click(`[data-testid=channel-item][data-channel-id="${channelId}"]`);
  await p.page.locator('[data-testid=voice-panel-status]', { hasText: 'Voice Connected' }).waitFor({ timeout: 30_000 });
  await p.page.waitForFunction(async () => {
    const stats = await (window as unknown as { __voiceProbe: VoiceProbeHandle }).__voiceProbe.rtpStats();
    return stats.some((s) => s['type'] === 'outbound-rtp');
  }, undefined, { timeout: 30_000, polling: 250 });
}

export interface SdkTalker {
  voice: JoinedVoice;
  gateway: GatewayClient;
  close(): void;
}

export async function joinSdk(world: VoiceWorld, member: { token: string }): Promise<SdkTalker> {
  const gateway = new GatewayClient({ url: world.server.url.replace('http', 'ws'), token: member.token, encoding: 'json', WebSocket: WebSocket as unknown as WebSocketConstructor });
  gateway.connect();
  await gateway.waitForReady();
  const voice = await joinVoiceChannel(gateway, { guildId: world.guildId, channelId: world.channelId, voice: { ca: world.ca, channels: 1 } });
  return {
    voice,
    gateway,
    close() {
      voice.leave();
      gateway.close();
    },
  };
}

/** Plays `pcm` in a loop until `signal` aborts (starting `offsetFrames` in, so talkers differ). */
export async function talkInLoop(talker: SdkTalker, pcm: Int16Array, offsetFrames: number, signal: AbortSignal): Promise<void> {
  const start = (offsetFrames * 960) % pcm.length;
  const rotated = new Int16Array(pcm.length);
  rotated.set(pcm.subarray(start));
  rotated.set(pcm.subarray(0, start), pcm.length - start);
  while (!signal.aborted) await talker.voice.voice.play(rotated, { signal }).catch(() => 0);
}

/**
 * This page's clock against Node's (epoch ms): page = node + offset. The sample with the shortest
 * round trip of `tries` wins; its half round trip bounds the error.
 */
export async function clockOffset(page: Page, tries = 15): Promise<{ offsetMs: number; rttMs: number }> {
  let best = { offsetMs: 0, rttMs: Infinity };
  for (let i = 0; i < tries; i++) {
    const t0 = performance.timeOrigin + performance.now();
    const pageNow = await page.evaluate(() => performance.timeOrigin + performance.now());
    const t1 = performance.timeOrigin + performance.now();
    if (t1 - t0 < best.rttMs) best = { offsetMs: pageNow - (t0 + t1) / 2, rttMs: t1 - t0 };
  }
  return best;
}

/**
 * A 48 kHz mono 16-bit WAV of `seconds`: a `burstMs` 1 kHz tone at `amplitude` every `periodMs`,
 * silence between (the fake microphone for mouth-to-ear; Chromium loops the file).
 */
export function burstWav(seconds: number, periodMs: number, burstMs: number, amplitude: number): Buffer {
  const rate = 48_000;
  const n = Math.round(seconds * rate);
  const out = Buffer.alloc(44 + n * 2);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + n * 2, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(n * 2, 40);
  const period = Math.round((periodMs * rate) / 1000);
  const burst = Math.round((burstMs * rate) / 1000);
  for (let i = 0; i < n; i++) {
    const k = i % period;
    // The burst starts a little into each period so the file's loop point is in silence.
    const inBurst = k >= period / 4 && k < period / 4 + burst;
    const v = inBurst ? Math.round(amplitude * 32_767 * Math.sin((2 * Math.PI * 1000 * (k - period / 4)) / rate)) : 0;
    out.writeInt16LE(v, 44 + i * 2);
  }
  return out;
}

/** Echo cancellation, noise suppression and automatic gain off (they would treat a steady tone as noise). */
export async function rawMicrophone(page: Page): Promise<void> {
  await page.evaluate(() => {
    const ui = (window as unknown as DebugWindow).__concordDebug?.stores.ui.getState();
    if (!ui) throw new Error('no __concordDebug on the page');
    ui.setSettings({ ...ui.settings, voiceInput: { ...ui.settings.voiceInput, echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  });
}

/** The page's own played energy per receive slot (its analysers after each slot's gain). */
export async function playedEnergy(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const w = window as unknown as { __concordDebug?: { voiceStats(): Promise<{ slots: { playedEnergy: number }[] } | null> } };
    const s = await w.__concordDebug?.voiceStats();
    return (s?.slots ?? []).reduce((t, x) => t + x.playedEnergy, 0);
  });
}
