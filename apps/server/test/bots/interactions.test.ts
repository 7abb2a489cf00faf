// Application commands and interactions at the protocol level: the test plays the bot (gateway +
// REST with its token) so that every rule and error can be exercised precisely.
import type { ConcordApi } from '@concord/client';
import { GatewayIntents, MessageFlags, PermissionFlags } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectGateway, eventually, guildWithMember, registerUser, startTestServer, type Recorder, type TestServer, type TestUser } from '../harness.ts';
import { authorizeBot, botClient, createBotApplication, restError, type TestBot } from './botHarness.ts';

let t: TestServer;
let alice: TestUser;
let bob: TestUser;
let guildId: string;
let general: string;
let bot: TestBot;
let botApi: ConcordApi;
let botGw: Recorder;
let bobGw: Recorder;
let aliceGw: Recorder;
let echoId: string;


const ECHO = {
  name: 'echo',
  description: 'Says it back',
  options: [
    { type: 3, name: 'text', description: 'What', required: true, max_length: 20 },
    { type: 4, name: 'times', description: 'How often', min_value: 1, max_value: 3 },
    { type: 3, name: 'tone', description: 'How', choices: [{ name: 'Loud', value: 'loud' }, { name: 'Quiet', value: 'quiet' }] },
    { type: 6, name: 'to', description: 'Who' },
  ],
};

beforeAll(async () => {
  t = await startTestServer();
  alice = await registerUser(t);
  bob = await registerUser(t);
  const g = await guildWithMember(alice, bob);
  guildId = g.guild.id;
  general = g.general;
  bot = await createBotApplication(alice, 'Tester');
  await authorizeBot(alice, bot, guildId, PermissionFlags.VIEW_CHANNEL | PermissionFlags.SEND_MESSAGES);
  botApi = botClient(t, bot.token);
  botGw = await connectGateway(t, bot.token, 'json', { intents: GatewayIntents.GUILDS | GatewayIntents.GUILD_MESSAGES });
  bobGw = await connectGateway(t, bob.token, 'json');
  aliceGw = await connectGateway(t, alice.token, 'json');
  echoId = (await botApi.rest.post<{ id: string }>(`/applications/${bot.applicationId}/commands`, ECHO)).id;
});
afterAll(async () => {
  botGw.close();
  bobGw.close();
  aliceGw.close();
  await t.close();
});

const anon = () => t.api();
const invoke = (user: TestUser, body: Record<string, unknown>) =>
  user.api.rest.post<{ id: string; nonce: string | null; response: { type: number; data?: any } | null }>('/interactions', { application_id: bot.applicationId, channel_id: general, guild_id: guildId, ...body });
const echo = (options: unknown[]) => ({ type: 2, data: { id: echoId, name: 'echo', type: 1, options } });
const callback = (i: { id: string; token: string }, body: unknown, query = '') => anon().rest.post<any>(`/interactions/${i.id}/${i.token}/callback${query}`, body);
const webhook = (i: { token: string }, suffix = '') => `/webhooks/${bot.applicationId}/${i.token}${suffix}`;

/** The next INTERACTION_CREATE the bot receives after `from` events. */
async function nextInteraction(from: number): Promise<any> {
  await eventually(() => botGw.events.slice(from).some((e) => e.t === 'INTERACTION_CREATE'), 'INTERACTION_CREATE');
  return botGw.events.slice(from).find((e) => e.t === 'INTERACTION_CREATE')!.d;
}

/** Invokes, lets `answer` play the bot, and returns the invoker's result with the interaction. */
async function roundTrip(user: TestUser, body: Record<string, unknown>, answer: (i: any) => Promise<unknown>) {
  const from = botGw.events.length;
  const pending = invoke(user, body);
  const interaction = await nextInteraction(from);
  await answer(interaction);
  return { interaction, result: await pending };
}

describe('application commands', () => {
  it('creates (201), overwrites by name (200, same id), edits with a new version, and deletes', async () => {
    const path = `/applications/${bot.applicationId}/commands`;
    const res = await fetch(`${t.server.url}/api/v10${path}`, { method: 'POST', headers: { authorization: `Bot ${bot.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'temp', description: 'first' }) });
    expect(res.status).toBe(201);
    const first = (await res.json()) as { id: string; version: string };
    const again = await botApi.rest.post<any>(path, { name: 'temp', description: 'second' });
    expect(again.id).toBe(first.id);
    expect(again.description).toBe('second');
    expect(again.version).not.toBe(first.version);
    const edited = await botApi.rest.patch<any>(`${path}/${first.id}`, { description: 'third', default_member_permissions: PermissionFlags.MANAGE_GUILD.toString() });
    expect(edited).toMatchObject({ id: first.id, name: 'temp', description: 'third', default_member_permissions: PermissionFlags.MANAGE_GUILD.toString(), dm_permission: true });
    expect((await botApi.rest.get<any>(`${path}/${first.id}`)).description).toBe('third');
    await botApi.rest.delete(`${path}/${first.id}`);
    expect((await restError(botApi.rest.get(`${path}/${first.id}`))).code).toBe(10063);
    // The owner may manage them too; other users may not.
    expect((await alice.api.rest.get<any[]>(path)).map((c) => c.name)).toEqual(['echo']);
    expect((await restError(bob.api.rest.get(path))).code).toBe(10002);
  });

  it('bulk-overwrites a guild scope, keeping the ids of commands that stay', async () => {
    const path = `/applications/${bot.applicationId}/guilds/${guildId}/commands`;
    const [a, b] = await botApi.rest.put<any[]>(path, [{ name: 'alpha', description: 'a' }, { name: 'Inspect', type: 2 }]);
    expect(a).toMatchObject({ name: 'alpha', guild_id: guildId });
    expect(b).toMatchObject({ name: 'Inspect', type: 2, description: '' });
    const next = await botApi.rest.put<any[]>(path, [{ name: 'alpha', description: 'a2' }, { name: 'beta', description: 'b' }]);
    expect(next[0].id).toBe(a.id);
    expect((await botApi.rest.get<any[]>(path)).map((c) => c.name).sort()).toEqual(['alpha', 'beta']);
    const dup = await restError(botApi.rest.put(path, [{ name: 'x', description: 'x' }, { name: 'x', description: 'y' }]));
    expect([dup.status, dup.code]).toEqual([400, 50035]);
    await botApi.rest.put(path, []);
  });

  it('refuses guild commands in guilds the bot is not in (50001)', async () => {
    const elsewhere = await bob.api.createGuild({ name: 'No Bots' });
    expect((await restError(botApi.rest.post(`/applications/${bot.applicationId}/guilds/${elsewhere.id}/commands`, { name: 'x', description: 'x' }))).code).toBe(50001);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['an upper-case name', { name: 'Echo', description: 'x' }, ['name']],
    ['a missing description', { name: 'nodesc' }, ['description']],
    ['a required option after an optional one', { name: 'x', description: 'x', options: [{ type: 3, name: 'a', description: 'a' }, { type: 3, name: 'b', description: 'b', required: true }] }, ['options', '1', 'required']],
    ['choices on a boolean', { name: 'x', description: 'x', options: [{ type: 5, name: 'a', description: 'a', choices: [{ name: 'y', value: 'y' }] }] }, ['options', '0', 'choices']],
    ['autocomplete together with choices', { name: 'x', description: 'x', options: [{ type: 3, name: 'a', description: 'a', autocomplete: true, choices: [{ name: 'y', value: 'y' }] }] }, ['options', '0', 'autocomplete']],
    ['sub-commands mixed with plain options', { name: 'x', description: 'x', options: [{ type: 1, name: 'sub', description: 's' }, { type: 3, name: 'a', description: 'a' }] }, ['options']],
    ['a sub-command group inside a sub-command', { name: 'x', description: 'x', options: [{ type: 1, name: 'sub', description: 's', options: [{ type: 2, name: 'g', description: 'g' }] }] }, ['options', '0', 'options']],
    ['a context menu command with a description', { name: 'Look', type: 3, description: 'no' }, ['description']],
    ['an integer choice that is not an integer', { name: 'x', description: 'x', options: [{ type: 4, name: 'n', description: 'n', choices: [{ name: 'half', value: 0.5 }] }] }, ['options', '0', 'choices', '0', 'value']],
  ])('rejects %s with 50035 and the field path', async (_what, body, path) => {
    const err = await restError(botApi.rest.post(`/applications/${bot.applicationId}/commands`, body));
    expect([err.status, err.code]).toEqual([400, 50035]);
    let node: any = err.errors;
    for (const key of path) node = node?.[key];
    expect(node?._errors?.length).toBeGreaterThan(0);
  });

  it('accepts sub-command groups with typed options, choices and autocomplete', async () => {
    const cmd = await botApi.rest.post<any>(`/applications/${bot.applicationId}/commands`, {
      name: 'config',
      description: 'Settings',
      options: [
        { type: 2, name: 'channel', description: 'Channel settings', options: [{ type: 1, name: 'set', description: 'Set it', options: [{ type: 7, name: 'target', description: 't', required: true, channel_types: [0] }] }] },
        { type: 1, name: 'color', description: 'Pick', options: [{ type: 3, name: 'value', description: 'v', autocomplete: true }, { type: 10, name: 'alpha', description: 'a', min_value: 0, max_value: 1 }] },
      ],
    });
    expect(cmd.options[0].options[0].options[0]).toMatchObject({ type: 7, name: 'target', required: true, channel_types: [0] });
    await botApi.rest.delete(`/applications/${bot.applicationId}/commands/${cmd.id}`);
  });
});

describe('invoking commands', () => {
  it('delivers INTERACTION_CREATE with token, member permissions, app permissions, options and resolved users', async () => {
    const { interaction, result } = await roundTrip(bob, { ...echo([{ name: 'text', type: 3, value: 'hey' }, { name: 'to', type: 6, value: alice.id }]), nonce: 'n1' }, (i) =>
      callback(i, { type: 4, data: { content: 'ok' } }),
    );
    expect(result).toMatchObject({ id: interaction.id, nonce: 'n1', response: { type: 4 } });
    expect(interaction).toMatchObject({ application_id: bot.applicationId, type: 2, guild_id: guildId, channel_id: general, channel: { id: general }, version: 1, locale: 'en-US', entitlements: [] });
    expect(interaction.token.length).toBeGreaterThan(40);
    expect(interaction.member.user.id).toBe(bob.id);
    expect(BigInt(interaction.member.permissions) & PermissionFlags.SEND_MESSAGES).toBe(PermissionFlags.SEND_MESSAGES);
    expect(BigInt(interaction.app_permissions) & PermissionFlags.SEND_MESSAGES).toBe(PermissionFlags.SEND_MESSAGES);
    expect(interaction.data).toMatchObject({ id: echoId, name: 'echo', type: 1, options: [{ name: 'text', type: 3, value: 'hey' }, { name: 'to', type: 6, value: alice.id }] });
    expect(interaction.data.resolved.users[alice.id].id).toBe(alice.id);
    expect(interaction.data.resolved.members[alice.id].permissions).toBeDefined();
  });

  it.each<[string, unknown[], string[]]>([
    ['a missing required option', [{ name: 'times', type: 4, value: 2 }], ['data', 'options']],
    ['an unknown option', [{ name: 'text', type: 3, value: 'a' }, { name: 'nope', type: 3, value: 'b' }], ['data', 'options', '1', 'name']],
    ['a value of the wrong type', [{ name: 'text', type: 3, value: 5 }], ['data', 'options', '0', 'value']],
    ['an option type that does not match', [{ name: 'text', type: 4, value: 5 }], ['data', 'options', '0', 'type']],
    ['a value over max_value', [{ name: 'text', type: 3, value: 'a' }, { name: 'times', type: 4, value: 9 }], ['data', 'options', '1', 'value']],
    ['a string over max_length', [{ name: 'text', type: 3, value: 'x'.repeat(21) }], ['data', 'options', '0', 'value']],
    ['a value that is not one of the choices', [{ name: 'text', type: 3, value: 'a' }, { name: 'tone', type: 3, value: 'angry' }], ['data', 'options', '1', 'value']],
    ['an unknown user', [{ name: 'text', type: 3, value: 'a' }, { name: 'to', type: 6, value: '123456789012345678' }], ['data', 'options', '1', 'value']],
  ])('rejects %s with 50035 before the bot hears of it', async (_what, options, path) => {
    const from = botGw.events.length;
    const err = await restError(invoke(bob, echo(options)));
    expect([err.status, err.code]).toEqual([400, 50035]);
    let node: any = err.errors;
    for (const key of path) node = node?.[key];
    expect(node?._errors?.length).toBeGreaterThan(0);
    expect(botGw.events.slice(from).some((e) => e.t === 'INTERACTION_CREATE')).toBe(false);
  });

  it('rejects unknown commands (10063) and commands of another application', async () => {
    expect((await restError(invoke(bob, { type: 2, data: { id: '123456789012345678', name: 'echo', type: 1 } }))).code).toBe(10063);
    expect((await restError(invoke(bob, { type: 2, data: { id: echoId, name: 'other', type: 1 } }))).code).toBe(10063);
  });

  it('enforces default_member_permissions: hidden from and refused to members without them (50013)', async () => {
    const admin = await botApi.rest.post<any>(`/applications/${bot.applicationId}/commands`, { name: 'purge', description: 'Moderators only', default_member_permissions: PermissionFlags.MANAGE_MESSAGES.toString() });
    const bobIndex = await bob.api.rest.get<any>(`/guilds/${guildId}/application-command-index`);
    expect(bobIndex.application_commands.map((c: { name: string }) => c.name)).not.toContain('purge');
    const aliceIndex = await alice.api.rest.get<any>(`/guilds/${guildId}/application-command-index`);
    expect(aliceIndex.application_commands.map((c: { name: string }) => c.name)).toContain('purge');
    const err = await restError(invoke(bob, { type: 2, data: { id: admin.id, name: 'purge', type: 1 } }));
    expect([err.status, err.code]).toEqual([403, 50013]);
    const { result } = await roundTrip(alice, { type: 2, data: { id: admin.id, name: 'purge', type: 1 } }, (i) => callback(i, { type: 4, data: { content: 'purged' } }));
    expect(result.response?.type).toBe(4);
    await botApi.rest.delete(`/applications/${bot.applicationId}/commands/${admin.id}`);
  });

  it('requires USE_APPLICATION_COMMANDS in the channel (50013)', async () => {
    await alice.api.putOverwrite(general, bob.id, { type: 1, deny: PermissionFlags.USE_APPLICATION_COMMANDS.toString() });
    try {
      expect((await restError(invoke(bob, echo([{ name: 'text', type: 3, value: 'a' }])))).code).toBe(50013);
    } finally {
      await alice.api.deleteOverwrite(general, bob.id);
    }
  });

  it('resolves the target of user and message context menu commands', async () => {
    const [userCmd, messageCmd] = await botApi.rest.put<any[]>(`/applications/${bot.applicationId}/guilds/${guildId}/commands`, [{ name: 'Profile', type: 2 }, { name: 'Quote', type: 3 }]);
    const { interaction } = await roundTrip(bob, { type: 2, data: { id: userCmd.id, name: 'Profile', type: 2, target_id: alice.id } }, (i) => callback(i, { type: 4, data: { content: 'profile' } }));
    expect(interaction.data).toMatchObject({ type: 2, target_id: alice.id, guild_id: guildId });
    expect(interaction.data.resolved.users[alice.id].id).toBe(alice.id);
    const quoted = await alice.api.sendMessage(general, 'quote me');
    const { interaction: onMessage } = await roundTrip(bob, { type: 2, data: { id: messageCmd.id, name: 'Quote', type: 3, target_id: quoted.id } }, (i) => callback(i, { type: 4, data: { content: 'quoted' } }));
    expect(onMessage.data.resolved.messages[quoted.id].content).toBe('quote me');
    expect((await restError(invoke(bob, { type: 2, data: { id: messageCmd.id, name: 'Quote', type: 3, target_id: '123456789012345678' } }))).code).toBe(10008);
    await botApi.rest.put(`/applications/${bot.applicationId}/guilds/${guildId}/commands`, []);
  });
  it('works in a DM with the bot: the user instead of a member, the BOT_DM context', async () => {
    const dm = await bob.api.createDM(bot.userId);
    const { interaction, result } = await roundTrip(bob, { ...echo([{ name: 'text', type: 3, value: 'psst' }]), channel_id: dm.id, guild_id: undefined }, (i) => callback(i, { type: 4, data: { content: 'in private' } }));
    expect(result.response?.type).toBe(4);
    expect(interaction).toMatchObject({ channel_id: dm.id, context: 1, user: { id: bob.id }, channel: { id: dm.id, type: 1 } });
    expect(interaction.member).toBeUndefined();
    expect(interaction.guild_id).toBeUndefined();
    expect((await bob.api.getMessages(dm.id, { limit: 1 }))[0]).toMatchObject({ content: 'in private', author: { id: bot.userId } });
    // Guild commands and commands limited to guilds are not available there.
    const guildOnly = await botApi.rest.post<any>(`/applications/${bot.applicationId}/commands`, { name: 'serveronly', description: 'x', contexts: [0] });
    expect((await restError(invoke(bob, { type: 2, channel_id: dm.id, guild_id: undefined, data: { id: guildOnly.id, name: 'serveronly', type: 1 } }))).code).toBe(50001);
    await botApi.rest.delete(`/applications/${bot.applicationId}/commands/${guildOnly.id}`);
  });

  it('resolves channel and role options with the invoker permissions and checks channel_types', async () => {
    const cmd = await botApi.rest.post<any>(`/applications/${bot.applicationId}/guilds/${guildId}/commands`, {
      name: 'announce',
      description: 'x',
      options: [
        { type: 7, name: 'where', description: 'w', required: true, channel_types: [0] },
        { type: 8, name: 'who', description: 'r' },
      ],
    });
    const voice = (await bob.api.getChannels(guildId)).find((c) => c.type === 2)!;
    const wrongType = await restError(invoke(bob, { type: 2, data: { id: cmd.id, name: 'announce', type: 1, options: [{ name: 'where', type: 7, value: voice.id }] } }));
    expect(wrongType.code).toBe(50035);
    const { interaction } = await roundTrip(bob, { type: 2, data: { id: cmd.id, name: 'announce', type: 1, options: [{ name: 'where', type: 7, value: general }, { name: 'who', type: 8, value: guildId }] } }, (i) =>
      callback(i, { type: 4, data: { content: 'announced' } }),
    );
    expect(interaction.data.resolved.channels[general]).toMatchObject({ id: general, type: 0 });
    expect(BigInt(interaction.data.resolved.channels[general].permissions) & PermissionFlags.SEND_MESSAGES).toBe(PermissionFlags.SEND_MESSAGES);
    expect(interaction.data.resolved.roles[guildId].name).toBe('@everyone');
    await botApi.rest.delete(`/applications/${bot.applicationId}/guilds/${guildId}/commands/${cmd.id}`);
  });
});

describe('answering interactions', () => {
  it('refuses a second answer (40060), a wrong token (10062) and a response type that does not fit (50035)', async () => {
    const { interaction } = await roundTrip(bob, echo([{ name: 'text', type: 3, value: 'a' }]), async (i) => {
      const wrongType = await restError(callback(i, { type: 8, data: { choices: [] } }));
      expect([wrongType.status, wrongType.code]).toEqual([400, 50035]);
      expect((await restError(callback({ id: i.id, token: `${i.token.slice(0, -3)}abc` }, { type: 5 }))).code).toBe(10062);
      await callback(i, { type: 5 });
    });
    const again = await restError(callback(interaction, { type: 4, data: { content: 'late' } }));
    expect([again.status, again.code]).toEqual([400, 40060]);
  });

  it('answers with_response=true with the callback resource, as discord.js asks for it', async () => {
    let body: any;
    await roundTrip(bob, echo([{ name: 'text', type: 3, value: 'a' }]), async (i) => {
      body = await callback(i, { type: 4, data: { content: 'with response' } }, '?with_response=true');
    });
    expect(body.interaction).toMatchObject({ type: 2, response_message_loading: false, response_message_ephemeral: false });
    expect(body.resource).toMatchObject({ type: 4, message: { content: 'with response', id: body.interaction.response_message_id } });
  });

  it('keeps a deferred ephemeral answer, its edit and its deletion between the bot and the invoker', async () => {
    const { interaction } = await roundTrip(bob, echo([{ name: 'text', type: 3, value: 'secret' }]), (i) => callback(i, { type: 5, data: { flags: MessageFlags.EPHEMERAL } }));
    const original = await anon().rest.get<any>(webhook(interaction, '/messages/@original'));
    expect(original.flags).toBe(MessageFlags.EPHEMERAL | MessageFlags.LOADING);
    await eventually(() => bobGw.of('MESSAGE_CREATE').some((m) => m.id === original.id), 'the thinking message for the invoker');
    const edited = await anon().rest.patch<any>(webhook(interaction, '/messages/@original'), { content: 'only you can see this' });
    expect(edited.flags).toBe(MessageFlags.EPHEMERAL);
    await eventually(() => bobGw.of('MESSAGE_UPDATE').some((m) => m.id === original.id && m.content === 'only you can see this'), 'the edit for the invoker');
    expect(aliceGw.events.some((e) => e.d?.id === original.id)).toBe(false);
    expect((await alice.api.getMessages(general, { limit: 20 })).some((m) => m.id === original.id)).toBe(false);
    await anon().rest.delete(webhook(interaction, '/messages/@original'));
    await eventually(() => bobGw.of('MESSAGE_DELETE').some((m) => m.id === original.id), 'the deletion for the invoker');
    expect((await restError(anon().rest.get(webhook(interaction, '/messages/@original')))).code).toBe(10008);
  });

  it('treats the first follow-up after a deferral as the edit of @original, then adds follow-ups', async () => {
    const { interaction } = await roundTrip(bob, echo([{ name: 'text', type: 3, value: 'a' }]), (i) => callback(i, { type: 5 }));
    const first = await anon().rest.post<any>(`${webhook(interaction)}?wait=true`, { content: 'filled in' });
    const original = await anon().rest.get<any>(webhook(interaction, '/messages/@original'));
    expect(first.id).toBe(original.id);
    expect(original.content).toBe('filled in');
    const second = await anon().rest.post<any>(`${webhook(interaction)}?wait=true`, { content: 'more', embeds: [{ title: 'Details', description: 'd', color: 0x5865f2, fields: [{ name: 'a', value: 'b' }] }] });
    expect(second.id).not.toBe(original.id);
    expect(second.embeds[0]).toMatchObject({ title: 'Details', color: 0x5865f2 });
    expect((await anon().rest.patch<any>(webhook(interaction, `/messages/${second.id}`), { content: 'more!' })).content).toBe('more!');
    // A message that is not this interaction's is out of reach.
    const other = await alice.api.sendMessage(general, 'not yours');
    expect((await restError(anon().rest.patch(webhook(interaction, `/messages/${other.id}`), { content: 'x' }))).code).toBe(10008);
  });

  it('expires tokens: no first answer after 3 s (10062), no follow-up after 15 min (50027)', async () => {
    const svc = t.server.services.interactions;
    const realNow = svc.nowMs;
    try {
      const { interaction } = await roundTrip(bob, echo([{ name: 'text', type: 3, value: 'slow' }]), async (i) => {
        svc.nowMs = () => realNow() + 4_000;
        expect((await restError(callback(i, { type: 4, data: { content: 'too late' } }))).code).toBe(10062);
        svc.nowMs = realNow;
        await callback(i, { type: 4, data: { content: 'in time' } });
      });
      svc.nowMs = () => realNow() + 16 * 60_000;
      const err = await restError(anon().rest.post(webhook(interaction), { content: 'follow-up' }));
      expect([err.status, err.code]).toEqual([401, 50027]);
      expect((await restError(anon().rest.patch(webhook(interaction, '/messages/@original'), { content: 'edit' }))).code).toBe(50027);
    } finally {
      svc.nowMs = realNow;
    }
  });

  it('tells the invoker when the bot does not answer in time', async () => {
    const from = botGw.events.length;
    const result = await invoke(bob, echo([{ name: 'text', type: 3, value: 'ignored' }]));
    expect(result.response).toBeNull();
    const interaction = await nextInteraction(from);
    expect((await restError(callback(interaction, { type: 4, data: { content: 'too late' } }))).code).toBe(10062);
  });
});

describe('message components', () => {
  let withButtons: any;

  beforeAll(async () => {
    const { interaction } = await roundTrip(bob, echo([{ name: 'text', type: 3, value: 'menu' }]), (i) =>
      callback(i, {
        type: 4,
        data: {
          content: 'pick',
          components: [
            { type: 1, components: [{ type: 2, style: 1, label: 'Go', custom_id: 'go' }, { type: 2, style: 4, label: 'Off', custom_id: 'off', disabled: true }] },
            { type: 1, components: [{ type: 3, custom_id: 'flavour', min_values: 1, max_values: 2, options: [{ label: 'Mint', value: 'mint' }, { label: 'Lime', value: 'lime' }, { label: 'Plum', value: 'plum' }] }] },
            { type: 1, components: [{ type: 5, custom_id: 'who' }] },
          ],
        },
      }),
    );
    withButtons = await anon().rest.get<any>(webhook(interaction, '/messages/@original'));
  });

  const click = (data: Record<string, unknown>, messageId = withButtons.id) => ({ type: 3, message_id: messageId, data });

  it('delivers a select with its values and the message, and accepts a deferred update', async () => {
    const { interaction, result } = await roundTrip(bob, click({ component_type: 3, custom_id: 'flavour', values: ['mint', 'plum'] }), (i) => callback(i, { type: 6 }));
    expect(result.response?.type).toBe(6);
    expect(interaction.data).toEqual({ custom_id: 'flavour', component_type: 3, values: ['mint', 'plum'] });
    expect(interaction.message.id).toBe(withButtons.id);
    const original = await anon().rest.get<any>(webhook(interaction, '/messages/@original'));
    expect(original.id).toBe(withButtons.id);
  });

  it('resolves user select values', async () => {
    const { interaction } = await roundTrip(bob, click({ component_type: 5, custom_id: 'who', values: [alice.id] }), (i) => callback(i, { type: 6 }));
    expect(interaction.data.resolved.users[alice.id].id).toBe(alice.id);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a custom_id that is not on the message', { component_type: 2, custom_id: 'nope' }],
    ['a disabled button', { component_type: 2, custom_id: 'off' }],
    ['a component type that does not match', { component_type: 3, custom_id: 'go', values: ['x'] }],
    ['a select value that is not an option', { component_type: 3, custom_id: 'flavour', values: ['beef'] }],
    ['too many select values', { component_type: 3, custom_id: 'flavour', values: ['mint', 'lime', 'plum'] }],
  ])('rejects %s with 50035', async (_what, data) => {
    const err = await restError(invoke(bob, click(data)));
    expect([err.status, err.code]).toEqual([400, 50035]);
  });

  it('refuses clicks on messages the application did not send', async () => {
    const other = await alice.api.sendMessage(general, 'plain');
    expect((await restError(invoke(bob, click({ component_type: 2, custom_id: 'go' }, other.id)))).code).toBe(50035);
  });

  it('refuses modal submissions for modals that were never opened, and checks text input lengths', async () => {
    const submit = (value: string) => invoke(bob, { type: 5, data: { custom_id: 'form', components: [{ type: 1, components: [{ type: 4, custom_id: 'why', value }] }] } });
    expect((await restError(submit('because'))).code).toBe(50035);
    await roundTrip(bob, click({ component_type: 2, custom_id: 'go' }), (i) =>
      callback(i, { type: 9, data: { custom_id: 'form', title: 'Why?', components: [{ type: 1, components: [{ type: 4, custom_id: 'why', style: 1, label: 'Why', min_length: 3 }] }] } }),
    );
    const short = await restError(submit('no'));
    expect(short.code).toBe(50035);
    const { interaction, result } = await roundTrip(bob, { type: 5, data: { custom_id: 'form', components: [{ type: 1, components: [{ type: 4, custom_id: 'why', value: 'because' }] }] } }, (i) =>
      callback(i, { type: 7, data: { content: 'answered', components: [] } }),
    );
    expect(result.response?.type).toBe(7);
    expect(interaction.data.custom_id).toBe('form');
    expect(interaction.message.id).toBe(withButtons.id);
    expect((await bob.api.getMessage(general, withButtons.id)).content).toBe('answered');
  });
});
