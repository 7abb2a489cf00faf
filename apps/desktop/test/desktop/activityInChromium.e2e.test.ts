// The desktop renderer's game activity path for real, without Electron (its binary cannot run on
// these machines): the renderer build in the testkit's Chromium, window.concord from the same
// createDesktopBridge as the preload (harness/overlayBridge.entry.ts: invoke over a Playwright
// binding to the real IPC handlers, main's webContents.send as a window event). This process plays
// main: the real RPC server and ActivityHub (startDesktopPresence, the code main.main.ts runs) on
// discord-ipc-0 in a temp XDG_RUNTIME_DIR, with no server URL configured (the app loading its own
// files). An unmodified @xhayper/discord-rpc client connects before the page has signed in, gets
// READY naming the page's user once the page's session reports it (bridge.activity.setSession),
// and sets a rich activity; the hub's list goes into the page, whose session sends op 3 with its
// custom status kept, and another member's SDK gateway session (the real server, its own process)
// receives it. The same page then records push-to-talk keys in Voice & Video and Keybinds, and its
// device list follows a devicechange.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConcordApi, GatewayClient, type WebSocketConstructor } from '@concord/client';
import type { APIPresence } from '@concord/protocol';
import { Client as XhayperClient } from '@xhayper/discord-rpc';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createIpcHandlers } from '../../src/main/ipc/createIpcHandlers.main.ts';
import { IpcSenderPolicy } from '../../src/main/ipc/IpcSenderPolicy.main.ts';
import { startDesktopPresence, type DesktopPresence, type DesktopPresenceOptions } from '../../src/main/ipc/localActivities.main.ts';
import { MessageCache } from '../../src/services/cache/MessageCache.ts';
import { SettingsStore } from '../../src/services/settings/SettingsStore.ts';
import { closeOpened } from '../closeOpened.ts';
import { buildWebClient, launchChromium, registerViaApi, startTestServer, type TestServer } from '../web/harness.ts';
import { exposeDesktopBridge, type ExposedBridge } from './harness/exposeDesktopBridge.ts';
import { until } from './harness/until.ts';

/** The push-capable test bridge (main's webContents.send arrives as a window event). */
const ENTRY = fileURLToPath(new URL('./harness/overlayBridge.entry.ts', import.meta.url));
const CUSTOM_STATUS = { type: 4, name: 'Custom Status', state: 'Raiding tonight' };

describe('desktop renderer in Chromium: local activities to op 3, keybinds, devices (test bridge; the Electron binary cannot run here)', () => {
  let server: TestServer;
  let dir: string;
  let runtimeDir: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page | undefined;
  let exposed: ExposedBridge;
  let cache: MessageCache;
  let settingsFile: string;
  let presence: DesktopPresence;
  let observer: GatewayClient;
  let game: XhayperClient;
  let ada: { token: string; id: string };
  let guildId = '';
  let clientId = '';
  const presences: APIPresence[] = [];
  const pageErrors: string[] = [];
  let readyAfterMs = 0;

  const adaPresence = (from: number, match: (p: APIPresence) => boolean, what: string) =>
    until(() => presences.slice(from).find((p) => p.user.id === ada.id && match(p)), what, 10_000);

  beforeAll(async () => {
    const webRoot = await buildWebClient();
    server = await startTestServer(webRoot);
    dir = mkdtempSync(path.join(tmpdir(), 'concord-activity-chromium-'));
    runtimeDir = mkdtempSync(path.join(tmpdir(), 'concord-activity-run-'));
    // @xhayper/discord-rpc finds discord-ipc-0 here when it connects; nothing else in this process reads it.
    process.env['XDG_RUNTIME_DIR'] = runtimeDir;
    const suffix = Date.now().toString(36).slice(-5);
    ada = await registerViaApi(server.url, `ada_${suffix}`);
    const bob = await registerViaApi(server.url, `bob_${suffix}`);
    const api = (token: string) => new ConcordApi({ baseUrl: `${server.url}/api/v9`, token });
    const guild = await api(ada.token).createGuild({ name: 'Game Night' });
    guildId = guild.id;
    const invite = await api(ada.token).createInvite(guild.system_channel_id!, { max_age: 0 });
    await api(bob.token).acceptInvite(invite.code);
    clientId = (await api(bob.token).createApplication({ name: 'Concord Test Game' })).id;

    observer = new GatewayClient({ url: server.url.replace('http', 'ws'), token: bob.token, encoding: 'json', WebSocket: WebSocket as unknown as WebSocketConstructor });
    observer.on('dispatchEvent', (event) => {
      if (event.t === 'PRESENCE_UPDATE') presences.push(event.d);
    });
    observer.connect();
    await observer.waitForReady();

    // main's part. Its webContents.send becomes the window event the test bridge listens to.
    let finishLoad: (() => void) | null = null;
    const appWindow = {
      send: (channel: string, payload: unknown) => {
        page?.evaluate(([c, p]) => window.dispatchEvent(new CustomEvent('concord-test-push', { detail: { channel: c, payload: p } })), [channel, payload] as const).catch(() => undefined);
      },
      on: (event: string, listener: () => void) => {
        if (event === 'did-finish-load') finishLoad = listener;
      },
    };
    settingsFile = path.join(dir, 'settings.json');
    const settings = new SettingsStore({ filePath: settingsFile });
    const started = await startDesktopPresence({
      settings: settings.get(),
      serverUrl: null,
      window: appWindow as unknown as DesktopPresenceOptions['window'],
      log: { info: () => undefined, warn: (message) => console.warn(message) },
      rpc: { env: { XDG_RUNTIME_DIR: runtimeDir }, wsPorts: false },
    });
    if (started === null) throw new Error('the RPC server did not start');
    presence = started;

    cache = new MessageCache({ filePath: path.join(dir, 'messages.sqlite') });
    const policy = new IpcSenderPolicy({ rendererRoot: null, appUrl: server.url });
    const handlers = createIpcHandlers({
      policy,
      cache,
      settings,
      notifications: { show: () => undefined },
      window: { isFocused: () => true, setBadgeCount: () => undefined },
      onSettingsChanged: (next) => presence.settingsChanged(next),
      activity: { isAppWindow: (id) => page !== undefined && id === exposed.idOf(page), setSession: (session) => presence.setSession(session) },
    });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    exposed = await exposeDesktopBridge(context, { handlers, policy, initScriptEntry: ENTRY, reporter: { refused: (c, e) => pageErrors.push(`${c} refused: ${e.code}`), failed: (c, e) => pageErrors.push(`${c} failed: ${String(e)}`) } });
    await context.addInitScript((t: string) => localStorage.setItem('concord.token', t), ada.token);

    // The game starts before the app has signed anyone in: its handshake waits for READY.
    game = new XhayperClient({ clientId });
    const connectStartedAt = Date.now();
    const connected = game.connect().then(() => (readyAfterMs = Date.now() - connectStartedAt));
    const opened = await context.newPage();
    page = opened;
    opened.on('pageerror', (e) => pageErrors.push(e.message));
    opened.on('load', () => finishLoad?.());
    await opened.goto(server.url);
    await opened.waitForSelector('[data-testid=server-rail]');
    await connected;
  }, 180_000);

  afterAll(async () => {
    await game.destroy().catch(() => undefined);
    observer.close();
    await presence.close();
    await closeOpened(browser, cache);
    await server.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(runtimeDir, { recursive: true, force: true });
  });

  it("answers the game that connected before sign-in with READY naming the page's user", () => {
    console.log(`game connected before sign-in: READY after ${readyAfterMs} ms`);
    expect(game.user?.id).toBe(ada.id);
    expect(game.user?.username).toMatch(/^ada_/);
    expect(pageErrors).toEqual([]);
  });

  it("carries the game's rich activity through the page's op 3 to another member, next to the custom status", async () => {
    const p = page!;
    // The renderer has no custom status editor yet: the status is put in the session store, as a
    // custom status set on this session would be, and must survive the game's updates.
    await p.evaluate((custom) => window.__concordDebug!.stores.session.setState({ selfActivities: [custom as never] }), CUSTOM_STATUS);
    const mark = presences.length;
    const start = new Date(Date.now() - 60_000);
    await game.user!.setActivity({
      details: 'Ranked match',
      state: 'In a group',
      partyId: 'party-1',
      partySize: 2,
      partyMax: 5,
      startTimestamp: start,
      buttons: [{ label: 'Watch', url: 'https://example.com/watch' }],
    });
    const seen = await adaPresence(mark, (x) => x.activities.some((a) => a.type === 0), 'the game at another member');
    expect(seen.activities).toEqual([
      expect.objectContaining({ type: 4, state: 'Raiding tonight' }),
      expect.objectContaining({
        type: 0,
        name: 'Concord Test Game',
        application_id: clientId,
        details: 'Ranked match',
        state: 'In a group',
        party: { id: 'party-1', size: [2, 5] },
        timestamps: { start: start.getTime() },
        buttons: ['Watch'],
        metadata: { button_urls: ['https://example.com/watch'] },
      }),
    ]);
    expect(seen.client_status).toMatchObject({ desktop: 'online' });

    // The page's own member list shows it too.
    await p.click(`[data-testid=guild-icon][data-guild-id="${guildId}"]`);
    const self = p.locator(`[data-testid=member-list] [data-testid=member][data-user-id="${ada.id}"] [data-testid=member-activity]`);
    await expect.poll(() => self.textContent(), { timeout: 10_000 }).toBe('Playing Concord Test Game');

    const beforeClear = presences.length;
    await game.user!.clearActivity();
    const cleared = await adaPresence(beforeClear, (x) => !x.activities.some((a) => a.type === 0), 'the cleared game');
    expect(cleared.activities).toEqual([expect.objectContaining({ type: 4, state: 'Raiding tonight' })]);
  }, 60_000);

  it('records push-to-talk by physical key in Voice & Video and Keybinds alike (Space, Shift+`)', async () => {
    const p = page!;
    const stored = () => (JSON.parse(readFileSync(settingsFile, 'utf8')) as { keybinds?: { pushToTalk?: string | null } }).keybinds?.pushToTalk;
    await p.click('[data-testid=user-settings-button]');
    await p.getByText('Voice & Video', { exact: true }).click();
    await p.click('[data-testid=input-mode-pushToTalk]');
    await p.click('[data-testid=ptt-key]');
    // Space on the focused recorder button would "click" it; the recorder takes it as the key.
    await p.keyboard.press('Space');
    await expect.poll(() => p.locator('[data-testid=ptt-key]').textContent()).toBe('Space');
    expect(stored()).toBe('Space');
    await p.getByText('Keybinds', { exact: true }).click();
    const row = p.locator('[data-testid=keybind-pushToTalk]');
    await expect.poll(() => row.locator('.keybind').textContent()).toBe('Space');
    await row.getByRole('button', { name: 'Edit' }).click();
    await p.keyboard.press('Shift+Backquote');
    await expect.poll(() => row.locator('.keybind').textContent()).toBe('Shift+`');
    expect(stored()).toBe('Shift+`');
    await p.getByText('Voice & Video', { exact: true }).click();
    await expect.poll(() => p.locator('[data-testid=ptt-key]').textContent()).toBe('Shift+`');
  }, 30_000);

  it('lists devices again when one comes or goes (devicechange)', async () => {
    const p = page!;
    const inputs = () => p.locator('[data-testid=input-device] option').allTextContents();
    await p.locator('[data-testid=input-device]').waitFor();
    const before = await inputs();
    // No headset can be plugged into this machine: Chromium's device list gains one the way it
    // would (enumerateDevices answers with it), and the page gets the event Chromium fires then.
    await p.evaluate(() => {
      const media = navigator.mediaDevices;
      const real = media.enumerateDevices.bind(media);
      const headset = { deviceId: 'usb-headset', groupId: 'usb', kind: 'audioinput', label: 'USB Headset', toJSON: () => ({}) } as MediaDeviceInfo;
      media.enumerateDevices = async () => [...(await real()), headset];
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await inputs()).toEqual(before);
    await p.evaluate(() => navigator.mediaDevices.dispatchEvent(new Event('devicechange')));
    await expect.poll(inputs).toEqual([...before, 'USB Headset']);
  }, 30_000);
});
