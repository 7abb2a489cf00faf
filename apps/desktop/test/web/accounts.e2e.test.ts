// The client side of accounts in Chromium against the real server and build: Change Password in
// My Account keeps this tab signed in on the new token the server answers with, while every other
// device is logged out; a login throttled after repeated failures says so at once.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebClient, launchChromium, openSignedInPage, openUserPage, registerViaApi, startTestServer, type TestServer, type UserPage } from './harness.ts';
import { closeOpened } from '../closeOpened.ts';

const PASSWORD = 'correct-horse-9';
const NEW_PASSWORD = 'battery-staple-42';

async function login(serverUrl: string, loginName: string, password: string): Promise<{ status: number; token: string | null }> {
  const res = await fetch(`${serverUrl}/api/v9/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: loginName, password }) });
  const body: unknown = await res.json();
  const token = typeof body === 'object' && body !== null && 'token' in body && typeof body.token === 'string' ? body.token : null;
  return { status: res.status, token };
}

describe('web client: accounts', () => {
  let server: TestServer;
  let browser: Browser;
  const pages: UserPage[] = [];
  const suffix = Date.now().toString(36).slice(-5);

  beforeAll(async () => {
    server = await startTestServer(await buildWebClient());
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const u of pages) expect(u.errors, `page errors of ${u.username}`).toEqual([]);
    await closeOpened(browser, server);
  });

  it('changes the password in My Account: this tab stays signed in on a new token, the other device is logged out', async () => {
    const username = `pw_${suffix}`;
    const { token: firstToken } = await registerViaApi(server.url, username, PASSWORD);
    const other = await login(server.url, username, PASSWORD);
    expect(other.token).not.toBeNull();
    const here = await openSignedInPage(browser, server.url, username, firstToken);
    const there = await openSignedInPage(browser, server.url, username, other.token!);
    pages.push(here, there);

    const p = here.page;
    await p.click('[data-testid=user-settings-button]');
    await p.getByRole('button', { name: 'Change Password' }).click();
    await p.getByLabel('Current Password').fill(PASSWORD);
    await p.getByLabel('New Password', { exact: true }).fill(NEW_PASSWORD);
    await p.getByLabel('Confirm New Password').fill(NEW_PASSWORD);
    await p.getByRole('button', { name: 'Done' }).click();
    await p.getByText('Password changed. Your other devices were logged out.').waitFor();

    // The other device's session ends (gateway 4004) and it shows the log in screen.
    await there.page.waitForSelector('[data-testid=login-form]', { timeout: 10_000 });
    expect(await there.page.textContent('[data-testid=login-form]')).toContain('Your session ended');

    // This tab carries on with the new token, also after a reload.
    const storedToken = await p.evaluate(() => localStorage.getItem('concord.token'));
    expect(storedToken).not.toBe(firstToken);
    await p.keyboard.press('Escape');
    await p.reload();
    await p.waitForSelector(`[data-testid=self-name]:text-is("${username}")`);
    expect(await p.locator('[data-testid=login-form]').count()).toBe(0);

    // The old tokens are dead, the old password fails and the new one works.
    const me = await fetch(`${server.url}/api/v9/users/@me`, { headers: { authorization: firstToken } });
    expect(me.status).toBe(401);
    expect((await login(server.url, username, PASSWORD)).status).toBe(400);
    expect((await login(server.url, username, NEW_PASSWORD)).status).toBe(200);
  });

  it('says a throttled login must wait instead of hanging on the Log In button', async () => {
    const username = `throttled_${suffix}`;
    await registerViaApi(server.url, username, PASSWORD);
    // Ten failures lock the account's logins for the rest of the 15-minute window.
    for (let i = 0; i < 10; i++) expect((await login(server.url, username, 'wrong-password')).status).toBe(400);
    expect((await login(server.url, username, PASSWORD)).status).toBe(429);

    const u = await openUserPage(browser, server.url, username);
    pages.push(u);
    await u.page.fill('[data-testid=login-username]', username);
    await u.page.fill('[data-testid=login-password]', PASSWORD);
    await u.page.click('[data-testid=login-submit]');
    // Before, the client slept out retry_after (900 s) three times with the button showing '…'.
    await u.page.waitForSelector('[data-testid=auth-error]', { timeout: 10_000 });
    expect(await u.page.textContent('[data-testid=auth-error]')).toBe('Too many attempts. Please wait a few minutes and try again.');
    expect(await u.page.isEnabled('[data-testid=login-submit]')).toBe(true);
  });
});
