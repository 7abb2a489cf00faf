// Bots from the web client, end to end: a user creates an application and its bot in the
// developer portal, copies the token, switches on an intent, and adds the bot to their server
// through the authorize page the portal links to. An unmodified discord.js bot (a child process
// configured only with the REST base URL and that token) registers its commands; the user runs
// them from the composer ("/" picker, typed options, choices, autocomplete, the server's 50035
// inline), sees "is thinking…" and the edited answer, clicks buttons, picks in a select, fills a
// modal, gets ephemeral answers that a second member never sees, runs a message command from the
// message menu, and is told when the bot does not respond.
import { ConcordApi } from '@concord/client';
import { ApplicationFlags, ChannelType, PermissionFlags } from '@concord/protocol';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runBotFixture, type BotProcess } from './botProcess.ts';
import { buildWebClient, launchChromium, makePng, messageWithText, openSignedInPage, registerViaApi, startTestServer, type TestServer, type UserPage } from './harness.ts';
import { closeOpened } from '../closeOpened.ts';

describe('web client: bots, slash commands and components', () => {
  let server: TestServer;
  let browser: Browser;
  let alice: UserPage;
  let bob: UserPage;
  let aliceApi: ConcordApi;
  let guildId = '';
  let general = '';
  let applicationId = '';
  let token = '';
  let bot: BotProcess | null = null;
  const suffix = Date.now().toString(36).slice(-5);
  const aliceName = `alice_${suffix}`;

  beforeAll(async () => {
    server = await startTestServer(await buildWebClient());
    const a = await registerViaApi(server.url, aliceName);
    const b = await registerViaApi(server.url, `bob_${suffix}`);
    aliceApi = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: a.token });
    const bobApi = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: b.token });
    const guild = await aliceApi.createGuild({ name: 'Dice Club' });
    guildId = guild.id;
    general = (await aliceApi.getChannels(guildId)).find((c) => c.type === ChannelType.GUILD_TEXT)!.id;
    await bobApi.acceptInvite((await aliceApi.createInvite(general)).code);
    browser = await launchChromium();
    alice = await openSignedInPage(browser, server.url, aliceName, a.token);
    await alice.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    // Fail a step with the locator that did not show up, well inside the test's own timeout.
    alice.page.setDefaultTimeout(15_000);
    bob = await openSignedInPage(browser, server.url, `bob_${suffix}`, b.token);
    await bob.page.click(`[data-testid=guild-icon][data-guild-id="${guildId}"]`);
  }, 120_000);

  afterAll(async () => {
    await bot?.stop();
    await closeOpened(browser, server);
  });

  afterEach(async (ctx) => {
    if (process.env['DEBUG_SHOTS'] && ctx.task.result?.state === 'fail') await alice.page.screenshot({ path: `/tmp/bots-${ctx.task.name.slice(0, 24).replace(/\W+/g, '_')}.png` });
  });

  const portal = () => alice.page.locator('[data-testid=dev-application]');

  it('creates an application and its bot in the developer portal, and copies the token', async () => {
    const p = alice.page;
    await p.click('[aria-label="User Settings"]');
    await p.click('[data-testid=settings-tab-applications]');
    await p.locator('[data-testid=dev-empty]').waitFor();
    await p.fill('[data-testid=dev-app-name-input]', 'Dice Bot');
    await p.click('[data-testid=dev-create-application]');
    await expect.poll(() => p.textContent('[data-testid=dev-app-title]')).toBe('Dice Bot');
    applicationId = (await portal().getAttribute('data-app-id'))!;

    await p.click('[data-testid=dev-add-bot]');
    await p.locator('[data-testid=dev-bot-name]', { hasText: 'Dice Bot' }).waitFor();
    const shown = await p.inputValue('[data-testid=dev-token]');
    expect(shown.length).toBeGreaterThan(30);
    await p.click('[data-testid=dev-copy-token]');
    await expect.poll(() => p.evaluate(() => navigator.clipboard.readText())).toBe(shown);

    // Resetting issues a new token; the first one stops working.
    await p.click('[data-testid=dev-reset-token]');
    await p.click('[data-testid=dev-reset-token-confirm]');
    await expect.poll(() => p.inputValue('[data-testid=dev-token]')).not.toBe(shown);
    await p.click('[data-testid=dev-copy-token]');
    await expect.poll(() => p.evaluate(() => navigator.clipboard.readText())).not.toBe(shown);
    token = await p.evaluate(() => navigator.clipboard.readText());
    expect(token).toBe(await p.inputValue('[data-testid=dev-token]'));
    const stale = await fetch(`${server.url}/api/v10/users/@me`, { headers: { authorization: `Bot ${shown}` } });
    expect(stale.status).toBe(401);
    const fresh = await fetch(`${server.url}/api/v10/users/@me`, { headers: { authorization: `Bot ${token}` } });
    expect(fresh.status).toBe(200);
  });

  it('switches on the Message Content intent (the bot below identifies with it)', async () => {
    const p = alice.page;
    const toggle = p.locator('[data-testid=dev-intent-messageContent]');
    expect(await toggle.getAttribute('aria-checked')).toBe('false');
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-checked')).toBe('true');
    const [app] = await aliceApi.listApplications();
    expect(app!.flags & ApplicationFlags.GATEWAY_MESSAGE_CONTENT_LIMITED).toBe(ApplicationFlags.GATEWAY_MESSAGE_CONTENT_LIMITED);
    expect(await p.getAttribute('[data-testid=dev-intent-members]', 'aria-checked')).toBe('false');
  });

  it('generates the authorize URL from scopes and permissions, and adds the bot through the consent page', async () => {
    const p = alice.page;
    await p.click('[data-testid=dev-tab-oauth2]');
    await p.click('[data-testid=dev-perm-EMBED_LINKS]'); // on by default: off
    await p.click('[data-testid=dev-perm-ADD_REACTIONS]');
    const expected = PermissionFlags.VIEW_CHANNEL | PermissionFlags.SEND_MESSAGES | PermissionFlags.READ_MESSAGE_HISTORY | PermissionFlags.USE_APPLICATION_COMMANDS | PermissionFlags.ADD_REACTIONS;
    const url = await p.inputValue('[data-testid=dev-authorize-url]');
    expect(url).toBe(`${server.url}/oauth2/authorize?client_id=${applicationId}&permissions=${expected}&scope=bot%20applications.commands`);
    await p.click('[data-testid=dev-copy-url]');
    await expect.poll(() => p.evaluate(() => navigator.clipboard.readText())).toBe(url);

    const [consent] = await Promise.all([alice.context.waitForEvent('page'), p.click('[data-testid=dev-open-url]')]);
    await consent.waitForSelector('#consent:not([hidden])');
    expect(await consent.textContent('#title')).toBe('Add Dice Bot');
    await consent.selectOption('#guild', guildId);
    await consent.click('#authorize');
    await consent.waitForSelector('#status.ok');
    await consent.close();
    const roles = await aliceApi.getRoles(guildId);
    expect(roles.find((r) => r.managed && r.name === 'Dice Bot')?.permissions).toBe(expected.toString());

    await p.click('[data-testid=settings-close]');
    await p.click(`[data-testid=guild-icon][data-guild-id="${guildId}"]`);
    await p.locator(`[data-testid=member-list]`, { hasText: 'Dice Bot' }).waitFor();
  });

  it('runs an unmodified discord.js bot with the copied token; it registers its commands', async () => {
    bot = runBotFixture(server.url, 'dice-bot.mjs', token);
    const ready = await bot.waitFor('ready');
    expect(ready['application']).toBe(applicationId);
    expect((await bot.waitFor('commands'))['names']).toEqual(['Quote', 'fruit', 'ping', 'roll']);
  });

  const composer = () => alice.page.locator('[data-testid=composer]');
  const commandItems = () => alice.page.locator('[data-testid=command-item]');

  it('lists the commands of the server\'s bots on "/" and filters them as the user types', async () => {
    const p = alice.page;
    await composer().click();
    await composer().fill('/');
    await expect.poll(() => commandItems().evaluateAll((els) => els.map((e) => e.getAttribute('data-command')))).toEqual(['fruit', 'ping', 'roll']);
    const roll = commandItems().filter({ hasText: '/roll' });
    expect(await roll.textContent()).toContain('Rolls dice and shows the result');
    expect(await roll.textContent()).toContain('sides [count] [style]');
    expect(await roll.textContent()).toContain('Dice Bot');
    await composer().fill('/ro');
    await expect.poll(() => commandItems().evaluateAll((els) => els.map((e) => e.getAttribute('data-command')))).toEqual(['roll']);
    await p.keyboard.press('Escape');
    await p.locator('[data-testid=command-picker]').waitFor({ state: 'detached' });
    await composer().fill('');
  });

  it('shows the server\'s 50035 for a malformed option next to the option', async () => {
    const p = alice.page;
    await composer().fill('/ro');
    await p.keyboard.press('Enter');
    await p.locator('[data-testid=command-form][data-command=roll]').waitFor();
    const sides = p.locator('[data-testid=command-option][data-option=sides] input');
    await expect.poll(() => sides.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await p.textContent('[data-testid=command-option-help]')).toContain('How many sides each die has');
    // A word in a number field cannot be sent at all: refused locally.
    await sides.fill('six');
    await p.keyboard.press('Enter');
    expect(await p.textContent('[data-testid=command-error][data-option=sides]')).toContain('whole number');
    // Out of range: only the server knows (max_value 100), and says so with 50035.
    await sides.fill('500');
    await p.keyboard.press('Enter');
    await expect.poll(() => p.textContent('[data-testid=command-error][data-option=sides]')).toContain('Must be at most 100');
    expect(await p.getAttribute('[data-testid=command-option][data-option=sides]', 'class')).toContain('invalid');
    expect(bot!.events.some((e) => e.event === 'roll-deferred')).toBe(false);
  });

  it('runs /roll with a choice: "is thinking…", then the edited answer with embed, buttons and select', async () => {
    const p = alice.page;
    await p.locator('[data-testid=command-option][data-option=sides] input').fill('6');
    // Optional options are added from the list (or by typing their name in the tail).
    await p.keyboard.press('Tab');
    await p.keyboard.type('st');
    await p.locator('[data-testid=command-optional-option][data-value=style]').waitFor();
    await p.keyboard.press('Enter');
    await p.locator('[data-testid=command-option][data-option=style].focused').waitFor();
    await p.click('[data-testid=command-suggestion][data-value=fancy]');
    expect(await p.inputValue('[data-testid=command-option][data-option=style] input')).toBe('Fancy');
    await p.keyboard.press('Enter');

    const answer = p.locator('[data-testid=message]', { has: p.locator('[data-testid=interaction-header]', { hasText: `${aliceName} used /roll` }) });
    await answer.locator('[data-testid=thinking]', { hasText: 'Dice Bot is thinking' }).waitFor();
    expect((await bot!.waitFor('roll-deferred'))['style']).toBe('fancy');
    await p.locator('[data-testid=command-form]').waitFor({ state: 'detached' });
    expect(await composer().inputValue()).toBe('');

    await answer.locator('[data-testid=message-content]', { hasText: 'rolled 1' }).waitFor();
    expect(await answer.locator('[data-testid=thinking]').count()).toBe(0);
    const embed = answer.locator('[data-testid=embed]');
    expect(await embed.locator('[data-testid=embed-title]').textContent()).toBe('1d6 → 1');
    expect(await embed.textContent()).toContain(`${aliceName}'s roll`);
    expect(await embed.textContent()).toContain('✨ 1 ✨');
    expect(await embed.textContent()).toContain('Dice Bot');
    const buttons = answer.locator('[data-testid=component-button]');
    expect(await buttons.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-label')}:${(e.getAttribute('class') ?? '').split(' ')[1]}:${e instanceof HTMLButtonElement && e.disabled}`))).toEqual([
      'Reroll:primary:false',
      'Add a note:secondary:false',
      'Keep:success:false',
      'Forfeit:danger:true',
      'Rules:link:false',
    ]);
    expect(await answer.locator('[data-testid=component-button][data-label=Rules]').getAttribute('href')).toBe('https://discord.js.org/');
    expect(await answer.locator('[data-testid=component-select]').textContent()).toContain('Place a bet');
    // Bob sees the public answer too.
    await messageWithText(bob.page, 'rolled 1').waitFor();
  });

  const rollAnswer = () => alice.page.locator('[data-testid=message]', { has: alice.page.locator('[data-testid=interaction-header]', { hasText: 'used /roll' }) });

  it('clicks a button: the bot updates the message in place', async () => {
    await rollAnswer().locator('[data-testid=component-button][data-label=Reroll]').click();
    await rollAnswer().locator('[data-testid=message-content]', { hasText: 'rerolled 2' }).waitFor();
    expect(await rollAnswer().locator('[data-testid=embed-title]').textContent()).toBe('1d6 → 2');
    await bot!.waitFor('rerolled');
  });

  it('picks in a select: the ephemeral answer is shown to the user alone', async () => {
    const p = alice.page;
    await rollAnswer().locator('[data-testid=component-select] button').click();
    await p.click('[data-testid=component-select-option][data-value=high]');
    const reply = messageWithText(p, 'You bet high.');
    await reply.locator('[data-testid=ephemeral-note]', { hasText: 'Only you can see this' }).waitFor();
    // An answer to a component quotes the message whose component was used, as a reply does.
    expect(await reply.locator('[data-testid=interaction-header]').getAttribute('data-interacted-message-id')).toBe(await rollAnswer().getAttribute('data-message-id'));
    expect(await reply.locator('[data-testid=interaction-header]').textContent()).toContain('@Dice Bot');
    expect((await bot!.waitFor('bet'))['values']).toEqual(['high']);
    await reply.locator('[data-testid=dismiss-ephemeral]').click();
    await reply.waitFor({ state: 'detached' });
  });

  it('opens the modal a button answers with, checks its input and submits it', async () => {
    const p = alice.page;
    await rollAnswer().locator('[data-testid=component-button][data-label="Add a note"]').click();
    const modal = p.locator('[data-testid=interaction-modal]');
    await modal.waitFor();
    expect(await modal.getAttribute('aria-label')).toBe('Add a note');
    expect(await modal.textContent()).toContain('Your note');
    await modal.locator('[data-testid=interaction-modal-input]').fill('no');
    await p.click('[data-testid=interaction-modal-submit]');
    expect(await modal.locator('[data-testid=interaction-modal-error]').textContent()).toContain('at least 3');
    await modal.locator('[data-testid=interaction-modal-input]').fill('lucky roll');
    await p.click('[data-testid=interaction-modal-submit]');
    await modal.waitFor({ state: 'detached' });
    await messageWithText(p, 'Noted: lucky roll').locator('[data-testid=ephemeral-note]').waitFor();
    expect((await bot!.waitFor('modal-handled'))['note']).toBe('lucky roll');
  });

  it('autocompletes an option from the bot as the user types, and the ephemeral reply stays private', async () => {
    const p = alice.page;
    await composer().fill('/fru');
    await p.keyboard.press('Enter');
    const name = p.locator('[data-testid=command-option][data-option=name] input');
    await expect.poll(() => name.evaluate((el) => el === document.activeElement)).toBe(true);
    await p.keyboard.type('ap');
    await expect.poll(() => p.locator('[data-testid=command-suggestion]').evaluateAll((els) => els.map((e) => e.textContent))).toEqual(['Apple', 'Apricot']);
    await bot!.waitFor('autocomplete', (e) => e['typed'] === 'ap');
    await p.click('[data-testid=command-suggestion][data-value=apricot]');
    expect(await name.inputValue()).toBe('Apricot');
    await p.keyboard.press('Enter');
    const reply = messageWithText(p, 'You picked apricot.');
    await reply.locator('[data-testid=ephemeral-note]', { hasText: 'Only you can see this • Dismiss message' }).waitFor();
    // The other member sees neither the ephemeral answers nor the bet.
    await messageWithText(bob.page, 'rerolled 2').waitFor();
    expect(await messageWithText(bob.page, 'You picked apricot.').count()).toBe(0);
    expect(await messageWithText(bob.page, 'Noted: lucky roll').count()).toBe(0);
  });

  it('a button that ends the game removes the components', async () => {
    await rollAnswer().locator('[data-testid=component-button][data-label=Keep]').click();
    await rollAnswer().locator('[data-testid=message-content]', { hasText: 'kept the roll' }).waitFor();
    await expect.poll(() => rollAnswer().locator('[data-testid=message-components]').count()).toBe(0);
  });

  it('runs a message command from the message menu (Apps)', async () => {
    const p = alice.page;
    await bob.page.locator('[data-testid=composer]').fill('best of three?');
    await bob.page.locator('[data-testid=composer]').press('Enter');
    await messageWithText(p, 'best of three?').click({ button: 'right' });
    await p.click('[data-testid=menu-app-command]:text-is("Quote")');
    const quote = p.locator('[data-testid=message]', { has: p.locator('[data-testid=interaction-header]', { hasText: `${aliceName} used Quote` }) });
    await quote.locator('[data-testid=message-content]', { hasText: `quoted by ${aliceName}` }).waitFor();
    expect(await quote.locator('.md-quote').textContent()).toBe('best of three?');
    await bot!.waitFor('quoted');
  });

  it('says "The application did not respond" when the bot is gone', async () => {
    const p = alice.page;
    await bot!.stop();
    bot = null;
    await composer().fill('/pi');
    await p.locator('[data-testid=command-item][data-command=ping]').waitFor();
    await p.keyboard.press('Enter');
    await p.locator('[data-testid=command-form][data-command=ping]').waitFor();
    await p.keyboard.press('Enter');
    const sent = p.locator('[data-testid=sent-command]');
    // The server waits up to 3 s for a first answer: meanwhile the command shows as being sent.
    await p.locator('[data-testid=sent-command][data-status=sending]', { hasText: 'Sending command' }).waitFor();
    await sent.locator('[data-testid=sent-command-error]', { hasText: 'The application did not respond' }).waitFor();
    expect(await sent.getAttribute('data-status')).toBe('failed');
    expect(await sent.textContent()).toContain(`${aliceName} used /ping`);
    await sent.locator('[data-testid=dismiss-ephemeral]').click();
    await sent.waitFor({ state: 'detached' });
  });

  it('renders every part of an embed: author, title, description, fields, colour, image, thumbnail, footer', async () => {
    const p = alice.page;
    const form = new FormData();
    form.append('payload_json', JSON.stringify({ content: 'chart' }));
    form.append('files[0]', new Blob([new Uint8Array(makePng(320, 120))], { type: 'image/png' }), 'chart.png');
    const upload = await aliceApi.sendMessageWithFiles(general, form);
    const image = upload.attachments[0]!.url;
    const hook = await aliceApi.createWebhook(general, { name: 'Scoreboard' });
    await aliceApi.executeWebhook(hook.id, hook.token!, {
      embeds: [
        {
          author: { name: 'League office', icon_url: image },
          title: 'Weekly standings',
          url: 'https://example.com/standings',
          description: 'Top **three** this week',
          color: 0xfee75c,
          fields: [
            { name: 'First', value: 'Alice', inline: true },
            { name: 'Second', value: 'Bob', inline: true },
            { name: 'Notes', value: 'Ties broken by goal difference' },
          ],
          image: { url: image },
          thumbnail: { url: image },
          footer: { text: 'Updated weekly', icon_url: image },
          timestamp: '2026-01-02T10:00:00.000Z',
        },
      ],
    });
    const card = p.locator('[data-testid=embed]', { hasText: 'Weekly standings' });
    await card.waitFor();
    expect(await card.locator('.e-author').textContent()).toBe('League office');
    expect(await card.locator('[data-testid=embed-title] a').getAttribute('href')).toBe('https://example.com/standings');
    expect(await card.locator('.e-desc strong').textContent()).toBe('three');
    expect(await card.locator('.e-field').evaluateAll((els) => els.map((e) => `${e.textContent}|${e.classList.contains('inline')}`))).toEqual(['FirstAlice|true', 'SecondBob|true', 'NotesTies broken by goal difference|false']);
    expect(await card.evaluate((el) => getComputedStyle(el).borderLeftColor)).toBe('rgb(254, 231, 92)');
    expect(await card.locator('.e-footer').textContent()).toContain('Updated weekly');
    await expect.poll(() => card.locator('.e-image img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(320);
    await expect.poll(() => card.locator('.e-thumb').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(320);
    expect(await messageWithText(p, 'chart').count()).toBe(1);
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
});
