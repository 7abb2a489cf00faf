// The renderer's platform seam and its offline behaviour, in Chromium against the real server:
// a `window.concord` bridge (here a test double whose cache survives reloads in localStorage)
// is picked over the web bridge; opening a channel paints from its cache and then asks the
// server only for newer messages; when the server goes away the "Reconnecting…" banner shows,
// cached history still opens under the offline banner, and the draft being typed survives.
import type { Browser, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebClient, launchChromium, messageWithText, openUserPage, registerThroughUi, send, startTestServer, type TestServer, type UserPage } from './harness.ts';

/** Runs in the page before the app: a DesktopBridge whose message cache lives in localStorage. */
function installPersistentBridge(): void {
  const KEY = 'test.bridge.cache';
  type Msg = { id: string };
  const read = (): Record<string, Msg[]> => JSON.parse(localStorage.getItem(KEY) ?? '{}') as Record<string, Msg[]>;
  const write = (v: Record<string, Msg[]>) => localStorage.setItem(KEY, JSON.stringify(v));
  const cmp = (a: Msg, b: Msg) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0);
  const calls: string[] = [];
  let settings = { theme: 'dark', cacheMaxBytes: 524288000, notifications: { mentions: true, directMessages: true, sound: true }, activityPrivacy: { shareActivity: true }, keybinds: { pushToTalk: null, toggleMute: null, toggleDeafen: null }, voice: { inputDeviceId: null, outputDeviceId: null, inputVolume: 100, outputVolume: 100 }, compactMode: false };
  (window as unknown as { __bridgeCalls: string[] }).__bridgeCalls = calls;
  (window as unknown as { concord: unknown }).concord = {
    kind: 'desktop',
    platform: 'test',
    version: '0.0.0-test',
    cache: {
      async getMessages(channelId: string, limit: number) {
        calls.push(`get:${channelId}`);
        const list = (read()[channelId] ?? []).sort(cmp);
        return list.slice(Math.max(0, list.length - limit));
      },
      async putMessages(channelId: string, messages: Msg[]) {
        const all = read();
        const byId = new Map((all[channelId] ?? []).map((m) => [m.id, m]));
        for (const m of messages) byId.set(m.id, m);
        all[channelId] = [...byId.values()];
        write(all);
      },
      async deleteMessages(channelId: string, ids: string[]) {
        const all = read();
        all[channelId] = (all[channelId] ?? []).filter((m) => !ids.includes(m.id));
        write(all);
      },
      async stats() {
        const all = read();
        return { sizeBytes: JSON.stringify(all).length, maxBytes: settings.cacheMaxBytes, messageCount: Object.values(all).flat().length, channelCount: Object.keys(all).length };
      },
      async setMaxBytes(maxBytes: number) {
        settings = { ...settings, cacheMaxBytes: maxBytes };
        return { sizeBytes: 0, maxBytes, messageCount: 0, channelCount: 0 };
      },
      async clear() {
        calls.push('clear');
        localStorage.removeItem(KEY);
      },
    },
    settings: {
      async get() {
        return settings;
      },
      async set(patch: object) {
        settings = { ...settings, ...patch };
        return settings;
      },
    },
    notifications: { async show() {} },
    window: {
      async isFocused() {
        return true;
      },
      async setBadgeCount() {},
    },
  };
}

describe('web client: cache-first channel open, offline and reconnect', () => {
  let server: TestServer;
  let browser: Browser;
  let user: UserPage;
  const name = `carol_${Date.now().toString(36).slice(-5)}`;

  beforeAll(async () => {
    server = await startTestServer(await buildWebClient());
    browser = await launchChromium();
    user = await openUserPage(browser, 'about:blank', name);
    await user.context.addInitScript(installPersistentBridge);
    await user.page.goto(server.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('uses window.concord when present and fills its cache from pages and live events', async () => {
    const p = user.page;
    await registerThroughUi(user);
    await p.click('[data-testid=add-server]');
    await p.click('[data-testid=choose-create]');
    await p.fill('[data-testid=guild-name-input]', 'Offline Club');
    await p.click('[data-testid=create-guild-submit]');
    await p.waitForSelector('[data-testid=chat-title]:has-text("general")');
    for (const t of ['first cached', 'second cached', 'third cached']) await send(p, t);
    await messageWithText(p, 'third cached').waitFor();
    await p.click('[data-testid=guild-header]');
    await p.click('[data-testid=menu-create-channel]');
    await p.fill('[data-testid=channel-name-input]', 'archive');
    await p.click('[data-testid=create-channel-submit]');
    await p.waitForSelector('[data-testid=chat-title]:has-text("archive")');
    await send(p, 'archived words');
    await messageWithText(p, 'archived words').waitFor();
    await p.click('[data-testid=channel-item][data-channel-name=general]');
    await messageWithText(p, 'third cached').waitFor();
    const cached = await p.evaluate(() => localStorage.getItem('test.bridge.cache') ?? '');
    expect(cached).toContain('third cached');
    expect(cached).toContain('archived words');
  });

  it('paints from the cache on open, then fetches only messages after the newest cached id', async () => {
    const p = user.page;
    const newestCachedId = await p.evaluate(() => {
      const all = JSON.parse(localStorage.getItem('test.bridge.cache') ?? '{}') as Record<string, { id: string; content: string }[]>;
      return Object.values(all).flat().find((m) => m.content === 'third cached')?.id ?? '';
    });
    expect(newestCachedId).toMatch(/^\d+$/);
    const historyRequests: string[] = [];
    const onRequest = (r: Request) => {
      if (r.method() === 'GET' && /\/channels\/\d+\/messages\?/.test(r.url())) historyRequests.push(r.url());
    };
    p.on('request', onRequest);
    await p.reload();
    await messageWithText(p, 'third cached').waitFor();
    await expect.poll(() => historyRequests.some((u) => new URL(u).searchParams.get('after') === newestCachedId)).toBe(true);
    expect(historyRequests.some((u) => !new URL(u).searchParams.has('after') && !new URL(u).searchParams.has('before'))).toBe(false);
    expect(await p.evaluate(() => (window as unknown as { __bridgeCalls: string[] }).__bridgeCalls.some((c) => c.startsWith('get:')))).toBe(true);
    p.off('request', onRequest);
  });

  it('shows "Reconnecting…" when the server goes away and keeps the draft', async () => {
    const p = user.page;
    await p.fill('[data-testid=composer]', 'half-typed thought');
    await server.stop();
    await p.waitForSelector('[data-testid=reconnecting-banner]');
    expect(await p.inputValue('[data-testid=composer]')).toBe('half-typed thought');
  });

  it('opens a cached channel offline under the offline banner', async () => {
    const p = user.page;
    await p.click('[data-testid=channel-item][data-channel-name=archive]');
    await messageWithText(p, 'archived words').waitFor();
    await p.waitForSelector('[data-testid=offline-banner]');
    // A message sent while offline is kept, marked failed, with a way to retry.
    await send(p, 'sent while offline');
    await p.locator('[data-testid=pending-message][data-status=failed]', { hasText: 'sent while offline' }).waitFor();
    await p.click('[data-testid=channel-item][data-channel-name=general]');
    expect(await p.inputValue('[data-testid=composer]')).toBe('half-typed thought');
  });

  it('reconnects when the server is back, clears the banners and can send again', async () => {
    const p = user.page;
    await server.restart();
    await p.waitForSelector('[data-testid=reconnecting-banner]', { state: 'detached', timeout: 40_000 });
    await p.waitForSelector('[data-testid=offline-banner]', { state: 'detached', timeout: 20_000 });
    expect(await p.inputValue('[data-testid=composer]')).toBe('half-typed thought');
    await p.locator('[data-testid=composer]').press('Enter');
    await messageWithText(p, 'half-typed thought').waitFor();
    expect(await p.inputValue('[data-testid=composer]')).toBe('');
  }, 60_000);

  it('retries a message that failed while offline', async () => {
    const p = user.page;
    await p.click('[data-testid=channel-item][data-channel-name=archive]');
    const failed = p.locator('[data-testid=pending-message][data-status=failed]', { hasText: 'sent while offline' });
    await failed.locator('button', { hasText: 'Retry' }).click();
    await messageWithText(p, 'sent while offline').waitFor();
    await failed.waitFor({ state: 'detached' });
  });

  it('wipes the cache on logout', async () => {
    const p = user.page;
    await p.click('[data-testid=user-settings-button]');
    await p.click('[data-testid=logout-button]');
    await p.waitForSelector('[data-testid=login-form]');
    expect(await p.evaluate(() => localStorage.getItem('test.bridge.cache'))).toBeNull();
    expect(await p.evaluate(() => localStorage.getItem('concord.drafts'))).toBeNull();
    expect(user.errors).toEqual([]);
  });
});
