// Friends and blocking in the web client: a request sent from "Add Friend" shows as pending on
// both sides, is accepted from the Pending tab, and a blocked user's messages collapse into
// "1 blocked message" until "Show message".
import { ConcordApi } from '@concord/client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebClient, launchChromium, messageWithText, openSignedInPage, registerViaApi, type TestServer, type UserPage, startTestServer } from './harness.ts';
import { closeOpened } from '../closeOpened.ts';

describe('web client: friends and blocking', () => {
  let server: TestServer;
  let browser: Browser;
  let ava: UserPage;
  let ben: UserPage;
  let avaApi: ConcordApi;
  let benId = '';
  let guildId = '';
  let general = '';
  const suffix = Date.now().toString(36).slice(-5);

  beforeAll(async () => {
    server = await startTestServer(await buildWebClient());
    const a = await registerViaApi(server.url, `ava_${suffix}`);
    const b = await registerViaApi(server.url, `ben_${suffix}`);
    benId = b.id;
    avaApi = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: a.token });
    const benApi = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: b.token });
    const guild = await avaApi.createGuild({ name: 'Friendly Place' });
    guildId = guild.id;
    general = guild.system_channel_id!;
    await benApi.acceptInvite((await avaApi.createInvite(general)).code);
    browser = await launchChromium();
    ava = await openSignedInPage(browser, server.url, `ava_${suffix}`, a.token);
    ben = await openSignedInPage(browser, server.url, `ben_${suffix}`, b.token);
  }, 120_000);

  afterAll(async () => {
    await closeOpened(browser, server);
  });

  it('sends a request by username from Add Friend, and the other side accepts it from Pending', async () => {
    await ava.page.click('[data-testid=home-button]');
    await ava.page.click('[data-testid=people-tab-add]');
    await ava.page.fill('[data-testid=add-friend-input]', `ben_${suffix}`);
    await ava.page.click('[data-testid=add-friend-submit]');
    await expect.poll(() => ava.page.locator('[data-testid=add-friend-result]').textContent()).toContain('Success');

    const p = ben.page;
    await p.click('[data-testid=home-button]');
    await p.locator('[data-testid=friends-pending-badge]', { hasText: '1' }).waitFor();
    await p.click('[data-testid=people-tab-pending]');
    const row = p.locator('[data-testid=person-row]', { hasText: `ava_${suffix}` });
    await expect.poll(() => row.getAttribute('data-relationship')).toBe('3');
    await row.locator(`[aria-label="Accept ava_${suffix}"]`).click();
    await p.click('[data-testid=people-tab-all]');
    await expect.poll(() => p.locator('[data-testid=person-row]', { hasText: `ava_${suffix}` }).getAttribute('data-relationship')).toBe('1');
    expect(await p.locator('[data-testid=friends-pending-badge]').count()).toBe(0);

    await ava.page.click('[data-testid=people-tab-all]');
    await expect.poll(() => ava.page.locator('[data-testid=person-row]').getAttribute('data-user-id')).toBe(benId);
    expect(ava.errors).toEqual([]);
    expect(ben.errors).toEqual([]);
  });

  it('collapses a blocked user\'s messages into "1 blocked message" until Show message', async () => {
    const p = ben.page;
    await p.click('[data-testid=people-tab-all]');
    await p.locator('[data-testid=person-row]', { hasText: `ava_${suffix}` }).locator(`[aria-label="Block ava_${suffix}"]`).click();
    await p.click('[data-testid=people-tab-blocked]');
    await p.locator('[data-testid=person-row]', { hasText: `ava_${suffix}` }).waitFor();

    await avaApi.sendMessage(general, 'you will not see this at first');
    await p.click(`[data-testid=guild-icon][data-guild-id="${guildId}"]`);
    await p.click(`[data-testid=channel-item][data-channel-id="${general}"]`);
    const collapsed = p.locator('[data-testid=blocked-messages]');
    await expect.poll(() => collapsed.textContent()).toContain('1 blocked message');
    expect(await messageWithText(p, 'you will not see this at first').count()).toBe(0);
    await p.click('[data-testid=toggle-blocked-messages]');
    await messageWithText(p, 'you will not see this at first').waitFor();
    await expect.poll(() => collapsed.textContent()).toContain('Hide message');
    expect(ben.errors).toEqual([]);
  });
});
