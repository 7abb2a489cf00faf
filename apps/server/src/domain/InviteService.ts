// Invites: create (reusing a matching one unless `unique`), read publicly for the landing page,
// accept (joins the guild, counts the use, deletes a used-up invite), delete and list; INVITE_*
// go only to those who manage the channel.
import { ChannelType, PermissionFlags, hasPermission, type DispatchPayloads } from '@concord/protocol';
import crypto from 'node:crypto';
import type { ChannelRecord, InviteRecord, UserRecord } from '../store/records.ts';
import { dispatch, requireChannelPermission, requireGuildChannel, requireGuildPermission, type DomainContext } from './DomainContext.ts';
import { DomainError } from './DomainError.ts';
import type { MemberService } from './MemberService.ts';
import { membersWithChannelPermission } from './permissionHolders.ts';
import { inviteToAPI } from './serialize.ts';

const INVITE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function inviteCode(): string {
  const bytes = crypto.randomBytes(10);
  let out = '';
  for (const b of bytes) out += INVITE_ALPHABET.charAt(b % INVITE_ALPHABET.length);
  return out;
}

export class InviteService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly members: MemberService,
  ) {}

  async createInvite(actor: UserRecord, channelId: string, input: { max_age?: number | undefined; max_uses?: number | undefined; temporary?: boolean | undefined; unique?: boolean | undefined }) {
    const { channel } = requireChannelPermission(this.ctx, channelId, actor, PermissionFlags.CREATE_INSTANT_INVITE);
    const guildId = requireGuildChannel(channel);
    if (channel.type === ChannelType.GUILD_CATEGORY) throw new DomainError('CannotSendMessagesInNonText', 'Cannot create an invite to a category');
    const maxAge = input.max_age ?? 86_400;
    const maxUses = input.max_uses ?? 0;
    if (!input.unique) {
      const existing = (await this.ctx.meta.listInvites({ channelId })).find(
        (i) => i.inviter_id === actor.id && i.max_age === maxAge && i.max_uses === maxUses && i.temporary === (input.temporary ?? false) && !this.expired(i),
      );
      if (existing) return inviteToAPI(existing, this.ctx.state, true);
    }
    const invite: InviteRecord = { code: inviteCode(), guild_id: guildId, channel_id: channelId, inviter_id: actor.id, max_age: maxAge, max_uses: maxUses, uses: 0, temporary: input.temporary ?? false, created_at: Date.now() };
    await this.ctx.meta.insertInvite(invite);
    const api = inviteToAPI(invite, this.ctx.state, true);
    this.dispatchToChannelManagers(channel, 'INVITE_CREATE', { ...api, channel_id: channelId, guild_id: guildId });
    return api;
  }

  /** INVITE_* go only to those who can manage the channel (MANAGE_CHANNELS on it), as on Discord. */
  private dispatchToChannelManagers<T extends 'INVITE_CREATE' | 'INVITE_DELETE'>(channel: ChannelRecord, t: T, d: DispatchPayloads[T]): void {
    const g = channel.guild_id ? this.ctx.state.guilds.get(channel.guild_id) : undefined;
    if (!g) return;
    for (const userId of membersWithChannelPermission(g, channel, PermissionFlags.MANAGE_CHANNELS)) dispatch(this.ctx, `u:${userId}`, t, d);
  }

  private expired(i: InviteRecord, nowMs = Date.now()): boolean {
    return (i.max_age > 0 && i.created_at + i.max_age * 1000 <= nowMs) || (i.max_uses > 0 && i.uses >= i.max_uses);
  }

  private async findLiveInvite(code: string): Promise<InviteRecord> {
    const invite = await this.ctx.meta.findInvite(code);
    if (!invite || this.expired(invite) || !this.ctx.state.channels.has(invite.channel_id)) throw new DomainError('UnknownInvite');
    return invite;
  }

  /** Public (no token needed): the invite landing page shows it before anyone signs in. Counts only with `with_counts`, as Discord. */
  async getInvite(code: string, withCounts: boolean) {
    const invite = await this.findLiveInvite(code);
    const api = inviteToAPI(invite, this.ctx.state, false);
    const g = withCounts && invite.guild_id ? this.ctx.state.guilds.get(invite.guild_id) : undefined;
    if (g) {
      api.approximate_member_count = g.members.size;
      // Invisible members count as offline: the presence service keeps only visible presences.
      api.approximate_presence_count = [...g.members.keys()].filter((id) => this.ctx.presence.get(id)).length;
    }
    return api;
  }

  async acceptInvite(actor: UserRecord, code: string) {
    const invite = await this.findLiveInvite(code);
    const g = invite.guild_id ? this.ctx.state.guilds.get(invite.guild_id) : undefined;
    if (!g) throw new DomainError('UnknownInvite');
    if (g.bans.has(actor.id)) throw new DomainError('UserBannedFromGuild');
    if (!g.members.has(actor.id)) {
      if (!(await this.ctx.meta.useInvite(code, Date.now()))) throw new DomainError('UnknownInvite');
      await this.members.addMember(g, actor);
      const after = await this.ctx.meta.findInvite(code);
      if (after && this.expired(after)) {
        await this.ctx.meta.deleteInvite(code);
        const channel = this.ctx.state.channels.get(after.channel_id);
        if (channel) this.dispatchToChannelManagers(channel, 'INVITE_DELETE', { code, channel_id: after.channel_id, guild_id: g.id });
      }
    }
    return { ...inviteToAPI(invite, this.ctx.state, false), new_member: true, guild_id: g.id };
  }

  async deleteInvite(actor: UserRecord, code: string) {
    const invite = await this.ctx.meta.findInvite(code);
    if (!invite) throw new DomainError('UnknownInvite');
    const channel = this.ctx.state.channels.get(invite.channel_id);
    if (!channel?.guild_id) throw new DomainError('UnknownInvite');
    const perms = this.ctx.state.channelPermissions(channel, actor.id);
    const g = this.ctx.state.guilds.get(channel.guild_id)!;
    if (!hasPermission(perms, PermissionFlags.MANAGE_CHANNELS) && !hasPermission(g.basePermissions(actor.id), PermissionFlags.MANAGE_GUILD)) {
      if (!g.members.has(actor.id)) throw new DomainError('UnknownInvite');
      throw new DomainError('MissingPermissions');
    }
    await this.ctx.meta.deleteInvite(code);
    this.dispatchToChannelManagers(channel, 'INVITE_DELETE', { code, channel_id: invite.channel_id, guild_id: channel.guild_id });
    return inviteToAPI(invite, this.ctx.state, true);
  }

  async listGuildInvites(actor: UserRecord, guildId: string) {
    requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.MANAGE_GUILD);
    return (await this.ctx.meta.listInvites({ guildId })).filter((i) => !this.expired(i)).map((i) => inviteToAPI(i, this.ctx.state, true));
  }

  async listChannelInvites(actor: UserRecord, channelId: string) {
    requireChannelPermission(this.ctx, channelId, actor, PermissionFlags.MANAGE_CHANNELS);
    return (await this.ctx.meta.listInvites({ channelId })).filter((i) => !this.expired(i)).map((i) => inviteToAPI(i, this.ctx.state, true));
  }
}
