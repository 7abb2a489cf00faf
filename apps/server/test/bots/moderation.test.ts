// Moderation: the audit log (with X-Audit-Log-Reason), member timeouts, and auto moderation rules
// (keyword, keyword preset, mention spam) with block, alert and timeout actions.
import { AuditLogEvent, PermissionFlags } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectGateway, eventually, guildWithMember, registerUser, startTestServer, type Recorder, type TestServer, type TestUser } from '../harness.ts';
import { authorizeBot, botClient, createBotApplication, restError } from './botHarness.ts';

let t: TestServer;


beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

interface AuditLog {
  audit_log_entries: { id: string; action_type: number; user_id: string; target_id: string | null; reason?: string; changes?: { key: string; old_value?: unknown; new_value?: unknown }[]; options?: Record<string, string> }[];
  users: { id: string }[];
}

describe('the audit log', () => {
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let guildId: string;
  let general: string;
  let aliceGw: Recorder;
  let bobGw: Recorder;
  const log = (query = '') => alice.api.rest.get<AuditLog>(`/guilds/${guildId}/audit-logs${query}`);
  const latest = async (actionType: number) => (await log(`?action_type=${actionType}&limit=1`)).audit_log_entries[0]!;

  beforeAll(async () => {
    alice = await registerUser(t);
    bob = await registerUser(t);
    carol = await registerUser(t);
    const g = await guildWithMember(alice, bob);
    guildId = g.guild.id;
    general = g.general;
    await carol.api.acceptInvite(g.invite.code);
    aliceGw = await connectGateway(t, alice.token, 'json');
    bobGw = await connectGateway(t, bob.token, 'json');
  });
  afterAll(() => {
    aliceGw.close();
    bobGw.close();
  });

  it('records bans with the X-Audit-Log-Reason and announces them to those who may view the log', async () => {
    await alice.api.rest.put(`/guilds/${guildId}/bans/${carol.id}`, {}, { reason: 'spamming links ✉' });
    const entry = await latest(AuditLogEvent.MEMBER_BAN_ADD);
    expect(entry).toMatchObject({ user_id: alice.id, target_id: carol.id, reason: 'spamming links ✉' });
    const page = await log();
    expect(page.users.map((u) => u.id)).toEqual(expect.arrayContaining([alice.id, carol.id]));
    await eventually(() => aliceGw.of('GUILD_AUDIT_LOG_ENTRY_CREATE').some((e) => e.id === entry.id), 'GUILD_AUDIT_LOG_ENTRY_CREATE');
    expect(bobGw.of('GUILD_AUDIT_LOG_ENTRY_CREATE')).toEqual([]);
    // The ban removed carol from the guild: that is not logged as a kick as well.
    expect((await log(`?action_type=${AuditLogEvent.MEMBER_KICK}`)).audit_log_entries).toEqual([]);
    await alice.api.unban(guildId, carol.id);
    expect((await latest(AuditLogEvent.MEMBER_BAN_REMOVE)).target_id).toBe(carol.id);
  });

  it('records role changes with their before and after values', async () => {
    const role = await alice.api.rest.post<any>(`/guilds/${guildId}/roles`, { name: 'Helpers', permissions: PermissionFlags.MANAGE_MESSAGES.toString() }, { reason: 'new team' });
    const created = await latest(AuditLogEvent.ROLE_CREATE);
    expect(created).toMatchObject({ target_id: role.id, reason: 'new team' });
    expect(created.changes).toEqual(expect.arrayContaining([{ key: 'name', new_value: 'Helpers' }, { key: 'permissions', new_value: PermissionFlags.MANAGE_MESSAGES.toString() }]));
    await alice.api.modifyRole(guildId, role.id, { name: 'Mods', color: 0xff0000 });
    expect((await latest(AuditLogEvent.ROLE_UPDATE)).changes).toEqual(expect.arrayContaining([{ key: 'name', old_value: 'Helpers', new_value: 'Mods' }, { key: 'color', old_value: 0, new_value: 0xff0000 }]));
    await alice.api.addMemberRole(guildId, bob.id, role.id);
    expect(await latest(AuditLogEvent.MEMBER_ROLE_UPDATE)).toMatchObject({ target_id: bob.id, changes: [{ key: '$add', new_value: [{ id: role.id, name: 'Mods' }] }] });
    await alice.api.removeMemberRole(guildId, bob.id, role.id);
    expect((await latest(AuditLogEvent.MEMBER_ROLE_UPDATE)).changes).toEqual([{ key: '$remove', new_value: [{ id: role.id, name: 'Mods' }] }]);
    await alice.api.deleteRole(guildId, role.id);
    expect((await latest(AuditLogEvent.ROLE_DELETE)).changes).toEqual(expect.arrayContaining([{ key: 'name', old_value: 'Mods' }]));
  });

  it('records channels, overwrites, kicks, nicknames and moderator message deletions', async () => {
    const channel = await alice.api.createChannel(guildId, { name: 'rules' });
    expect((await latest(AuditLogEvent.CHANNEL_CREATE)).changes).toEqual(expect.arrayContaining([{ key: 'name', new_value: 'rules' }, { key: 'type', new_value: 0 }]));
    await alice.api.modifyChannel(channel.id, { topic: 'be nice' });
    expect((await latest(AuditLogEvent.CHANNEL_UPDATE)).changes).toEqual([{ key: 'topic', new_value: 'be nice' }]);
    await alice.api.putOverwrite(channel.id, guildId, { type: 0, deny: PermissionFlags.SEND_MESSAGES.toString() });
    expect(await latest(AuditLogEvent.CHANNEL_OVERWRITE_CREATE)).toMatchObject({ target_id: channel.id, options: { id: guildId, type: '0', role_name: '@everyone' } });
    await alice.api.deleteChannel(channel.id);
    expect((await latest(AuditLogEvent.CHANNEL_DELETE)).target_id).toBe(channel.id);
    await alice.api.modifyMember(guildId, bob.id, { nick: 'Bobby' });
    expect((await latest(AuditLogEvent.MEMBER_UPDATE)).changes).toEqual([{ key: 'nick', new_value: 'Bobby' }]);
    const own = await bob.api.sendMessage(general, 'mine to delete');
    await bob.api.deleteMessage(general, own.id);
    const theirs = await bob.api.sendMessage(general, 'moderated');
    await alice.api.deleteMessage(general, theirs.id);
    const deletions = (await log(`?action_type=${AuditLogEvent.MESSAGE_DELETE}`)).audit_log_entries;
    expect(deletions).toHaveLength(1);
    expect(deletions[0]).toMatchObject({ user_id: alice.id, target_id: bob.id, options: { channel_id: general, count: '1' } });
    const dave = await registerUser(t);
    await dave.api.acceptInvite((await alice.api.createInvite(general, { max_age: 0, unique: true })).code);
    await alice.api.kick(guildId, dave.id);
    expect((await latest(AuditLogEvent.MEMBER_KICK)).target_id).toBe(dave.id);
  });

  it('records timeouts, which take away sending until they end', async () => {
    const until = new Date(Date.now() + 10 * 60_000).toISOString();
    await alice.api.rest.patch(`/guilds/${guildId}/members/${bob.id}`, { communication_disabled_until: until }, { reason: 'cool down' });
    const entry = await latest(AuditLogEvent.MEMBER_UPDATE);
    expect(entry).toMatchObject({ target_id: bob.id, reason: 'cool down' });
    expect(entry.changes![0]!.key).toBe('communication_disabled_until');
    expect((await alice.api.getMember(guildId, bob.id)).communication_disabled_until).not.toBeNull();
    expect((await restError(bob.api.sendMessage(general, 'let me talk'))).code).toBe(50013);
    const tooLong = new Date(Date.now() + 29 * 86_400_000).toISOString();
    expect((await restError(alice.api.modifyMember(guildId, bob.id, { communication_disabled_until: tooLong }))).code).toBe(50035);
    await alice.api.modifyMember(guildId, bob.id, { communication_disabled_until: null });
    expect((await bob.api.sendMessage(general, 'back')).content).toBe('back');
  });

  it('records bots added through OAuth2', async () => {
    const bot = await createBotApplication(alice, 'Logger');
    await authorizeBot(alice, bot, guildId, 0n);
    expect(await latest(AuditLogEvent.BOT_ADD)).toMatchObject({ user_id: alice.id, target_id: bot.userId });
  });

  it('filters by user and action, pages with before, and needs VIEW_AUDIT_LOG (50013)', async () => {
    const all = (await log('?limit=100')).audit_log_entries;
    expect(all.length).toBeGreaterThan(10);
    expect(BigInt(all[0]!.id) > BigInt(all[1]!.id)).toBe(true);
    expect((await log(`?user_id=${bob.id}`)).audit_log_entries).toEqual([]);
    const page = (await log(`?before=${all[4]!.id}&limit=3`)).audit_log_entries;
    expect(page.map((e) => e.id)).toEqual(all.slice(5, 8).map((e) => e.id));
    expect((await restError(bob.api.rest.get(`/guilds/${guildId}/audit-logs`))).code).toBe(50013);
  });
});

describe('auto moderation', () => {
  let owner: TestUser;
  let member: TestUser;
  let guildId: string;
  let general: string;
  let modLog: string;
  let ownerGw: Recorder;
  const rules = () => `/guilds/${guildId}/auto-moderation/rules`;

  beforeAll(async () => {
    owner = await registerUser(t);
    member = await registerUser(t);
    const g = await guildWithMember(owner, member);
    guildId = g.guild.id;
    general = g.general;
    modLog = (await owner.api.createChannel(guildId, { name: 'mod-log' })).id;
    ownerGw = await connectGateway(t, owner.token, 'json');
  });
  afterAll(() => ownerGw.close());

  it('manages rules with MANAGE_GUILD only and validates them (50035)', async () => {
    expect((await restError(member.api.rest.get(rules()))).code).toBe(50013);
    const missing = await restError(owner.api.rest.post(rules(), { name: 'empty', event_type: 1, trigger_type: 1, actions: [{ type: 1 }], enabled: true }));
    expect(missing.code).toBe(50035);
    expect(missing.errors).toHaveProperty('trigger_metadata');
    const badChannel = await restError(owner.api.rest.post(rules(), { name: 'x', event_type: 1, trigger_type: 1, trigger_metadata: { keyword_filter: ['x'] }, actions: [{ type: 2, metadata: { channel_id: '123456789012345678' } }] }));
    expect(badChannel.code).toBe(50035);
  });

  it('blocks keyword matches (whole words and wildcards) with 200000, alerts the mod channel and logs it', async () => {
    const rule = await owner.api.rest.post<any>(
      rules(),
      {
        name: 'No spoilers',
        event_type: 1,
        trigger_type: 1,
        trigger_metadata: { keyword_filter: ['spoiler', 'leak*'], allow_list: ['leakproof'] },
        actions: [{ type: 1, metadata: { custom_message: 'No spoilers here' } }, { type: 2, metadata: { channel_id: modLog } }],
        enabled: true,
      },
      { reason: 'season finale' },
    );
    expect(rule).toMatchObject({ name: 'No spoilers', creator_id: owner.id, trigger_type: 1, enabled: true });
    await eventually(() => ownerGw.of('AUTO_MODERATION_RULE_CREATE').some((r) => r.id === rule.id), 'AUTO_MODERATION_RULE_CREATE');
    const blocked = await restError(member.api.sendMessage(general, 'big SPOILER ahead'));
    expect([blocked.status, blocked.code]).toEqual([400, 200000]);
    expect(blocked.message).toContain('No spoilers here');
    expect((await restError(member.api.sendMessage(general, 'the leaked ending'))).code).toBe(200000);
    // Not whole-word matches, allow-listed words and the owner (MANAGE_GUILD) pass.
    expect((await member.api.sendMessage(general, 'spoilers are fine?')).content).toBe('spoilers are fine?');
    expect((await member.api.sendMessage(general, 'a leakproof bottle')).content).toBe('a leakproof bottle');
    expect((await owner.api.sendMessage(general, 'owner says spoiler')).content).toBe('owner says spoiler');
    // Edits are checked too.
    const clean = await member.api.sendMessage(general, 'clean');
    expect((await restError(member.api.editMessage(general, clean.id, { content: 'now a spoiler' }))).code).toBe(200000);

    const alerts = await owner.api.getMessages(modLog, { limit: 10 });
    expect(alerts.length).toBeGreaterThanOrEqual(2);
    expect(alerts[0]).toMatchObject({ type: 24, author: { id: member.id } });
    expect(alerts.find((a) => a.embeds[0]?.description === 'big SPOILER ahead')?.embeds[0]?.fields).toEqual(
      expect.arrayContaining([{ name: 'rule_name', value: 'No spoilers', inline: false }, { name: 'keyword', value: 'spoiler', inline: false }]),
    );
    await eventually(() => ownerGw.of('AUTO_MODERATION_ACTION_EXECUTION').some((e) => e.rule_id === rule.id && e.matched_keyword === 'spoiler'), 'AUTO_MODERATION_ACTION_EXECUTION');
    const audit = await owner.api.rest.get<AuditLog>(`/guilds/${guildId}/audit-logs`);
    const types = audit.audit_log_entries.map((e) => e.action_type);
    expect(types).toEqual(expect.arrayContaining([AuditLogEvent.AUTO_MODERATION_RULE_CREATE, AuditLogEvent.AUTO_MODERATION_BLOCK_MESSAGE, AuditLogEvent.AUTO_MODERATION_FLAG_TO_CHANNEL]));
    expect(audit.audit_log_entries.find((e) => e.action_type === AuditLogEvent.AUTO_MODERATION_RULE_CREATE)?.reason).toBe('season finale');

    // Exempt roles and disabling the rule let messages through.
    const role = await owner.api.createRole(guildId, { name: 'Critics' });
    await owner.api.addMemberRole(guildId, member.id, role.id);
    await owner.api.rest.patch(`${rules()}/${rule.id}`, { exempt_roles: [role.id] });
    expect((await member.api.sendMessage(general, 'critic spoiler')).content).toBe('critic spoiler');
    await owner.api.removeMemberRole(guildId, member.id, role.id);
    await owner.api.rest.patch(`${rules()}/${rule.id}`, { enabled: false });
    expect((await member.api.sendMessage(general, 'spoiler, rule off')).content).toBe('spoiler, rule off');
    await owner.api.rest.delete(`${rules()}/${rule.id}`);
    expect((await owner.api.rest.get<any[]>(rules())).map((r) => r.id)).not.toContain(rule.id);
  });

  it('times out the author of a preset match', async () => {
    await owner.api.rest.post(rules(), { name: 'Profanity', event_type: 1, trigger_type: 4, trigger_metadata: { presets: [1] }, actions: [{ type: 1 }, { type: 3, metadata: { duration_seconds: 60 } }], enabled: true });
    expect((await restError(member.api.sendMessage(general, 'oh shit'))).code).toBe(200000);
    const m = await owner.api.getMember(guildId, member.id);
    expect(Date.parse(m.communication_disabled_until!)).toBeGreaterThan(Date.now() + 50_000);
    expect((await restError(member.api.sendMessage(general, 'hello?'))).code).toBe(50013);
    const audit = await owner.api.rest.get<AuditLog>(`/guilds/${guildId}/audit-logs?action_type=${AuditLogEvent.AUTO_MODERATION_USER_COMMUNICATION_DISABLED}`);
    expect(audit.audit_log_entries[0]).toMatchObject({ target_id: member.id, options: { auto_moderation_rule_name: 'Profanity' } });
    await owner.api.modifyMember(guildId, member.id, { communication_disabled_until: null });
  });

  it('blocks mention spam over the limit', async () => {
    const others = await Promise.all([registerUser(t), registerUser(t), registerUser(t)]);
    await owner.api.rest.post(rules(), { name: 'Mentions', event_type: 1, trigger_type: 5, trigger_metadata: { mention_total_limit: 2 }, actions: [{ type: 1 }], enabled: true });
    const mentions = others.map((u) => `<@${u.id}>`);
    expect((await member.api.sendMessage(general, `hi ${mentions.slice(0, 2).join(' ')}`)).content).toContain('hi');
    expect((await restError(member.api.sendMessage(general, `hi ${mentions.join(' ')}`))).code).toBe(200000);
  });

  it('applies to bots as to any member', async () => {
    const bot = await createBotApplication(owner, 'Chatty');
    await authorizeBot(owner, bot, guildId, PermissionFlags.VIEW_CHANNEL | PermissionFlags.SEND_MESSAGES);
    const botApi = botClient(t, bot.token);
    expect((await restError(botApi.sendMessage(general, 'fuck'))).code).toBe(200000);
  });
});
