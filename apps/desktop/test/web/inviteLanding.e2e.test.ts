// The invite landing end to end in Chromium against the real server and build: an invite link
// opened signed out shows the server's card (name, acronym, online and member counts) with
// Accept Invite beside Log In / Register; accepting registers and then joins and opens the
// server; Log In shows the card again signed in; signed in, Accept Invite joins at once; a
// used-up or unknown code shows "Invite Invalid".
import type { Browser, Page } from 'playwright-core';
import { ConcordApi } from '@concord/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebClient, launchChromium, openSignedInPage, openUserPage, registerViaApi, startTestServer, type TestServer, type UserPage } from './harness.ts';
import { closeOpened } from '../closeOpened.ts';

const PASSWORD = 'correct-horse-9';

describe('web client: invite landing', () => {
  let server: TestServer;
  let browser: Browser;
  let owner: UserPage;
  let guildId = '';
  let code = '';
  const pages: UserPage[] = [];
  const suffix = Date.now().toString(36).slice(-5);

  const landing = (page: Page) => page.getByRole('region', { name: 'Invite to Rocket League Fans' });
  const acceptButton = (page: Page) => page.getByRole('button', { name: 'Accept Invite' });
  const open = async (u: UserPage) => {
    pages.push(u);
    return u;
  };
  const joinedAndOpened = async (page: Page) => {
    await page.waitForSelector(`[data-testid=guild-header]:has-text("Rocket League Fans")`);
    await page.waitForSelector(`[data-testid=guild-icon][data-guild-id="${guildId}"]`);
    expect(new URL(page.url()).pathname).toBe('/');
  };

  beforeAll(async () => {
    server = await startTestServer(await buildWebClient());
    browser = await launchChromium();
    const o = await registerViaApi(server.url, `owner_${suffix}`, PASSWORD);
    const api = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: o.token });
    const guild = await api.createGuild({ name: 'Rocket League Fans' });
    guildId = guild.id;
    code = (await api.createInvite(guild.system_channel_id!, { max_age: 0 })).code;
    // A member who stays offline, so the card shows 1 Online and 2 Members.
    const m = await registerViaApi(server.url, `member_${suffix}`, PASSWORD);
    await new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: m.token }).acceptInvite(code);
    // The owner is online (a signed-in page holds a gateway session).
    owner = await open(await openSignedInPage(browser, server.url, `owner_${suffix}`, o.token));
  }, 120_000);

  afterAll(async () => {
    for (const u of pages) expect(u.errors, `page errors of ${u.username}`).toEqual([]);
    await closeOpened(browser, server);
  });

  it('shows the server with its counts, Accept Invite and Log In / Register to a signed-out visitor', async () => {
    const u = await open(await openUserPage(browser, `${server.url}/invite/${code}`, `visitor_${suffix}`));
    const card = landing(u.page);
    await card.waitFor();
    expect(await card.getByText("You've been invited to join").count()).toBe(1);
    expect(await card.getByRole('heading', { name: 'Rocket League Fans' }).count()).toBe(1);
    expect(await u.page.textContent('[data-testid=invite-guild-icon]')).toBe('RLF');
    await expect.poll(() => u.page.textContent('[data-testid=invite-online]')).toBe('1 Online');
    expect(await u.page.textContent('[data-testid=invite-members]')).toBe('2 Members');
    expect(await acceptButton(u.page).isEnabled()).toBe(true);
    expect(await card.getByText('Already have an account?').count()).toBe(1);
    expect(await card.getByRole('button', { name: 'Log In' }).count()).toBe(1);
    expect(await card.getByRole('button', { name: 'Register' }).count()).toBe(1);
    // A card centred on the page, as Discord's.
    const box = await card.boundingBox();
    expect(box && Math.abs(box.x + box.width / 2 - 640)).toBeLessThan(2);
    await u.context.close();
  });

  it('registers a signed-out visitor who accepts, then joins the server and opens it', async () => {
    const u = await open(await openUserPage(browser, `${server.url}/invite/${code}`, `newbie_${suffix}`));
    await acceptButton(u.page).click();
    await u.page.waitForSelector('[data-testid=register-form]');
    await u.page.waitForSelector('[data-testid=invite-auth-header]:has-text("Rocket League Fans")');
    await u.page.fill('[data-testid=register-username]', u.username);
    await u.page.fill('[data-testid=register-password]', PASSWORD);
    await u.page.click('[data-testid=register-submit]');
    await joinedAndOpened(u.page);
    // The owner sees the new member arrive.
    await owner.page.click(`[data-testid=guild-icon][data-guild-id="${guildId}"]`);
    await expect.poll(() => owner.page.locator('[data-testid=member-list]').textContent(), { timeout: 10_000 }).toContain(u.username);
    await u.context.close();
  });

  it('logs in an existing user from the landing and shows the invite again to accept', async () => {
    await registerViaApi(server.url, `returning_${suffix}`, PASSWORD);
    const u = await open(await openUserPage(browser, `${server.url}/invite/${code}`, `returning_${suffix}`));
    await landing(u.page).getByRole('button', { name: 'Log In' }).click();
    await u.page.fill('[data-testid=login-username]', u.username);
    await u.page.fill('[data-testid=login-password]', PASSWORD);
    await u.page.click('[data-testid=login-submit]');
    await landing(u.page).waitFor();
    expect(await landing(u.page).getByRole('button', { name: 'Log In' }).count()).toBe(0);
    await acceptButton(u.page).click();
    await joinedAndOpened(u.page);
    await u.context.close();
  });

  it('joins at once when a signed-in user accepts', async () => {
    const s = await registerViaApi(server.url, `signedin_${suffix}`, PASSWORD);
    // As after an earlier login: the token is stored, and the invite link opens the landing, not the app.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript((t: string) => {
      if (!localStorage.getItem('concord.token')) localStorage.setItem('concord.token', t);
    }, s.token);
    const page = await context.newPage();
    const u = await open({ context, page, username: `signedin_${suffix}`, errors: [] });
    page.on('pageerror', (e) => u.errors.push(e.message));
    await page.goto(`${server.url}/invite/${code}`);
    await landing(page).waitFor();
    expect(await landing(page).getByRole('button', { name: 'Log In' }).count()).toBe(0);
    await acceptButton(page).click();
    await joinedAndOpened(page);
    await context.close();
  });

  it('shows Invite Invalid for a used-up or unknown code, and Continue leads to the log in screen', async () => {
    const api = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: (await registerViaApi(server.url, `limit_${suffix}`, PASSWORD)).token });
    const mine = await api.createGuild({ name: 'Single Use' });
    const once = await api.createInvite(mine.system_channel_id!, { max_uses: 1, unique: true });
    const taker = await registerViaApi(server.url, `taker_${suffix}`, PASSWORD);
    await new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: taker.token }).acceptInvite(once.code);

    for (const bad of [once.code, 'NoSuchInvite']) {
      const u = await open(await openUserPage(browser, `${server.url}/invite/${bad}`, `invalid_${suffix}`));
      await u.page.getByRole('heading', { name: 'Invite Invalid' }).waitFor();
      expect(await u.page.getByText('This invite may be expired, or you might not have permission to join.').count()).toBe(1);
      expect(await acceptButton(u.page).count()).toBe(0);
      await u.page.getByRole('button', { name: 'Continue to Concord' }).click();
      await u.page.waitForSelector('[data-testid=login-form]');
      expect(new URL(u.page.url()).pathname).toBe('/');
      await u.context.close();
    }
  });
});
