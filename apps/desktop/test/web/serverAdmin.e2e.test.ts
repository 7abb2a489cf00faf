// Running a server from the settings screens: a hoisted, coloured role with a permission from
// the role editor, given to a member from the Members tab; the member list regroups, the member
// gains moderation actions; the invite dialog's expiry and max-uses options; a kick.
import { ConcordApi } from '@concord/client';
import { ChannelType, PermissionFlags } from '@concord/protocol';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebClient, launchChromium, messageWithText, openSignedInPage, registerViaApi, startTestServer, type TestServer, type UserPage } from './harness.ts';
import { closeOpened } from '../closeOpened.ts';

describe('web client: server administration', () => {
  let server: TestServer;
  let browser: Browser;
  let owner: UserPage;
  let member: UserPage;
  let ownerApi: ConcordApi;
  let memberId = '';
  let guildId = '';
  let general = '';
  const suffix = Date.now().toString(36).slice(-5);

  beforeAll(async () => {
    server = await startTestServer(await buildWebClient());
    const o = await registerViaApi(server.url, `olga_${suffix}`);
    const m = await registerViaApi(server.url, `max_${suffix}`);
    memberId = m.id;
    ownerApi = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: o.token });
    const memberApi = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: m.token });
    const guild = await ownerApi.createGuild({ name: 'Admin Academy' });
    guildId = guild.id;
    general = (await ownerApi.getChannels(guildId)).find((c) => c.type === ChannelType.GUILD_TEXT)!.id;
    await memberApi.acceptInvite((await ownerApi.createInvite(general)).code);
    await ownerApi.sendMessage(general, 'owner says hi');
    browser = await launchChromium();
    owner = await openSignedInPage(browser, server.url, `olga_${suffix}`, o.token);
    member = await openSignedInPage(browser, server.url, `max_${suffix}`, m.token);
    for (const u of [owner, member]) {
      await u.page.click(`[data-testid=guild-icon][data-guild-id="${guildId}"]`);
      await messageWithText(u.page, 'owner says hi').waitFor();
    }
  }, 120_000);

  afterAll(async () => {
    await closeOpened(browser, server);
  });

  it('creates a hoisted role with a permission in the role editor', async () => {
    const p = owner.page;
    await p.click('[data-testid=guild-header]');
    await p.click('[data-testid=menu-server-settings]');
    await p.click('[data-testid=settings-tab-roles]');
    await p.click('[data-testid=create-role]');
    await p.fill('[data-testid=role-name-input]', 'Moderators');
    await p.click('[aria-label="Display role members separately from online members"]');
    await p.click('[aria-label="#e67e22"]');
    await p.click('[data-testid=role-permissions-tab]');
    await p.click('[data-testid=perm-MANAGE_MESSAGES]');
    await p.click('[data-testid=save-changes]');
    await p.locator('[data-testid=save-bar]').waitFor({ state: 'detached' });
    await expect
      .poll(async () => (await ownerApi.getRoles(guildId)).find((r) => r.name === 'Moderators'))
      .toMatchObject({ hoist: true, color: 0xe67e22 });
    const role = (await ownerApi.getRoles(guildId)).find((r) => r.name === 'Moderators')!;
    expect(BigInt(role.permissions) & PermissionFlags.MANAGE_MESSAGES).toBe(PermissionFlags.MANAGE_MESSAGES);
  });

  it('gives the role to a member, who is regrouped and gains moderation actions', async () => {
    const p = owner.page;
    const roleId = (await ownerApi.getRoles(guildId)).find((r) => r.name === 'Moderators')!.id;
    expect(await messageWithText(member.page, 'owner says hi').count()).toBe(1);
    await messageWithText(member.page, 'owner says hi').click({ button: 'right' });
    expect(await member.page.locator('[data-testid=menu-delete]').count()).toBe(0);
    await member.page.keyboard.press('Escape');

    await p.click('[data-testid=settings-tab-members]');
    await p.selectOption(`[data-testid=add-role-${memberId}]`, roleId);
    await p.locator(`[data-testid=member-row][data-user-id="${memberId}"]`, { hasText: 'Moderators' }).waitFor();
    await p.click('[data-testid=settings-close]');
    await p.locator('[data-testid=member-group][data-group=Moderators]', { hasText: `max_${suffix}` }).waitFor();

    // The member's own client now computes MANAGE_MESSAGES and offers pin and delete.
    await member.page.locator('[data-testid=member-group][data-group=Moderators]').waitFor();
    await messageWithText(member.page, 'owner says hi').click({ button: 'right' });
    await member.page.locator('[data-testid=menu-delete]').waitFor();
    await member.page.locator('[data-testid=menu-pin]').waitFor();
    await member.page.keyboard.press('Escape');
  });

  it('creates an invite with an expiry and a use limit', async () => {
    const p = owner.page;
    await p.click('[data-testid=guild-header]');
    await p.click('[data-testid=menu-invite]');
    await expect.poll(() => p.inputValue('[data-testid=invite-link]')).toContain('/invite/');
    const firstLink = await p.inputValue('[data-testid=invite-link]');
    await p.click('[data-testid=invite-edit]');
    await p.selectOption('[data-testid=invite-expiry]', '3600');
    await p.selectOption('[data-testid=invite-max-uses]', '5');
    await p.click('[data-testid=invite-generate]');
    await expect.poll(() => p.inputValue('[data-testid=invite-link]')).toMatch(/\/invite\/./);
    expect(await p.inputValue('[data-testid=invite-link]')).not.toBe(firstLink);
    expect(await p.textContent('[data-testid=invite-modal]')).toContain('expires in 1 hour. It can be used 5 times.');
    const code = (await p.inputValue('[data-testid=invite-link]')).split('/invite/')[1]!;
    const invite = (await ownerApi.getGuildInvites(guildId)).find((i) => i.code === code);
    expect(invite).toMatchObject({ max_age: 3600, max_uses: 5 });
    await p.keyboard.press('Escape');
  });

  it('kicks a member from the Members tab and the server leaves their rail', async () => {
    const p = owner.page;
    await p.click('[data-testid=guild-header]');
    await p.click('[data-testid=menu-server-settings]');
    await p.click('[data-testid=settings-tab-members]');
    await p.click(`[data-testid=member-row][data-user-id="${memberId}"] [data-testid=kick-member]`);
    await member.page.locator(`[data-testid=guild-icon][data-guild-id="${guildId}"]`).waitFor({ state: 'detached' });
    await p.locator(`[data-testid=member-row][data-user-id="${memberId}"]`).waitFor({ state: 'detached' });
    expect(owner.errors).toEqual([]);
    expect(member.errors).toEqual([]);
  });
});
