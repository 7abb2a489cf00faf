// Guild channels (create, modify, delete, reorder, permission overwrites) and announcement-channel
// follows. Invites, and DMs and group DMs, have their own services beside this one.
import { ChannelType, PermissionFlags, hasPermission } from '@concord/protocol';
import type { ChannelRecord, OverwriteRecord, UserRecord } from '../store/records.ts';
import {
  dispatch,
  requireChannelPermission,
  requireGuildChannel,
  requireGuildMember,
  requireGuildPermission,
  requireVisibleChannel,
  type DomainContext,
} from './DomainContext.ts';
import { assertBitrateWithinTier } from './premium/entitlement.ts';
import { DomainError } from './DomainError.ts';
import type { GuildState } from './DomainState.ts';
import type { PrivateChannelService } from './PrivateChannelService.ts';
import { channelToAPI, privateChannelFor } from './serialize.ts';

const MAX_CHANNELS = 500;
const ADMINISTRATOR = PermissionFlags.ADMINISTRATOR;

export interface ChannelInput {
  name?: string | undefined;
  type?: 0 | 2 | 4 | 5 | undefined;
  topic?: string | null | undefined;
  bitrate?: number | null | undefined;
  user_limit?: number | null | undefined;
  rate_limit_per_user?: number | null | undefined;
  position?: number | null | undefined;
  parent_id?: string | null | undefined;
  nsfw?: boolean | null | undefined;
  permission_overwrites?: { id: string; type: 0 | 1; allow?: bigint | undefined; deny?: bigint | undefined }[] | undefined;
  icon?: string | null | undefined;
}

/**
 * The one rule for writing permission overwrites (PUT and PATCH /channels/:id, POST
 * /guilds/:id/channels, a category sync): MANAGE_ROLES where they apply, and every bit that
 * changes (allowed, denied, or no longer allowed or denied) must be one the actor holds there,
 * unless the actor is an administrator or the owner. So nobody grants, or lifts a deny of, what
 * they lack. `permissions` are the actor's where the overwrites apply: the channel, or the parent
 * category (or the guild) for a new channel.
 */
function assertMayWriteOverwrites(permissions: bigint, before: readonly OverwriteRecord[], after: readonly OverwriteRecord[]): void {
  if (hasPermission(permissions, ADMINISTRATOR)) return;
  if (!hasPermission(permissions, PermissionFlags.MANAGE_ROLES)) throw new DomainError('MissingPermissions');
  if ((changedOverwriteBits(before, after) & ~permissions) !== 0n) throw new DomainError('MissingPermissions');
}

function changedOverwriteBits(before: readonly OverwriteRecord[], after: readonly OverwriteRecord[]): bigint {
  const old = new Map(before.map((o) => [o.id, o]));
  const kept = new Set<string>();
  let bits = 0n;
  for (const o of after) {
    const prev = old.get(o.id);
    bits |= (o.allow ^ (prev?.allow ?? 0n)) | (o.deny ^ (prev?.deny ?? 0n));
    kept.add(o.id);
  }
  for (const o of before) if (!kept.has(o.id)) bits |= o.allow | o.deny;
  return bits;
}

export class ChannelService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly privateChannels: PrivateChannelService,
  ) {}

  private toOverwrites(g: { roles: Map<string, unknown>; members: Map<string, unknown> }, list: NonNullable<ChannelInput['permission_overwrites']>): OverwriteRecord[] {
    return list.map((o, i) => {
      if (o.type === 0 && !g.roles.has(o.id)) throw DomainError.invalidForm({ permission_overwrites: { [i]: { id: { _errors: [{ code: 'UNKNOWN_ROLE', message: 'Unknown role' }] } } } });
      if (o.type === 1 && !g.members.has(o.id) && !this.ctx.state.users.has(o.id)) {
        throw DomainError.invalidForm({ permission_overwrites: { [i]: { id: { _errors: [{ code: 'UNKNOWN_USER', message: 'Unknown user' }] } } } });
      }
      return { id: o.id, type: o.type, allow: (o.allow ?? 0n) & ~ADMINISTRATOR, deny: (o.deny ?? 0n) & ~ADMINISTRATOR };
    });
  }

  async createChannel(actor: UserRecord, guildId: string, input: ChannelInput & { name: string }) {
    const g = requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.MANAGE_CHANNELS);
    if (g.channels.size >= MAX_CHANNELS) throw new DomainError('MaxChannels');
    const type = input.type ?? ChannelType.GUILD_TEXT;
    let parentId: string | null = input.parent_id ?? null;
    if (parentId !== null) {
      const parent = g.channels.get(parentId);
      if (!parent || parent.type !== ChannelType.GUILD_CATEGORY || type === ChannelType.GUILD_CATEGORY) {
        throw DomainError.fieldError('parent_id', 'CHANNEL_PARENT_INVALID', 'Invalid parent channel');
      }
    }
    if (type === ChannelType.GUILD_CATEGORY) parentId = null;
    const parent = parentId ? g.channels.get(parentId) : undefined;
    // A category the actor cannot see or manage is not a place to create channels in.
    if (parent) requireChannelPermission(this.ctx, parent.id, actor, PermissionFlags.MANAGE_CHANNELS);
    // A channel created in a category starts synced with its permissions, as in Discord; explicit
    // overwrites may only set what the actor holds in that category (or the guild).
    let overwrites: OverwriteRecord[] = parent ? parent.overwrites.map((o) => ({ ...o })) : [];
    if (input.permission_overwrites) {
      overwrites = this.toOverwrites(g, input.permission_overwrites);
      if (overwrites.length > 0) assertMayWriteOverwrites(parent ? g.channelPermissions(parent, actor.id) : g.basePermissions(actor.id), [], overwrites);
    }
    const siblings = [...g.channels.values()].filter((c) => (type === ChannelType.GUILD_CATEGORY ? c.type === ChannelType.GUILD_CATEGORY : c.parent_id === parentId && c.type !== ChannelType.GUILD_CATEGORY));
    const position = input.position ?? (siblings.length === 0 ? 0 : Math.max(...siblings.map((c) => c.position)) + 1);
    if (type === ChannelType.GUILD_VOICE) assertBitrateWithinTier(g.guild, input.bitrate);
    const name = type === ChannelType.GUILD_TEXT || type === ChannelType.GUILD_ANNOUNCEMENT ? input.name.toLowerCase().replace(/\s+/g, '-') : input.name;
    const channel: ChannelRecord = {
      id: this.ctx.ids.next(),
      type,
      guild_id: guildId,
      name,
      topic: type === ChannelType.GUILD_CATEGORY || type === ChannelType.GUILD_VOICE ? null : input.topic ?? null,
      position,
      parent_id: parentId,
      nsfw: input.nsfw ?? false,
      rate_limit_per_user: input.rate_limit_per_user ?? 0,
      bitrate: type === ChannelType.GUILD_VOICE ? input.bitrate ?? 64000 : null,
      user_limit: type === ChannelType.GUILD_VOICE ? input.user_limit ?? 0 : null,
      last_message_id: null,
      last_pin_timestamp: null,
      owner_id: null,
      icon: null,
      overwrites,
      recipients: [],
    };
    await this.ctx.meta.upsertChannel(channel);
    this.ctx.state.addChannel(channel);
    // Subscribing viewers to the new channel sends each of them CHANNEL_CREATE.
    this.ctx.bus.publish({ kind: 'guildAccess', guildId });
    return channelToAPI(channel);
  }

  getChannel(actor: UserRecord, channelId: string) {
    const { channel } = requireVisibleChannel(this.ctx, channelId, actor);
    return channel.guild_id ? channelToAPI(channel) : privateChannelFor(channel, actor.id, this.ctx.state);
  }

  listGuildChannels(actor: UserRecord, guildId: string) {
    const g = requireGuildMember(this.ctx, guildId, actor);
    return g.sortedChannels().filter((c) => hasPermission(g.channelPermissions(c, actor.id), PermissionFlags.VIEW_CHANNEL)).map((c) => channelToAPI(c));
  }

  async modifyChannel(actor: UserRecord, channelId: string, patch: ChannelInput) {
    const channel = this.ctx.state.channels.get(channelId);
    if (!channel) throw new DomainError('UnknownChannel');
    if (!channel.guild_id) return this.privateChannels.modifyGroupDM(actor, channel, patch);
    const { permissions } = requireChannelPermission(this.ctx, channelId, actor, PermissionFlags.MANAGE_CHANNELS);
    const g = this.ctx.state.guilds.get(channel.guild_id)!;
    const next: ChannelRecord = { ...channel };
    const isText = channel.type === ChannelType.GUILD_TEXT || channel.type === ChannelType.GUILD_ANNOUNCEMENT;
    if (patch.name !== undefined) next.name = isText ? patch.name.toLowerCase().replace(/\s+/g, '-') : patch.name;
    if (patch.type !== undefined && patch.type !== channel.type) {
      if (!isText || (patch.type !== ChannelType.GUILD_TEXT && patch.type !== ChannelType.GUILD_ANNOUNCEMENT)) {
        throw DomainError.fieldError('type', 'CHANNEL_TYPE_INVALID', 'Only text and announcement channels can be converted into each other');
      }
      next.type = patch.type;
    }
    if (patch.topic !== undefined) next.topic = patch.topic;
    if (patch.nsfw != null) next.nsfw = patch.nsfw;
    if (patch.rate_limit_per_user != null) next.rate_limit_per_user = patch.rate_limit_per_user;
    if (patch.bitrate != null && channel.type === ChannelType.GUILD_VOICE) {
      assertBitrateWithinTier(g.guild, patch.bitrate);
      next.bitrate = patch.bitrate;
    }
    if (patch.user_limit != null && channel.type === ChannelType.GUILD_VOICE) next.user_limit = patch.user_limit;
    if (patch.position != null) next.position = patch.position;
    if (patch.parent_id !== undefined && patch.parent_id !== channel.parent_id) {
      this.requireDestination(g, actor, channel, patch.parent_id);
      next.parent_id = patch.parent_id;
    }
    let accessChanged = false;
    if (patch.permission_overwrites !== undefined) {
      next.overwrites = this.toOverwrites(g, patch.permission_overwrites);
      assertMayWriteOverwrites(permissions, channel.overwrites, next.overwrites);
      accessChanged = true;
    }
    await this.ctx.meta.upsertChannel(next);
    Object.assign(channel, next);
    // Access first: whoever loses the channel gets CHANNEL_DELETE and is off its topic before the update goes out.
    if (accessChanged) this.ctx.bus.publish({ kind: 'guildAccess', guildId: g.id });
    dispatch(this.ctx, `c:${channelId}`, 'CHANNEL_UPDATE', channelToAPI(channel));
    return channelToAPI(channel);
  }

  async deleteChannel(actor: UserRecord, channelId: string) {
    const channel = this.ctx.state.channels.get(channelId);
    if (!channel) throw new DomainError('UnknownChannel');
    if (!channel.guild_id) return this.privateChannels.closePrivateChannel(actor, channel);
    requireChannelPermission(this.ctx, channelId, actor, PermissionFlags.MANAGE_CHANNELS);
    const g = this.ctx.state.guilds.get(channel.guild_id)!;
    const api = channelToAPI(channel);
    // Children of a deleted category move to the top level.
    const orphans = [...g.channels.values()].filter((c) => c.parent_id === channelId);
    for (const c of orphans) c.parent_id = null;
    if (orphans.length) await this.ctx.meta.upsertChannels(orphans);
    await this.ctx.meta.deleteChannel(channelId);
    await this.ctx.messages.deleteChannel(channelId);
    if (g.guild.system_channel_id === channelId) g.guild.system_channel_id = null;
    dispatch(this.ctx, `c:${channelId}`, 'CHANNEL_DELETE', api);
    this.ctx.state.removeChannel(channelId);
    for (const c of orphans) dispatch(this.ctx, `c:${c.id}`, 'CHANNEL_UPDATE', channelToAPI(c));
    this.ctx.bus.publish({ kind: 'guildAccess', guildId: g.id });
    return api;
  }

  /**
   * PATCH /guilds/:id/channels, checked per entry as Discord documents it: a position alone takes
   * MANAGE_CHANNELS in the guild (even for channels the actor cannot see); a new parent takes view
   * and MANAGE_CHANNELS on the channel and on the destination, and at most one entry may change
   * its parent (40009); `lock_permissions` is an overwrite write (MANAGE_ROLES, only what the actor
   * holds). Everything is checked before anything changes.
   */
  async reorderChannels(actor: UserRecord, guildId: string, moves: { id: string; position?: number | null | undefined; parent_id?: string | null | undefined; lock_permissions?: boolean | null | undefined }[]) {
    const g = requireGuildPermission(this.ctx, guildId, actor, PermissionFlags.MANAGE_CHANNELS);
    const planned: { channel: ChannelRecord; position: number; parentId: string | null; overwrites: OverwriteRecord[] }[] = [];
    let parentChanges = 0;
    for (const move of moves) {
      const c = g.channels.get(move.id);
      if (!c) throw DomainError.fieldError('id', 'CHANNEL_INVALID', 'Unknown channel');
      const plan = { channel: c, position: move.position ?? c.position, parentId: c.parent_id, overwrites: c.overwrites };
      const sync = move.lock_permissions === true && move.parent_id != null;
      if (move.parent_id !== undefined && (move.parent_id !== c.parent_id || sync)) {
        if (move.parent_id !== c.parent_id && ++parentChanges > 1) {
          throw new DomainError('OnlyOneChannelParentIdModified');
        }
        const { permissions } = requireChannelPermission(this.ctx, c.id, actor, PermissionFlags.MANAGE_CHANNELS);
        const parent = this.requireDestination(g, actor, c, move.parent_id);
        plan.parentId = move.parent_id;
        if (sync && parent) {
          plan.overwrites = parent.overwrites.map((o) => ({ ...o }));
          assertMayWriteOverwrites(permissions, c.overwrites, plan.overwrites);
        }
      }
      planned.push(plan);
    }
    const changed = new Map<string, ChannelRecord>();
    let accessChanged = false;
    for (const { channel, position, parentId, overwrites } of planned) {
      accessChanged ||= overwrites !== channel.overwrites;
      Object.assign(channel, { position, parent_id: parentId, overwrites });
      changed.set(channel.id, channel);
    }
    await this.ctx.meta.upsertChannels([...changed.values()]);
    // Access first: whoever loses a channel gets CHANNEL_DELETE and is off its topic before the update goes out.
    if (accessChanged) this.ctx.bus.publish({ kind: 'guildAccess', guildId });
    for (const c of changed.values()) dispatch(this.ctx, `c:${c.id}`, 'CHANNEL_UPDATE', channelToAPI(c));
  }

  /**
   * Where a channel may be moved: a category the actor can see and manage channels in, or the top
   * level (MANAGE_CHANNELS in the guild). Returns the category, or null for the top level.
   */
  private requireDestination(g: GuildState, actor: UserRecord, channel: ChannelRecord, parentId: string | null): ChannelRecord | null {
    if (parentId === null) {
      requireGuildPermission(this.ctx, g.id, actor, PermissionFlags.MANAGE_CHANNELS);
      return null;
    }
    const parent = g.channels.get(parentId);
    if (!parent || parent.type !== ChannelType.GUILD_CATEGORY || channel.type === ChannelType.GUILD_CATEGORY) {
      throw DomainError.fieldError('parent_id', 'CHANNEL_PARENT_INVALID', 'Invalid parent channel');
    }
    requireChannelPermission(this.ctx, parent.id, actor, PermissionFlags.MANAGE_CHANNELS);
    return parent;
  }

  async putOverwrite(actor: UserRecord, channelId: string, targetId: string, input: { type: 0 | 1; allow?: bigint | null | undefined; deny?: bigint | null | undefined }): Promise<void> {
    const { channel, permissions } = requireChannelPermission(this.ctx, channelId, actor, PermissionFlags.MANAGE_ROLES);
    const guildId = requireGuildChannel(channel);
    const g = this.ctx.state.guilds.get(guildId)!;
    if (input.type === 0 && !g.roles.has(targetId)) throw new DomainError('UnknownRole');
    if (input.type === 1 && !g.members.has(targetId)) throw new DomainError('UnknownMember');
    // ADMINISTRATOR is a guild-level permission: Discord ignores it in channel overwrites.
    const allow = (input.allow ?? 0n) & ~ADMINISTRATOR;
    const deny = (input.deny ?? 0n) & ~ADMINISTRATOR;
    const next = [...channel.overwrites.filter((o) => o.id !== targetId), { id: targetId, type: input.type, allow, deny }];
    assertMayWriteOverwrites(permissions, channel.overwrites, next);
    channel.overwrites = next;
    await this.ctx.meta.upsertChannel(channel);
    // Access first: whoever loses the channel gets CHANNEL_DELETE and is off its topic before the update goes out.
    this.ctx.bus.publish({ kind: 'guildAccess', guildId });
    dispatch(this.ctx, `c:${channelId}`, 'CHANNEL_UPDATE', channelToAPI(channel));
  }

  async deleteOverwrite(actor: UserRecord, channelId: string, targetId: string): Promise<void> {
    const { channel, permissions } = requireChannelPermission(this.ctx, channelId, actor, PermissionFlags.MANAGE_ROLES);
    const guildId = requireGuildChannel(channel);
    if (!channel.overwrites.some((o) => o.id === targetId)) return;
    // Deleting a deny lifts it: the same rule as writing one.
    const next = channel.overwrites.filter((o) => o.id !== targetId);
    assertMayWriteOverwrites(permissions, channel.overwrites, next);
    channel.overwrites = next;
    await this.ctx.meta.upsertChannel(channel);
    this.ctx.bus.publish({ kind: 'guildAccess', guildId });
    dispatch(this.ctx, `c:${channelId}`, 'CHANNEL_UPDATE', channelToAPI(channel));
  }

  /** Follows an announcement channel into a text channel of a guild where the actor can manage webhooks. */
  async follow(actor: UserRecord, sourceChannelId: string, targetChannelId: string) {
    const { channel: source } = requireVisibleChannel(this.ctx, sourceChannelId, actor);
    if (source.type !== ChannelType.GUILD_ANNOUNCEMENT) throw DomainError.fieldError('channel_id', 'CHANNEL_TYPE_INVALID', 'Only announcement channels can be followed');
    const { channel: target } = requireChannelPermission(this.ctx, targetChannelId, actor, PermissionFlags.MANAGE_WEBHOOKS);
    if (target.type !== ChannelType.GUILD_TEXT && target.type !== ChannelType.GUILD_ANNOUNCEMENT) {
      throw DomainError.fieldError('webhook_channel_id', 'CHANNEL_TYPE_INVALID', 'Followed messages go to a text channel');
    }
    const follow = { source_channel_id: source.id, target_channel_id: target.id, webhook_id: this.ctx.ids.next() };
    await this.ctx.meta.putFollow(follow);
    this.ctx.state.addFollow(follow);
    return { channel_id: source.id, webhook_id: follow.webhook_id };
  }
}
