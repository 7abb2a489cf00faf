// Voice in the web client, two Chromium pages against the real server (voice gateway over TLS,
// WebRTC into the SFU): clicking the voice channel joins it, both pages list both members under
// the channel with the "2/5" limit and show "Voice Connected"; each page's fake microphone (the
// speech fixture) reaches the other (inbound audio energy from getStats() rises); Mute and Deafen
// change the icons the other page sees; Disconnect clears the panel. A headless SDK voice client
// (carl) and a page hear each other; per-user volume 0 and local mute silence exactly that user's
// receive slot on the listener (played energy after the slot's GainNode, from an analyser); a
// server-muted page sends no packets at all; RNNoise runs in the page's AudioWorklet; another input
// device (or echo cancellation toggled) swaps the sent track without a rejoin and another output
// device routes the AudioContext; a moderator drags a member onto another voice channel (and the
// server's refusal shows), a member without MOVE_MEMBERS cannot drag. Also writes the voice
// screenshots (docs/screenshots/voice-*.png). The autoplay rules: voiceAutoplay.e2e.test.ts.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConcordApi, GatewayClient, type WebSocketConstructor } from '@concord/client';
import { joinVoiceChannel, type JoinedVoice, type ReceivedFrame } from '@concord/client/voice';
import { readWav } from '@concord/media';
import { PermissionFlags } from '@concord/protocol';
import WebSocket from 'ws';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, buildWebClient, launchChromium, openSignedInPage, registerViaApi, startTestServer, type TestServer, type UserPage } from './harness.ts';
import { closeOpened } from '../closeOpened.ts';
import { voiceBrowserArgs } from '@concord/testkit';

const FIXTURE = path.join(REPO_ROOT, 'packages/testkit/fixtures/speech-48k-mono.wav');
const SCREENSHOTS = path.join(REPO_ROOT, 'docs/screenshots');

interface VoiceStats {
  inboundAudioEnergy: number;
  receivedEnergyByUser: Record<string, number>;
  rtpAudioEnergy: number;
  senderTrackId: string | null;
  microphoneTrackId: string | null;
  audioContextState: string;
  outputSinkId: string | null;
  inboundPackets: number;
  outboundPackets: number;
  connectionState: string;
  slots: { ssrc: number | null; userId: string | null; gain: number; playedEnergy: number }[];
  noiseSuppressor: string;
  rnnoiseFrames: number;
}

/** Played energy per user on a page (summed over the slots that user holds). */
const playedByUser = (s: VoiceStats) => {
  const out = new Map<string, number>();
  for (const slot of s.slots) if (slot.userId !== null) out.set(slot.userId, (out.get(slot.userId) ?? 0) + slot.playedEnergy);
  return out;
};

/** How much each user's slot played on `page` during `ms`. */
async function playedDuring(page: Page, ms: number): Promise<Map<string, number>> {
  const before = playedByUser((await voiceStats(page))!);
  await new Promise((r) => setTimeout(r, ms));
  const after = playedByUser((await voiceStats(page))!);
  return new Map([...after].map(([id, e]) => [id, e - (before.get(id) ?? 0)]));
}


/** Energy played for `userId` on `page` during `ms` (the engine's per-user figure, after the gains). */
async function receivedDuring(page: Page, userId: string, ms: number): Promise<number> {
  const before = (await voiceStats(page))!.receivedEnergyByUser[userId] ?? 0;
  await new Promise((r) => setTimeout(r, ms));
  return ((await voiceStats(page))!.receivedEnergyByUser[userId] ?? 0) - before;
}

const voiceStats = (page: Page) => page.evaluate(() => window.__concordDebug?.voiceStats() ?? null) as Promise<VoiceStats | null>;
const channelItem = (page: Page, channelId: string) => page.locator(`[data-testid=channel-item][data-channel-id="${channelId}"]`);
const memberRow = (page: Page, channelId: string, userId: string) => page.locator(`[data-testid=voice-members][data-channel-id="${channelId}"] [data-testid=voice-member][data-user-id="${userId}"]`);

describe('web client: voice channels', () => {
  let server: TestServer;
  let browser: Browser;
  let ava: UserPage;
  let ben: UserPage;
  let avaId = '';
  let benId = '';
  let guildId = '';
  let lounge = '';
  let gaming = '';
  let avaApi: ConcordApi;
  let carlId = '';
  let carlGateway: GatewayClient | null = null;
  let carl: JoinedVoice | null = null;
  let certFile = '';
  const suffix = Date.now().toString(36).slice(-5);

  beforeAll(async () => {
    server = await startTestServer(await buildWebClient(), { VOICE_PORT: '0', VOICE_UDP_PORT: '0' });
    certFile = path.join(server.dataDir, 'voice-tls/cert.pem');
    if (!existsSync(certFile)) throw new Error(`the server made no voice certificate at ${certFile}`);
    const a = await registerViaApi(server.url, `ava_${suffix}`);
    const b = await registerViaApi(server.url, `ben_${suffix}`);
    const c = await registerViaApi(server.url, `carl_${suffix}`);
    carlId = c.id;
    avaId = a.id;
    benId = b.id;
    avaApi = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: a.token });
    const benApi = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: b.token });
    const guild = await avaApi.createGuild({ name: 'Voice Hangout' });
    guildId = guild.id;
    lounge = (await avaApi.createChannel(guild.id, { name: 'Lounge', type: 2, user_limit: 5 })).id;
    gaming = (await avaApi.createChannel(guild.id, { name: 'Gaming', type: 2 })).id;
    const invite = (await avaApi.createInvite(guild.system_channel_id!)).code;
    await benApi.acceptInvite(invite);
    await new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: c.token }).acceptInvite(invite);
    carlGateway = new GatewayClient({ url: server.url.replace('http', 'ws'), token: c.token, encoding: 'json', WebSocket: WebSocket as unknown as WebSocketConstructor });
    carlGateway.connect();
    await carlGateway.waitForReady();
    browser = await launchChromium({ args: voiceBrowserArgs({ fakeAudioFile: FIXTURE, certFile }) });
    ava = await openSignedInPage(browser, server.url, `ava_${suffix}`, a.token);
    ben = await openSignedInPage(browser, server.url, `ben_${suffix}`, b.token);
    for (const u of [ava, ben]) {
      if (process.env['VOICE_E2E_CONSOLE'] === '1') u.page.on('console', (m) => console.log(`[${u.username}] ${m.type()}: ${m.text()}`));
      await u.page.click(`[data-testid=guild-icon][data-guild-id="${guildId}"]`);
      await u.page.locator(`[data-testid=channel-item][data-channel-id="${lounge}"]`).waitFor();
    }
  }, 180_000);

  afterAll(async () => {
    carl?.leave();
    carlGateway?.close();
    await closeOpened(browser, server);
  });

  it('joins by clicking the channel: both pages list both members under it, "2/5", and "Voice Connected"', async () => {
    await ava.page.click(`[data-testid=channel-item][data-channel-id="${lounge}"]`);
    await expect.poll(() => ava.page.locator('[data-testid=voice-panel-status]').textContent(), { timeout: 20_000 }).toBe('Voice Connected');
    await memberRow(ben.page, lounge, avaId).waitFor();
    await ben.page.click(`[data-testid=channel-item][data-channel-id="${lounge}"]`);
    await expect.poll(() => ben.page.locator('[data-testid=voice-panel-status]').textContent(), { timeout: 20_000 }).toBe('Voice Connected');
    for (const u of [ava, ben]) {
      await memberRow(u.page, lounge, avaId).waitFor();
      await memberRow(u.page, lounge, benId).waitFor();
      await expect.poll(() => u.page.locator(`[data-channel-id="${lounge}"] [data-testid=voice-user-limit]`).textContent()).toBe('2/5');
      expect(await u.page.locator('[data-testid=voice-panel-where]').textContent()).toBe('Lounge / Voice Hangout');
    }
    await expect.poll(() => ava.page.locator('[data-testid=voice-ping]').textContent(), { timeout: 15_000 }).toMatch(/^\d+ ms$/);
    expect(await ava.page.evaluate(() => window.__concordDebug?.voiceSounds())).toContain('join');
  }, 60_000);

  // Received audio plays through Web Audio (a GainNode per slot), and the slot's element, which
  // Chromium needs to feed Web Audio, sits at volume 0; WebRTC applies that volume before it
  // computes getStats()' totalAudioEnergy, so the energy measured here is what each slot played
  // (an analyser after the slot's gain), per user.
  it('each page hears the other: the energy each page plays on the other slot rises while the fake microphones play', async () => {
    const start = { ava: await voiceStats(ava.page), ben: await voiceStats(ben.page) };
    expect(start.ava?.connectionState).toBe('connected');
    expect(start.ben?.connectionState).toBe('connected');
    await new Promise((r) => setTimeout(r, 4000));
    const end = { ava: await voiceStats(ava.page), ben: await voiceStats(ben.page) };
    const played = (s: VoiceStats, userId: string) => playedByUser(s).get(userId) ?? 0;
    const energy = { ava: played(end.ava!, benId) - played(start.ava!, benId), ben: played(end.ben!, avaId) - played(start.ben!, avaId) };
    const packets = { ava: end.ava!.inboundPackets - start.ava!.inboundPackets, ben: end.ben!.inboundPackets - start.ben!.inboundPackets };
    console.log(`4 s of voice: ben heard ${String(packets.ben)} packets (played energy ${energy.ben.toExponential(2)}), ava heard ${String(packets.ava)} (played ${energy.ava.toExponential(2)}); sent ${String(end.ava!.outboundPackets)} / ${String(end.ben!.outboundPackets)}`);
    expect(packets.ben).toBeGreaterThan(50);
    expect(packets.ava).toBeGreaterThan(50);
    expect(energy.ben).toBeGreaterThan(1e-3);
    expect(energy.ava).toBeGreaterThan(1e-3);
    // The engine's own per-user figure is the played energy too (getStats()' reads ~0: the elements sit at volume 0).
    const byUser = { ava: (end.ava!.receivedEnergyByUser[benId] ?? 0) - (start.ava!.receivedEnergyByUser[benId] ?? 0), ben: (end.ben!.receivedEnergyByUser[avaId] ?? 0) - (start.ben!.receivedEnergyByUser[avaId] ?? 0) };
    console.log(`received energy per user in 4 s: ben of ava ${byUser.ben.toExponential(2)}, ava of ben ${byUser.ava.toExponential(2)}; getStats totalAudioEnergy ${end.ben!.rtpAudioEnergy.toExponential(2)} on ben`);
    expect(byUser.ben).toBeGreaterThan(1e-3);
    expect(byUser.ava).toBeGreaterThan(1e-3);
    expect(end.ben!.inboundAudioEnergy).toBeGreaterThanOrEqual(end.ben!.receivedEnergyByUser[avaId] ?? 0);
    // The speaking ring: ben sees ava speaking at some point while her microphone plays speech.
    await expect.poll(() => memberRow(ben.page, lounge, avaId).getAttribute('data-speaking'), { timeout: 10_000 }).toBe('true');
  }, 60_000);

  it('Mute and Deafen change the icons the other page sees; muted, nothing more reaches the listener', async () => {
    await ava.page.getByRole('switch', { name: 'Mute' }).click();
    await expect.poll(() => memberRow(ben.page, lounge, avaId).getAttribute('data-muted')).toBe('true');
    await memberRow(ben.page, lounge, avaId).locator('[data-testid=voice-muted-icon]').waitFor();
    expect(await ava.page.getByRole('switch', { name: 'Mute' }).getAttribute('aria-checked')).toBe('true');
    // Give in-flight packets a moment, then ben must receive (almost) nothing from ava.
    await new Promise((r) => setTimeout(r, 500));
    const before = await voiceStats(ben.page);
    await new Promise((r) => setTimeout(r, 2000));
    const after = await voiceStats(ben.page);
    console.log(`muted: ben received ${String(after!.inboundPackets - before!.inboundPackets)} packets in 2 s`);
    expect(after!.inboundPackets - before!.inboundPackets).toBeLessThan(10);

    await ava.page.getByRole('switch', { name: 'Deafen' }).click();
    await expect.poll(() => memberRow(ben.page, lounge, avaId).getAttribute('data-deafened')).toBe('true');
    await ava.page.getByRole('switch', { name: 'Deafen' }).click();
    await expect.poll(() => memberRow(ben.page, lounge, avaId).getAttribute('data-deafened')).toBe('false');
    // Undeafening restores the mute from before.
    expect(await memberRow(ben.page, lounge, avaId).getAttribute('data-muted')).toBe('true');
    await ava.page.getByRole('switch', { name: 'Mute' }).click();
    await expect.poll(() => memberRow(ben.page, lounge, avaId).getAttribute('data-muted')).toBe('false');
    expect(await ava.page.evaluate(() => window.__concordDebug?.voiceSounds())).toEqual(expect.arrayContaining(['mute', 'deafen', 'undeafen', 'unmute']));

    // The Toggle Mute keybind does the same while the app has focus.
    await ava.page.evaluate(() => {
      const ui = window.__concordDebug!.stores.ui.getState();
      ui.setSettings({ ...ui.settings, keybinds: { ...ui.settings.keybinds, toggleMute: 'Ctrl+M' } });
    });
    await ava.page.keyboard.press('Control+m');
    await expect.poll(() => memberRow(ben.page, lounge, avaId).getAttribute('data-muted')).toBe('true');
    await ava.page.keyboard.press('Control+m');
    await expect.poll(() => memberRow(ben.page, lounge, avaId).getAttribute('data-muted')).toBe('false');
  }, 60_000);

  it('push to talk sends only while the key is held (set in Voice & Video)', async () => {
    const p = ava.page;
    await p.click('[data-testid=user-settings-button]');
    await p.getByText('Voice & Video', { exact: true }).click();
    await p.click('[data-testid=input-mode-pushToTalk]');
    await p.click('[data-testid=ptt-key]');
    await p.keyboard.press('v');
    await expect.poll(() => p.locator('[data-testid=ptt-key]').textContent()).toBe('V');
    await p.keyboard.press('Escape');
    await p.locator('[data-testid=ptt-key]').waitFor({ state: 'detached' });
    const packetsIn = async (ms: number) => {
      const before = await voiceStats(ben.page);
      await new Promise((r) => setTimeout(r, ms));
      return (await voiceStats(ben.page))!.inboundPackets - before!.inboundPackets;
    };
    await new Promise((r) => setTimeout(r, 500));
    const idle = await packetsIn(1500);
    await p.keyboard.down('v');
    await expect.poll(() => memberRow(ben.page, lounge, avaId).getAttribute('data-speaking')).toBe('true');
    const held = await packetsIn(1500);
    await p.keyboard.up('v');
    await new Promise((r) => setTimeout(r, 500));
    const released = await packetsIn(1500);
    console.log(`push to talk: ben received ${String(idle)} packets idle, ${String(held)} while held, ${String(released)} after release (1.5 s each)`);
    expect(idle).toBeLessThan(5);
    expect(held).toBeGreaterThan(50);
    expect(released).toBeLessThan(5);
    // Back to voice activity through the page (a store-only change would be undone by the next
    // settings write, which merges into the stored settings).
    await p.click('[data-testid=user-settings-button]');
    await p.getByText('Voice & Video', { exact: true }).click();
    await p.click('[data-testid=input-mode-voiceActivity]');
    await p.keyboard.press('Escape');
  }, 60_000);

  it('a page and a headless SDK voice client hear each other (the SDK decodes the page; the page plays the SDK on its slot)', async () => {
    carl = await joinVoiceChannel(carlGateway!, { guildId, channelId: lounge, voice: { ca: readFileSync(certFile), channels: 1 } });
    const heard: ReceivedFrame[] = [];
    carl.voice.on('audio', (f) => heard.push(f));
    await memberRow(ava.page, lounge, carlId).waitFor();
    const speech = readWav(readFileSync(FIXTURE)).samples;
    const stop = new AbortController();
    const talking = (async () => {
      while (!stop.signal.aborted) await carl.voice.play(speech, { signal: stop.signal }).catch(() => 0);
    })();
    try {
      await expect.poll(async () => (await voiceStats(ava.page))!.slots.some((s) => s.userId === carlId), { timeout: 10_000 }).toBe(true);
      const played = await playedDuring(ava.page, 3000);
      await expect.poll(() => memberRow(ava.page, lounge, carlId).getAttribute('data-speaking'), { timeout: 5000 }).toBe('true');
      const fromAva = heard.filter((f) => f.userId === avaId);
      const rms = Math.sqrt(fromAva.reduce((a, f) => a + f.pcm.reduce((b, x) => b + x * x, 0), 0) / Math.max(1, fromAva.length * 960));
      console.log(`SDK <-> page: ava's slot for carl played ${(played.get(carlId) ?? 0).toExponential(2)}; carl decoded ${String(fromAva.length)} frames from ava (rms ${rms.toFixed(0)})`);
      expect(played.get(carlId) ?? 0).toBeGreaterThan(1e-4);
      expect(fromAva.length).toBeGreaterThan(100);
      expect(rms).toBeGreaterThan(300);
    } finally {
      stop.abort();
      await talking;
    }
  }, 60_000);

  it('per-user volume 0 and local mute silence exactly that user on the listener; the other speaker still plays', async () => {
    const speech = readWav(readFileSync(FIXTURE)).samples;
    const stop = new AbortController();
    const talking = (async () => {
      while (!stop.signal.aborted) await carl!.voice.play(speech, { signal: stop.signal }).catch(() => 0);
    })();
    const setUserAudio = (userId: string, patch: { volume?: number; localMute?: boolean }) =>
      ava.page.evaluate(([id, p]) => window.__concordDebug!.stores.voice.getState().setUserAudio(id, p), [userId, patch] as const);
    try {
      await expect.poll(async () => { const p = await playedDuring(ava.page, 1000); return (p.get(benId) ?? 0) > 1e-5 && (p.get(carlId) ?? 0) > 1e-5; }, { timeout: 15_000 }).toBe(true);
      const both = await playedDuring(ava.page, 2000);
      // Local mute from the member menu, as a user does it.
      await memberRow(ava.page, lounge, benId).click({ button: 'right' });
      await ava.page.locator('[data-testid=voice-local-mute]').click();
      await ava.page.keyboard.press('Escape');
      await expect.poll(async () => (await voiceStats(ava.page))!.slots.find((s) => s.userId === benId)?.gain).toBe(0);
      await new Promise((r) => setTimeout(r, 300));
      const muted = await playedDuring(ava.page, 2000);
      await setUserAudio(benId, { localMute: false, volume: 0 });
      await new Promise((r) => setTimeout(r, 300));
      const zero = await playedDuring(ava.page, 2000);
      await setUserAudio(benId, { volume: 100 });
      await new Promise((r) => setTimeout(r, 300));
      const restored = await playedDuring(ava.page, 2000);
      const f = (m: Map<string, number>) => `ben ${(m.get(benId) ?? 0).toExponential(2)} / carl ${(m.get(carlId) ?? 0).toExponential(2)}`;
      console.log(`played on ava's slots in 2 s: both ${f(both)}; ben locally muted ${f(muted)}; ben at 0 % ${f(zero)}; ben back at 100 % ${f(restored)}`);
      for (const m of [both, muted, zero, restored]) expect(m.get(carlId) ?? 0).toBeGreaterThan(1e-5);
      expect(both.get(benId) ?? 0).toBeGreaterThan(1e-5);
      expect(muted.get(benId) ?? 0).toBeLessThan(1e-9);
      expect(zero.get(benId) ?? 0).toBeLessThan(1e-9);
      expect(restored.get(benId) ?? 0).toBeGreaterThan(1e-5);
    } finally {
      stop.abort();
      await talking;
    }
  }, 90_000);

  it('another input device swaps the sent track (replaceTrack, no rejoin) and the listener keeps hearing; another output device routes the AudioContext', async () => {
    const p = ava.page;
    const conn = () => p.evaluate(() => {
      const c = window.__concordDebug!.stores.voice.getState().connection;
      return c.status === 'connected' ? `${c.status}|${c.token}` : c.status;
    });
    const connBefore = await conn();
    expect(connBefore).toMatch(/^connected\|/);
    await p.click('[data-testid=user-settings-button]');
    await p.getByText('Voice & Video', { exact: true }).click();
    // The page lists devices once enumerateDevices() answers.
    await expect.poll(() => p.locator('[data-testid=output-device] option').count()).toBeGreaterThan(1);
    const inputs = await p.locator('[data-testid=input-device] option').evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent })));
    const outputs = await p.locator('[data-testid=output-device] option').evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent })));
    console.log(`devices: inputs ${inputs.map((o) => o.label).join(', ')}; outputs ${outputs.map((o) => o.label).join(', ')}`);
    const trackNow = async () => (await voiceStats(p))!.microphoneTrackId;
    /** Waits for a new microphone track and for the sender to carry it (the gate opens on speech). */
    const expectSwapFrom = async (oldTrack: string | null) => {
      await expect.poll(trackNow, { timeout: 10_000 }).not.toBe(oldTrack);
      const fresh = await trackNow();
      await expect.poll(async () => (await voiceStats(p))!.senderTrackId, { timeout: 10_000 }).toBe(fresh);
      return fresh;
    };
    // Chromium's fake devices: "Default" plus two more; pick one that is not the default.
    const other = inputs.find((o) => o.value !== '' && o.value !== 'default');
    const t0 = await trackNow();
    expect(t0).not.toBeNull();
    let t1 = t0;
    if (other) {
      await p.locator('[data-testid=input-device]').selectOption(other.value);
      t1 = await expectSwapFrom(t0);
    }
    // Echo cancellation is a capture constraint: a new track again.
    await p.getByRole('switch', { name: 'Echo Cancellation' }).click();
    const t2 = await expectSwapFrom(t1);
    const heard = await receivedDuring(ben.page, avaId, 2500);
    console.log(`input switch: track ${String(t0)} -> ${String(t1)} (device) -> ${String(t2)} (echo cancellation); ben then played ${heard.toExponential(2)} of ava in 2.5 s`);
    expect(heard).toBeGreaterThan(1e-4);
    expect(await conn()).toBe(connBefore);

    const speaker = outputs.find((o) => o.value !== '' && o.value !== 'default');
    expect(speaker, 'Chromium lists fake output devices').toBeDefined();
    await p.locator('[data-testid=output-device]').selectOption(speaker!.value);
    await expect.poll(async () => (await voiceStats(p))!.outputSinkId, { timeout: 5000 }).toBe(speaker!.value);
    const played = await receivedDuring(p, benId, 2000);
    console.log(`output switch: AudioContext sink ${speaker!.label}; ava played ${played.toExponential(2)} of ben in 2 s`);
    expect(played).toBeGreaterThan(1e-4);
    expect(await conn()).toBe(connBefore);
    // Back to the defaults for the tests that follow.
    await p.getByRole('switch', { name: 'Echo Cancellation' }).click();
    await p.locator('[data-testid=input-device]').selectOption('');
    await p.locator('[data-testid=output-device]').selectOption('');
    await expect.poll(async () => (await voiceStats(p))!.outputSinkId).toBe('');
    await p.keyboard.press('Escape');
  }, 60_000);

  it('RNNoise runs in the AudioWorklet when switched on in Voice & Video, and the listener still hears the page', async () => {
    const p = ben.page;
    await p.click('[data-testid=user-settings-button]');
    await p.getByText('Voice & Video', { exact: true }).click();
    await p.locator('[data-testid=rnnoise-switch]').click();
    await p.keyboard.press('Escape');
    await expect.poll(async () => (await voiceStats(p))!.noiseSuppressor, { timeout: 10_000 }).toMatch(/^rnnoise/);
    const framesBefore = (await voiceStats(p))!.rnnoiseFrames;
    const heard = await playedDuring(ava.page, 2000);
    const framesAfter = (await voiceStats(p))!.rnnoiseFrames;
    console.log(`RNNoise: ${String(framesAfter - framesBefore)} frames in 2 s on ben; ava played ${(heard.get(benId) ?? 0).toExponential(2)} of ben`);
    expect(framesAfter - framesBefore).toBeGreaterThan(150);
    expect(heard.get(benId) ?? 0).toBeGreaterThan(1e-3);
  }, 30_000);

  it('writes the voice screenshots', async () => {
    await ben.page.waitForTimeout(300);
    await ben.page.screenshot({ path: path.join(SCREENSHOTS, 'voice-channel.png') });
    await ben.page.locator('[data-testid=voice-panel]').screenshot({ path: path.join(SCREENSHOTS, 'voice-panel.png') });
    await ben.page.click('[data-testid=user-settings-button]');
    await ben.page.getByText('Voice & Video', { exact: true }).click();
    await ben.page.locator('[data-testid=voice-meter]').waitFor();
    await ben.page.waitForTimeout(1000);
    await ben.page.screenshot({ path: path.join(SCREENSHOTS, 'voice-settings.png') });
    await ben.page.keyboard.press('Escape');
  }, 30_000);

  it('a moderator server-mutes and moves a member from the voice member menu (PATCH member)', async () => {
    const row = memberRow(ava.page, lounge, benId);
    await row.click({ button: 'right' });
    await ava.page.locator('[data-testid=voice-server-mute]').click();
    await expect.poll(() => memberRow(ben.page, lounge, benId).getAttribute('data-muted')).toBe('true');
    await memberRow(ben.page, lounge, benId).locator('[data-testid=voice-muted-icon].server').waitFor();
    // Server mute overrides an unmuted microphone: ben's page sends no packets at all (the SFU sees none).
    expect(await ben.page.evaluate(() => window.__concordDebug!.stores.voice.getState().selfMute)).toBe(false);
    const sentIn = async (ms: number) => {
      const s0 = await voiceStats(ben.page);
      await new Promise((r) => setTimeout(r, ms));
      return (await voiceStats(ben.page))!.outboundPackets - s0!.outboundPackets;
    };
    await new Promise((r) => setTimeout(r, 300));
    const whileServerMuted = await sentIn(1500);
    await row.click({ button: 'right' });
    await ava.page.locator('[data-testid=voice-server-mute]').click();
    await expect.poll(() => memberRow(ben.page, lounge, benId).getAttribute('data-muted')).toBe('false');
    const afterUnmute = await sentIn(1500);
    console.log(`server mute: ben's page sent ${String(whileServerMuted)} packets in 1.5 s while server-muted, ${String(afterUnmute)} after`);
    expect(whileServerMuted).toBe(0);
    expect(afterUnmute).toBeGreaterThan(30);
    await row.click({ button: 'right' });
    await ava.page.locator('[data-testid=voice-move-to]', { hasText: 'Gaming' }).click();
    await expect.poll(() => ben.page.locator('[data-testid=voice-panel-where]').textContent()).toBe('Gaming / Voice Hangout');
    await memberRow(ava.page, lounge, benId).waitFor({ state: 'detached' });
    // Moved on the same voice node: the connection stays up.
    await expect.poll(() => ben.page.locator('[data-testid=voice-panel-status]').textContent(), { timeout: 10_000 }).toBe('Voice Connected');
  }, 30_000);

  it('a moderator drags a member onto another voice channel; without MOVE_MEMBERS there is no drag; a refused move shows the server error', async () => {
    // ben in Gaming, ava and carl in Lounge. ben may not move members: his rows do not drag.
    await expect.poll(() => memberRow(ben.page, lounge, carlId).getAttribute('draggable')).toBe('false');
    await memberRow(ben.page, lounge, carlId).dragTo(channelItem(ben.page, gaming));
    await new Promise((r) => setTimeout(r, 1000));
    expect(await memberRow(ava.page, lounge, carlId).count()).toBe(1);

    // ava (the owner) drags ben back to Lounge; ben's page follows.
    expect(await memberRow(ava.page, gaming, benId).getAttribute('draggable')).toBe('true');
    await memberRow(ava.page, gaming, benId).dragTo(channelItem(ava.page, lounge));
    await memberRow(ben.page, lounge, benId).waitFor({ timeout: 10_000 });
    await expect.poll(() => ben.page.locator('[data-testid=voice-panel-where]').textContent()).toBe('Lounge / Voice Hangout');
    await memberRow(ava.page, lounge, benId).waitFor();

    // ben gets MOVE_MEMBERS through a role, but not CONNECT in "Back Room": the server refuses that move.
    const moveRole = await avaApi.createRole(guildId, { name: 'Movers', permissions: String(PermissionFlags.MOVE_MEMBERS) });
    await avaApi.addMemberRole(guildId, benId, moveRole.id);
    const backRoom = (await avaApi.createChannel(guildId, { name: 'Back Room', type: 2, permission_overwrites: [{ id: benId, type: 1, allow: '0', deny: String(PermissionFlags.CONNECT) }] })).id;
    await channelItem(ben.page, backRoom).waitFor();
    await expect.poll(() => memberRow(ben.page, lounge, carlId).getAttribute('draggable')).toBe('true');
    await memberRow(ben.page, lounge, carlId).dragTo(channelItem(ben.page, backRoom));
    await expect.poll(() => ben.page.locator('[data-testid=toast]').textContent(), { timeout: 5000 }).toContain('Missing Permissions');
    expect(await memberRow(ava.page, lounge, carlId).count()).toBe(1);
    // And a move he may make: carl to Gaming, seen on ava's page.
    await memberRow(ben.page, lounge, carlId).dragTo(channelItem(ben.page, gaming));
    await memberRow(ava.page, gaming, carlId).waitFor({ timeout: 10_000 });
    await memberRow(ava.page, lounge, carlId).waitFor({ state: 'detached' });
  }, 60_000);

  it('Disconnect clears the panel and the other page stops listing the member', async () => {
    await ava.page.getByRole('button', { name: 'Disconnect' }).click();
    await ava.page.locator('[data-testid=voice-panel]').waitFor({ state: 'detached' });
    await ava.page.locator(`[data-testid=voice-member][data-user-id="${avaId}"]`).waitFor({ state: 'detached' });
    await ben.page.locator(`[data-testid=voice-member][data-user-id="${avaId}"]`).waitFor({ state: 'detached' });
    expect(await ava.page.evaluate(() => window.__concordDebug?.voiceStats())).toBeNull();
    expect(ava.errors).toEqual([]);
    expect(ben.errors).toEqual([]);
  }, 30_000);
});
