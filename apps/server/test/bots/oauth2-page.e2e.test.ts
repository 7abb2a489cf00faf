// The OAuth2 consent page in a real browser (Chromium through playwright-core): signed in
// through the web client's stored token, or with a pasted one, a user with Manage Server picks a
// server and the bot joins it with its managed role.
import { PermissionFlags } from '@concord/protocol';
import { launchChromium } from '@concord/testkit';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guildWithMember, registerUser, startTestServer, type TestServer } from '../harness.ts';
import { createBotApplication } from './botHarness.ts';

let t: TestServer;
let browser: Browser;

beforeAll(async () => {
  t = await startTestServer();
  browser = await launchChromium();
});
afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it; afterAll runs anyway
  await browser?.close();
  await t.close();
});

describe('the OAuth2 consent page', () => {
  it('uses the web client token, lists manageable servers, and adds the bot with its permissions', async () => {
    const owner = await registerUser(t);
    const member = await registerUser(t);
    const { guild } = await guildWithMember(owner, member);
    const bot = await createBotApplication(owner, 'Page Bot');
    const permissions = PermissionFlags.VIEW_CHANNEL | PermissionFlags.SEND_MESSAGES | PermissionFlags.EMBED_LINKS;
    const page = await browser.newPage();
    try {
      // Signed in to the web client on this origin.
      await page.goto(`${t.server.url}/healthz`);
      await page.evaluate(`localStorage.setItem('concord.token', ${JSON.stringify(owner.token)})`);
      await page.goto(`${t.server.url}/oauth2/authorize?client_id=${bot.applicationId}&scope=bot%20applications.commands&permissions=${permissions}`);
      await page.waitForSelector('#consent:not([hidden])');
      expect(await page.textContent('#title')).toBe('Add Page Bot');
      const options = await page.$$eval('#guild option', (els) => els.map((e) => ({ value: e.getAttribute('value'), text: e.textContent })));
      expect(options).toEqual([{ value: guild.id, text: 'Test Guild' }]);
      expect(await page.$$eval('#permissions li', (els) => els.map((e) => e.textContent))).toEqual(['View Channels', 'Send Messages', 'Embed Links']);
      await page.click('#authorize');
      await page.waitForSelector('#status.ok');
      const joined = await owner.api.getMember(guild.id, bot.userId);
      const role = (await owner.api.getRoles(guild.id)).find((r) => joined.roles.includes(r.id));
      expect(role).toMatchObject({ managed: true, permissions: permissions.toString(), tags: { bot_id: bot.userId } });
    } finally {
      await page.close();
    }
  });

  it('asks for a token when there is none, and refuses users without Manage Server', async () => {
    const owner = await registerUser(t);
    const member = await registerUser(t);
    const { guild } = await guildWithMember(owner, member);
    const bot = await createBotApplication(owner, 'Picky Bot');
    const page = await browser.newPage();
    try {
      await page.goto(`${t.server.url}/oauth2/authorize?client_id=${bot.applicationId}&scope=bot&permissions=0`);
      await page.waitForSelector('#login:not([hidden])');
      await page.fill('#token', 'not a token');
      await page.click('#login button');
      await page.waitForSelector('#status.error');
      expect(await page.textContent('#status')).toContain('did not work');
      await page.fill('#token', member.token);
      await page.click('#login button');
      await page.waitForSelector('#consent:not([hidden])');
      // The member manages no server: nothing to pick, nothing to authorize.
      expect(await page.isVisible('#noguilds')).toBe(true);
      expect(await page.isDisabled('#authorize')).toBe(true);
      expect((await owner.api.listMembers(guild.id, { limit: 10 })).map((m) => m.user?.id)).not.toContain(bot.userId);
    } finally {
      await page.close();
    }
  });
});
