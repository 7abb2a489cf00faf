// The desktop bridge inside a real Chromium page: window.concord built by the same
// createDesktopBridge as the Electron preload, calls carried by a Playwright binding (the
// preload's stand-in; Electron itself cannot run here) to the real IPC handlers, a real
// better-sqlite3 cache file and the real sender policy deciding on the calling frame's URL.
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesktopBridge } from '../../src/shared/bridge.ts';
import { createIpcHandlers } from '../../src/main/ipc/createIpcHandlers.main.ts';
import { IpcSenderPolicy } from '../../src/main/ipc/IpcSenderPolicy.main.ts';
import { MessageCache } from '../../src/services/cache/MessageCache.ts';
import { SettingsStore } from '../../src/services/settings/SettingsStore.ts';
import { startAppHost, type AppHost } from './harness/AppHost.ts';
import { exposeDesktopBridge, type ExposedBridge } from './harness/exposeDesktopBridge.ts';
import { launchChromium } from './harness/launchChromium.ts';
import { closeOpened } from '../closeOpened.ts';

declare global {
  interface Window {
    concord?: DesktopBridge;
  }
}

const CHANNEL = '1200000000000000001';

describe('desktop bridge in Chromium (Playwright binding standing in for the Electron preload)', () => {
  let dir: string;
  let cache: MessageCache;
  let appHost: AppHost;
  let foreignHost: AppHost;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let exposed: ExposedBridge;
  const refusals: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'concord-bridge-e2e-'));
    const web = join(dir, 'web');
    mkdirSync(web);
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>app</title><iframe src="/frame.html"></iframe>');
    writeFileSync(join(web, 'frame.html'), '<!doctype html><title>frame</title>');
    appHost = await startAppHost(web, null);
    foreignHost = await startAppHost(web, null);
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
    context = await browser.newContext();
    exposed = await exposeDesktopBridge(context, {
      handlers,
      policy,
      reporter: { refused: (_c, e) => refusals.push(e.code), failed: (c, e) => refusals.push(`${c} failed: ${String(e)}`) },
    });
    page = await context.newPage();
    await page.goto(appHost.url);
    await page.frameLocator('iframe').locator('title').waitFor({ state: 'attached' });
  });

  afterAll(async () => {
    await closeOpened(browser, cache, appHost, foreignHost);
    rmSync(dir, { recursive: true, force: true });
  });

  it('exposes window.concord as a desktop bridge the page cannot replace', async () => {
    const shape = await page.evaluate(() => {
      const before = window.concord;
      try {
        (window as { concord?: unknown }).concord = { kind: 'forged' };
      } catch {
        // strict-mode pages throw; this script is sloppy mode and the write is ignored
      }
      return { kind: window.concord?.kind, same: window.concord === before, methods: Object.keys(window.concord?.cache ?? {}).sort() };
    });
    expect(shape).toEqual({ kind: 'desktop', same: true, methods: ['clear', 'deleteMessages', 'getMessages', 'putMessages', 'setMaxBytes', 'stats'] });
  });

  it('writes messages from the page into the real SQLite file and reads them back oldest first', async () => {
    const ids = await page.evaluate(async (channelId) => {
      const message = (id: string) => ({ id, channel_id: channelId, content: `from chromium ${id}`, type: 0 });
      await window.concord!.cache.putMessages(channelId, [message('1300000000000000002'), message('1300000000000000001')] as never);
      return (await window.concord!.cache.getMessages(channelId, 10)).map((m) => m.id);
    }, CHANNEL);
    expect(ids).toEqual(['1300000000000000001', '1300000000000000002']);
    const db = new Database(cache.filePath, { readonly: true });
    const onDisk = db.prepare('SELECT CAST(id AS TEXT) AS id, json FROM messages ORDER BY id').all() as { id: string; json: string }[];
    db.close();
    expect(onDisk.map((row) => row.id)).toEqual(['1300000000000000001', '1300000000000000002']);
    expect(onDisk[0]?.json).toContain('from chromium 1300000000000000001');
  });

  it('rejects malformed arguments with an error whose message carries INVALID_ARGUMENTS', async () => {
    const message = await page.evaluate(() => window.concord!.cache.getMessages('general', 50).then(() => 'resolved', (e: unknown) => (e instanceof Error ? e.message : String(e))));
    expect(message).toMatch(/^\[INVALID_ARGUMENTS\] concord:cache:get-messages/);
  });

  it('refuses the same calls from a subframe of the app window', async () => {
    const frame = page.frames().find((f) => f.url().endsWith('/frame.html'));
    if (frame === undefined) throw new Error('iframe not found');
    const message = await frame.evaluate(() => window.concord!.cache.stats().then(() => 'resolved', (e: unknown) => (e instanceof Error ? e.message : String(e))));
    expect(message).toMatch(/^\[FORBIDDEN_SENDER\]/);
  });

  it('refuses a page that navigated to another origin', async () => {
    const other = await context.newPage();
    await other.goto(foreignHost.url);
    const message = await other.evaluate(() => window.concord!.cache.clear().then(() => 'resolved', (e: unknown) => (e instanceof Error ? e.message : String(e))));
    expect(message).toMatch(/^\[FORBIDDEN_SENDER\]/);
    expect(cache.stats().messageCount).toBe(2);
    await other.close();
    expect(exposed.calls.filter((c) => c.code === 'FORBIDDEN_SENDER').length).toBeGreaterThanOrEqual(2);
  });
});
