// Regenerates docs/screenshots/*.png (1280x800): starts a server, seeds a lively community
// through the SDK (users, roles, channels, messages with replies, reactions, an embed, a code
// block, an image, presences with "Playing …", DMs), then drives the web client in Chromium.
// Run: node --import tsx apps/desktop/test/web/takeScreenshots.ts
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import WebSocket from 'ws';
import { ConcordApi, GatewayClient, type WebSocketConstructor } from '@concord/client';
import { ChannelType, PermissionFlags } from '@concord/protocol';
import { REPO_ROOT, buildWebClient, launchChromium, makePng, startTestServer } from './harness.ts';

const OUT = path.join(REPO_ROOT, 'docs/screenshots');
const PASSWORD = 'screenshot-pass-1';

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const server = await startTestServer(await buildWebClient());
  const gateways: GatewayClient[] = [];
  const browser = await launchChromium();
  try {
    const api = (token?: string) => new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: token ?? null });
    const register = async (username: string, global_name: string) => {
      const { token, user_id } = await api().register({ username, password: PASSWORD });
      const client = api(token);
      await client.modifyMe({ global_name });
      return { token, id: user_id, api: client, username };
    };
    const alice = await register('alice', 'Alice');
    const bob = await register('bob', 'Bobby');
    const carol = await register('carol', 'Carol');
    const dave = await register('dave', 'Dave');
    const erin = await register('erin', 'Erin');

    const online = (token: string, status: string, activity?: string) => {
      const gw = new GatewayClient({
        url: server.url.replace(/^http/, 'ws'),
        token,
        encoding: 'json',
        WebSocket: WebSocket as unknown as WebSocketConstructor,
        presence: { status, activities: activity ? [{ name: activity, type: 0 }] : [], since: null, afk: false },
      });
      gw.connect();
      gateways.push(gw);
      return gw.waitForReady();
    };

    const guild = await alice.api.createGuild({ name: 'Rocket League Fans' });
    const channels = await alice.api.getChannels(guild.id);
    const textCategory = channels.find((c) => c.type === ChannelType.GUILD_CATEGORY && /text/i.test(c.name ?? ''));
    const general = channels.find((c) => c.type === ChannelType.GUILD_TEXT)!;
    await alice.api.modifyChannel(general.id, { topic: 'Talk about **anything** Rocket League. Be nice, no spoilers without ||tags||.' });
    const announcements = await alice.api.createChannel(guild.id, { name: 'announcements', type: ChannelType.GUILD_ANNOUNCEMENT, parent_id: textCategory?.id ?? null, position: 0 });
    const clips = await alice.api.createChannel(guild.id, { name: 'clips-and-highlights', type: ChannelType.GUILD_TEXT, parent_id: textCategory?.id ?? null });
    const strategy = await alice.api.createChannel(guild.id, { name: 'strategy', type: ChannelType.GUILD_TEXT, parent_id: textCategory?.id ?? null });
    const tourneys = await alice.api.createChannel(guild.id, { name: 'Tournaments', type: ChannelType.GUILD_CATEGORY });
    const signups = await alice.api.createChannel(guild.id, { name: 'signups', type: ChannelType.GUILD_TEXT, parent_id: tourneys.id });
    await alice.api.createChannel(guild.id, { name: 'brackets', type: ChannelType.GUILD_TEXT, parent_id: tourneys.id });
    const mods = await alice.api.createRole(guild.id, { name: 'Moderators', color: 0xe67e22, hoist: true, permissions: String(PermissionFlags.MANAGE_MESSAGES | PermissionFlags.KICK_MEMBERS | PermissionFlags.VIEW_CHANNEL | PermissionFlags.SEND_MESSAGES) });
    const pros = await alice.api.createRole(guild.id, { name: 'Pro Players', color: 0x3498db, hoist: true });
    await alice.api.createRole(guild.id, { name: 'Coaches', color: 0x2ecc71 });
    const invite = await alice.api.createInvite(general.id, { max_age: 0 });
    for (const u of [bob, carol, dave, erin]) await u.api.acceptInvite(invite.code);
    await alice.api.addMemberRole(guild.id, bob.id, mods.id);
    await alice.api.addMemberRole(guild.id, carol.id, pros.id);
    await alice.api.addMemberRole(guild.id, dave.id, pros.id);

    await online(bob.token, 'online', 'Rocket League');
    await online(carol.token, 'idle');
    await online(dave.token, 'dnd', 'Valorant');

    await dave.api.sendMessage(general.id, 'Rotation tips for 3v3:\n> stay back post when your teammate challenges\n> *never* double commit\nand __always__ rotate ~~ball-cam off~~ back post');
    await carol.api.sendMessage(general.id, 'my boost math, for the nerds:\n```js\nconst boost = Math.min(100, pads * 12);\nconsole.log(`boost: ${boost}`);\n```');
    const embed = await bob.api.sendMessage(general.id, {
      content: `Tournament signups are open in <#${signups.id}>, <@${alice.id}> can you pin this?`,
      embeds: [
        {
          title: 'Winter Cup 2026 — 3v3',
          description: 'Double elimination, best of 5. **Prize:** a custom role and bragging rights.',
          color: 0x5865f2,
          fields: [
            { name: 'Date', value: 'Sat, Dec 12', inline: true },
            { name: 'Teams', value: '16 max', inline: true },
            { name: 'Region', value: 'EU / NA', inline: true },
          ],
          footer: { text: 'Rocket League Fans • Tournaments' },
        },
      ],
    });
    await alice.api.pin(general.id, embed.id);
    const m1 = await bob.api.sendMessage(general.id, 'gg everyone, that last match was **insane** 🔥');
    const m2 = await bob.api.sendMessage(general.id, 'did anyone clip the overtime goal?');
    await carol.api.sendMessage(general.id, `I did! uploading it to <#${clips.id}> in a sec`);
    const form = new FormData();
    form.append('payload_json', JSON.stringify({ content: 'overtime goal from tonight 👀' }));
    form.append('files[0]', new Blob([new Uint8Array(makePng(360, 160))], { type: 'image/png' }), 'overtime.png');
    const img = await carol.api.sendMessageWithFiles(general.id, form);
    const reply = await alice.api.sendMessage(general.id, { content: 'yes!! ||it was a 200 IQ flick|| 😂', message_reference: { message_id: m2.id } });
    for (const u of [alice, carol, dave]) await u.api.addReaction(general.id, m1.id, '🔥');
    await erin.api.addReaction(general.id, m1.id, '💯');
    for (const u of [bob, carol]) await u.api.addReaction(general.id, reply.id, '😂');
    for (const u of [alice, dave]) await u.api.addReaction(general.id, embed.id, '👍');
    await alice.api.addReaction(general.id, img.id, '🎉');
    await bob.api.sendMessage(announcements.id, 'Server rules updated, please read!');
    await carol.api.sendMessage(strategy.id, `<@${alice.id}> what do you think about 2-1 rotations?`);
    const dm = await bob.api.createDM(alice.id);
    await bob.api.sendMessage(dm.id, 'hey, scrim tonight at 9?');
    await alice.api.sendMessage(dm.id, 'sure, bring Carol');
    await bob.api.sendMessage(dm.id, "she's in, I'll make a group");
    // Group DMs are between friends (Discord's rule): Bob befriends Alice and Carol first.
    for (const friend of [alice, carol]) {
      await bob.api.addFriend(friend.id);
      await friend.api.addFriend(bob.id);
    }
    const group = await bob.api.createGroupDM([alice.id, carol.id]);
    await bob.api.sendMessage(group.id, 'squad assemble 🚀');
    const dm2 = await dave.api.createDM(alice.id);
    await dave.api.sendMessage(dm2.id, 'you coming to the cup?');

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const shot = async (name: string) => {
      await page.waitForTimeout(400); // let fonts, images and transitions settle for the picture
      await page.screenshot({ path: path.join(OUT, `${name}.png`) });
      console.log(`wrote docs/screenshots/${name}.png`);
    };
    await page.goto(`${server.url}/invite/${invite.code}`);
    await page.waitForSelector('[data-testid=invite-online]');
    await shot('invite-landing');
    await page.goto(server.url);
    await page.waitForSelector('[data-testid=login-form]');
    await page.fill('[data-testid=login-username]', 'alice');
    await shot('login');
    await page.fill('[data-testid=login-password]', PASSWORD);
    await page.click('[data-testid=login-submit]');
    await page.click('[data-testid=guild-icon]');
    await page.click(`[data-testid=channel-item][data-channel-id="${general.id}"]`);
    await page.waitForSelector('[data-testid=attachment-image]');
    await page.waitForSelector('[data-testid=embed]');
    await page.mouse.move(700, 200);
    await shot('chat');

    await page.locator('[data-testid=message]', { hasText: 'gg everyone' }).click({ button: 'right', position: { x: 420, y: 30 } });
    await shot('message-context-menu');
    await page.keyboard.press('Escape');
    await page.fill('[data-testid=composer]', 'nice one @ca');
    await page.locator('[data-testid=composer]').press('End');
    await page.waitForSelector('[data-testid=autocomplete]');
    await shot('composer-autocomplete');
    await page.fill('[data-testid=composer]', '');

    await page.click('[data-testid=pins-button]');
    await page.waitForSelector('[data-testid=pinned-message]');
    await shot('pins');
    await page.click('[data-testid=pins-button]');
    await page.locator('[data-testid=message]', { hasText: 'gg everyone' }).hover();
    await page.locator('[data-testid=message]', { hasText: 'gg everyone' }).locator('[data-testid=toolbar-react]').click();
    await page.waitForSelector('[data-testid=emoji-picker]');
    await shot('emoji-picker');
    await page.keyboard.press('Escape');
    await page.click('[data-testid=guild-header]');
    await page.click('[data-testid=menu-create-channel]');
    await shot('create-channel');
    await page.keyboard.press('Escape');

    await page.click('[data-testid=guild-header]');
    await page.click('[data-testid=menu-server-settings]');
    await page.click('[data-testid=settings-tab-roles]');
    await page.click('[data-testid=role-item][data-role-name=Moderators]');
    await page.click('[data-testid=role-permissions-tab]');
    await shot('server-settings-roles');
    await page.keyboard.press('Escape');

    await page.hover(`[data-testid=channel-item][data-channel-id="${strategy.id}"]`);
    await page.click(`[data-testid=channel-item][data-channel-id="${strategy.id}"] [data-testid=channel-settings-button]`);
    await page.click('[data-testid=settings-tab-permissions]');
    await shot('channel-permissions');
    await page.keyboard.press('Escape');

    await page.click('[data-testid=user-settings-button]');
    await shot('user-settings');
    await page.click('[data-testid=settings-tab-appearance]');
    await page.click('[data-testid=theme-light]');
    await page.keyboard.press('Escape');
    await page.mouse.move(700, 200);
    await shot('chat-light');
    await page.click('[data-testid=user-settings-button]');
    await page.click('[data-testid=settings-tab-appearance]');
    await page.click('[data-testid=theme-dark]');
    await page.keyboard.press('Escape');

    await page.click('[data-testid=home-button]');
    await page.click(`[data-testid=dm-item][data-channel-id="${dm.id}"]`);
    await page.waitForSelector('[data-testid=message]');
    await page.mouse.move(700, 200);
    await shot('dm-list');

    await page.keyboard.press('Control+k');
    await page.fill('[data-testid=quick-switcher-input]', 'st');
    await shot('quick-switcher');
    await page.keyboard.press('Escape');

    await page.click('[data-testid=guild-icon]');
    await page.click('[data-testid=guild-header]');
    await page.click('[data-testid=menu-invite]');
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('[data-testid=invite-link]')?.value.includes('/invite/'));
    await shot('invite');
    await context.close();
  } finally {
    for (const g of gateways) g.close();
    await browser.close();
    await server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
