// The overlay route (#/overlay) of the real web build in real Chromium against the real server:
// its own session from the stored token shows the voice channel our user is in (voice states from
// the server: two SDK sessions joined by gateway op 4) and a real mention (another member's REST
// message) as an overlay notification; who is speaking arrives as main would push it. The page's
// window.concord is createDesktopBridge over a Playwright binding to the real IPC handlers (the
// Electron preload's stand-in; Electron cannot run here). Writes docs/screenshots/overlay.png.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConcordApi, GatewayClient, type WebSocketConstructor } from '@concord/client';
import { GatewayOpcode } from '@concord/protocol';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createIpcHandlers } from '../../src/main/ipc/createIpcHandlers.main.ts';
import { IpcSenderPolicy } from '../../src/main/ipc/IpcSenderPolicy.main.ts';
import { MessageCache } from '../../src/services/cache/MessageCache.ts';
import { SettingsStore } from '../../src/services/settings/SettingsStore.ts';
import { OVERLAY_STATE_CHANNEL, type OverlayState } from '../../src/shared/hotkeysBridge.ts';
import { buildWebClient, launchChromium, registerViaApi, startTestServer, type TestServer } from '../web/harness.ts';
import { exposeDesktopBridge } from './harness/exposeDesktopBridge.ts';

const ENTRY = fileURLToPath(new URL('./harness/overlayBridge.entry.ts', import.meta.url));
const SCREENSHOT = fileURLToPath(new URL('../../../../docs/screenshots/overlay.png', import.meta.url));

describe('overlay route in Chromium (desktop bridge over a Playwright binding; no Electron binary here)', () => {
  let server: TestServer;
  let dir: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cache: MessageCache;
  const gateways: GatewayClient[] = [];
  let ada: { token: string; id: string };
  let bob: { token: string; id: string };
  let cyd: { token: string; id: string };
  let textChannelId = '';

  const gateway = async (token: string) => {
    const client = new GatewayClient({ url: server.url.replace('http', 'ws'), token, encoding: 'json', WebSocket: WebSocket as unknown as WebSocketConstructor });
    client.connect();
    await client.waitForReady();
    gateways.push(client);
    return client;
  };
  const push = (state: OverlayState) => page.evaluate(([channel, payload]) => window.dispatchEvent(new CustomEvent('concord-test-push', { detail: { channel, payload } })), [OVERLAY_STATE_CHANNEL, state] as const);

  beforeAll(async () => {
    const webRoot = await buildWebClient();
    server = await startTestServer(webRoot, { VOICE_PORT: '0', VOICE_UDP_PORT: '0' });
    dir = mkdtempSync(path.join(tmpdir(), 'concord-overlay-e2e-'));
    const suffix = Date.now().toString(36).slice(-5);
    ada = await registerViaApi(server.url, `ada_${suffix}`);
    bob = await registerViaApi(server.url, `bob_${suffix}`);
    cyd = await registerViaApi(server.url, `cyd_${suffix}`);
    const api = (token: string) => new ConcordApi({ baseUrl: `${server.url}/api/v9`, token });
    const guild = await api(ada.token).createGuild({ name: 'Raid Night' });
    textChannelId = guild.system_channel_id!;
    const voiceChannelId = (await api(ada.token).createChannel(guild.id, { name: 'Squad', type: 2 })).id;
    const invite = await api(ada.token).createInvite(textChannelId, { max_age: 0 });
    await api(bob.token).acceptInvite(invite.code);
    await api(cyd.token).acceptInvite(invite.code);
    await api(ada.token).modifyMe({ global_name: 'Ada' });
    await api(bob.token).modifyMe({ global_name: 'Bob' });
    await api(cyd.token).modifyMe({ global_name: 'Cyd' });
    // Ada's app window and two friends are in the voice channel (op 4 on their gateways).
    for (const [user, selfMute] of [[ada, false], [bob, false], [cyd, true]] as const) {
      const g = await gateway(user.token);
      g.send(GatewayOpcode.VoiceStateUpdate, { guild_id: guild.id, channel_id: voiceChannelId, self_mute: selfMute, self_deaf: false });
    }

    cache = new MessageCache({ filePath: path.join(dir, 'messages.sqlite') });
    const settings = new SettingsStore({ filePath: path.join(dir, 'settings.json'), warn: () => undefined });
    const policy = new IpcSenderPolicy({ rendererRoot: null, appUrl: server.url });
    const handlers = createIpcHandlers({ policy, cache, settings, notifications: { show: () => undefined }, window: { isFocused: () => false, setBadgeCount: () => undefined } });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    await exposeDesktopBridge(context, { handlers, policy, reporter: { refused: () => undefined, failed: () => undefined }, initScriptEntry: ENTRY });
    await context.addInitScript((t: string) => localStorage.setItem('concord.token', t), ada.token);
    page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'warning' || m.type() === 'error') console.log(`[page] ${m.text()}`); });
    await page.goto(`${server.url}/#/overlay`);
  }, 120_000);

  afterAll(async () => {
    for (const g of gateways) g.close();
    await browser.close();
    cache.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the voice channel with who is speaking, and a mention as a notification; transparent outside its cards', async () => {
    await page.waitForSelector('[data-testid=overlay-voice]');
    await expect.poll(() => page.locator('[data-testid=overlay-voice-member]').count(), { timeout: 10_000 }).toBe(3);
    await push({ interactive: false, game: { id: '1', name: 'Fake Game' }, speaking: [bob.id] });
    await expect.poll(() => page.locator('[data-testid=overlay-voice-member][data-speaking=true] .overlay-name').allTextContents()).toEqual(['Bob']);
    await new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: bob.token }).sendMessage(textChannelId, { content: `<@${ada.id}> pull in 10, ready?` });
    await page.waitForSelector('[data-testid=overlay-notification]');
    expect(await page.locator('[data-testid=overlay-notification]').first().textContent()).toContain('pull in 10, ready?');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgba(0, 0, 0, 0)');
    // A stand-in for the game behind the transparent window, for the screenshot only.
    await page.addStyleTag({ content: 'html.overlay-window { background: linear-gradient(135deg, #1d3b2a 0%, #3f5f2f 40%, #7a6a3a 70%, #2b2b40 100%) !important; }' });
    await page.screenshot({ path: SCREENSHOT });
  }, 30_000);

  it('unlocked, it shows the chat of the notified channel', async () => {
    await push({ interactive: true, game: { id: '1', name: 'Fake Game' }, speaking: [bob.id] });
    await page.waitForSelector('[data-testid=overlay-chat]');
    await expect.poll(() => page.locator('[data-testid=overlay-chat]').textContent(), { timeout: 10_000 }).toContain('pull in 10, ready?');
    expect(await page.getAttribute('[data-testid=overlay-root]', 'data-interactive')).toBe('true');
  }, 30_000);
});
