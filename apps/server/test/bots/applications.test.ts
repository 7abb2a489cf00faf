// Applications and bot accounts: the developer-portal API, bot tokens (hashed, resettable), the
// privileged-intent switches the gateway enforces, and OAuth2 authorization into a guild.
import { ApplicationFlags, GatewayCloseCode, GatewayIntents, PermissionFlags } from '@concord/protocol';
import { ConcordApi } from '@concord/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, guildWithMember, rawSocket, registerUser, startTestServer, type TestServer, type TestUser } from '../harness.ts';
import { authorizeBot, botClient, createBotApplication, restError, runBot } from './botHarness.ts';

let t: TestServer;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  t = await startTestServer();
  alice = await registerUser(t);
  bob = await registerUser(t);
});
afterAll(async () => {
  await t.close();
});

const botApi = (token: string, version = 10) => botClient(t, token, version);


/** IDENTIFY over a raw JSON socket; resolves with the READY payload or the close code. */
async function identify(token: string, intents: number): Promise<{ ready: any } | { code: number }> {
  const { ws, closed, messages } = rawSocket(t, 'v=10&encoding=json');
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ op: 2, d: { token, intents, properties: { os: 'linux', browser: 'test', device: 'test' } } }));
  const ready = new Promise<{ ready: any }>((resolve) => {
    const check = setInterval(() => {
      const frame = messages.map((m) => JSON.parse(String(m))).find((p) => p.t === 'READY');
      if (frame) {
        clearInterval(check);
        ws.close();
        resolve({ ready: frame.d });
      }
    }, 10);
    void closed.then(() => clearInterval(check));
  });
  return Promise.race([ready, closed.then((c) => ({ code: c.code }))]);
}

describe('the developer portal API', () => {
  it('creates an application and its bot; the bot authenticates with "Bot <token>" on v9 and v10', async () => {
    const app = await alice.api.rest.post<any>('/applications', { name: 'Helper', description: 'helps' });
    expect(app).toMatchObject({ name: 'Helper', description: 'helps', flags: 0, bot_public: true, owner: { id: alice.id } });
    expect(app.verify_key).toMatch(/^[0-9a-f]{64}$/);
    const created = await alice.api.rest.post<any>(`/applications/${app.id}/bot`, {});
    expect(created.user).toMatchObject({ username: 'Helper', bot: true });
    expect(created.user.discriminator).toMatch(/^\d{4}$/);
    for (const version of [9, 10]) {
      const api = botApi(created.token, version);
      expect(await api.me()).toMatchObject({ id: created.user.id, bot: true });
      expect(await api.rest.get<any>('/applications/@me')).toMatchObject({ id: app.id, bot: { id: created.user.id } });
      expect(await api.rest.get<any>('/oauth2/applications/@me')).toMatchObject({ id: app.id });
    }
    // The token is not a user token: sent bare it is refused.
    expect((await restError(new ConcordApi({ baseUrl: `${t.server.url}/api/v10`, token: created.token }).me())).status).toBe(401);
    // The owner lists and reads it; a second bot is refused.
    expect((await alice.api.rest.get<any[]>('/applications')).map((a) => a.id)).toContain(app.id);
    expect((await alice.api.rest.get<any>(`/applications/${app.id}`)).bot.id).toBe(created.user.id);
    expect((await restError(alice.api.rest.post(`/applications/${app.id}/bot`, {}))).status).toBe(400);
  });

  it('hides applications from everyone but their owner (10002) and refuses bots creating applications (20001)', async () => {
    const bot = await createBotApplication(alice, 'Private');
    const err = await restError(bob.api.rest.get(`/applications/${bot.applicationId}`));
    expect([err.status, err.code]).toEqual([404, 10002]);
    expect((await restError(bob.api.rest.patch(`/applications/${bot.applicationId}`, { name: 'Mine' }))).code).toBe(10002);
    expect((await restError(bob.api.rest.post(`/applications/${bot.applicationId}/bot/reset`, {}))).code).toBe(10002);
    expect((await restError(botApi(bot.token).rest.post('/applications', { name: 'Child' }))).code).toBe(20001);
  });

  it('accepts only the privileged-intent flags in PATCH (50035 for others)', async () => {
    const bot = await createBotApplication(alice, 'Flags');
    const ok = await alice.api.rest.patch<any>(`/applications/${bot.applicationId}`, { flags: ApplicationFlags.GATEWAY_GUILD_MEMBERS_LIMITED | ApplicationFlags.GATEWAY_PRESENCE });
    expect(ok.flags).toBe(ApplicationFlags.GATEWAY_GUILD_MEMBERS_LIMITED | ApplicationFlags.GATEWAY_PRESENCE);
    const err = await restError(alice.api.rest.patch(`/applications/${bot.applicationId}`, { flags: ApplicationFlags.EMBEDDED }));
    expect([err.status, err.code]).toEqual([400, 50035]);
    expect(err.errors).toHaveProperty('flags');
  });

  it('resets the bot token: the old one stops working at once, on REST and on the gateway', async () => {
    const bot = await createBotApplication(alice, 'Resettable');
    const { ws, closed, messages } = rawSocket(t, 'v=10&encoding=json');
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ op: 2, d: { token: bot.token, intents: GatewayIntents.GUILDS, properties: {} } }));
    await eventually(() => messages.some((m) => String(m).includes('"READY"')), 'READY');
    const { token } = await alice.api.rest.post<{ token: string }>(`/applications/${bot.applicationId}/bot/reset`, {});
    expect(token).not.toBe(bot.token);
    expect((await closed).code).toBe(GatewayCloseCode.AuthenticationFailed);
    expect((await restError(botApi(bot.token).me())).status).toBe(401);
    expect((await botApi(token).me()).id).toBe(bot.userId);
  });
});

describe('bots on the gateway', () => {
  it('closes 4004 for a bad bot token', async () => {
    const bot = await createBotApplication(alice, 'Bad Token');
    expect(await identify(`${bot.token}x`, GatewayIntents.GUILDS)).toEqual({ code: GatewayCloseCode.AuthenticationFailed });
    expect(await identify(`Bot ${bot.token.slice(0, -2)}`, GatewayIntents.GUILDS)).toEqual({ code: GatewayCloseCode.AuthenticationFailed });
  });

  it('closes 4013 for invalid intents and when a bot sends none', async () => {
    const bot = await createBotApplication(alice, 'Bad Intents');
    expect(await identify(bot.token, 1 << 30)).toEqual({ code: GatewayCloseCode.InvalidIntents });
    const { ws, closed } = rawSocket(t, 'v=10&encoding=json');
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ op: 2, d: { token: bot.token, properties: {} } }));
    expect((await closed).code).toBe(GatewayCloseCode.InvalidIntents);
  });

  it('refuses privileged intents with 4014 until the application enables them', async () => {
    const bot = await createBotApplication(alice, 'Privileged');
    for (const intent of [GatewayIntents.MESSAGE_CONTENT, GatewayIntents.GUILD_MEMBERS, GatewayIntents.GUILD_PRESENCES]) {
      expect(await identify(bot.token, GatewayIntents.GUILDS | intent)).toEqual({ code: GatewayCloseCode.DisallowedIntents });
    }
    const flags = ApplicationFlags.GATEWAY_MESSAGE_CONTENT_LIMITED | ApplicationFlags.GATEWAY_GUILD_MEMBERS_LIMITED | ApplicationFlags.GATEWAY_PRESENCE_LIMITED;
    await alice.api.rest.patch(`/applications/${bot.applicationId}`, { flags });
    const result = await identify(bot.token, GatewayIntents.GUILDS | GatewayIntents.MESSAGE_CONTENT | GatewayIntents.GUILD_MEMBERS | GatewayIntents.GUILD_PRESENCES);
    expect(result).toHaveProperty('ready');
    if ('ready' in result) expect(result.ready.application).toEqual({ id: bot.applicationId, flags });
  });

  it('discord.js reports a bad token and disallowed intents the way it does against Discord', async () => {
    const badToken = runBot(t, 'echo-bot.mjs', 'MTIz.not-a-token');
    const blind = await createBotApplication(alice, 'No Content Intent');
    const disallowed = runBot(t, 'echo-bot.mjs', blind.token);
    try {
      expect((await badToken.waitFor('login-failed'))['code']).toBe('TokenInvalid');
      expect(String((await disallowed.waitFor('login-failed'))['message'])).toMatch(/disallowed intents/i);
    } finally {
      await badToken.stop();
      await disallowed.stop();
    }
  });
});

describe('OAuth2 authorization', () => {
  it('serves the consent page as HTML outside /api', async () => {
    const res = await fetch(`${t.server.url}/oauth2/authorize?client_id=1&scope=bot&permissions=0`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain("localStorage.getItem('concord.token')");
    expect(html).toContain('/api/v10/oauth2/authorize');
  });

  it('lists the guilds where the user has MANAGE_GUILD and adds the bot with a managed role', async () => {
    const { guild } = await guildWithMember(alice, bob);
    const other = await bob.api.createGuild({ name: 'Bob Place' });
    const bot = await createBotApplication(alice, 'Greeter');
    const permissions = PermissionFlags.SEND_MESSAGES | PermissionFlags.VIEW_CHANNEL | PermissionFlags.KICK_MEMBERS;
    const query = new URLSearchParams({ client_id: bot.applicationId, scope: 'bot applications.commands', permissions: permissions.toString() });
    const info = await bob.api.rest.get<any>(`/oauth2/authorize?${query.toString()}`);
    expect(info.application.id).toBe(bot.applicationId);
    expect(info.bot.id).toBe(bot.userId);
    expect(info.scopes).toEqual(['bot', 'applications.commands']);
    // Bob manages his own guild only, not Alice's.
    expect(info.guilds.map((g: { id: string }) => g.id)).toEqual([other.id]);
    const denied = await restError(bob.api.rest.post(`/oauth2/authorize?${query.toString()}`, { authorize: true, guild_id: guild.id, permissions: permissions.toString() }));
    expect([denied.status, denied.code]).toEqual([403, 50013]);

    await authorizeBot(alice, bot, guild.id, permissions);
    const member = await alice.api.getMember(guild.id, bot.userId);
    const roles = await alice.api.getRoles(guild.id);
    const managed = roles.find((r) => member.roles.includes(r.id))!;
    expect(managed).toMatchObject({ name: 'Greeter', managed: true, tags: { bot_id: bot.userId }, permissions: permissions.toString() });
    // A managed role cannot be deleted or handed to anyone else.
    expect((await restError(alice.api.deleteRole(guild.id, managed.id))).status).toBe(400);
    expect((await restError(alice.api.addMemberRole(guild.id, bob.id, managed.id))).code).toBe(50013);
    // The bot sees the guild.
    expect((await botApi(bot.token).myGuilds()).map((g) => g.id)).toEqual([guild.id]);
  });

  it('cannot grant permissions the authorizing user lacks (50013)', async () => {
    const owner = await registerUser(t);
    const manager = await registerUser(t);
    const { guild } = await guildWithMember(owner, manager);
    const role = await owner.api.createRole(guild.id, { name: 'Managers', permissions: (PermissionFlags.MANAGE_GUILD | PermissionFlags.MANAGE_ROLES).toString() });
    await owner.api.addMemberRole(guild.id, manager.id, role.id);
    const bot = await createBotApplication(owner, 'Greedy');
    const err = await restError(authorizeBot(manager, bot, guild.id, PermissionFlags.ADMINISTRATOR));
    expect([err.status, err.code]).toEqual([403, 50013]);
    // Without permissions the bot just joins, with no role.
    await authorizeBot(manager, bot, guild.id, 0n);
    expect((await owner.api.getMember(guild.id, bot.userId)).roles).toEqual([]);
  });

  it('applies the same permission checks to bots as to users (50013)', async () => {
    const { guild, general } = await guildWithMember(alice, bob);
    const bot = await createBotApplication(alice, 'Limited');
    await authorizeBot(alice, bot, guild.id, PermissionFlags.VIEW_CHANNEL | PermissionFlags.SEND_MESSAGES);
    const api = botApi(bot.token);
    expect((await api.sendMessage(general, 'hello from a bot')).author.id).toBe(bot.userId);
    expect((await restError(api.createChannel(guild.id, { name: 'bot-made' }))).code).toBe(50013);
    expect((await restError(api.kick(guild.id, bob.id))).code).toBe(50013);
    await alice.api.putOverwrite(general, bot.userId, { type: 1, deny: PermissionFlags.SEND_MESSAGES.toString() });
    expect((await restError(api.sendMessage(general, 'still here?'))).code).toBe(50013);
  });
});
