// Premium, boosts and custom emoji from the web client against the real server (issue 21): an emoji
// uploaded in Server Settings, picked in the picker, sent and drawn as an image on another member's
// page and used as a reaction; the lock on another server's emoji for a member without Nitro; the
// instance admin granting Nitro from the admin page (USER_UPDATE unlocks the emoji live) and the
// member's Nitro page saying when it ends; boosts moving a server to Level 1 and a removed boost
// moving it back; the vanity URL in Server Settings -> Overview (locked below Level 3, the server's
// 50020 and 50035 inline); a role-restricted emoji unlocking live when the role is granted. Writes
// docs/screenshots/{custom-emoji-picker,boost-status,nitro-settings,instance-admin,vanity-url}.png.
import path from 'node:path';
import { ConcordApi } from '@concord/client';
import { ChannelType } from '@concord/protocol';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, buildWebClient, launchChromium, makePng, messageWithText, openSignedInPage, registerViaApi, send, startTestServer, type TestServer, type UserPage } from './harness.ts';
import { closeOpened } from '../closeOpened.ts';

const SCREENSHOTS = path.join(REPO_ROOT, 'docs/screenshots');

async function openGuild(page: Page, guildId: string): Promise<void> {
  await page.click(`[data-testid=guild-icon][data-guild-id="${guildId}"]`);
  await page.locator('[data-testid=composer]').waitFor();
}

async function openServerSettings(page: Page, tab: string): Promise<void> {
  await page.click('[data-testid=guild-header]');
  await page.click('[data-testid=menu-server-settings]');
  await page.click(`[data-testid=settings-tab-${tab}]`);
}

async function openComposerPicker(page: Page): Promise<void> {
  await page.click('.composer [aria-label=Emoji]');
  await page.locator('[data-testid=emoji-picker]').waitFor();
}

describe('web client: custom emoji, Nitro and boosts', () => {
  let server: TestServer;
  let browser: Browser;
  let ada: UserPage;
  let bob: UserPage;
  let adaApi: ConcordApi;
  let bobApi: ConcordApi;
  let bobId = '';
  let labId = '';
  let labGeneral = '';
  let denId = '';
  let emojiId = '';
  const suffix = Date.now().toString(36).slice(-5);

  beforeAll(async () => {
    // No voice here: its fixed ports would collide with other suites running at the same time.
    server = await startTestServer(await buildWebClient(), { VOICE: 'off' });
    // The first registered user is the instance admin.
    const a = await registerViaApi(server.url, `ada_${suffix}`);
    const b = await registerViaApi(server.url, `bob_${suffix}`);
    adaApi = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: a.token });
    bobApi = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: b.token });
    bobId = b.id;
    const lab = await adaApi.createGuild({ name: 'Emoji Lab' });
    labId = lab.id;
    labGeneral = (await adaApi.getChannels(labId)).find((c) => c.type === ChannelType.GUILD_TEXT)!.id;
    await bobApi.acceptInvite((await adaApi.createInvite(labGeneral)).code);
    denId = (await bobApi.createGuild({ name: 'Bob’s Den' })).id;
    await adaApi.sendMessage(labGeneral, 'welcome to the lab');
    browser = await launchChromium();
    ada = await openSignedInPage(browser, server.url, `ada_${suffix}`, a.token);
    bob = await openSignedInPage(browser, server.url, `bob_${suffix}`, b.token);
    for (const u of [ada, bob]) {
      u.page.setDefaultTimeout(10_000);
      await openGuild(u.page, labId);
      await messageWithText(u.page, 'welcome to the lab').waitFor();
    }
  }, 120_000);

  afterEach(async (ctx) => {
    if (process.env['DEBUG_SHOTS'] && ctx.task.result?.state === 'fail') {
      for (const u of [ada, bob]) await u.page.screenshot({ path: `/tmp/premium-${u.username.slice(0, 3)}-${ctx.task.name.slice(0, 20).replace(/\W+/g, '_')}.png` });
    }
  });

  afterAll(async () => {
    // Typed as possibly unset: a failed beforeAll leaves them so.
    const users: (UserPage | undefined)[] = [ada, bob];
    const pageErrors = users.flatMap((u) => u?.errors ?? []);
    await closeOpened(browser, server);
    expect(pageErrors).toEqual([]);
  });

  it('uploads an emoji in Server Settings -> Emoji and counts its slot', async () => {
    const p = ada.page;
    await openServerSettings(p, 'emoji');
    await p.locator('[data-testid=emoji-static-slots]', { hasText: '0/50 slots' }).waitFor();
    await p.setInputFiles('[data-testid=emoji-file-input]', { name: 'blob wave.png', mimeType: 'image/png', buffer: makePng(64, 64) });
    const row = p.locator('[data-testid=emoji-row][data-emoji-name=blob_wave]');
    await row.waitFor();
    emojiId = (await row.getAttribute('data-emoji-id')) ?? '';
    expect(emojiId).toMatch(/^\d+$/);
    await p.locator('[data-testid=emoji-static-slots]', { hasText: '1/50 slots' }).waitFor();
    // The image is served at Discord's CDN path and decodes.
    await expect.poll(() => row.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(64);
    const listed = (await adaApi.rest.get<{ id: string; name: string }[]>(`/guilds/${labId}/emojis`)).map((e) => e.name);
    expect(listed).toEqual(['blob_wave']);
    await p.click('[data-testid=settings-close]');
  });

  it('picks the emoji in the picker, sends it, and another member sees it as an image', async () => {
    const p = ada.page;
    await openComposerPicker(p);
    await p.fill('[data-testid=emoji-search]', 'blob');
    const option = p.locator('[data-testid=emoji-option][data-emoji-name=blob_wave]');
    expect(await option.getAttribute('data-locked')).toBeNull();
    await option.click();
    await expect.poll(() => p.locator('[data-testid=composer]').inputValue()).toBe(':blob_wave: ');
    await p.locator('[data-testid=composer]').pressSequentially('hello');
    await p.locator('[data-testid=composer]').press('Enter');
    await expect.poll(async () => (await adaApi.getMessages(labGeneral, { limit: 1 }))[0]?.content).toBe(`<:blob_wave:${emojiId}> hello`);
    const img = messageWithText(bob.page, 'hello').locator(`[data-testid=custom-emoji][data-emoji-id="${emojiId}"]`);
    await img.waitFor();
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(64);
    expect(await img.getAttribute('src')).toBe(`${server.url}/emojis/${emojiId}.png`);
    // Recently Used remembers it across a reload.
    await p.reload();
    await openGuild(p, labId);
    await openComposerPicker(p);
    await p.locator('[data-testid=emoji-section][data-section=recent] [data-emoji-name=blob_wave]').waitFor();
    await p.keyboard.press('Escape');
  });

  it('reacts with the custom emoji from Add Reaction and the reaction is drawn as the image', async () => {
    const b = bob.page;
    await messageWithText(b, 'welcome to the lab').hover();
    await messageWithText(b, 'welcome to the lab').locator('[data-testid=toolbar-react]').click();
    await b.fill('[data-testid=emoji-search]', 'blob_wave');
    await b.click('[data-testid=emoji-option][data-emoji-name=blob_wave]');
    const reaction = messageWithText(ada.page, 'welcome to the lab').locator('[data-testid=reaction]', { has: ada.page.locator(`[data-emoji-id="${emojiId}"]`) });
    await reaction.locator('[data-testid=reaction-count]', { hasText: '1' }).waitFor();
    const users = await adaApi.rest.get<{ id: string }[]>(`/channels/${labGeneral}/messages/${(await adaApi.getMessages(labGeneral, { limit: 2 }))[1]!.id}/reactions/${encodeURIComponent(`blob_wave:${emojiId}`)}`);
    expect(users.length).toBe(1);
  });

  it('uploads a sticker in Server Settings -> Stickers and sends it from the picker’s Stickers tab', async () => {
    const p = ada.page;
    await openServerSettings(p, 'stickers');
    await p.locator('[data-testid=sticker-slots]', { hasText: '0/5 slots' }).waitFor();
    await p.setInputFiles('[data-testid=sticker-file-input]', { name: 'lab coat.png', mimeType: 'image/png', buffer: makePng(160, 160) });
    await p.fill('[data-testid=sticker-name]', 'lab_coat');
    await p.click('[data-testid=upload-sticker]');
    await p.locator('[data-testid=sticker-row][data-sticker-name=lab_coat]').waitFor();
    await p.locator('[data-testid=sticker-slots]', { hasText: '1/5 slots' }).waitFor();
    await p.click('[data-testid=settings-close]');
    await openComposerPicker(p);
    await p.click('[data-testid=picker-tab-stickers]');
    await p.click('[data-testid=sticker-option][aria-label=lab_coat]');
    const sticker = bob.page.locator('[data-testid=message-sticker]');
    await sticker.waitFor();
    await expect.poll(() => sticker.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(160);
    const last = (await adaApi.getMessages(labGeneral, { limit: 1 }))[0]!;
    expect(last.sticker_items?.map((i) => i.name)).toEqual(['lab_coat']);
  });

  it('locks another server’s emoji for a member without Nitro and only explains when it is picked', async () => {
    const b = bob.page;
    // Bob's own server has an emoji of its own, which he may use there.
    await bobApi.rest.post(`/guilds/${denId}/emojis`, { name: 'blobcat', image: `data:image/png;base64,${makePng(48, 48).toString('base64')}` });
    await openGuild(b, denId);
    await openComposerPicker(b);
    await b.fill('[data-testid=emoji-search]', 'blob');
    expect(await b.locator('[data-testid=emoji-option][data-emoji-name=blobcat]').getAttribute('data-locked')).toBeNull();
    const option = b.locator('[data-testid=emoji-option][data-emoji-name=blob_wave]').first();
    expect(await option.getAttribute('data-locked')).toBe('nitro');
    expect(await option.getAttribute('title')).toBe('Unlock with Nitro');
    await option.click();
    await b.locator('[data-testid=emoji-lock-notice]', { hasText: 'Unlock with Nitro' }).waitFor();
    // Nothing was inserted and the picker stays open.
    expect(await b.locator('[data-testid=emoji-picker]').count()).toBe(1);
    await b.screenshot({ path: path.join(SCREENSHOTS, 'custom-emoji-picker.png') });
    await b.keyboard.press('Escape');
    expect(await b.locator('[data-testid=composer]').inputValue()).toBe('');
    // Typed by hand, :blob_wave: stays text: the client does not turn a locked emoji into markup.
    await send(b, 'no nitro :blob_wave:');
    await expect.poll(async () => (await bobApi.getMessages((await bobApi.getChannels(denId)).find((c) => c.type === ChannelType.GUILD_TEXT)!.id, { limit: 1 }))[0]?.content).toBe('no nitro :blob_wave:');
  });

  it('the instance admin grants Nitro from the admin page; the member’s Nitro page and the picker follow live', async () => {
    const p = ada.page;
    await p.click('[data-testid=user-settings-button]');
    await p.click('[data-testid=settings-tab-admin]');
    await p.fill('[data-testid=grant-user]', `bob_${suffix}`);
    await p.selectOption('[data-testid=grant-plan]', '2');
    await p.fill('[data-testid=grant-days]', '30');
    await p.click('[data-testid=grant-submit]');
    await p.locator(`[data-testid=premium-user-row][data-username="bob_${suffix}"]`, { hasText: 'Nitro' }).waitFor();
    await p.locator('[data-testid=audit-row][data-action="premium.grant"]').waitFor();
    await p.screenshot({ path: path.join(SCREENSHOTS, 'instance-admin.png') });
    await p.click('[data-testid=settings-close]');
    expect((await bobApi.me()).premium_type).toBe(2);

    const b = bob.page;
    // Bob is not an admin: no admin page for him.
    await b.click('[data-testid=user-settings-button]');
    await b.click('[data-testid=settings-tab-nitro]');
    await b.locator('[data-testid=nitro-plan]', { hasText: /^Nitro$/ }).waitFor();
    await b.locator('[data-testid=nitro-boosts]', { hasText: '2 Server Boosts' }).waitFor();
    expect(await b.locator('[data-testid=settings-tab-admin]').count()).toBe(0);
    // Bob (no admin) reads his own end date: 30 days from the grant, as the browser words the day.
    const expiry = b.locator('[data-testid=nitro-expiry]');
    await expect.poll(() => expiry.getAttribute('data-expires-at')).toMatch(/^\d{4}-\d\d-\d\dT/);
    const endsMs = Date.parse((await expiry.getAttribute('data-expires-at'))!);
    expect(Math.abs(endsMs - (Date.now() + 30 * 86_400_000))).toBeLessThan(120_000);
    const endDay = await b.evaluate((ms) => new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'long', day: 'numeric' }).format(ms), endsMs);
    await expect.poll(() => expiry.textContent()).toBe(`Ends on ${endDay}`);
    await b.screenshot({ path: path.join(SCREENSHOTS, 'nitro-settings.png') });
    // The admin makes it open-ended: the same plan, so only USER_UPDATE tells the page to ask again.
    await adaApi.rest.put(`/admin/users/${bobId}/premium`, { premium_type: 2, expires_at: null });
    await expect.poll(() => expiry.textContent()).toBe('Active, with no end date');
    expect(await expiry.getAttribute('data-expires-at')).toBeNull();
    await b.click('[data-testid=settings-tab-profile]');
    await b.locator('[data-testid=change-banner]').waitFor();
    expect(await b.locator('[data-testid=banner-lock]').count()).toBe(0);
    await b.click('[data-testid=settings-close]');

    await openComposerPicker(b);
    const option = b.locator('[data-testid=emoji-option][data-emoji-name=blob_wave]').first();
    expect(await option.getAttribute('data-locked')).toBeNull();
    await option.click();
    await b.locator('[data-testid=composer]').press('Enter');
    await b.locator(`[data-testid=message-content] [data-testid=custom-emoji][data-emoji-id="${emojiId}"]`).waitFor();
    const denGeneral = (await bobApi.getChannels(denId)).find((c) => c.type === ChannelType.GUILD_TEXT)!.id;
    expect((await bobApi.getMessages(denGeneral, { limit: 1 }))[0]?.content).toBe(`<:blob_wave:${emojiId}>`);
  });

  it('boosts move the server to Level 1 on the boost status page', async () => {
    const b = bob.page;
    await openServerSettings(b, 'boosts');
    const status = b.locator('[data-testid=boost-status]');
    await b.locator('[data-testid=boost-level]', { hasText: 'No Level' }).waitFor();
    await b.locator('[data-testid=boost-slots]', { hasText: 'You have 2 free boosts' }).waitFor();
    await b.click('[data-testid=boost-this-server]');
    await b.locator('[data-testid=boost-count]', { hasText: '1 Boost · 1 more for Level 1' }).waitFor();
    expect(await status.getAttribute('data-tier')).toBe('0');
    await b.locator('[data-testid=boost-slots]', { hasText: 'You have 1 free boost' }).waitFor();
    await b.click('[data-testid=boost-this-server]');
    await b.locator('[data-testid=boost-level]', { hasText: 'Level 1' }).waitFor();
    expect(await status.getAttribute('data-tier')).toBe('1');
    await b.locator('[data-testid=tier-card-1].unlocked').waitFor();
    expect((await bobApi.getGuild(denId)).premium_tier).toBe(1);
    // The bar fills to the Level 1 mark (a third of it) once its transition ends.
    const bar = b.locator('[data-testid=boost-bar]');
    await expect.poll(async () => Math.round((100 * (await bar.locator('.fill').boundingBox())!.width) / (await bar.boundingBox())!.width)).toBe(33);
    await b.screenshot({ path: path.join(SCREENSHOTS, 'boost-status.png') });
    // The tier's slots follow: 100 emoji slots at Level 1.
    await b.click('[data-testid=settings-tab-emoji]');
    await b.locator('[data-testid=emoji-static-slots]', { hasText: '1/100 slots' }).waitFor();
    await b.click('[data-testid=settings-close]');
    // The boost system messages in the system channel, as Discord words them.
    await b.locator('[data-testid=message]', { hasText: 'just boosted the server!' }).first().waitFor();
    await b.locator('[data-testid=message]', { hasText: 'Bob’s Den has achieved Level 1!' }).waitFor();
  });

  it('removes one of the booster’s own boosts from Server Boost Status; the level, bar and slots follow', async () => {
    const b = bob.page;
    await openServerSettings(b, 'boosts');
    await b.locator('[data-testid=boost-level]', { hasText: 'Level 1' }).waitFor();
    const mine = b.locator('[data-testid=my-boost]');
    await expect.poll(() => mine.count()).toBe(2);
    // Asked twice: the first click only opens the confirmation.
    await mine.first().locator('[data-testid=remove-boost]').click();
    await mine.first().locator('[data-testid=remove-boost-confirm]').waitFor();
    expect((await bobApi.getGuild(denId)).premium_subscription_count).toBe(2);
    await mine.first().locator('[data-testid=confirm-remove-boost]').click();
    await b.locator('[data-testid=boost-level]', { hasText: 'No Level' }).waitFor();
    await b.locator('[data-testid=boost-count]', { hasText: '1 Boost · 1 more for Level 1' }).waitFor();
    await b.locator('[data-testid=boost-slots]', { hasText: 'You have 1 free boost and boost this server 1×.' }).waitFor();
    await expect.poll(() => mine.count()).toBe(1);
    expect(await b.locator('[data-testid=tier-card-1].unlocked').count()).toBe(0);
    expect(await b.locator('[data-testid=boost-status]').getAttribute('data-tier')).toBe('0');
    // Half way to the Level 1 mark: a sixth of the bar.
    const bar = b.locator('[data-testid=boost-bar]');
    await expect.poll(async () => Math.round((100 * (await bar.locator('.fill').boundingBox())!.width) / (await bar.boundingBox())!.width)).toBe(17);
    expect(await bobApi.getGuild(denId)).toMatchObject({ premium_tier: 0, premium_subscription_count: 1 });
    const slots = await bobApi.rest.get<{ premium_guild_subscription: unknown }[]>('/users/@me/guilds/premium/subscription-slots');
    expect(slots.filter((slot) => slot.premium_guild_subscription === null)).toHaveLength(1);
    await b.click('[data-testid=settings-close]');
  });

  it('locks the vanity URL below Level 3 and sets, refuses (50020, 50035) and clears it at Level 3 in Server Settings -> Overview', async () => {
    const p = ada.page;
    await openServerSettings(p, 'overview');
    await p.locator('[data-testid=vanity-url][data-locked=true]').waitFor();
    await p.locator('[data-testid=vanity-tier]', { hasText: 'This server is at No Level with 0 Boosts: 14 more for Level 3.' }).waitFor();
    expect(await p.locator('[data-testid=vanity-input]').count()).toBe(0);

    // Fourteen Nitro members: seven take a rival server to Level 3 (it claims taken-lab), seven the lab.
    const rival = await adaApi.createGuild({ name: 'Rival Lab' });
    const rivalInvite = (await adaApi.createInvite((await adaApi.getChannels(rival.id)).find((c) => c.type === ChannelType.GUILD_TEXT)!.id)).code;
    const labInvite = (await adaApi.createInvite(labGeneral)).code;
    const boostWith = async (i: number, guildId: string, invite: string) => {
      const u = await registerViaApi(server.url, `booster${i}_${suffix}`);
      const api = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: u.token });
      await api.acceptInvite(invite);
      await adaApi.rest.put(`/admin/users/${u.id}/premium`, { premium_type: 2, expires_at: null });
      const slots = await api.rest.get<{ id: string }[]>('/users/@me/guilds/premium/subscription-slots');
      await api.rest.put(`/guilds/${guildId}/premium/subscriptions`, { user_premium_guild_subscription_slot_ids: slots.map((slot) => slot.id) });
    };
    await Promise.all(Array.from({ length: 7 }, (_, i) => boostWith(i, rival.id, rivalInvite)));
    expect(await adaApi.rest.patch(`/guilds/${rival.id}/vanity-url`, { code: 'taken-lab' })).toEqual({ code: 'taken-lab' });
    await Promise.all(Array.from({ length: 7 }, (_, i) => boostWith(7 + i, labId, labInvite)));

    // GUILD_UPDATE unlocks the open page.
    await p.locator('[data-testid=vanity-url][data-locked=false]').waitFor();
    const input = p.locator('[data-testid=vanity-input]');
    await input.fill('Taken-Lab');
    await p.click('[data-testid=vanity-save]');
    await p.locator('[data-testid=vanity-error][data-error-code="50020"]', { hasText: 'That vanity URL is taken' }).waitFor();
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    await input.fill('lab!');
    expect(await p.locator('[data-testid=vanity-error]').count()).toBe(0);
    await p.click('[data-testid=vanity-save]');
    await p.locator('[data-testid=vanity-error][data-error-code="50035"]', { hasText: 'Must be 2-32 letters, digits or dashes.' }).waitFor();
    expect((await adaApi.getGuild(labId)).vanity_url_code ?? null).toBeNull();

    await input.fill('Emoji-Lab');
    await p.click('[data-testid=vanity-save]');
    await p.locator('[data-testid=vanity-url][data-code=emoji-lab]').waitFor();
    expect(await p.locator('[data-testid=vanity-error]').count()).toBe(0);
    const link = p.locator('[data-testid=vanity-link] a');
    expect(await link.textContent()).toBe(`${server.url}/invite/emoji-lab`);
    await p.locator('[data-testid=vanity-link]', { hasText: 'used 0 times' }).waitFor();
    expect((await bobApi.rest.get<{ guild: { id: string } }>('/invites/emoji-lab')).guild.id).toBe(labId);
    await p.locator('[data-testid=vanity-url]').scrollIntoViewIfNeeded();
    await p.screenshot({ path: path.join(SCREENSHOTS, 'vanity-url.png') });

    await p.click('[data-testid=vanity-remove]');
    await expect.poll(() => p.locator('[data-testid=vanity-url]').getAttribute('data-code')).toBeNull();
    expect(await input.inputValue()).toBe('');
    await expect(bobApi.rest.get('/invites/emoji-lab')).rejects.toMatchObject({ code: 10006 });
    await p.click('[data-testid=settings-close]');
  }, 60_000);

  it('locks an emoji limited to a role for a member without it and unlocks it live when the role is granted', async () => {
    const role = await adaApi.createRole(labId, { name: 'Lab Tech' });
    const emoji = await adaApi.rest.post<{ id: string; roles: string[] }>(`/guilds/${labId}/emojis`, {
      name: 'secret_formula',
      image: `data:image/png;base64,${makePng(40, 40).toString('base64')}`,
      roles: [role.id],
    });
    expect(emoji.roles).toEqual([role.id]);
    const b = bob.page;
    await openGuild(b, labId);
    await openComposerPicker(b);
    await b.fill('[data-testid=emoji-search]', 'secret');
    const option = b.locator('[data-testid=emoji-option][data-emoji-name=secret_formula]');
    await expect.poll(() => option.getAttribute('data-locked')).toBe('role');
    await option.click();
    await b.locator('[data-testid=emoji-lock-notice]', { hasText: 'Only members with certain roles can use this emoji.' }).waitFor();
    expect(await b.locator('[data-testid=composer]').inputValue()).toBe('');
    // The role arrives by GUILD_MEMBER_UPDATE while the picker is open.
    await adaApi.addMemberRole(labId, bobId, role.id);
    await expect.poll(() => option.getAttribute('data-locked')).toBeNull();
    await option.click();
    await expect.poll(() => b.locator('[data-testid=composer]').inputValue()).toBe(':secret_formula: ');
    await b.locator('[data-testid=composer]').press('Enter');
    await expect.poll(async () => (await adaApi.getMessages(labGeneral, { limit: 1 }))[0]?.content).toBe(`<:secret_formula:${emoji.id}>`);
    await ada.page.locator(`[data-testid=message-content] [data-testid=custom-emoji][data-emoji-id="${emoji.id}"]`).waitFor();
  });
});
