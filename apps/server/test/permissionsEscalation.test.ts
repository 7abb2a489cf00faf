// Permission escalations a member with some management rights could try (issue 14, item 4), and
// events that must reach only those Discord sends them to. Real server, real users, real sockets.
import { AuditLogEvent, ChannelType, PermissionFlags } from '@concord/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeBot, botClient, createBotApplication, restError } from './bots/botHarness.ts';
import { connectGateway, eventually, guildWithMember, registerUser, startTestServer, type Recorder, type TestServer, type TestUser } from './harness.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

const P = PermissionFlags;

/** A guild with its owner, a member holding `permissions` through a role, and its channels. */
async function guildWithManager(permissions: bigint) {
  const owner = await registerUser(t);
  const manager = await registerUser(t);
  const { guild, general, invite } = await guildWithMember(owner, manager);
  const role = await owner.api.createRole(guild.id, { name: 'managers', permissions: String(permissions) });
  await owner.api.addMemberRole(guild.id, manager.id, role.id);
  const channels = await owner.api.getChannels(guild.id);
  const textCategory = channels.find((c) => c.type === ChannelType.GUILD_CATEGORY && c.name === 'Text Channels')!;
  const staff = await owner.api.createChannel(guild.id, { name: 'staff', permission_overwrites: [{ id: guild.id, type: 0, deny: String(P.VIEW_CHANNEL) }] });
  return { owner, manager, guild, general, invite, role, textCategory, staff };
}

const reorder = (user: TestUser, guildId: string, body: unknown[]) => user.api.rest.patch<void>(`/guilds/${guildId}/channels`, body);

/** Sends a message in `channelId` and waits until every recorder saw it: later events have arrived by then. */
async function barrier(sender: TestUser, channelId: string, recorders: Recorder[]): Promise<void> {
  const marker = await sender.api.sendMessage(channelId, 'barrier');
  for (const r of recorders) await eventually(() => r.of('MESSAGE_CREATE').some((m) => m.id === marker.id), 'the barrier message');
}

describe('moving and syncing channels (PATCH /guilds/:id/channels)', () => {
  it('refuses to move a channel the actor cannot see under a public category with lock_permissions (50001), so it stays unreadable', async () => {
    const { owner, manager, guild, textCategory, staff } = await guildWithManager(P.MANAGE_CHANNELS | P.MANAGE_ROLES);
    await owner.api.sendMessage(staff.id, 'staff only');
    const err = await restError(reorder(manager, guild.id, [{ id: staff.id, parent_id: textCategory.id, lock_permissions: true }]));
    expect([err.status, err.code]).toEqual([403, 50001]);
    expect((await restError(manager.api.getMessages(staff.id))).code).toBe(50001);
    const after = await owner.api.getChannel(staff.id);
    expect(after.parent_id).toBeNull();
    expect(after.permission_overwrites).toEqual([{ id: guild.id, type: 0, allow: '0', deny: String(P.VIEW_CHANNEL) }]);
  });

  it('lets a position-only entry name a channel the actor cannot see, as Discord documents', async () => {
    const { owner, manager, guild, staff } = await guildWithManager(P.MANAGE_CHANNELS);
    await reorder(manager, guild.id, [{ id: staff.id, position: 7 }]);
    const after = await owner.api.getChannel(staff.id);
    expect(after.position).toBe(7);
    expect(after.permission_overwrites).toHaveLength(1);
  });

  it('takes MANAGE_ROLES to sync, and a sync may not lift a deny of what the actor lacks (50013)', async () => {
    const { owner, manager, guild, textCategory, role } = await guildWithManager(P.MANAGE_CHANNELS);
    const quiet = await owner.api.createChannel(guild.id, { name: 'quiet', permission_overwrites: [{ id: guild.id, type: 0, deny: String(P.SEND_MESSAGES) }] });
    const noRoles = await restError(reorder(manager, guild.id, [{ id: quiet.id, parent_id: textCategory.id, lock_permissions: true }]));
    expect([noRoles.status, noRoles.code]).toEqual([403, 50013]);
    await owner.api.modifyRole(guild.id, role.id, { permissions: String(P.MANAGE_CHANNELS | P.MANAGE_ROLES) });
    // The category has no overwrites: syncing would lift the SEND_MESSAGES deny the manager is under.
    const lifts = await restError(reorder(manager, guild.id, [{ id: quiet.id, parent_id: textCategory.id, lock_permissions: true }]));
    expect([lifts.status, lifts.code]).toEqual([403, 50013]);
    await expect(manager.api.sendMessage(quiet.id, 'can I talk?')).rejects.toMatchObject({ status: 403, code: 50013 });
    // Moving without a sync changes nobody's permissions, so it is allowed.
    await reorder(manager, guild.id, [{ id: quiet.id, parent_id: textCategory.id }]);
    const moved = await owner.api.getChannel(quiet.id);
    expect(moved.parent_id).toBe(textCategory.id);
    expect(moved.permission_overwrites).toHaveLength(1);
    // A sync that only changes what the manager holds goes through.
    const open = await owner.api.createChannel(guild.id, { name: 'open', permission_overwrites: [{ id: guild.id, type: 0, allow: String(P.EMBED_LINKS) }] });
    await reorder(manager, guild.id, [{ id: open.id, parent_id: textCategory.id, lock_permissions: true }]);
    expect((await owner.api.getChannel(open.id)).permission_overwrites).toEqual([]);
  });

  it('refuses a destination category the actor cannot see (50001) and more than one parent change per request (40009)', async () => {
    const { owner, manager, guild, general, textCategory } = await guildWithManager(P.MANAGE_CHANNELS | P.MANAGE_ROLES);
    const hiddenCategory = await owner.api.createChannel(guild.id, { name: 'vault', type: ChannelType.GUILD_CATEGORY, permission_overwrites: [{ id: guild.id, type: 0, deny: String(P.VIEW_CHANNEL) }] });
    const into = await restError(reorder(manager, guild.id, [{ id: general, parent_id: hiddenCategory.id }]));
    expect([into.status, into.code]).toEqual([403, 50001]);
    const intoByPatch = await restError(manager.api.modifyChannel(general, { parent_id: hiddenCategory.id }));
    expect([intoByPatch.status, intoByPatch.code]).toEqual([403, 50001]);
    const created = await restError(manager.api.createChannel(guild.id, { name: 'sneaky', parent_id: hiddenCategory.id }));
    expect([created.status, created.code]).toEqual([403, 50001]);
    const other = await owner.api.createChannel(guild.id, { name: 'other' });
    const two = await restError(reorder(manager, guild.id, [{ id: general, parent_id: null }, { id: other.id, parent_id: textCategory.id }]));
    expect([two.status, two.code]).toEqual([400, 40009]);
    // Nothing of a refused request was applied.
    expect((await owner.api.getChannel(general)).parent_id).toBe(textCategory.id);
    expect((await owner.api.getChannel(other.id)).parent_id).toBeNull();
  });
});

describe('writing overwrites: one rule for PUT, PATCH, DELETE and POST', () => {
  it('refuses through PATCH /channels/:id the same overwrite PUT refuses: a permission the actor lacks (50013)', async () => {
    const { owner, manager, guild, general } = await guildWithManager(P.MANAGE_CHANNELS | P.MANAGE_ROLES);
    const grant = { id: manager.id, type: 1, allow: String(P.MANAGE_WEBHOOKS) };
    const put = await restError(manager.api.putOverwrite(general, manager.id, { type: 1, allow: String(P.MANAGE_WEBHOOKS) }));
    const patch = await restError(manager.api.modifyChannel(general, { permission_overwrites: [grant] }));
    expect([put.status, put.code]).toEqual([403, 50013]);
    expect([patch.status, patch.code]).toEqual([403, 50013]);
    expect((await owner.api.getChannel(general)).permission_overwrites).toEqual([]);
    // What the manager holds may be written either way.
    await manager.api.modifyChannel(general, { permission_overwrites: [{ id: guild.id, type: 0, deny: String(P.ADD_REACTIONS) }] });
    await manager.api.putOverwrite(general, guild.id, { type: 0, deny: String(P.ADD_REACTIONS | P.EMBED_LINKS) });
    expect((await owner.api.getChannel(general)).permission_overwrites).toEqual([{ id: guild.id, type: 0, allow: '0', deny: String(P.ADD_REACTIONS | P.EMBED_LINKS) }]);
  });

  it('refuses to lift a deny of what the actor lacks, by PATCH or by deleting the overwrite (50013)', async () => {
    const { owner, manager, guild } = await guildWithManager(P.MANAGE_CHANNELS | P.MANAGE_ROLES);
    const quiet = await owner.api.createChannel(guild.id, { name: 'quiet', permission_overwrites: [{ id: guild.id, type: 0, deny: String(P.SEND_MESSAGES) }] });
    expect((await restError(manager.api.deleteOverwrite(quiet.id, guild.id))).code).toBe(50013);
    expect((await restError(manager.api.modifyChannel(quiet.id, { permission_overwrites: [] }))).code).toBe(50013);
    await expect(manager.api.sendMessage(quiet.id, 'still muted?')).rejects.toMatchObject({ status: 403, code: 50013 });
  });

  it('creates a channel with overwrites only with MANAGE_ROLES and only what the actor holds (50013)', async () => {
    const { owner, manager, guild, role } = await guildWithManager(P.MANAGE_CHANNELS);
    const hide = [{ id: guild.id, type: 0, deny: String(P.VIEW_CHANNEL) }];
    expect((await restError(manager.api.createChannel(guild.id, { name: 'private', permission_overwrites: hide }))).code).toBe(50013);
    await owner.api.modifyRole(guild.id, role.id, { permissions: String(P.MANAGE_CHANNELS | P.MANAGE_ROLES) });
    const lacking = [{ id: manager.id, type: 1, allow: String(P.MANAGE_WEBHOOKS) }];
    expect((await restError(manager.api.createChannel(guild.id, { name: 'hooks', permission_overwrites: lacking }))).code).toBe(50013);
    const made = await manager.api.createChannel(guild.id, { name: 'private', permission_overwrites: [...hide, { id: manager.id, type: 1, allow: String(P.VIEW_CHANNEL) }] });
    expect(made.permission_overwrites).toHaveLength(2);
  });
});

describe('the audit log sees overwrites however they are written', () => {
  interface AuditLog {
    audit_log_entries: { action_type: number; user_id: string; target_id: string | null; changes?: { key: string; old_value?: unknown; new_value?: unknown }[]; options?: Record<string, string> }[];
  }

  it('logs overwrites written by PATCH /channels/:id and by a category sync, and the move itself', async () => {
    const { owner, manager, guild, general, textCategory } = await guildWithManager(P.MANAGE_CHANNELS | P.MANAGE_ROLES);
    const log = async () => (await owner.api.rest.get<AuditLog>(`/guilds/${guild.id}/audit-logs?limit=100`)).audit_log_entries.filter((e) => e.user_id === manager.id);
    await manager.api.modifyChannel(general, { topic: 'rules', permission_overwrites: [{ id: guild.id, type: 0, deny: String(P.ADD_REACTIONS) }] });
    const other = await owner.api.createChannel(guild.id, { name: 'loose', permission_overwrites: [{ id: owner.id, type: 1, allow: String(P.EMBED_LINKS) }] });
    await reorder(manager, guild.id, [{ id: other.id, parent_id: textCategory.id, lock_permissions: true }]);
    let entries: AuditLog['audit_log_entries'] = [];
    const A = AuditLogEvent;
    const want = [A.CHANNEL_UPDATE, A.CHANNEL_OVERWRITE_CREATE, A.CHANNEL_UPDATE, A.CHANNEL_OVERWRITE_DELETE];
    const start = Date.now();
    while (Date.now() - start < 5000) {
      entries = await log();
      if (entries.length >= want.length) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(entries.map((e) => e.action_type).sort()).toEqual([...want].sort());
    expect(entries.find((e) => e.action_type === A.CHANNEL_OVERWRITE_CREATE)).toMatchObject({ target_id: general, options: { id: guild.id, type: '0', role_name: '@everyone' } });
    expect(entries.find((e) => e.action_type === A.CHANNEL_OVERWRITE_DELETE)).toMatchObject({ target_id: other.id, options: { id: owner.id, type: '1' } });
    expect(entries.find((e) => e.action_type === A.CHANNEL_UPDATE && e.target_id === other.id)?.changes).toEqual([{ key: 'parent_id', new_value: textCategory.id }]);
  });
});

describe('events reach only those Discord sends them to', () => {
  it('sends INVITE_CREATE and INVITE_DELETE only to members who can manage the channel', async () => {
    const { owner, manager, guild, general, invite } = await guildWithManager(P.MANAGE_CHANNELS);
    const plain = await registerUser(t);
    const channelManager = await registerUser(t);
    await plain.api.acceptInvite(invite.code);
    await channelManager.api.acceptInvite(invite.code);
    // MANAGE_CHANNELS granted in this one channel by an overwrite counts too.
    await owner.api.putOverwrite(general, channelManager.id, { type: 1, allow: String(P.MANAGE_CHANNELS) });
    const [ownerGw, managerGw, plainGw, channelGw] = await Promise.all([owner, manager, plain, channelManager].map((u) => connectGateway(t, u.token)));
    const created = await plain.api.createInvite(general, { unique: true });
    await owner.api.deleteInvite(created.code);
    await barrier(owner, general, [ownerGw!, managerGw!, plainGw!, channelGw!]);
    for (const gw of [ownerGw!, managerGw!, channelGw!]) {
      expect(gw.of('INVITE_CREATE').map((i) => i.code)).toEqual([created.code]);
      expect(gw.of('INVITE_DELETE').map((i) => i.code)).toEqual([created.code]);
    }
    expect(plainGw!.of('INVITE_CREATE')).toEqual([]);
    expect(plainGw!.of('INVITE_DELETE')).toEqual([]);
    expect(guild.id).toBeTruthy();
    for (const gw of [ownerGw!, managerGw!, plainGw!, channelGw!]) gw.close();
  });

  it('sends GUILD_BAN_ADD and GUILD_BAN_REMOVE only to members with BAN_MEMBERS or VIEW_AUDIT_LOG', async () => {
    const { owner, manager: moderator, guild, general, invite } = await guildWithManager(P.BAN_MEMBERS);
    const auditor = await registerUser(t);
    const plain = await registerUser(t);
    const target = await registerUser(t);
    for (const u of [auditor, plain, target]) await u.api.acceptInvite(invite.code);
    const auditors = await owner.api.createRole(guild.id, { name: 'auditors', permissions: String(P.VIEW_AUDIT_LOG) });
    await owner.api.addMemberRole(guild.id, auditor.id, auditors.id);
    const [ownerGw, modGw, auditorGw, plainGw] = await Promise.all([owner, moderator, auditor, plain].map((u) => connectGateway(t, u.token)));
    const all = [ownerGw!, modGw!, auditorGw!, plainGw!];
    await owner.api.ban(guild.id, target.id);
    await owner.api.unban(guild.id, target.id);
    await barrier(owner, general, all);
    for (const gw of [ownerGw!, modGw!, auditorGw!]) {
      expect(gw.of('GUILD_BAN_ADD').map((b) => b.user.id)).toEqual([target.id]);
      expect(gw.of('GUILD_BAN_REMOVE').map((b) => b.user.id)).toEqual([target.id]);
    }
    // The member list change itself is public.
    expect(plainGw!.of('GUILD_MEMBER_REMOVE').map((m) => m.user.id)).toEqual([target.id]);
    expect(plainGw!.of('GUILD_BAN_ADD')).toEqual([]);
    expect(plainGw!.of('GUILD_BAN_REMOVE')).toEqual([]);
    for (const gw of all) gw.close();
  });

  it('sends CHANNEL_DELETE and no CHANNEL_UPDATE to a member an overwrite change hides the channel from (PATCH and PUT)', async () => {
    const owner = await registerUser(t);
    const member = await registerUser(t);
    const { guild, general } = await guildWithMember(owner, member);
    const [ownerGw, memberGw] = await Promise.all([connectGateway(t, owner.token), connectGateway(t, member.token)]);
    const byPatch = await owner.api.createChannel(guild.id, { name: 'soon-hidden' });
    const byPut = await owner.api.createChannel(guild.id, { name: 'also-hidden' });
    await eventually(() => memberGw.of('CHANNEL_CREATE').filter((c) => c.id === byPatch.id || c.id === byPut.id).length === 2, 'the new channels');
    await owner.api.modifyChannel(byPatch.id, { topic: 'hidden now', permission_overwrites: [{ id: guild.id, type: 0, deny: String(P.VIEW_CHANNEL) }] });
    await owner.api.putOverwrite(byPut.id, guild.id, { type: 0, deny: String(P.VIEW_CHANNEL) });
    await barrier(owner, general, [ownerGw, memberGw]);
    for (const id of [byPatch.id, byPut.id]) {
      expect(memberGw.of('CHANNEL_DELETE').some((c) => c.id === id)).toBe(true);
      expect(memberGw.of('CHANNEL_UPDATE').some((c) => c.id === id)).toBe(false);
      // Those who still see it are told what changed.
      expect(ownerGw.of('CHANNEL_UPDATE').some((c) => c.id === id && c.permission_overwrites.length === 1)).toBe(true);
    }
    expect(JSON.stringify(memberGw.events.filter((e) => e.t !== 'CHANNEL_DELETE' && e.t !== 'CHANNEL_CREATE'))).not.toContain('hidden now');
    ownerGw.close();
    memberGw.close();
  });
});

describe('resolved channels in interactions', () => {
  it('refuses a channel option naming a channel the invoker cannot see (50035), and resolves only visible ones', async () => {
    const owner = await registerUser(t);
    const member = await registerUser(t);
    const { guild, general } = await guildWithMember(owner, member);
    const bot = await createBotApplication(owner, 'Resolver');
    await authorizeBot(owner, bot, guild.id, P.VIEW_CHANNEL | P.SEND_MESSAGES);
    const botApi = botClient(t, bot.token);
    const cmd = await botApi.rest.post<{ id: string }>(`/applications/${bot.applicationId}/guilds/${guild.id}/commands`, {
      name: 'peek',
      description: 'x',
      options: [{ type: 7, name: 'where', description: 'w', required: true }],
    });
    const staff = await owner.api.createChannel(guild.id, { name: 'staff', permission_overwrites: [{ id: guild.id, type: 0, deny: String(P.VIEW_CHANNEL) }, { id: bot.userId, type: 1, allow: String(P.VIEW_CHANNEL) }] });
    const botGw = await connectGateway(t, bot.token, 'json', { intents: 1 });
    const invoke = (user: TestUser, where: string) =>
      user.api.rest.post('/interactions', { type: 2, application_id: bot.applicationId, channel_id: general, guild_id: guild.id, data: { id: cmd.id, name: 'peek', type: 1, options: [{ name: 'where', type: 7, value: where }] } });
    const err = await restError(invoke(member, staff.id));
    expect([err.status, err.code]).toEqual([400, 50035]);
    expect(JSON.stringify(err.errors)).toContain('CHANNEL_INVALID');
    // The owner sees it, so for the owner it resolves.
    const pending = invoke(owner, staff.id);
    await eventually(() => botGw.of('INTERACTION_CREATE').length === 1, 'the owner interaction');
    const interaction = botGw.of('INTERACTION_CREATE')[0];
    expect(interaction.data.resolved.channels[staff.id]).toMatchObject({ id: staff.id, name: 'staff' });
    expect(interaction.member.user.id).toBe(owner.id);
    await t.api().rest.post(`/interactions/${interaction.id}/${interaction.token}/callback`, { type: 4, data: { content: 'ok' } });
    await pending;
    botGw.close();
  });
});
