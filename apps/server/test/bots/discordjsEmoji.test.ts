// Issue 21's proof with an unmodified discord.js v14 bot: it creates a custom emoji with
// guild.emojis.create, reacts with it, sends `<:name:id>`, sees emojiCreate (also for an emoji a
// member uploaded, so through GUILD_EMOJIS_UPDATE) and messageReactionAdd with the custom emoji,
// and deletes it; members see all of it through the SDK.
import { ApplicationFlags, PermissionFlags, type APIGuildEmoji } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataUri, png } from '../expressionFixtures.ts';
import { connectGateway, eventually, guildWithMember, registerUser, startTestServer, type Recorder, type TestServer, type TestUser } from '../harness.ts';
import { authorizeBot, createBotApplication, runBot, type BotProcess, type TestBot } from './botHarness.ts';

const BOT_PERMISSIONS =
  PermissionFlags.VIEW_CHANNEL |
  PermissionFlags.SEND_MESSAGES |
  PermissionFlags.READ_MESSAGE_HISTORY |
  PermissionFlags.ADD_REACTIONS |
  PermissionFlags.USE_EXTERNAL_EMOJIS |
  PermissionFlags.CREATE_GUILD_EXPRESSIONS |
  PermissionFlags.MANAGE_GUILD_EXPRESSIONS;

let t: TestServer;
let alice: TestUser;
let bob: TestUser;
let guildId: string;
let general: string;
let bot: TestBot;
let proc: BotProcess;
let bobGw: Recorder;

beforeAll(async () => {
  t = await startTestServer({ RATE_LIMITS: 'on' });
  alice = await registerUser(t);
  bob = await registerUser(t);
  const g = await guildWithMember(alice, bob);
  guildId = g.guild.id;
  general = g.general;
  bot = await createBotApplication(alice, 'Emoji bot', ApplicationFlags.GATEWAY_MESSAGE_CONTENT_LIMITED);
  await authorizeBot(alice, bot, guildId, BOT_PERMISSIONS);
  bobGw = await connectGateway(t, bob.token, 'json');
  proc = runBot(t, 'emoji-bot.mjs', bot.token);
  await proc.waitFor('ready');
});
afterAll(async () => {
  await proc.stop();
  bobGw.close();
  await t.close();
});

describe('an unmodified discord.js v14 bot with custom emoji', () => {
  it("sees emojiCreate for a member's upload (GUILD_EMOJIS_UPDATE)", async () => {
    const made = await alice.api.rest.post<APIGuildEmoji>(`/guilds/${guildId}/emojis`, { name: 'alice_made', image: dataUri(png(16, 16)) });
    const seen = await proc.waitFor('emoji-create', (e) => e['id'] === made.id);
    expect(seen).toMatchObject({ name: 'alice_made', animated: false, guild: guildId });
  });

  it('creates an emoji, reacts with it and sends <:name:id>', async () => {
    const trigger = await bob.api.sendMessage(general, '!emoji');
    const done = await proc.waitFor('emoji-done');
    const emoji = done['emoji'] as { id: string; name: string };
    expect(emoji.name).toBe('bot_wave');
    expect(done['identifier']).toBe(`bot_wave:${emoji.id}`);
    expect(done['content']).toBe(`hello <:bot_wave:${emoji.id}>`);
    expect(done['reactedTo']).toBe(trigger.id);
    await proc.waitFor('emoji-create', (e) => e['id'] === emoji.id);
    // The bot's own reaction comes back as MESSAGE_REACTION_ADD with the custom emoji.
    const reaction = await proc.waitFor('reaction-add', (e) => e['message'] === trigger.id && e['user'] === bot.userId);
    expect(reaction['emoji']).toEqual({ id: emoji.id, name: 'bot_wave' });
    // Members see the emoji in the guild, the message with it, and the reaction.
    await eventually(() => bobGw.of('GUILD_EMOJIS_UPDATE').some((d) => d.emojis.some((e: APIGuildEmoji) => e.id === emoji.id)), 'GUILD_EMOJIS_UPDATE at bob');
    await eventually(() => bobGw.of('MESSAGE_CREATE').some((m) => m.id === done['message'] && m.content === `hello <:bot_wave:${emoji.id}>`), 'the message at bob');
    const reacted = await bob.api.getMessage(general, trigger.id);
    expect(reacted.reactions).toEqual([expect.objectContaining({ count: 1, emoji: { id: emoji.id, name: 'bot_wave', animated: false } })]);
    const image = await fetch(`${t.server.url}/emojis/${emoji.id}.png`);
    expect([image.status, image.headers.get('content-type')]).toEqual([200, 'image/png']);
  });

  it('sees a member react with its emoji, then deletes the emoji (emojiDelete)', async () => {
    const done = await proc.waitFor('emoji-done');
    const emoji = done['emoji'] as { id: string };
    await bob.api.rest.put(`/channels/${general}/messages/${done['message'] as string}/reactions/${encodeURIComponent(`bot_wave:${emoji.id}`)}/@me`);
    const seen = await proc.waitFor('reaction-add', (e) => e['user'] === bob.id);
    expect(seen['emoji']).toEqual({ id: emoji.id, name: 'bot_wave' });
    await bob.api.sendMessage(general, '!emoji-delete');
    const deleted = await proc.waitFor('emoji-deleted');
    expect(deleted).toMatchObject({ id: emoji.id, cached: false });
    await proc.waitFor('emoji-delete', (e) => e['id'] === emoji.id);
    const left = await bob.api.rest.get<APIGuildEmoji[]>(`/guilds/${guildId}/emojis`);
    expect(left.map((e) => e.name)).toEqual(['alice_made']);
    expect(proc.events.some((e) => e.event === 'emoji-failed')).toBe(false);
  });
});
