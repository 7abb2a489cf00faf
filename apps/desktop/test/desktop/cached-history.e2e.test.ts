// The desktop app's offline promise, end to end: open a channel, see its messages, stop the
// server, reload: the cached history still shows, under the offline banner. Then log out: the
// cache is wiped from disk.
//
// What is real: the chat server (its own process, `npm start`'s entry, on a temp SQLite file),
// the renderer (the Vite build of apps/desktop/src/renderer), Debian's Chromium, the IPC
// handlers, the sender policy and the MessageCache on a real better-sqlite3 file in a temp
// "user data" directory.
// What stands in for Electron, which cannot be downloaded here:
//   - the preload: `window.concord` is built by the same createDesktopBridge, bundled into an init
//     script, and its calls reach the handlers through Playwright's exposeBinding instead of
//     ipcRenderer (harness/exposeDesktopBridge.ts);
//   - loading dist/web from disk: a local host serves the build and outlives the server; it also
//     forwards /api and /gateway, because a renderer served over http talks to its own origin
//     (harness/AppHost.ts).
// The test signs in by storing a token (registered over REST) where the renderer keeps it; the
// login screen is covered by the web e2e tests.
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConcordApi } from '@concord/client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IpcChannel } from '../../src/shared/ipcChannels.ts';
import { createIpcHandlers } from '../../src/main/ipc/createIpcHandlers.main.ts';
import { IpcSenderPolicy } from '../../src/main/ipc/IpcSenderPolicy.main.ts';
import { MessageCache } from '../../src/services/cache/MessageCache.ts';
import { SettingsStore } from '../../src/services/settings/SettingsStore.ts';
import { startAppHost, type AppHost } from './harness/AppHost.ts';
import { buildRenderer } from './harness/buildRenderer.ts';
import { exposeDesktopBridge, type ExposedBridge } from './harness/exposeDesktopBridge.ts';
import { launchChromium } from './harness/launchChromium.ts';
import { closeOpened } from '../closeOpened.ts';
import { spawnServer, type SpawnedServer } from './harness/spawnServer.ts';

const MESSAGE_COUNT = 30;
const contentOf = (n: number) => `cached history line ${String(n).padStart(2, '0')}`;

interface CachedRow {
  id: string;
  json: string;
}

function rowsOnDisk(filePath: string, channelId: string): CachedRow[] {
  const db = new Database(filePath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT CAST(id AS TEXT) AS id, json FROM messages WHERE channel_id = ? ORDER BY id').all(BigInt(channelId)) as CachedRow[];
  } finally {
    db.close();
  }
}

describe('desktop: cached history survives the server going away', () => {
  let dir: string;
  let server: SpawnedServer | null = null;
  let appHost: AppHost;
  let cache: MessageCache;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let exposed: ExposedBridge;
  let guildId: string;
  let channelId: string;
  const pageErrors: string[] = [];
  const refusals: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'concord-cached-history-'));
    const webDir = buildRenderer(join(dir, 'web'));

    server = await spawnServer(join(dir, 'server-data'));
    const anonymous = new ConcordApi({ baseUrl: `${server.url}/api/v9` });
    const { token } = await anonymous.register({ username: `cache_e2e_${process.pid}`.slice(0, 32), password: 'correct horse battery staple' });
    const api = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token });
    const guild = await api.createGuild({ name: 'Offline Club' });
    guildId = guild.id;
    const channels = await api.getChannels(guildId);
    const text = channels.find((c) => c.type === 0);
    if (text === undefined) throw new Error('the new guild has no text channel');
    channelId = text.id;
    for (let n = 1; n <= MESSAGE_COUNT; n++) await api.sendMessage(channelId, { content: contentOf(n) });

    appHost = await startAppHost(webDir, server.url);
    cache = new MessageCache({ filePath: join(dir, 'user-data', 'cache', 'messages.sqlite') });
    const policy = new IpcSenderPolicy({ rendererRoot: null, appUrl: appHost.url });
    const handlers = createIpcHandlers({
      policy,
      cache,
      settings: new SettingsStore({ filePath: join(dir, 'user-data', 'settings.json') }),
      notifications: { show: () => {} },
      window: { isFocused: () => true, setBadgeCount: () => {} },
    });

    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    exposed = await exposeDesktopBridge(context, {
      handlers,
      policy,
      reporter: { refused: (c, e) => refusals.push(`${c}: ${e.message}`), failed: (c, e) => refusals.push(`${c} failed: ${String(e)}`) },
    });
    // Signed in already, as after an earlier login: the renderer keeps its token in localStorage.
    await context.addInitScript((t) => {
      if (localStorage.getItem('concord.token') === null) localStorage.setItem('concord.token', t);
    }, token);
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 240_000);

  afterAll(async () => {
    await closeOpened(browser, cache, appHost);
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function openTheChannel(): Promise<void> {
    await page.locator(`[data-testid="guild-icon"][data-guild-id="${guildId}"]`).click();
    await page.locator(`[data-testid="channel-item"][data-channel-id="${channelId}"]`).click();
  }

  it('opens the channel from the server and writes what it showed to the SQLite cache file', async () => {
    await page.goto(appHost.url);
    await openTheChannel();
    const chat = page.getByTestId('chat-view');
    await expect(chat.getByText(contentOf(MESSAGE_COUNT), { exact: true })).toBeVisibleSoon();
    expect(await page.getByTestId('offline-banner').count()).toBe(0);

    // The renderer writes the page to the cache after painting it; give that write a moment.
    await expect.poll(() => rowsOnDisk(cache.filePath, channelId).length, { timeout: 10_000 }).toBe(MESSAGE_COUNT);
    const rows = rowsOnDisk(cache.filePath, channelId);
    expect(rows.map((row) => JSON.parse(row.json).content)).toEqual(Array.from({ length: MESSAGE_COUNT }, (_, i) => contentOf(i + 1)));
    expect(exposed.calls).toContainEqual({ channel: IpcChannel.cachePutMessages, ok: true });
  }, 120_000);

  it('still shows the cached history under the offline banner after the server stops and the page reloads', async () => {
    const callsBefore = exposed.calls.length;
    await server?.stop();
    server = null;
    appHost.setBackend(null);

    await page.reload();
    // The sidebar comes from the renderer's own snapshot; the channel may or may not be reopened
    // automatically depending on when that snapshot was taken, so open it the way a user would.
    const chat = page.getByTestId('chat-view');
    const newest = chat.getByText(contentOf(MESSAGE_COUNT), { exact: true });
    if (!(await newest.isVisible().catch(() => false))) {
      await page.locator(`[data-testid="guild-icon"][data-guild-id="${guildId}"]`).click({ timeout: 20_000 });
      const channelItem = page.locator(`[data-testid="channel-item"][data-channel-id="${channelId}"]`);
      if (!(await newest.isVisible().catch(() => false))) await channelItem.click({ timeout: 20_000 });
    }
    await expect(newest).toBeVisibleSoon();
    await expect(page.getByTestId('offline-banner')).toBeVisibleSoon();
    // More than one cached row is painted, in order (oldest at the top).
    const shown = await chat.getByTestId('message-content').allInnerTexts();
    const cachedShown = shown.filter((text) => text.startsWith('cached history line'));
    expect(cachedShown.length).toBeGreaterThan(5);
    expect([...cachedShown].sort()).toEqual(cachedShown);

    // CONCORD_E2E_SCREENSHOT=/tmp/offline.png saves what the user would see here, to look at.
    if (process.env.CONCORD_E2E_SCREENSHOT) await page.screenshot({ path: process.env.CONCORD_E2E_SCREENSHOT });
    // Those rows came through the bridge from the SQLite file (the server is gone)...
    const after = exposed.calls.slice(callsBefore);
    expect(after).toContainEqual({ channel: IpcChannel.cacheGetMessages, ok: true });
    // ...and the file still holds every message.
    expect(rowsOnDisk(cache.filePath, channelId)).toHaveLength(MESSAGE_COUNT);
    expect(refusals).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('logging out wipes the cache: no row and no message text is left in the file or its WAL', async () => {
    await page.getByTestId('user-settings-button').click();
    await page.getByTestId('logout-button').click();
    await expect.poll(() => rowsOnDisk(cache.filePath, channelId).length, { timeout: 10_000 }).toBe(0);
    expect(exposed.calls).toContainEqual({ channel: IpcChannel.cacheClear, ok: true });
    const bytesOnDisk = ['', '-wal']
      .map((suffix) => (existsSync(cache.filePath + suffix) ? readFileSync(cache.filePath + suffix).toString('latin1') : ''))
      .join('');
    expect(bytesOnDisk).not.toContain('cached history line');
    expect(cache.stats()).toMatchObject({ messageCount: 0, sizeBytes: 0 });
  }, 60_000);
});

// A visibility wait with room for a cold renderer start on a loaded 2-core machine.
expect.extend({
  async toBeVisibleSoon(received: { waitFor(options: { state: 'visible'; timeout: number }): Promise<void> }) {
    try {
      await received.waitFor({ state: 'visible', timeout: 20_000 });
      return { pass: true, message: () => 'expected the element not to become visible' };
    } catch (error) {
      return { pass: false, message: () => `element did not become visible within 20 s: ${String(error)}` };
    }
  },
});

declare module 'vitest' {
  interface Assertion {
    toBeVisibleSoon(): Promise<void>;
  }
}
