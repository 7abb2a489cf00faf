// The proof of issue 6: unmodified discord.js v14 bots (child processes, configured only with the
// REST base URL; the gateway URL comes from GET /gateway/bot) against the real server, with users
// acting through our SDK.
import { ApplicationFlags, MessageFlags, PermissionFlags } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectGateway, eventually, guildWithMember, registerUser, startTestServer, type Recorder, type TestServer, type TestUser } from '../harness.ts';
import { authorizeBot, createBotApplication, restError, runBot, type BotProcess, type TestBot } from './botHarness.ts';

const BOT_PERMISSIONS = PermissionFlags.VIEW_CHANNEL | PermissionFlags.SEND_MESSAGES | PermissionFlags.READ_MESSAGE_HISTORY | PermissionFlags.EMBED_LINKS;

let t: TestServer;
let alice: TestUser;
let bob: TestUser;
let guildId: string;
let general: string;

beforeAll(async () => {
  // Rate limits on, as in production: discord.js must be happy with our rate-limit headers.
  t = await startTestServer({ RATE_LIMITS: 'on' });
  alice = await registerUser(t);
  bob = await registerUser(t);
  const g = await guildWithMember(alice, bob);
  guildId = g.guild.id;
  general = g.general;
});
afterAll(async () => {
  await t.close();
});

describe('an unmodified discord.js v14 bot with the MESSAGE_CONTENT intent', () => {
  let bot: TestBot;
  let proc: BotProcess;
  let aliceGw: Recorder;
  let bobGw: Recorder;
  let commandIds: Record<string, string>;

  beforeAll(async () => {
    bot = await createBotApplication(alice, 'Echo', ApplicationFlags.GATEWAY_MESSAGE_CONTENT_LIMITED);
    await authorizeBot(alice, bot, guildId, BOT_PERMISSIONS);
    aliceGw = await connectGateway(t, alice.token, 'json');
    bobGw = await connectGateway(t, bob.token, 'json');
    proc = runBot(t, 'echo-bot.mjs', bot.token);
  });
  afterAll(async () => {
    await proc.stop();
    aliceGw.close();
    bobGw.close();
  });

  const invoke = (user: TestUser, body: { type: 2 | 3 | 4 | 5; data: unknown; message_id?: string }) =>
    user.api.createInteraction({ application_id: bot.applicationId, channel_id: general, guild_id: guildId, nonce: String(Date.now()), ...body });

  it('logs in, gets READY with its application, then GUILD_CREATE with channels and members', async () => {
    const guildCreate = await proc.waitFor('guild-create', (e) => e['id'] === guildId);
    expect(guildCreate['channels']).toBeGreaterThan(0);
    expect(guildCreate['members']).toBe(3);
    const ready = await proc.waitFor('ready');
    expect(ready['user']).toBe(bot.userId);
    expect(ready['application']).toBe(bot.applicationId);
    expect(ready['guilds']).toEqual([{ id: guildId, name: 'Test Guild', available: true }]);
  });

  it('registers its slash commands, which members then find in the guild command index', async () => {
    const registered = await proc.waitFor('commands');
    expect(registered['names']).toEqual(['echo', 'feedback', 'fruit']);
    const index = await bob.api.commandIndex(guildId);
    expect(index.applications.map((a) => a.id)).toEqual([bot.applicationId]);
    commandIds = Object.fromEntries(index.application_commands.map((c) => [c.name, c.id]));
    expect(Object.keys(commandIds).sort()).toEqual(['echo', 'feedback', 'fruit']);
    expect(index.application_commands.find((c) => c.name === 'echo')!.options).toHaveLength(2);
  });

  it("reads a member's message content and replies to it", async () => {
    const sent = await bob.api.sendMessage(general, '!ping hello there');
    const seen = await proc.waitFor('message', (e) => e['content'] === '!ping hello there');
    expect(seen['author']).toBe(bob.id);
    expect(seen['guild']).toBe(guildId);
    await eventually(() => aliceGw.of('MESSAGE_CREATE').some((m) => m.author.id === bot.userId && m.message_reference?.message_id === sent.id), 'the reply');
    const reply = aliceGw.of('MESSAGE_CREATE').find((m) => m.author.id === bot.userId && m.message_reference?.message_id === sent.id);
    expect(reply.content).toBe('pong: hello there');
    expect(reply.author.bot).toBe(true);
    expect(reply.referenced_message.id).toBe(sent.id);
  });

  it('defers a slash command, edits @original and sends a follow-up', async () => {
    const invoked = await invoke(bob, { type: 2, data: { id: commandIds['echo'], name: 'echo', type: 1, options: [{ name: 'text', type: 3, value: 'hi' }, { name: 'times', type: 4, value: 2 }] } });
    expect(invoked.response?.type).toBe(5);
    const handled = await proc.waitFor('echo-handled');
    expect(handled['user']).toBe(bob.id);
    expect(handled['member']).toBe(bob.id);
    // Everyone in the channel saw "Bot is thinking..." (LOADING), then the edit, then the follow-up.
    await eventually(() => aliceGw.of('MESSAGE_CREATE').some((m) => m.id === handled['original']), 'the thinking message');
    const thinking = aliceGw.of('MESSAGE_CREATE').find((m) => m.id === handled['original']);
    expect(thinking.flags & MessageFlags.LOADING).toBe(MessageFlags.LOADING);
    expect(thinking.interaction_metadata).toMatchObject({ id: invoked.id, type: 2, name: 'echo', user: { id: bob.id } });
    expect(thinking.type).toBe(20);
    await eventually(() => aliceGw.of('MESSAGE_UPDATE').some((m) => m.id === handled['original']), 'the edited original');
    const edited = aliceGw.of('MESSAGE_UPDATE').find((m) => m.id === handled['original']);
    expect(edited.content).toBe('echo: hi hi');
    expect(edited.flags & MessageFlags.LOADING).toBe(0);
    expect(edited.components[0].components.map((c: { custom_id: string }) => c.custom_id)).toEqual(['again', 'form']);
    await eventually(() => aliceGw.of('MESSAGE_CREATE').some((m) => m.id === handled['followUp']), 'the follow-up');
    expect(aliceGw.of('MESSAGE_CREATE').find((m) => m.id === handled['followUp']).content).toBe(`follow-up for ${(await bob.api.me()).username}`);
    // The history has both, as the bot's messages.
    const history = await bob.api.getMessages(general, { limit: 5 });
    expect(history.map((m) => m.id)).toEqual(expect.arrayContaining([handled['original'], handled['followUp']]));
  });

  it('answers a button click by updating the message', async () => {
    const original = (await proc.waitFor('echo-handled'))['original'] as string;
    const invoked = await invoke(bob, { type: 3, message_id: original, data: { component_type: 2, custom_id: 'again' } });
    expect(invoked.response?.type).toBe(7);
    await proc.waitFor('button-handled', (e) => e['message'] === original);
    await eventually(() => aliceGw.of('MESSAGE_UPDATE').some((m) => m.id === original && m.content.startsWith('clicked by')), 'the updated message');
    const updated = await bob.api.getMessage(general, original);
    expect(updated.content).toMatch(/^clicked by /);
    expect(updated.components).toEqual([]);
  });

  it('opens a modal and answers its submission with an ephemeral message only the invoker sees', async () => {
    const opened = await invoke(bob, { type: 2, data: { id: commandIds['feedback'], name: 'feedback', type: 1 } });
    expect(opened.response?.type).toBe(9);
    expect(opened.response?.data).toMatchObject({ custom_id: 'feedback-form', title: 'Feedback' });
    const submitted = await invoke(bob, { type: 5, data: { custom_id: 'feedback-form', components: [{ type: 1, components: [{ type: 4, custom_id: 'text', value: 'nice server' }] }] } });
    expect(submitted.response?.type).toBe(4);
    await eventually(() => bobGw.of('MESSAGE_CREATE').some((m) => m.content === 'thanks for: nice server'), 'the ephemeral answer');
    const answer = bobGw.of('MESSAGE_CREATE').find((m) => m.content === 'thanks for: nice server');
    expect(answer.flags & MessageFlags.EPHEMERAL).toBe(MessageFlags.EPHEMERAL);
    expect(aliceGw.of('MESSAGE_CREATE').some((m) => m.id === answer.id)).toBe(false);
    expect((await bob.api.getMessages(general, { limit: 10 })).some((m) => m.id === answer.id)).toBe(false);
  });

  it('suggests autocomplete choices while the user types', async () => {
    const typed = await invoke(bob, { type: 4, data: { id: commandIds['fruit'], name: 'fruit', type: 1, options: [{ name: 'name', type: 3, value: 'ap', focused: true }] } });
    expect(typed.response).toEqual({ type: 8, data: { choices: [{ name: 'apple', value: 'apple' }, { name: 'apricot', value: 'apricot' }] } });
    await proc.waitFor('autocomplete-handled', (e) => e['typed'] === 'ap');
  });

  it('reported no errors', () => {
    expect(proc.events.filter((e) => e.event === 'error')).toEqual([]);
  });
});

describe('a discord.js bot without the MESSAGE_CONTENT intent', () => {
  it('sees empty content, except in messages that mention it', async () => {
    const blind = await createBotApplication(alice, 'Blind');
    await authorizeBot(alice, blind, guildId, BOT_PERMISSIONS);
    const proc = runBot(t, 'content-blind-bot.mjs', blind.token);
    try {
      await proc.waitFor('ready', (e) => e['guilds'] === 1);
      const plain = await bob.api.sendMessage(general, 'a secret plan');
      const mention = await bob.api.sendMessage(general, `<@${blind.userId}> what do you think?`);
      expect((await proc.waitFor('message', (e) => e['id'] === plain.id))['content']).toBe('');
      const mentioned = await proc.waitFor('message', (e) => e['id'] === mention.id);
      expect(mentioned['content']).toBe(`<@${blind.userId}> what do you think?`);
      expect(mentioned['mentionsMe']).toBe(true);
    } finally {
      await proc.stop();
    }
  });
});

describe('a discord.js moderation bot using the everyday API surface', () => {
  it('fetches, reacts, embeds, times out with a reason, reads the audit log, makes roles, channels, webhooks, automod rules and DMs', async () => {
    const mod = await createBotApplication(alice, 'Moderator', ApplicationFlags.GATEWAY_MESSAGE_CONTENT_LIMITED | ApplicationFlags.GATEWAY_GUILD_MEMBERS_LIMITED);
    await authorizeBot(alice, mod, guildId, PermissionFlags.ADMINISTRATOR);
    const proc = runBot(t, 'moderator-bot.mjs', mod.token);
    try {
      await proc.waitFor('ready');
      await alice.api.sendMessage(general, `!mod ${bob.id}`);
      const done = await proc.waitFor('mod-done');
      expect(done['steps']).toEqual({
        application: 'Moderator',
        members: expect.any(Number),
        member: (await bob.api.me()).username,
        react: true,
        embed: 'Report',
        history: expect.any(Number),
        timeout: true,
        auditLog: { reason: 'cooling down', target: bob.id, executor: mod.userId },
        untimeout: true,
        role: 'Bot-made role',
        channel: 'bot-made',
        webhook: 'Relay Bot',
        automod: 'No invites',
        dm: 'hello from a bot',
      });
      expect((await proc.waitFor('audit-entry', (e) => e['reason'] === 'cooling down'))['target']).toBe(bob.id);
      expect((await restError(bob.api.sendMessage(general, 'join discord.gg/abc'))).code).toBe(200000);
    } finally {
      await proc.stop();
    }
  });
});
