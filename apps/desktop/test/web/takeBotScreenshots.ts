// Regenerates the bot screenshots of docs/screenshots (1280x800): developer-portal.png (and
// developer-portal-oauth2.png), slash-commands.png and bot-components.png. Starts a server, seeds a small community, creates
// the bot through the SDK, runs the fixture discord.js bot (fixtures/dice-bot.mjs) and drives the
// web client in Chromium. Run: node --import tsx apps/desktop/test/web/takeBotScreenshots.ts
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { ConcordApi } from '@concord/client';
import { ApplicationFlags, ChannelType, PermissionFlags } from '@concord/protocol';
import { runBotFixture } from './botProcess.ts';
import { REPO_ROOT, buildWebClient, launchChromium, startTestServer } from './harness.ts';

const OUT = path.join(REPO_ROOT, 'docs/screenshots');
const PASSWORD = 'screenshot-pass-1';

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const server = await startTestServer(await buildWebClient());
  const browser = await launchChromium();
  let bot: ReturnType<typeof runBotFixture> | null = null;
  try {
    const api = (token?: string) => new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: token ?? null });
    const register = async (username: string, global_name: string) => {
      const { token, user_id } = await api().register({ username, password: PASSWORD });
      const client = api(token);
      await client.modifyMe({ global_name });
      return { token, id: user_id, api: client };
    };
    const alice = await register('alice', 'Alice');
    const bob = await register('bob', 'Bobby');
    const carol = await register('carol', 'Carol');

    const guild = await alice.api.createGuild({ name: 'Board Game Night' });
    const channels = await alice.api.getChannels(guild.id);
    const general = channels.find((c) => c.type === ChannelType.GUILD_TEXT)!;
    await alice.api.modifyChannel(general.id, { topic: 'Friday games. Use **/roll** for dice.' });
    const category = channels.find((c) => c.type === ChannelType.GUILD_CATEGORY && /text/i.test(c.name ?? ''));
    await alice.api.createChannel(guild.id, { name: 'rules', type: ChannelType.GUILD_TEXT, parent_id: category?.id ?? null });
    await alice.api.createChannel(guild.id, { name: 'scores', type: ChannelType.GUILD_TEXT, parent_id: category?.id ?? null });
    const invite = await alice.api.createInvite(general.id, { max_age: 0 });
    for (const u of [bob, carol]) await u.api.acceptInvite(invite.code);
    await bob.api.sendMessage(general.id, 'who is in for Catan tonight?');
    await carol.api.sendMessage(general.id, 'me! bringing snacks 🍿');
    await alice.api.sendMessage(general.id, 'I added a dice bot, try **/roll**');

    const app = await alice.api.createApplication({ name: 'Dice Bot' });
    const { token } = await alice.api.createBot(app.id);
    await alice.api.modifyApplication(app.id, { flags: ApplicationFlags.GATEWAY_MESSAGE_CONTENT_LIMITED });
    await alice.api.authorizeBot(app.id, guild.id, PermissionFlags.VIEW_CHANNEL | PermissionFlags.SEND_MESSAGES | PermissionFlags.EMBED_LINKS | PermissionFlags.READ_MESSAGE_HISTORY | PermissionFlags.USE_APPLICATION_COMMANDS);
    bot = runBotFixture(server.url, 'dice-bot.mjs', token);
    await bot.waitFor('commands');
    await alice.api.createApplication({ name: 'Trivia Master' });
    await alice.api.createApplication({ name: 'Scorekeeper' });

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const shot = async (name: string) => {
      await page.waitForTimeout(400); // let fonts, images and transitions settle for the picture
      await page.screenshot({ path: path.join(OUT, `${name}.png`) });
      console.log(`wrote docs/screenshots/${name}.png`);
    };
    await page.goto(server.url);
    await page.fill('[data-testid=login-username]', 'alice');
    await page.fill('[data-testid=login-password]', PASSWORD);
    await page.click('[data-testid=login-submit]');
    await page.click('[data-testid=guild-icon]');
    await page.click(`[data-testid=channel-item][data-channel-id="${general.id}"]`);
    await page.locator('[data-testid=message]', { hasText: 'dice bot' }).waitFor();

    // Bobby rolls first, so the channel shows an answer.
    const index = await bob.api.commandIndex(guild.id);
    const roll = index.application_commands.find((c) => c.name === 'roll')!;
    await bob.api.createInteraction({ application_id: app.id, channel_id: general.id, guild_id: guild.id, type: 2, data: { id: roll.id, name: 'roll', type: 1, options: [{ name: 'sides', type: 4, value: 6 }, { name: 'count', type: 4, value: 2 }] } });
    await page.locator('[data-testid=message-content]', { hasText: 'Bobby rolled' }).waitFor();

    // slash-commands: the command form, with the choices of an option.
    const composer = page.locator('[data-testid=composer]');
    await composer.click();
    await composer.fill('/ro');
    await page.locator('[data-testid=command-item]').first().waitFor();
    await page.keyboard.press('Enter');
    await page.keyboard.type('20');
    await page.keyboard.press('Tab');
    await page.keyboard.type('count');
    await page.keyboard.press('Enter');
    await page.keyboard.type('3');
    await page.keyboard.press('Tab');
    await page.keyboard.type('style');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=command-suggestion]').first().waitFor();
    await page.mouse.move(1150, 600);
    await shot('slash-commands');
    await page.click('[data-testid=command-suggestion][data-value=fancy]');
    await page.keyboard.press('Enter');

    // bot-components: the answer with embed, buttons and select, an ephemeral reply, and a new
    // roll still thinking.
    await page.locator('[data-testid=message-content]', { hasText: 'Alice rolled' }).waitFor();
    const answer = page.locator('[data-testid=message]', { hasText: 'Alice rolled' });
    await answer.locator('[data-testid=component-select] button').click();
    await page.click('[data-testid=component-select-option][data-value=high]');
    await page.locator('[data-testid=ephemeral-note]').waitFor();
    await composer.fill('/pi');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=message-content]', { hasText: 'Pong!' }).waitFor();
    await composer.fill('/ro');
    await page.keyboard.press('Enter');
    await page.keyboard.type('100');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=thinking]').waitFor();
    await answer.locator('[data-testid=component-button][data-label=Reroll]').hover();
    await page.screenshot({ path: path.join(OUT, 'bot-components.png') });
    console.log('wrote docs/screenshots/bot-components.png');

    // developer-portal: the application page with a fresh token.
    await page.click('[data-testid=user-settings-button]');
    await page.click('[data-testid=settings-tab-applications]');
    await page.click(`[data-testid=dev-app-card][data-app-id="${app.id}"]`);
    await page.click('[data-testid=dev-reset-token]');
    await page.click('[data-testid=dev-reset-token-confirm]');
    await page.locator('[data-testid=dev-token]').waitFor();
    await page.mouse.move(10, 790);
    await shot('developer-portal');
    await page.click('[data-testid=dev-tab-oauth2]');
    await page.click('[data-testid=dev-perm-MANAGE_MESSAGES]');
    await shot('developer-portal-oauth2');
    await context.close();
  } finally {
    await bot?.stop();
    await browser.close();
    await server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
