// Guild members: join (invite accepted, bot authorized), leave, kick, list and search, and
// modify (nickname, roles, voice mute/deafen, timeout) under the role hierarchy.
import { PermissionFlags, canManageMember, canManageRole, hasPermission } from '@concord/protocol';
import type { MemberRecord, UserRecord } from '../store/records.ts';
import { dispatch, requireGuildMember, requireGuildPermission, type DomainContext } from './DomainContext.ts';
import { DomainError } from './DomainError.ts';
import type { GuildState } from './DomainState.ts';
import type { GuildService } from './GuildService.ts';
import type { VoiceStateService } from './VoiceStateService.ts';
import { memberToAPI, userToAPI } from './serialize.ts';

export class MemberService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly guilds: GuildService,
    private readonly voice: VoiceStateService,
  ) {}

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
    this.guilds.sendGuildCreate(g, user.id);
    for (const c of readUpTo) dispatch(this.ctx, `u:${user.id}`, 'MESSAGE_ACK', { channel_id: c.id, message_id: c.last_message_id, mention_count: 0, version: Date.now() });
    dispatch(this.ctx, `g:${g.id}`, 'GUILD_MEMBER_ADD', { ...memberToAPI(member, user), guild_id: g.id });
    this.ctx.presence.announceTo(user.id, g.id);
    return member;
  }

  /** Removes a member (left, kicked or banned): the guild disappears from their client. */
  async removeMember(g: GuildState, userId: string): Promise<void> {
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
    patch: { nick?: string | null | undefined; roles?: string[] | null | undefined; mute?: boolean | null | undefined; deaf?: boolean | null | undefined; channel_id?: string | null | undefined; communication_disabled_until?: string | null | undefined },
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
    // Mute, deafen, move and disconnect need the target in voice (40032) and MOVE_MEMBERS for moves.
    this.voice.checkMemberPatch(actor, g, userId, patch);
    await this.ctx.meta.upsertMember(next);
    g.members.set(userId, next);
    if (rolesChanged) this.ctx.bus.publish({ kind: 'access', userIds: [userId] });
    const user = this.ctx.state.users.get(userId);
    const api = memberToAPI(next, user);
    dispatch(this.ctx, `g:${guildId}`, 'GUILD_MEMBER_UPDATE', { ...api, guild_id: guildId });
    this.voice.applyMemberPatch(g, userId, patch);
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
}
