// The desktop renderer driving the native voice pipeline, for real, without Electron: the Electron
// binary cannot run on these machines, so the renderer build runs in the testkit's Chromium and
// the preload's part is played by a test bridge (harness/nativeVoiceBridge.entry.ts): the same
// createDesktopBridge, its IPC calls over a Playwright binding to the real IPC handlers, and its
// voice frame port carried over a loopback WebSocket (harness/nativeVoiceRelay.ts) to a real
// VoicePipelineHost in this process, which dials the real server (spawned, voice on, TLS voice
// gateway, UDP SFU) as the app's main process would. A headless SDK voice client (carl) in the same
// channel hears the page's fake microphone (the speech fixture; energy-envelope correlation) and
// the page plays what carl says (the worklet's output energy, through __concordDebug). Mute, per-user
// volume and Disconnect reach the pipeline. Two more pages whose native bridge fails (no port ever
// arrives; main refuses start) end up in the channel over WebRTC instead.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConcordApi, GatewayClient, type WebSocketConstructor } from '@concord/client';
import { joinVoiceChannel, type JoinedVoice, type ReceivedFrame } from '@concord/client/voice';
import { energyEnvelope, envelopeCorrelation, readWav } from '@concord/media';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createIpcHandlers } from '../../src/main/ipc/createIpcHandlers.main.ts';
import { IpcSenderPolicy } from '../../src/main/ipc/IpcSenderPolicy.main.ts';
import { MessageCache } from '../../src/services/cache/MessageCache.ts';
import { SettingsStore } from '../../src/services/settings/SettingsStore.ts';
import { VoicePipelineHost } from '../../src/services/voice/VoicePipelineHost.ts';
import { closeOpened } from '../closeOpened.ts';
import { REPO_ROOT, buildWebClient, launchChromium, registerViaApi, startTestServer, type TestServer } from '../web/harness.ts';
import { exposeDesktopBridge } from './harness/exposeDesktopBridge.ts';
import type { VoiceRelayConfig } from './harness/nativeVoiceBridge.entry.ts';
import { startVoiceRelay, type VoiceRelay } from './harness/nativeVoiceRelay.ts';
import { arrivalTimeline, voiceBrowserArgs } from '@concord/testkit';

const FIXTURE = path.join(REPO_ROOT, 'packages/testkit/fixtures/speech-48k-mono.wav');
const ENTRY = fileURLToPath(new URL('./harness/nativeVoiceBridge.entry.ts', import.meta.url));
const FRAME = 960;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface NativeStats {
  phase: string;
  pipeline: { packetsSent: number; inputDropped: number; framesPosted: number; users: { userId: string; packetsReceived: number }[] } | null;
  worklet: { framesSent: number; framesReceived: number; underruns: number; overruns: number; playedEnergy: number } | null;
  noiseSuppressor: string;
  malformed: number;
}

/** One desktop "app": its own settings file, cache, IPC handlers and (maybe) pipeline host. */
interface DesktopApp {
  context: BrowserContext;
  page: Page;
  errors: string[];
  warnings: string[];
  host: VoicePipelineHost | null;
  relay: VoiceRelay | null;
  cache: MessageCache;
  close(): Promise<void>;
}


const nativeStats = (page: Page) => page.evaluate(() => window.__concordDebug?.nativeVoiceStats() ?? null) as Promise<NativeStats | null>;
const webRtcStats = (page: Page) => page.evaluate(() => window.__concordDebug?.voiceStats() ?? null);
const memberRow = (page: Page, channelId: string, userId: string) => page.locator(`[data-testid=voice-members][data-channel-id="${channelId}"] [data-testid=voice-member][data-user-id="${userId}"]`);


describe('desktop renderer on the native voice pipeline (Chromium + test bridge; the Electron binary cannot run here)', () => {
  let server: TestServer;
  let browser: Browser;
  let dir: string;
  let certFile = '';
  let guildId = '';
  let lounge = '';
  const users: Record<'dana' | 'erin' | 'finn' | 'carl', { id: string; token: string }> = {} as never;
  let carlGateway: GatewayClient | null = null;
  let carl: JoinedVoice | null = null;
  const heardFromDana: { atMs: number; pcm: Int16Array }[] = [];
  let speech: Int16Array;
  let dana: DesktopApp;
  let erin: DesktopApp;
  let finn: DesktopApp;
  const suffix = Date.now().toString(36).slice(-5);

  /** A page with the test bridge; `voice` says what its native voice part does. */
  async function openDesktopApp(name: string, token: string, voice: 'pipeline' | 'silent' | 'refused'): Promise<DesktopApp> {
    const userData = path.join(dir, name);
    const settings = new SettingsStore({ filePath: path.join(userData, 'settings.json') });
    const cache = new MessageCache({ filePath: path.join(userData, 'cache', 'messages.sqlite') });
    // `refused`: a relay delivers the port to a host, but the IPC handlers have no pipeline (start answers false).
    const host = voice === 'silent' ? null : new VoicePipelineHost({ settings: () => settings.get(), ca: readFileSync(certFile, 'utf8') });
    const relay = host === null ? null : await startVoiceRelay(host);
    const policy = new IpcSenderPolicy({ rendererRoot: null, appUrl: server.url });
    const handlers = createIpcHandlers({
      policy,
      cache,
      settings,
      notifications: { show: () => undefined },
      window: { isFocused: () => true, setBadgeCount: () => undefined },
      ...(voice === 'pipeline' && host !== null ? { voice: host, onSettingsChanged: (next: ReturnType<SettingsStore['get']>) => host.settingsChanged(next) } : {}),
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const relayConfig: VoiceRelayConfig = { url: relay?.url ?? '', mode: relay === null ? 'silent' : 'relay' };
    await context.addInitScript(({ t, relayConfig: r }) => {
      if (!localStorage.getItem('concord.token')) localStorage.setItem('concord.token', t);
      (globalThis as { __concordVoiceRelay?: unknown }).__concordVoiceRelay = r;
    }, { t: token, relayConfig });
    const errors: string[] = [];
    const warnings: string[] = [];
    await exposeDesktopBridge(context, { handlers, policy, initScriptEntry: ENTRY, reporter: { refused: (c, e) => errors.push(`${c} refused: ${e.code}`), failed: (c, e) => errors.push(`${c} failed: ${String(e)}`) } });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
      if (process.env['VOICE_E2E_CONSOLE'] === '1') console.log(`[${name}] ${m.type()}: ${m.text()}`);
    });
    await page.goto(server.url);
    await page.waitForSelector('[data-testid=server-rail]');
    await page.click(`[data-testid=guild-icon][data-guild-id="${guildId}"]`);
    await page.locator(`[data-testid=channel-item][data-channel-id="${lounge}"]`).waitFor();
    return {
      context,
      page,
      errors,
      warnings,
      host,
      relay,
      cache,
      async close() {
        await context.close();
        host?.stop();
        await relay?.close();
        cache.close();
      },
    };
  }

  const joinByClick = async (app: DesktopApp) => {
    await app.page.click(`[data-testid=channel-item][data-channel-id="${lounge}"]`);
    await expect.poll(() => app.page.locator('[data-testid=voice-panel-status]').textContent(), { timeout: 20_000 }).toBe('Voice Connected');
  };

  /** Carl says the fixture over and over until the returned stop is called. */
  const carlTalks = () => {
    const stop = new AbortController();
    const talking = (async () => {
      while (!stop.signal.aborted) await carl!.voice.play(speech, { signal: stop.signal }).catch(() => 0);
    })();
    return async () => {
      stop.abort();
      await talking;
    };
  };

  /** The energy dana's worklet played during `ms`. */
  const playedDuring = async (ms: number) => {
    const before = (await nativeStats(dana.page))?.worklet?.playedEnergy ?? 0;
    await sleep(ms);
    return ((await nativeStats(dana.page))?.worklet?.playedEnergy ?? 0) - before;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'concord-native-voice-e2e-'));
    speech = readWav(readFileSync(FIXTURE)).samples;
    server = await startTestServer(await buildWebClient(), { VOICE_PORT: '0', VOICE_UDP_PORT: '0' });
    certFile = path.join(server.dataDir, 'voice-tls/cert.pem');
    if (!existsSync(certFile)) throw new Error(`the server made no voice certificate at ${certFile}`);
    for (const name of ['dana', 'erin', 'finn', 'carl'] as const) {
      const r = await registerViaApi(server.url, `${name}_${suffix}`);
      users[name] = { id: r.id, token: r.token };
    }
    const api = (token: string) => new ConcordApi({ baseUrl: `${server.url}/api/v9`, token });
    const guild = await api(users.dana.token).createGuild({ name: 'Native Voice' });
    guildId = guild.id;
    lounge = (await api(users.dana.token).createChannel(guild.id, { name: 'Lounge', type: 2 })).id;
    const invite = (await api(users.dana.token).createInvite(guild.system_channel_id!)).code;
    for (const name of ['erin', 'finn', 'carl'] as const) await api(users[name].token).acceptInvite(invite);
    carlGateway = new GatewayClient({ url: server.url.replace('http', 'ws'), token: users.carl.token, encoding: 'json', WebSocket: WebSocket as unknown as WebSocketConstructor });
    carlGateway.connect();
    await carlGateway.waitForReady();
    // Only the WebRTC fallback dials the voice gateway from the browser; the pipeline trusts the certificate itself.
    browser = await launchChromium({ args: voiceBrowserArgs({ fakeAudioFile: FIXTURE, certFile }) });
    dana = await openDesktopApp('dana', users.dana.token, 'pipeline');
  }, 180_000);

  afterAll(async () => {
    carl?.leave();
    carlGateway?.close();
    await closeOpened(dana, erin, finn, browser, server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('joins by clicking the channel: "Voice Connected" through the native pipeline in the test process, not WebRTC', async () => {
    await joinByClick(dana);
    const stats = await nativeStats(dana.page);
    expect(stats?.phase).toBe('live');
    expect(stats?.pipeline).not.toBeNull();
    expect(await webRtcStats(dana.page)).toBeNull();
    expect(dana.relay?.attached).toBe(1);
    expect(dana.host?.stats()).not.toBeNull();
    // The worklet captures the fake microphone and posts 20 ms frames: 50 a second.
    const sent0 = stats?.worklet?.framesSent ?? 0;
    await sleep(1000);
    const sent1 = (await nativeStats(dana.page))?.worklet?.framesSent ?? 0;
    console.log(`capture worklet: ${String(sent1 - sent0)} frames in 1 s; pipeline dropped ${String(dana.host?.stats()?.inputDropped)}`);
    expect(sent1 - sent0).toBeGreaterThanOrEqual(40);
    expect(sent1 - sent0).toBeLessThanOrEqual(60);
    expect(dana.host?.stats()?.inputDropped).toBe(0);
  }, 60_000);

  it("a headless SDK client hears the page's microphone (envelope r >= 0.6) and the page plays what the SDK says", async () => {
    carl = await joinVoiceChannel(carlGateway!, { guildId, channelId: lounge, voice: { ca: readFileSync(certFile), channels: 1 } });
    carl.voice.on('audio', (f: ReceivedFrame) => {
      if (f.userId === users.dana.id) heardFromDana.push({ atMs: performance.now(), pcm: f.pcm });
    });
    await memberRow(dana.page, lounge, users.carl.id).waitFor();
    // Nobody else talks yet: nothing comes back (the pipeline never returns our own voice).
    const quiet = await playedDuring(1500);
    const mark = heardFromDana.length;
    await sleep(6000);
    const fromDana = heardFromDana.slice(mark);
    const received = arrivalTimeline(fromDana);
    // Chromium loops the fixture from wherever it is: look for it in three copies of itself.
    const tiled = new Int16Array(speech.length * 3);
    for (let i = 0; i < 3; i++) tiled.set(speech, i * speech.length);
    const match = envelopeCorrelation(energyEnvelope(tiled), energyEnvelope(received), Math.ceil((speech.length * 2) / FRAME));
    const rms = Math.sqrt(fromDana.reduce((a, f) => a + f.pcm.reduce((b, x) => b + x * x, 0), 0) / Math.max(1, fromDana.length * FRAME));
    const stopTalking = carlTalks();
    let loud: number;
    try {
      await sleep(500);
      loud = await playedDuring(3000);
      await expect.poll(() => memberRow(dana.page, lounge, users.carl.id).getAttribute('data-speaking'), { timeout: 5000 }).toBe('true');
    } finally {
      await stopTalking();
    }
    const worklet = (await nativeStats(dana.page))?.worklet;
    console.log(
      `page -> SDK: ${String(fromDana.length)} frames in 6 s, rms ${rms.toFixed(0)}, envelope r=${match.correlation.toFixed(3)} (lag ${String(match.lag)}); ` +
        `SDK -> page: played energy ${loud.toExponential(2)} in 3 s (quiet ${quiet.toExponential(2)}), ${String(worklet?.framesReceived)} mixed frames, ${String(worklet?.underruns)} underruns, ${String(worklet?.overruns)} overruns`,
    );
    expect(fromDana.length).toBeGreaterThan(150);
    expect(rms).toBeGreaterThan(300);
    expect(match.correlation).toBeGreaterThanOrEqual(0.6);
    expect(quiet).toBeLessThan(1e-6);
    expect(loud).toBeGreaterThan(1e-4);
    // The page shows itself speaking too (the pipeline's own gate).
    await expect.poll(() => memberRow(dana.page, lounge, users.dana.id).getAttribute('data-speaking'), { timeout: 5000 }).toBe('true');
  }, 60_000);

  it('Mute in the page stops the pipeline sending (the SDK hears nothing); unmuting resumes', async () => {
    await dana.page.getByRole('switch', { name: 'Mute' }).click();
    await sleep(500);
    const sent0 = dana.host!.stats()!.packetsSent;
    const heard0 = heardFromDana.length;
    await sleep(2000);
    const whileMuted = { sent: dana.host!.stats()!.packetsSent - sent0, heard: heardFromDana.length - heard0 };
    await dana.page.getByRole('switch', { name: 'Mute' }).click();
    await sleep(500);
    const heard1 = heardFromDana.length;
    await sleep(2000);
    const afterUnmute = heardFromDana.length - heard1;
    console.log(`muted: pipeline sent ${String(whileMuted.sent)} packets in 2 s, SDK heard ${String(whileMuted.heard)}; unmuted: SDK heard ${String(afterUnmute)}`);
    expect(whileMuted.sent).toBe(0);
    expect(whileMuted.heard).toBe(0);
    expect(afterUnmute).toBeGreaterThan(50);
  }, 30_000);

  it("per-user volume 0 in the page silences that user in the pipeline's mix; 100 % brings them back", async () => {
    const setVolume = (volume: number) => dana.page.evaluate(([id, v]) => window.__concordDebug!.stores.voice.getState().setUserAudio(id, { volume: v }), [users.carl.id, volume] as const);
    const stopTalking = carlTalks();
    try {
      await setVolume(0);
      await sleep(500);
      const silenced = await playedDuring(2000);
      await setVolume(100);
      await sleep(500);
      const restored = await playedDuring(2000);
      console.log(`carl at 0 %: played ${silenced.toExponential(2)} in 2 s; at 100 %: ${restored.toExponential(2)}`);
      expect(silenced).toBeLessThan(1e-7);
      expect(restored).toBeGreaterThan(1e-4);
    } finally {
      await stopTalking();
    }
  }, 30_000);

  it('push-to-talk (settings through the bridge to main, the key through the controller): the pipeline sends only while the key is held', async () => {
    const p = dana.page;
    await p.evaluate(async () => {
      const ui = window.__concordDebug!.stores.ui.getState();
      const next = await window.concord!.settings.set({ voiceInput: { ...ui.settings.voiceInput, mode: 'pushToTalk', pttReleaseDelayMs: 20 }, keybinds: { ...ui.settings.keybinds, pushToTalk: 'V' } });
      ui.setSettings(next);
    });
    const sentDuring = async (ms: number) => {
      const before = dana.host!.stats()!.packetsSent;
      await sleep(ms);
      return dana.host!.stats()!.packetsSent - before;
    };
    await sleep(500);
    const idle = await sentDuring(1500);
    await p.keyboard.down('v');
    const held = await sentDuring(1500);
    await p.keyboard.up('v');
    await sleep(300);
    const released = await sentDuring(1500);
    console.log(`push to talk: the pipeline sent ${String(idle)} packets idle, ${String(held)} while held, ${String(released)} after release (1.5 s each)`);
    expect(idle).toBe(0);
    expect(held).toBeGreaterThan(50);
    expect(released).toBe(0);
    await p.evaluate(async () => {
      const ui = window.__concordDebug!.stores.ui.getState();
      ui.setSettings(await window.concord!.settings.set({ voiceInput: { ...ui.settings.voiceInput, mode: 'voiceActivity' } }));
    });
  }, 30_000);

  it('Disconnect clears the panel and stops the pipeline in main', async () => {
    await dana.page.getByRole('button', { name: 'Disconnect' }).click();
    await dana.page.locator('[data-testid=voice-panel]').waitFor({ state: 'detached' });
    await expect.poll(() => dana.host?.stats() ?? null).toBeNull();
    expect(await nativeStats(dana.page)).toBeNull();
    await memberRow(dana.page, lounge, users.dana.id).waitFor({ state: 'detached' });
    expect(dana.errors).toEqual([]);
    expect(dana.relay?.malformed).toBe(0);
  }, 30_000);

  it('falls back to WebRTC when the native bridge never delivers a frame port', async () => {
    erin = await openDesktopApp('erin', users.erin.token, 'silent');
    const startedAt = Date.now();
    await joinByClick(erin);
    const tookMs = Date.now() - startedAt;
    expect(await nativeStats(erin.page)).toBeNull();
    await expect.poll(async () => ((await webRtcStats(erin.page)) as { connectionState?: string } | null)?.connectionState, { timeout: 10_000 }).toBe('connected');
    console.log(`no port: Voice Connected over WebRTC after ${String(tookMs)} ms`);
    expect(tookMs).toBeGreaterThanOrEqual(3000);
    expect(erin.warnings.some((w) => w.includes('native voice pipeline unavailable (no voice frame port within 3000 ms)'))).toBe(true);
    expect(erin.errors).toEqual([]);
  }, 60_000);

  it('falls back to WebRTC when the main process refuses to start the pipeline', async () => {
    finn = await openDesktopApp('finn', users.finn.token, 'refused');
    await joinByClick(finn);
    expect(finn.relay?.attached).toBe(1);
    expect(await nativeStats(finn.page)).toBeNull();
    await expect.poll(async () => ((await webRtcStats(finn.page)) as { connectionState?: string } | null)?.connectionState, { timeout: 10_000 }).toBe('connected');
    expect(finn.warnings.some((w) => w.includes('native voice pipeline unavailable (the main process has no frame port'))).toBe(true);
    // And WebRTC really carries audio: carl hears finn's fake microphone.
    const fromFinn: ReceivedFrame[] = [];
    carl!.voice.on('audio', (f: ReceivedFrame) => {
      if (f.userId === users.finn.id) fromFinn.push(f);
    });
    await expect.poll(() => fromFinn.length, { timeout: 10_000 }).toBeGreaterThan(50);
    expect(finn.errors).toEqual([]);
  }, 60_000);
});
