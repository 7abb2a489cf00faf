// The in-memory model of guild structure (guilds, roles, channels, members, bans) and users, loaded
// from the MetadataStore at start and written through by the services. Permission checks and
// fan-out subscriptions read it without touching storage. Messages are never held here.
import {
  ChannelType,
  computeBasePermissions,
  computeChannelPermissions,
  type PermissionContext,
} from '@concord/protocol';
import type { EmojiRecord, StickerRecord } from '../store/ExpressionStore.ts';
import type { MetadataSnapshot } from '../store/MetadataStore.ts';
import type { VoiceStateRecord } from './voiceState.ts';
import type { BanRecord, ChannelRecord, FollowRecord, GuildRecord, MemberRecord, RelationshipRecord, RoleRecord, UserRecord } from '../store/records.ts';

export class GuildState {
  readonly roles = new Map<string, RoleRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  readonly members = new Map<string, MemberRecord>();
  readonly bans = new Map<string, BanRecord>();
  /** Who is in voice, by user id: ephemeral (never stored), written only by VoiceStateService. */
  readonly voiceStates = new Map<string, VoiceStateRecord>();
  /** Custom emoji and stickers (ExpressionService writes them, through DomainState's add/remove). */
  readonly emojis = new Map<string, EmojiRecord>();
  readonly stickers = new Map<string, StickerRecord>();

  constructor(public guild: GuildRecord) {}

  get id(): string {
    return this.guild.id;
  }

  permissionContext(userId: string, nowMs = Date.now()): PermissionContext {
    const member = this.members.get(userId);
    const until = member?.communication_disabled_until ?? null;
    return {
      guildId: this.guild.id,
      ownerId: this.guild.owner_id,
      roles: this.roles,
      userId,
      memberRoleIds: member?.roles ?? [],
      timedOut: until !== null && until > nowMs,
    };
  }

  basePermissions(userId: string): bigint {
    if (!this.members.has(userId)) return 0n;
    return computeBasePermissions(this.permissionContext(userId));
  }

  channelPermissions(channel: ChannelRecord, userId: string): bigint {
    if (!this.members.has(userId)) return 0n;
    const isVoice = channel.type === ChannelType.GUILD_VOICE;
    return computeChannelPermissions(this.permissionContext(userId), channel.overwrites, isVoice);
  }

  sortedChannels(): ChannelRecord[] {
    return [...this.channels.values()].sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : 1));
  }
}

export class DomainState {
  readonly users = new Map<string, UserRecord>();
  readonly guilds = new Map<string, GuildState>();
  /** Every channel, guild and private, by id. */
  readonly channels = new Map<string, ChannelRecord>();
  readonly userGuilds = new Map<string, Set<string>>();
  readonly userPrivateChannels = new Map<string, Set<string>>();
  /** "lowId:highId" -> DM channel id, so a second POST /users/@me/channels returns the same DM. */
  readonly dmPairs = new Map<string, string>();
  readonly follows = new Map<string, FollowRecord[]>();
  /** user id -> target id -> that user's side of the relationship (RelationshipService writes it). */
  readonly relationships = new Map<string, Map<string, RelationshipRecord>>();
  /** Every guild's custom emoji and stickers by id, so `<:name:id>` and sticker_ids resolve without a guild. */
  readonly emojis = new Map<string, EmojiRecord>();
  readonly stickers = new Map<string, StickerRecord>();

  static fromSnapshot(s: MetadataSnapshot): DomainState {
    const state = new DomainState();
    for (const u of s.users) state.users.set(u.id, u);
    for (const g of s.guilds) state.guilds.set(g.id, new GuildState(g));
    for (const r of s.roles) state.guilds.get(r.guild_id)?.roles.set(r.id, r);
    for (const c of s.channels) state.addChannel(c);
    for (const m of s.members) state.addMember(m);
    for (const b of s.bans) state.guilds.get(b.guild_id)?.bans.set(b.user_id, b);
    for (const f of s.follows) state.addFollow(f);
    for (const r of s.relationships) state.setRelationship(r);
    return state;
  }

  addChannel(c: ChannelRecord): void {
    this.channels.set(c.id, c);
    if (c.guild_id) {
      this.guilds.get(c.guild_id)?.channels.set(c.id, c);
      return;
    }
    for (const userId of c.recipients) this.linkPrivateChannel(userId, c.id);
    if (c.type === ChannelType.DM && c.recipients.length === 2) this.dmPairs.set(dmKey(c.recipients[0]!, c.recipients[1]!), c.id);
  }

  removeChannel(channelId: string): void {
    const c = this.channels.get(channelId);
    if (!c) return;
    this.channels.delete(channelId);
    if (c.guild_id) this.guilds.get(c.guild_id)?.channels.delete(channelId);
    for (const userId of c.recipients) this.userPrivateChannels.get(userId)?.delete(channelId);
    this.follows.delete(channelId);
  }

  linkPrivateChannel(userId: string, channelId: string): void {
    let set = this.userPrivateChannels.get(userId);
    if (!set) this.userPrivateChannels.set(userId, (set = new Set()));
    set.add(channelId);
  }

  addMember(m: MemberRecord): void {
    const g = this.guilds.get(m.guild_id);
    if (!g) return;
    g.members.set(m.user_id, m);
    let set = this.userGuilds.get(m.user_id);
    if (!set) this.userGuilds.set(m.user_id, (set = new Set()));
    set.add(m.guild_id);
  }

  removeMember(guildId: string, userId: string): void {
    this.guilds.get(guildId)?.members.delete(userId);
    this.userGuilds.get(userId)?.delete(guildId);
  }

  addGuild(g: GuildState): void {
    this.guilds.set(g.id, g);
    for (const c of g.channels.values()) this.channels.set(c.id, c);
    for (const m of g.members.values()) this.addMember(m);
  }

  removeGuild(guildId: string): void {
    const g = this.guilds.get(guildId);
    if (!g) return;
    for (const id of g.emojis.keys()) this.emojis.delete(id);
    for (const id of g.stickers.keys()) this.stickers.delete(id);
    for (const c of g.channels.values()) this.removeChannel(c.id);
    for (const userId of g.members.keys()) this.userGuilds.get(userId)?.delete(guildId);
    this.guilds.delete(guildId);
  }

  /** Adds or replaces an emoji; ignored when its guild is not known (deleted). */
  putEmoji(e: EmojiRecord): boolean {
    const g = this.guilds.get(e.guild_id);
    if (!g) return false;
    g.emojis.set(e.id, e);
    this.emojis.set(e.id, e);
    return true;
  }

  removeEmoji(e: EmojiRecord): void {
    this.guilds.get(e.guild_id)?.emojis.delete(e.id);
    this.emojis.delete(e.id);
  }

  putSticker(s: StickerRecord): boolean {
    const g = this.guilds.get(s.guild_id);
    if (!g) return false;
    g.stickers.set(s.id, s);
    this.stickers.set(s.id, s);
    return true;
  }

  removeSticker(s: StickerRecord): void {
    this.guilds.get(s.guild_id)?.stickers.delete(s.id);
    this.stickers.delete(s.id);
  }

  setRelationship(r: RelationshipRecord): void {
    let mine = this.relationships.get(r.user_id);
    if (!mine) this.relationships.set(r.user_id, (mine = new Map<string, RelationshipRecord>()));
    mine.set(r.target_id, r);
  }

  removeRelationship(userId: string, targetId: string): void {
    this.relationships.get(userId)?.delete(targetId);
  }

  /** How userId relates to targetId (1 friend, 2 blocked, 3 incoming, 4 outgoing), or undefined. */
  relationshipType(userId: string, targetId: string): RelationshipRecord['type'] | undefined {
    return this.relationships.get(userId)?.get(targetId)?.type;
  }

  addFollow(f: FollowRecord): void {
    const list = this.follows.get(f.source_channel_id) ?? [];
    if (!list.some((x) => x.target_channel_id === f.target_channel_id)) list.push(f);
    this.follows.set(f.source_channel_id, list);
  }

  /** Permissions of a user in any channel: guild rules, or full text rights for DM recipients. */
  channelPermissions(channel: ChannelRecord, userId: string): bigint {
    if (channel.guild_id) {
      const g = this.guilds.get(channel.guild_id);
      return g ? g.channelPermissions(channel, userId) : 0n;
    }
    return channel.recipients.includes(userId) ? PRIVATE_CHANNEL_PERMISSIONS : 0n;
  }

  /** The user ids who can see a channel (VIEW_CHANNEL), for mention counting. */
  *viewersOf(channel: ChannelRecord): Iterable<string> {
    if (!channel.guild_id) {
      yield* channel.recipients;
      return;
    }
    const g = this.guilds.get(channel.guild_id);
    if (!g) return;
    for (const userId of g.members.keys()) {
      if ((g.channelPermissions(channel, userId) & VIEW) !== 0n) yield userId;
    }
  }
}

const VIEW = 1n << 10n;

/** What a DM/group DM recipient may do (Discord's DM permission set). */
export const PRIVATE_CHANNEL_PERMISSIONS =
  (1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 15n) | (1n << 16n) | (1n << 6n) | (1n << 18n) | (1n << 20n) | (1n << 21n) | (1n << 25n) | (1n << 9n);

export function dmKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

