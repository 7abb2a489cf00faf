// Guilds, members, bans and roles: every rule of ownership, permission and role hierarchy, and the
// gateway event for every change.
import {
  ChannelType,
  DEFAULT_EVERYONE_PERMISSIONS,
  PermissionFlags,
  canManageMember,
  canManageRole,
  hasPermission,
  highestRolePosition,
} from '@concord/protocol';
import type { DispatchPayloads } from '@concord/protocol';
import { DomainError } from './DomainError.ts';
import type { ChannelRecord, GuildRecord, MemberRecord, RoleRecord, UserRecord } from '../store/records.ts';
import { dispatch, requireGuildMember, requireGuildPermission, type DomainContext } from './DomainContext.ts';
import { GuildState } from './DomainState.ts';
import { membersWithPermission } from './permissionHolders.ts';
import { gatewayGuildFor, guildToAPI, memberToAPI, roleToAPI, userToAPI } from './serialize.ts';

const MAX_GUILDS_PER_USER = 200;
const MAX_ROLES = 250;

export interface RoleInput {
  name?: string | undefined;
  permissions?: bigint | null | undefined;
  color?: number | null | undefined;
  hoist?: boolean | null | undefined;
  mentionable?: boolean | null | undefined;
  icon?: string | null | undefined;
  unicode_emoji?: string | null | undefined;
}

export class GuildService {
  constructor(private readonly ctx: DomainContext) {}

  private presenceOf = (userId: string) => this.ctx.presence.get(userId);

  /** GUILD_CREATE for one user, with the channels that user can see. */
  sendGuildCreate(g: GuildState, userId: string): void {
    dispatch(this.ctx, `u:${userId}`, 'GUILD_CREATE', gatewayGuildFor(g, userId, this.ctx.state, this.presenceOf));
  }

  async createGuild(actor: UserRecord, input: { name: string; icon?: string | null | undefined; description?: string | null | undefined }) {
    if ((this.ctx.state.userGuilds.get(actor.id)?.size ?? 0) >= MAX_GUILDS_PER_USER) {
      throw new DomainError('MaxGuilds');
    }
    const now = Date.now();
    const guildId = this.ctx.ids.next();
    const textCategoryId = this.ctx.ids.next();
    const voiceCategoryId = this.ctx.ids.next();
    const generalId = this.ctx.ids.next();
    const voiceId = this.ctx.ids.next();
    const guild: GuildRecord = {
      id: guildId,
      name: input.name,
      icon: input.icon ?? null,
      description: input.description ?? null,
      owner_id: actor.id,
      system_channel_id: generalId,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 1,
      explicit_content_filter: 0,
      preferred_locale: 'en-US',
      created_at: now,
    };
    const everyone: RoleRecord = {
      id: guildId,
      guild_id: guildId,
      name: '@everyone',
      color: 0,
      hoist: false,
      position: 0,
      permissions: DEFAULT_EVERYONE_PERMISSIONS,
      managed: false,
      mentionable: false,
      icon: null,
      unicode_emoji: null,
      bot_id: null,
    };
    const base = { guild_id: guildId, topic: null, nsfw: false, rate_limit_per_user: 0, last_message_id: null, last_pin_timestamp: null, owner_id: null, icon: null, overwrites: [], recipients: [] };
    const channels: ChannelRecord[] = [
      { ...base, id: textCategoryId, type: ChannelType.GUILD_CATEGORY, name: 'Text Channels', position: 0, parent_id: null, bitrate: null, user_limit: null },
      { ...base, id: voiceCategoryId, type: ChannelType.GUILD_CATEGORY, name: 'Voice Channels', position: 1, parent_id: null, bitrate: null, user_limit: null },
      { ...base, id: generalId, type: ChannelType.GUILD_TEXT, name: 'general', position: 0, parent_id: textCategoryId, bitrate: null, user_limit: null },
      { ...base, id: voiceId, type: ChannelType.GUILD_VOICE, name: 'General', position: 0, parent_id: voiceCategoryId, bitrate: 64000, user_limit: 0 },
    ];
    const owner: MemberRecord = { guild_id: guildId, user_id: actor.id, nick: null, avatar: null, joined_at: now, deaf: false, mute: false, communication_disabled_until: null, flags: 0, roles: [] };
    await this.ctx.meta.createGuild(guild, [everyone], channels, owner);
    const g = new GuildState(guild);
    g.roles.set(everyone.id, everyone);
    for (const c of channels) g.channels.set(c.id, c);
    g.members.set(owner.user_id, owner);
    this.ctx.state.addGuild(g);
    this.ctx.bus.publish({ kind: 'access', userIds: [actor.id] });
    this.sendGuildCreate(g, actor.id);
    return { ...guildToAPI(g), channels: g.sortedChannels().map((c) => ({ id: c.id })) };
  }

  getGuild(actor: UserRecord, guildId: string, withCounts = false) {
    const g = requireGuildMember(this.ctx, guildId, actor);
    const out: Record<string, unknown> = { ...guildToAPI(g) };
    if (withCounts) {
      out['approximate_member_count'] = g.members.size;
      out['approximate_presence_count'] = [...g.members.keys()].filter((id) => this.ctx.presence.get(id)).length;
    }
    return out;
  }

  listMyGuilds(actor: UserRecord) {
    const out = [];
    for (const guildId of this.ctx.state.userGuilds.get(actor.id) ?? []) {
      const g = this.ctx.state.guilds.get(guildId);
      if (!g) continue;
      out.push({ id: g.id, name: g.guild.name, icon: g.guild.icon, owner: g.guild.owner_id === actor.id, permissions: g.basePermissions(actor.id).toString(), features: [] });
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async modifyGuild(
    actor: UserRecord,
    guildId: string,
    patch: { name?: string | undefined; icon?: string | null | undefined; description?: string | null | undefined; system_channel_id?: string | null | undefined; afk_channel_id?: string | null | undefined; afk_timeout?: number | undefined; verification_level?: number | null | undefined; default_message_notifications?: number | null | undefined; explicit_content_filter?: number | null | undefined; owner_id?: string | undefined; preferred_locale?: string | null | undefined },
  ) {
    const g = requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.MANAGE_GUILD);
    const next: GuildRecord = { ...g.guild };
    if (patch.name !== undefined) next.name = patch.name;
    if (patch.icon !== undefined) next.icon = patch.icon;
    if (patch.description !== undefined) next.description = patch.description;
    for (const key of ['system_channel_id', 'afk_channel_id'] as const) {
      const v = patch[key];
      if (v === undefined) continue;
      if (v !== null && !g.channels.has(v)) throw DomainError.fieldError(key, 'CHANNEL_INVALID', 'Unknown channel');
      next[key] = v;
    }
    if (patch.afk_timeout !== undefined) next.afk_timeout = patch.afk_timeout;
    if (patch.verification_level != null) next.verification_level = patch.verification_level;
    if (patch.default_message_notifications != null) next.default_message_notifications = patch.default_message_notifications;
    if (patch.explicit_content_filter != null) next.explicit_content_filter = patch.explicit_content_filter;
    if (patch.preferred_locale != null) next.preferred_locale = patch.preferred_locale;
    if (patch.owner_id !== undefined && patch.owner_id !== g.guild.owner_id) {
      if (actor.id !== g.guild.owner_id) throw new DomainError('MissingPermissions');
      if (!g.members.has(patch.owner_id)) throw DomainError.fieldError('owner_id', 'GUILD_OWNER_INVALID', 'New owner must be a member');
      next.owner_id = patch.owner_id;
    }
    await this.ctx.meta.updateGuild(next);
    const ownerChanged = next.owner_id !== g.guild.owner_id;
    g.guild = next;
    if (ownerChanged) this.ctx.bus.publish({ kind: 'guildAccess', guildId });
    const api = guildToAPI(g);
    dispatch(this.ctx, `g:${guildId}`, 'GUILD_UPDATE', api);
    return api;
  }

  async deleteGuild(actor: UserRecord, guildId: string): Promise<void> {
    const g = requireGuildMember(this.ctx, guildId, actor);
    if (g.guild.owner_id !== actor.id) throw new DomainError('MissingPermissions');
    const memberIds = [...g.members.keys()];
    for (const c of g.channels.values()) await this.ctx.messages.deleteChannel(c.id);
    await this.ctx.meta.deleteGuild(guildId);
    dispatch(this.ctx, `g:${guildId}`, 'GUILD_DELETE', { id: guildId });
    this.ctx.state.removeGuild(guildId);
    this.ctx.bus.publish({ kind: 'access', userIds: memberIds });
  }

  /** Adds a user to a guild (invite accepted, bot authorized); no-op when already a member. */
  async addMember(g: GuildState, user: UserRecord, roles: string[] = []): Promise<MemberRecord> {
    const existing = g.members.get(user.id);
    if (existing) return existing;
    if (g.bans.has(user.id)) throw new DomainError('UserBannedFromGuild');
    const member: MemberRecord = { guild_id: g.id, user_id: user.id, nick: null, avatar: null, joined_at: Date.now(), deaf: false, mute: false, communication_disabled_until: null, flags: 0, roles };
    await this.ctx.meta.upsertMember(member);
    // A new member starts with everything read, as on Discord: history from before the join is
    // not "unread".
    const readUpTo = [...g.channels.values()].filter((c) => c.last_message_id !== null);
    await Promise.all(readUpTo.map((c) => this.ctx.meta.putReadState({ user_id: user.id, channel_id: c.id, last_message_id: c.last_message_id, mention_count: 0 })));
    this.ctx.state.addMember(member);
    this.ctx.bus.publish({ kind: 'access', userIds: [user.id] });
    this.sendGuildCreate(g, user.id);
    for (const c of readUpTo) dispatch(this.ctx, `u:${user.id}`, 'MESSAGE_ACK', { channel_id: c.id, message_id: c.last_message_id, mention_count: 0, version: Date.now() });
    dispatch(this.ctx, `g:${g.id}`, 'GUILD_MEMBER_ADD', { ...memberToAPI(member, user), guild_id: g.id });
    this.ctx.presence.announceTo(user.id, g.id);
    return member;
  }

  private async removeMember(g: GuildState, userId: string): Promise<void> {
    await this.ctx.meta.deleteMember(g.id, userId);
    this.ctx.state.removeMember(g.id, userId);
    dispatch(this.ctx, `g:${g.id}`, 'GUILD_MEMBER_REMOVE', { guild_id: g.id, user: userToAPI(this.ctx.state.users.get(userId)) });
    dispatch(this.ctx, `u:${userId}`, 'GUILD_DELETE', { id: g.id });
    this.ctx.bus.publish({ kind: 'access', userIds: [userId] });
  }

  async leaveGuild(actor: UserRecord, guildId: string): Promise<void> {
    const g = requireGuildMember(this.ctx, guildId, actor);
    if (g.guild.owner_id === actor.id) throw new DomainError('InvalidFormBody', 'The owner cannot leave the guild; transfer ownership or delete it');
    await this.removeMember(g, actor.id);
  }

  listMembers(actor: UserRecord, guildId: string, limit: number, after?: string) {
    const g = requireGuildMember(this.ctx, guildId, actor);
    const ids = [...g.members.keys()].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const start = after ? ids.findIndex((id) => BigInt(id) > BigInt(after)) : 0;
    if (start < 0) return [];
    return ids.slice(start, start + limit).map((id) => memberToAPI(g.members.get(id)!, this.ctx.state.users.get(id)));
  }

  getMember(actor: UserRecord, guildId: string, userId: string) {
    const g = requireGuildMember(this.ctx, guildId, actor);
    const m = g.members.get(userId === '@me' ? actor.id : userId);
    if (!m) throw new DomainError('UnknownMember');
    return memberToAPI(m, this.ctx.state.users.get(m.user_id));
  }

  searchMembers(actor: UserRecord, guildId: string, query: string, limit: number) {
    const g = requireGuildMember(this.ctx, guildId, actor);
    const q = query.toLowerCase();
    const out = [];
    for (const m of g.members.values()) {
      const u = this.ctx.state.users.get(m.user_id);
      if (!u) continue;
      if (u.username.toLowerCase().startsWith(q) || m.nick?.toLowerCase().startsWith(q) || u.global_name?.toLowerCase().startsWith(q)) out.push(memberToAPI(m, u));
      if (out.length >= limit) break;
    }
    return out;
  }

  async modifyMember(
    actor: UserRecord,
    guildId: string,
    targetId: string,
    patch: { nick?: string | null | undefined; roles?: string[] | null | undefined; mute?: boolean | null | undefined; deaf?: boolean | null | undefined; communication_disabled_until?: string | null | undefined },
  ) {
    const g = requireGuildMember(this.ctx, guildId, actor);
    const userId = targetId === '@me' ? actor.id : targetId;
    const member = g.members.get(userId);
    if (!member) throw new DomainError('UnknownMember');
    const perms = g.basePermissions(actor.id);
    const actorCtx = g.permissionContext(actor.id);
    const self = userId === actor.id;
    const next: MemberRecord = { ...member, roles: [...member.roles] };
    if (patch.nick !== undefined) {
      if (self) {
        if (!hasPermission(perms, PermissionFlags.CHANGE_NICKNAME) && !hasPermission(perms, PermissionFlags.MANAGE_NICKNAMES)) throw new DomainError('MissingPermissions');
      } else {
        if (!hasPermission(perms, PermissionFlags.MANAGE_NICKNAMES)) throw new DomainError('MissingPermissions');
        if (!canManageMember(actorCtx, g.permissionContext(userId))) throw new DomainError('MissingPermissions');
      }
      next.nick = patch.nick === '' ? null : patch.nick;
    }
    let rolesChanged = false;
    if (patch.roles != null) {
      if (!hasPermission(perms, PermissionFlags.MANAGE_ROLES)) throw new DomainError('MissingPermissions');
      const wanted = [...new Set(patch.roles.filter((id) => id !== guildId))];
      for (const id of wanted) if (!g.roles.has(id)) throw new DomainError('UnknownRole');
      const added = wanted.filter((id) => !member.roles.includes(id));
      const removed = member.roles.filter((id) => !wanted.includes(id));
      for (const id of [...added, ...removed]) {
        const role = g.roles.get(id);
        if (!role) continue;
        if (!canManageRole(actorCtx, role)) throw new DomainError('MissingPermissions');
        if (role.managed) throw new DomainError('MissingPermissions', 'Cannot assign a managed role');
      }
      rolesChanged = added.length + removed.length > 0;
      next.roles = wanted;
    }
    if (patch.mute != null) {
      if (!hasPermission(perms, PermissionFlags.MUTE_MEMBERS)) throw new DomainError('MissingPermissions');
      next.mute = patch.mute;
    }
    if (patch.deaf != null) {
      if (!hasPermission(perms, PermissionFlags.DEAFEN_MEMBERS)) throw new DomainError('MissingPermissions');
      next.deaf = patch.deaf;
    }
    if (patch.communication_disabled_until !== undefined) {
      if (!hasPermission(perms, PermissionFlags.MODERATE_MEMBERS)) throw new DomainError('MissingPermissions');
      if (self || !canManageMember(actorCtx, g.permissionContext(userId))) throw new DomainError('MissingPermissions');
      if (hasPermission(g.basePermissions(userId), PermissionFlags.ADMINISTRATOR)) throw new DomainError('MissingPermissions');
      const until = patch.communication_disabled_until === null ? null : Date.parse(patch.communication_disabled_until);
      if (until !== null && until > Date.now() + 28 * 86_400_000) {
        throw DomainError.fieldError('communication_disabled_until', 'BASE_TYPE_BAD_INT', 'Timeouts are limited to 28 days');
      }
      next.communication_disabled_until = until;
      rolesChanged = true;
    }
    await this.ctx.meta.upsertMember(next);
    g.members.set(userId, next);
    if (rolesChanged) this.ctx.bus.publish({ kind: 'access', userIds: [userId] });
    const user = this.ctx.state.users.get(userId);
    const api = memberToAPI(next, user);
    dispatch(this.ctx, `g:${guildId}`, 'GUILD_MEMBER_UPDATE', { ...api, guild_id: guildId });
    return api;
  }

  async addMemberRole(actor: UserRecord, guildId: string, userId: string, roleId: string): Promise<void> {
    const g = requireGuildMember(this.ctx, guildId, actor);
    const m = g.members.get(userId);
    if (!m) throw new DomainError('UnknownMember');
    if (!g.roles.has(roleId)) throw new DomainError('UnknownRole');
    if (m.roles.includes(roleId)) {
      requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.MANAGE_ROLES);
      return;
    }
    await this.modifyMember(actor, guildId, userId, { roles: [...m.roles, roleId] });
  }

  async removeMemberRole(actor: UserRecord, guildId: string, userId: string, roleId: string): Promise<void> {
    const g = requireGuildMember(this.ctx, guildId, actor);
    const m = g.members.get(userId);
    if (!m) throw new DomainError('UnknownMember');
    if (!g.roles.has(roleId)) throw new DomainError('UnknownRole');
    await this.modifyMember(actor, guildId, userId, { roles: m.roles.filter((r) => r !== roleId) });
  }

  async kick(actor: UserRecord, guildId: string, userId: string): Promise<void> {
    const g = requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.KICK_MEMBERS);
    if (!g.members.has(userId)) throw new DomainError('UnknownMember');
    if (!canManageMember(g.permissionContext(actor.id), g.permissionContext(userId))) throw new DomainError('MissingPermissions');
    await this.removeMember(g, userId);
  }

  async ban(actor: UserRecord, guildId: string, userId: string, deleteMessageSeconds: number, reason: string | null): Promise<void> {
    const g = requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.BAN_MEMBERS);
    const user = this.ctx.state.users.get(userId);
    if (!user) throw new DomainError('UnknownUser');
    if (g.members.has(userId) && !canManageMember(g.permissionContext(actor.id), g.permissionContext(userId))) throw new DomainError('MissingPermissions');
    if (userId === g.guild.owner_id) throw new DomainError('MissingPermissions');
    const ban = { guild_id: guildId, user_id: userId, reason };
    await this.ctx.meta.putBan(ban);
    g.bans.set(userId, ban);
    this.dispatchToBanViewers(g, 'GUILD_BAN_ADD', { guild_id: guildId, user: userToAPI(user) });
    if (deleteMessageSeconds > 0) {
      const since = this.ctx.ids.next();
      const sinceId = (BigInt(since) - (BigInt(deleteMessageSeconds * 1000) << 22n)).toString();
      const textChannelIds = [...g.channels.values()].filter((c) => c.type !== ChannelType.GUILD_CATEGORY).map((c) => c.id);
      const deleted = await this.ctx.messages.deleteByAuthorSince(textChannelIds, userId, sinceId);
      for (const { channelId, ids } of deleted) {
        dispatch(this.ctx, `c:${channelId}`, 'MESSAGE_DELETE_BULK', { ids, channel_id: channelId, guild_id: guildId });
      }
    }
    if (g.members.has(userId)) await this.removeMember(g, userId);
  }

  async unban(actor: UserRecord, guildId: string, userId: string): Promise<void> {
    const g = requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.BAN_MEMBERS);
    if (!g.bans.has(userId)) throw new DomainError('UnknownBan');
    await this.ctx.meta.deleteBan(guildId, userId);
    g.bans.delete(userId);
    this.dispatchToBanViewers(g, 'GUILD_BAN_REMOVE', { guild_id: guildId, user: userToAPI(this.ctx.state.users.get(userId)) });
  }

  /** GUILD_BAN_* go only to members with BAN_MEMBERS or VIEW_AUDIT_LOG, as Discord documents them. */
  private dispatchToBanViewers<T extends 'GUILD_BAN_ADD' | 'GUILD_BAN_REMOVE'>(g: GuildState, t: T, d: DispatchPayloads[T]): void {
    const viewers = new Set([...membersWithPermission(g, PermissionFlags.BAN_MEMBERS), ...membersWithPermission(g, PermissionFlags.VIEW_AUDIT_LOG)]);
    for (const userId of viewers) dispatch(this.ctx, `u:${userId}`, t, d);
  }

  listBans(actor: UserRecord, guildId: string) {
    const g = requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.BAN_MEMBERS);
    return [...g.bans.values()].map((b) => ({ reason: b.reason, user: userToAPI(this.ctx.state.users.get(b.user_id)) }));
  }

  getBan(actor: UserRecord, guildId: string, userId: string) {
    const g = requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.BAN_MEMBERS);
    const b = g.bans.get(userId);
    if (!b) throw new DomainError('UnknownBan');
    return { reason: b.reason, user: userToAPI(this.ctx.state.users.get(userId)) };
  }

  // Roles

  listRoles(actor: UserRecord, guildId: string) {
    const g = requireGuildMember(this.ctx, guildId, actor);
    return [...g.roles.values()].sort((a, b) => a.position - b.position).map(roleToAPI);
  }

  /** Non-admins cannot grant permissions they do not have themselves. */
  private assertCanGrant(g: GuildState, actor: UserRecord, permissions: bigint): void {
    const mine = g.basePermissions(actor.id);
    if (hasPermission(mine, PermissionFlags.ADMINISTRATOR)) return;
    if ((permissions & ~mine) !== 0n) throw new DomainError('MissingPermissions');
  }

  async createRole(actor: UserRecord, guildId: string, input: RoleInput, extra: Partial<RoleRecord> = {}) {
    const g = requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.MANAGE_ROLES);
    if (g.roles.size >= MAX_ROLES) throw new DomainError('MaxRoles');
    const permissions = input.permissions ?? g.roles.get(guildId)?.permissions ?? 0n;
    this.assertCanGrant(g, actor, permissions);
    // A new role goes in at position 1, above @everyone; the others move up.
    const shifted: RoleRecord[] = [];
    for (const r of g.roles.values()) if (r.id !== guildId) shifted.push({ ...r, position: r.position + 1 });
    const role: RoleRecord = {
      id: this.ctx.ids.next(),
      guild_id: guildId,
      name: input.name || 'new role',
      color: input.color ?? 0,
      hoist: input.hoist ?? false,
      position: 1,
      permissions,
      managed: false,
      mentionable: input.mentionable ?? false,
      icon: input.icon ?? null,
      unicode_emoji: input.unicode_emoji ?? null,
      bot_id: null,
      ...extra,
    };
    await this.ctx.meta.upsertRoles([...shifted, role]);
    for (const r of shifted) g.roles.set(r.id, r);
    g.roles.set(role.id, role);
    const api = roleToAPI(role);
    dispatch(this.ctx, `g:${guildId}`, 'GUILD_ROLE_CREATE', { guild_id: guildId, role: api });
    for (const r of shifted) dispatch(this.ctx, `g:${guildId}`, 'GUILD_ROLE_UPDATE', { guild_id: guildId, role: roleToAPI(r) });
    return api;
  }

  async modifyRole(actor: UserRecord, guildId: string, roleId: string, input: RoleInput) {
    const g = requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.MANAGE_ROLES);
    const role = g.roles.get(roleId);
    if (!role) throw new DomainError('UnknownRole');
    if (!canManageRole(g.permissionContext(actor.id), role) && roleId !== guildId) throw new DomainError('MissingPermissions');
    if (roleId === guildId && actor.id !== g.guild.owner_id && !hasPermission(g.basePermissions(actor.id), PermissionFlags.MANAGE_ROLES)) throw new DomainError('MissingPermissions');
    const next: RoleRecord = { ...role };
    if (input.name !== undefined && roleId !== guildId) next.name = input.name;
    if (input.permissions != null) {
      this.assertCanGrant(g, actor, input.permissions & ~role.permissions);
      next.permissions = input.permissions;
    }
    if (input.color != null) next.color = input.color;
    if (input.hoist != null) next.hoist = input.hoist;
    if (input.mentionable != null) next.mentionable = input.mentionable;
    if (input.icon !== undefined) next.icon = input.icon;
    if (input.unicode_emoji !== undefined) next.unicode_emoji = input.unicode_emoji;
    await this.ctx.meta.upsertRole(next);
    g.roles.set(roleId, next);
    if (next.permissions !== role.permissions) this.ctx.bus.publish({ kind: 'guildAccess', guildId });
    const api = roleToAPI(next);
    dispatch(this.ctx, `g:${guildId}`, 'GUILD_ROLE_UPDATE', { guild_id: guildId, role: api });
    return api;
  }

  async deleteRole(actor: UserRecord, guildId: string, roleId: string): Promise<void> {
    const g = requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.MANAGE_ROLES);
    const role = g.roles.get(roleId);
    if (!role || roleId === guildId) throw new DomainError('UnknownRole');
    if (!canManageRole(g.permissionContext(actor.id), role)) throw new DomainError('MissingPermissions');
    if (role.managed) throw new DomainError('InvalidFormBody', 'Cannot delete a managed role');
    await this.ctx.meta.deleteRole(guildId, roleId);
    g.roles.delete(roleId);
    const affected: string[] = [];
    for (const m of g.members.values()) {
      if (!m.roles.includes(roleId)) continue;
      const next = { ...m, roles: m.roles.filter((r) => r !== roleId) };
      await this.ctx.meta.upsertMember(next);
      g.members.set(m.user_id, next);
      affected.push(m.user_id);
    }
    for (const c of g.channels.values()) {
      if (c.overwrites.some((o) => o.id === roleId)) {
        c.overwrites = c.overwrites.filter((o) => o.id !== roleId);
        await this.ctx.meta.upsertChannel(c);
      }
    }
    if (affected.length > 0) this.ctx.bus.publish({ kind: 'access', userIds: affected });
    dispatch(this.ctx, `g:${guildId}`, 'GUILD_ROLE_DELETE', { guild_id: guildId, role_id: roleId });
  }

  async reorderRoles(actor: UserRecord, guildId: string, moves: { id: string; position?: number | null | undefined }[]) {
    const g = requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.MANAGE_ROLES);
    const actorCtx = g.permissionContext(actor.id);
    const ownerOrTop = actor.id === g.guild.owner_id ? Number.MAX_SAFE_INTEGER : highestRolePosition(actorCtx);
    const ordered = [...g.roles.values()].filter((r) => r.id !== guildId).sort((a, b) => a.position - b.position);
    for (const move of moves) {
      if (move.position == null) continue;
      const role = g.roles.get(move.id);
      if (!role || role.id === guildId) throw new DomainError('UnknownRole');
      if (!canManageRole(actorCtx, role) || move.position >= ownerOrTop) throw new DomainError('MissingPermissions');
    }
    // Apply the requested positions, then renumber 1..n keeping the relative order.
    const wanted = new Map(moves.filter((m) => m.position != null).map((m) => [m.id, m.position!]));
    ordered.sort((a, b) => (wanted.get(a.id) ?? a.position) - (wanted.get(b.id) ?? b.position) || a.position - b.position);
    const changed: RoleRecord[] = [];
    ordered.forEach((r, i) => {
      if (r.position !== i + 1) changed.push({ ...r, position: i + 1 });
    });
    await this.ctx.meta.upsertRoles(changed);
    for (const r of changed) g.roles.set(r.id, r);
    if (changed.length > 0) this.ctx.bus.publish({ kind: 'guildAccess', guildId });
    for (const r of changed) dispatch(this.ctx, `g:${guildId}`, 'GUILD_ROLE_UPDATE', { guild_id: guildId, role: roleToAPI(r) });
    return this.listRoles(actor, guildId);
  }
}
