// Moving around and reading history: older pages load when scrolling up until the channel's
// beginning, Ctrl+K and Alt+Up/Down switch channels, the typing indicator, pins, DMs started
// from the member list with their unread state.
import { ConcordApi } from '@concord/client';
import { ChannelType } from '@concord/protocol';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebClient, launchChromium, messageWithText, openSignedInPage, registerViaApi, send, startTestServer, type TestServer, type UserPage } from './harness.ts';
import { closeOpened } from '../closeOpened.ts';

describe('web client: history, keyboard navigation, typing, pins and DMs', () => {
  let server: TestServer;
  let browser: Browser;
  let dana: UserPage;
  let eli: UserPage;
  let danaApi: ConcordApi;
  let eliApi: ConcordApi;
  let guildId = '';
  let general = '';
  let lounge = '';
  const suffix = Date.now().toString(36).slice(-5);

  beforeAll(async () => {
    server = await startTestServer(await buildWebClient());
    const d = await registerViaApi(server.url, `dana_${suffix}`);
    const e = await registerViaApi(server.url, `eli_${suffix}`);
    danaApi = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: d.token });
    eliApi = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: e.token });
    const guild = await danaApi.createGuild({ name: 'History Buffs' });
    guildId = guild.id;
    general = (await danaApi.getChannels(guild.id)).find((c) => c.type === ChannelType.GUILD_TEXT)!.id;
    lounge = (await danaApi.createChannel(guild.id, { name: 'lounge', type: ChannelType.GUILD_TEXT })).id;
    const invite = await danaApi.createInvite(general);
    await eliApi.acceptInvite(invite.code);
    for (let i = 1; i <= 130; i++) await danaApi.sendMessage(general, `history line ${i}`);
    browser = await launchChromium();
    dana = await openSignedInPage(browser, server.url, `dana_${suffix}`, d.token);
    eli = await openSignedInPage(browser, server.url, `eli_${suffix}`, e.token);
  }, 120_000);

  afterAll(async () => {
    await closeOpened(browser, server);
  });

  it('loads older pages while scrolling up, back to the start of the channel', async () => {
    const p = dana.page;
    await p.click(`[data-testid=guild-icon][data-guild-id="${guildId}"]`);
    await p.click(`[data-testid=channel-item][data-channel-id="${general}"]`);
    await messageWithText(p, 'history line 130').waitFor();
    expect(await messageWithText(p, 'history line 1').filter({ hasText: /^history line 1$/ }).count()).toBe(0);
    // Scroll to the top until the channel's welcome header appears; each round waits for the
    // window's oldest message to change (an older page arrived) or for the header.
    const oldestLoaded = () => p.evaluate((cid) => window.__concordDebug!.stores.messages.getState().byChannel[cid]?.messages[0]?.id ?? '', general);
    for (let i = 0; i < 20 && (await p.locator('[data-testid=channel-welcome]').count()) === 0; i++) {
      const before = await oldestLoaded();
      await p.evaluate(() => (document.querySelector('[data-testid=message-list]')!.scrollTop = 0));
      await p.waitForFunction(
        ([cid, prev]) => !!document.querySelector('[data-testid=channel-welcome]') || (window.__concordDebug!.stores.messages.getState().byChannel[cid!]?.messages[0]?.id ?? '') !== prev,
        [general, before],
      );
    }
    await p.locator('[data-testid=channel-welcome]').waitFor();
    await p.locator('[data-testid=message-content]', { hasText: /^history line 1$/ }).waitFor();
  });

  it('switches channels with Ctrl+K and Alt+Up/Down', async () => {
    const p = dana.page;
    await p.keyboard.press('Control+k');
    await p.fill('[data-testid=quick-switcher-input]', 'loun');
    await p.keyboard.press('Enter');
    await p.waitForSelector('[data-testid=chat-title]:has-text("lounge")');
    await p.keyboard.press('Alt+ArrowUp');
    await p.waitForSelector('[data-testid=chat-title]:has-text("general")');
    await p.keyboard.press('Alt+ArrowDown');
    await p.waitForSelector('[data-testid=chat-title]:has-text("lounge")');
  });

  it('shows who is typing', async () => {
    await eli.page.click(`[data-testid=guild-icon][data-guild-id="${guildId}"]`);
    await eli.page.click(`[data-testid=channel-item][data-channel-id="${lounge}"]`);
    await eli.page.locator('[data-testid=composer]').pressSequentially('thinking about it');
    await expect.poll(() => dana.page.textContent('[data-testid=typing-indicator]').catch(() => '')).toContain(`eli_${suffix} is typing`);
    await eli.page.locator('[data-testid=composer]').press('Enter');
    await messageWithText(dana.page, 'thinking about it').waitFor();
    await dana.page.waitForSelector('[data-testid=typing-indicator]', { state: 'detached' });
  });

  it('pins a message and lists it in the pins panel', async () => {
    const p = dana.page;
    await send(p, 'pin me please');
    await messageWithText(p, 'pin me please').click({ button: 'right' });
    await p.click('[data-testid=menu-pin]');
    await p.click('[data-testid=pins-button]');
    await p.locator('[data-testid=pinned-message]', { hasText: 'pin me please' }).waitFor();
    await p.click('[data-testid=pins-button]');
  });

  it('starts a DM from the member list and marks it unread for the recipient', async () => {
    const e = eli.page;
    await e.click(`[data-testid=member][data-user-id] >> text=dana_${suffix}`);
    await e.waitForSelector(`[data-testid=chat-title]:has-text("dana_${suffix}")`);
    await send(e, 'psst, private question');
    const p = dana.page;
    const railDm = p.locator('[data-testid=rail-dm]');
    await railDm.waitFor();
    await p.click('[data-testid=home-button]');
    const item = p.locator('[data-testid=dm-item]').first();
    await expect.poll(() => item.getAttribute('data-unread')).toBe('true');
    await item.click();
    await messageWithText(p, 'psst, private question').waitFor();
    await expect.poll(() => item.getAttribute('data-unread')).toBe('false');
    await railDm.waitFor({ state: 'detached' });
    expect(dana.errors).toEqual([]);
    expect(eli.errors).toEqual([]);
  });
});
