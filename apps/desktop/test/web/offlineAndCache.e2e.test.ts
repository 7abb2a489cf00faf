// The renderer's platform seam and its offline behaviour, in Chromium against the real server:
// a `window.concord` bridge (here a test double whose cache survives reloads in localStorage)
// is picked over the web bridge; opening a channel paints from its cache and then asks the
// server only for newer messages; when the server goes away the "Reconnecting…" banner shows,
// cached history still opens under the offline banner, and the draft being typed survives.
import type { Browser, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcordApi } from '@concord/client';
import { buildWebClient, launchChromium, messageWithText, openUserPage, registerThroughUi, registerViaApi, send, startTestServer, type TestServer, type UserPage } from './harness.ts';
import { closeOpened } from '../closeOpened.ts';

/** Runs in the page before the app: a DesktopBridge whose message cache lives in localStorage. */
function installPersistentBridge(): void {
  const KEY = 'test.bridge.cache';
  type Msg = { id: string };
  const read = (): Record<string, Msg[]> => JSON.parse(localStorage.getItem(KEY) ?? '{}') as Record<string, Msg[]>;
  const write = (v: Record<string, Msg[]>) => localStorage.setItem(KEY, JSON.stringify(v));
  const cmp = (a: Msg, b: Msg) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0);
  const calls: string[] = [];
  const shown: { title: string; body: string; channelId: string }[] = [];
  const badges: number[] = [];
  const w = window as unknown as { __shown: typeof shown; __badges: number[]; __focused: boolean };
  w.__shown = shown;
  w.__badges = badges;
  w.__focused = true;
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
    notifications: {
      async show(n: { title: string; body: string; channelId: string }) {
        shown.push(n);
      },
    },
    window: {
      async isFocused() {
        return w.__focused;
      },
      async setBadgeCount(count: number) {
        badges.push(count);
      },
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
    await closeOpened(browser, server);
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

  it('notifies through the bridge for mentions and DMs while the window is not focused', async () => {
    const p = user.page;
    const token = (await p.evaluate(() => localStorage.getItem('concord.token')))!;
    const carolApi = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token });
    const me = await carolApi.me();
    const general = await p.evaluate(() => {
      const channels = window.__concordDebug!.stores.guilds.getState().channels;
      return Object.values(channels).find((c) => c.name === 'general')!.id;
    });
    const invite = await carolApi.createInvite(general);
    const otto = await registerViaApi(server.url, `otto_${name.slice(-5)}`);
    const ottoApi = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: otto.token });
    await ottoApi.acceptInvite(invite.code);
    await p.evaluate(() => ((window as unknown as { __focused: boolean }).__focused = false));
    await ottoApi.sendMessage(general, `hey <@${me.id}>, look at <#${general}>`);
    await ottoApi.sendMessage(general, 'no mention here');
    const dm = await ottoApi.createDM(me.id);
    await ottoApi.sendMessage(dm.id, 'a private word');
    const shown = () => p.evaluate(() => (window as unknown as { __shown: { title: string; body: string; channelId: string }[] }).__shown);
    await expect.poll(shown).toHaveLength(2);
    const [mention, direct] = await shown();
    expect(mention).toMatchObject({ channelId: general, body: `hey @${name}, look at #general` });
    expect(mention!.title).toContain(`otto_${name.slice(-5)}`);
    expect(mention!.title).toContain('#general');
    expect(direct).toMatchObject({ channelId: dm.id, body: 'a private word' });
    await expect.poll(() => p.evaluate(() => (window as unknown as { __badges: number[] }).__badges.at(-1))).toBeGreaterThan(0);
    await p.evaluate(() => ((window as unknown as { __focused: boolean }).__focused = true));
  });

  it('paints from the cache on open, then fetches only messages after the newest cached id', async () => {
    const p = user.page;
    // The newest message the cache holds for #general (the channel that reopens after reload).
    const newestCachedId = await p.evaluate(() => {
      const general = Object.values(window.__concordDebug!.stores.guilds.getState().channels).find((c) => c.name === 'general')!.id;
      const all = JSON.parse(localStorage.getItem('test.bridge.cache') ?? '{}') as Record<string, { id: string }[]>;
      return (all[general] ?? []).map((m) => BigInt(m.id)).reduce((a, b) => (b > a ? b : a), 0n).toString();
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
