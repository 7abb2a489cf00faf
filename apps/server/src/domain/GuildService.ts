// Guilds themselves: create (with @everyone, the default categories and channels, the owner as
// first member), read, modify (ownership transfer by the owner only), delete, and the per-user
// GUILD_CREATE. Members, bans and roles have their own services.
import { ChannelType, DEFAULT_EVERYONE_PERMISSIONS, PermissionFlags } from '@concord/protocol';
import type { ChannelRecord, GuildRecord, MemberRecord, RoleRecord, UserRecord } from '../store/records.ts';
import { dispatch, requireGuildMember, requireGuildPermission, type DomainContext } from './DomainContext.ts';
import { DomainError } from './DomainError.ts';
import { GuildState } from './DomainState.ts';
import { gatewayGuildFor, guildToAPI } from './serialize.ts';

const MAX_GUILDS_PER_USER = 200;

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
}
