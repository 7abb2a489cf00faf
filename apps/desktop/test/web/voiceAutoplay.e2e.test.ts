// Voice and the browser's autoplay rules, in Chromium with `--autoplay-policy=document-user-
// activation-required` (Playwright's own default, no-user-gesture-required, is taken out): the click
// that joins a voice channel is the gesture that lets the page's AudioContext run; after a reload
// (no gesture since) the page rejoins its channel, hears nothing, and says so with "Enable Audio",
// whose click lets the received audio play. A headless SDK voice client talks the whole time. The
// page listens only: no --use-fake-ui-for-media-stream, so its microphone request is denied
// (Chromium lets a page that captures the microphone play sound without a gesture, which would
// hide the rule under test; a listener who refused the microphone meets it for real). Playwright's
// own queries count as gestures, so the join click cannot be told apart from them; the reload test
// keeps its hands off the page until the AudioContext exists. Writes docs/screenshots/voice-audio-held.png.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConcordApi, GatewayClient, type WebSocketConstructor } from '@concord/client';
import { joinVoiceChannel, type JoinedVoice } from '@concord/client/voice';
import { readWav } from '@concord/media';
import WebSocket from 'ws';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, buildWebClient, launchChromium, openSignedInPage, registerViaApi, startTestServer, type TestServer, type UserPage } from './harness.ts';
import { closeOpened } from '../closeOpened.ts';
import { voiceBrowserArgs } from '@concord/testkit';

const FIXTURE = path.join(REPO_ROOT, 'packages/testkit/fixtures/speech-48k-mono.wav');

interface VoiceStats {
  receivedEnergyByUser: Record<string, number>;
  inboundPackets: number;
  audioContextState: string;
}

const voiceStats = (page: Page) => page.evaluate(() => window.__concordDebug?.voiceStats() ?? null) as Promise<VoiceStats | null>;

/** Energy played for `userId` and packets received on `page` during `ms`. */
async function heardDuring(page: Page, userId: string, ms: number): Promise<{ energy: number; packets: number }> {
  const before = (await voiceStats(page))!;
  await new Promise((r) => setTimeout(r, ms));
  const after = (await voiceStats(page))!;
  return { energy: (after.receivedEnergyByUser[userId] ?? 0) - (before.receivedEnergyByUser[userId] ?? 0), packets: after.inboundPackets - before.inboundPackets };
}


describe('web client: voice under the autoplay policy', () => {
  let server: TestServer;
  let browser: Browser;
  let dan: UserPage;
  let danId = '';
  let erinId = '';
  let guildId = '';
  let lounge = '';
  let erinGateway: GatewayClient | null = null;
  let erin: JoinedVoice | null = null;
  const stopTalking = new AbortController();
  let talking: Promise<void> = Promise.resolve();
  const suffix = Date.now().toString(36).slice(-5);

  beforeAll(async () => {
    server = await startTestServer(await buildWebClient(), { VOICE_PORT: '0', VOICE_UDP_PORT: '0' });
    const certFile = path.join(server.dataDir, 'voice-tls/cert.pem');
    if (!existsSync(certFile)) throw new Error(`the server made no voice certificate at ${certFile}`);
    const d = await registerViaApi(server.url, `dan_${suffix}`);
    const e = await registerViaApi(server.url, `erin_${suffix}`);
    danId = d.id;
    erinId = e.id;
    const danApi = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: d.token });
    const guild = await danApi.createGuild({ name: 'Autoplay' });
    guildId = guild.id;
    lounge = (await danApi.createChannel(guild.id, { name: 'Lounge', type: 2 })).id;
    await new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: e.token }).acceptInvite((await danApi.createInvite(guild.system_channel_id!)).code);
    erinGateway = new GatewayClient({ url: server.url.replace('http', 'ws'), token: e.token, encoding: 'json', WebSocket: WebSocket as unknown as WebSocketConstructor });
    erinGateway.connect();
    await erinGateway.waitForReady();
    erin = await joinVoiceChannel(erinGateway, { guildId, channelId: lounge, voice: { ca: readFileSync(certFile), channels: 1 } });
    const speech = readWav(readFileSync(FIXTURE)).samples;
    const voice = erin.voice;
    talking = (async () => {
      while (!stopTalking.signal.aborted) await voice.play(speech, { signal: stopTalking.signal }).catch(() => 0);
    })();
    browser = await launchChromium({
      args: [...voiceBrowserArgs({ certFile, fakeAudioFile: FIXTURE, fakeUi: false, autoplay: false }), '--autoplay-policy=document-user-activation-required'],
      ignoreDefaultArgs: ['--autoplay-policy=no-user-gesture-required'],
    });
    dan = await openSignedInPage(browser, server.url, `dan_${suffix}`, d.token);
    if (process.env['VOICE_E2E_CONSOLE'] === '1') dan.page.on('console', (m) => console.log(`[dan] ${m.type()}: ${m.text()}`));
    await dan.page.click(`[data-testid=guild-icon][data-guild-id="${guildId}"]`);
    await dan.page.locator(`[data-testid=channel-item][data-channel-id="${lounge}"]`).waitFor();
  }, 180_000);

  afterAll(async () => {
    stopTalking.abort();
    await talking;
    erin?.leave();
    erinGateway?.close();
    await closeOpened(browser, server);
  });

  const panel = () => dan.page.locator('[data-testid=voice-panel]');

  it('joining by click lets the page play: the AudioContext runs, no notice, the speaker is heard', async () => {
    await dan.page.click(`[data-testid=channel-item][data-channel-id="${lounge}"]`);
    await expect.poll(() => dan.page.locator('[data-testid=voice-panel-status]').textContent(), { timeout: 20_000 }).toBe('Voice Connected');
    expect(await panel().getAttribute('data-audio')).toBe('running');
    expect(await dan.page.locator('[data-testid=voice-audio-held]').count()).toBe(0);
    await expect.poll(async () => (await heardDuring(dan.page, erinId, 1000)).energy, { timeout: 15_000 }).toBeGreaterThan(1e-5);
  }, 60_000);

  it('after a reload without a gesture the page rejoins, plays nothing and shows "Enable Audio"; its click lets the audio play', async () => {
    // Playwright runs its evaluations and locator queries as user gestures (userGesture: true), so
    // nothing may query the page until the rejoin has made its AudioContext: wait for the voice
    // gateway's SESSION DESCRIPTION (op 4), which answers the offer sent after the context was made.
    const sessionDescription = new Promise<void>((resolve) => {
      dan.page.on('websocket', (ws) => {
        ws.on('framereceived', (frame) => {
          if (typeof frame.payload === 'string' && /"op":\s*4\b/.test(frame.payload)) resolve();
        });
      });
    });
    await dan.page.reload();
    await sessionDescription;
    await expect.poll(() => dan.page.locator('[data-testid=voice-panel-status]').textContent(), { timeout: 20_000 }).toBe('Voice Connected');
    expect(await dan.page.locator('[data-testid=voice-panel-where]').textContent()).toBe('Lounge / Autoplay');
    await expect.poll(() => panel().getAttribute('data-audio')).toBe('suspended');
    await dan.page.locator('[data-testid=voice-audio-held]').waitFor();
    // Audio arrives (packets) but nothing plays while the browser holds sound back.
    await expect.poll(async () => (await heardDuring(dan.page, erinId, 500)).packets, { timeout: 15_000 }).toBeGreaterThan(5);
    const held = await heardDuring(dan.page, erinId, 2000);
    expect((await voiceStats(dan.page))!.audioContextState).toBe('suspended');
    await panel().screenshot({ path: path.join(REPO_ROOT, 'docs/screenshots/voice-audio-held.png') });
    await dan.page.getByRole('button', { name: 'Enable Audio' }).click();
    await expect.poll(() => panel().getAttribute('data-audio')).toBe('running');
    await dan.page.locator('[data-testid=voice-audio-held]').waitFor({ state: 'detached' });
    await expect.poll(async () => (await heardDuring(dan.page, erinId, 1000)).energy, { timeout: 15_000 }).toBeGreaterThan(1e-5);
    const played = await heardDuring(dan.page, erinId, 2000);
    console.log(`autoplay: held back ${String(held.packets)} packets in 2 s played ${held.energy.toExponential(2)}; after Enable Audio ${String(played.packets)} packets played ${played.energy.toExponential(2)}`);
    expect(held.packets).toBeGreaterThan(50);
    expect(held.energy).toBe(0);
    expect(played.energy).toBeGreaterThan(1e-4);
    // The rejoin is dan's own connection: one member row for dan under Lounge.
    expect(await dan.page.locator(`[data-testid=voice-members][data-channel-id="${lounge}"] [data-testid=voice-member][data-user-id="${danId}"]`).count()).toBe(1);
    expect(dan.errors).toEqual([]);
  }, 90_000);
});
