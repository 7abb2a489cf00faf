// Bans: ban (optionally deleting the user's recent messages, removing them if a member), unban,
// list and read; GUILD_BAN_* go only to those who may see bans.
import { ChannelType, PermissionFlags, canManageMember, type DispatchPayloads } from '@concord/protocol';
import type { UserRecord } from '../store/records.ts';
import { dispatch, requireGuildPermission, type DomainContext } from './DomainContext.ts';
import { DomainError } from './DomainError.ts';
import type { GuildState } from './DomainState.ts';
import type { MemberService } from './MemberService.ts';
import { membersWithPermission } from './permissionHolders.ts';
import { userToAPI } from './serialize.ts';

export class BanService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly members: MemberService,
  ) {}

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
    if (g.members.has(userId)) await this.members.removeMember(g, userId);
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
}
