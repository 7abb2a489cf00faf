// Records -> Discord's JSON shapes. One function per shape, used by REST answers and gateway events.
import type {
  APIAttachment,
  APIChannel,
  APIGatewayGuild,
  APIGuild,
  APIGuildEmoji,
  APIGuildMember,
  APIInvite,
  APIMessage,
  APIPresence,
  APIReaction,
  APIRole,
  APISelfUser,
  APISticker,
  APIUser,
  StickerFormatTypeValue,
} from '@concord/protocol';
import { ChannelType } from '@concord/protocol';
import type { EmojiRecord, StickerRecord } from '../store/ExpressionStore.ts';
import type {
  AttachmentRecord,
  ChannelRecord,
  InviteRecord,
  MemberRecord,
  MessageRecord,
  ReactionSummary,
  RoleRecord,
  UserRecord,
} from '../store/records.ts';
import type { DomainState, GuildState } from './DomainState.ts';
import { isEmojiAvailable, isStickerAvailable } from './expressionUse.ts';
import { effectivePremiumType, guildPremiumTier } from './premium/entitlement.ts';
import { voiceStateToAPI } from './voiceState.ts';

export const iso = (ms: number): string => new Date(ms).toISOString().replace('Z', '+00:00');

const DELETED_USER: APIUser = { id: '456226577798135808', username: 'Deleted User', discriminator: '0000', global_name: null, avatar: null };

export function userToAPI(u: UserRecord | undefined): APIUser {
  // A copy: callers (webhook authors) overwrite fields of what they get.
  if (!u) return { ...DELETED_USER };
  const out: APIUser = { id: u.id, username: u.username, discriminator: u.discriminator, global_name: u.global_name, avatar: u.avatar, public_flags: u.flags };
  if (u.bot) out.bot = true;
  if (u.banner) out.banner = u.banner;
  return out;
}

export function selfUserToAPI(u: UserRecord): APISelfUser {
  return {
    ...userToAPI(u),
    email: u.email,
    verified: true,
    mfa_enabled: false,
    locale: 'en-US',
    premium_type: effectivePremiumType(u),
    flags: u.flags,
    bio: u.bio,
    accent_color: u.accent_color,
  };
}

export function roleToAPI(r: RoleRecord): APIRole {
  const out: APIRole = {
    id: r.id,
    name: r.name,
    color: r.color,
    hoist: r.hoist,
    icon: r.icon,
    unicode_emoji: r.unicode_emoji,
    position: r.position,
    permissions: r.permissions.toString(),
    managed: r.managed,
    mentionable: r.mentionable,
    flags: 0,
  };
  if (r.bot_id) out.tags = { bot_id: r.bot_id };
  return out;
}

export function channelToAPI(c: ChannelRecord, state?: DomainState): APIChannel {
  const out: APIChannel = { id: c.id, type: c.type as APIChannel['type'], flags: 0 };
  if (c.guild_id) {
    out.guild_id = c.guild_id;
    out.name = c.name;
    out.position = c.position;
    out.parent_id = c.parent_id;
    out.nsfw = c.nsfw;
    out.permission_overwrites = c.overwrites.map((o) => ({ id: o.id, type: o.type, allow: o.allow.toString(), deny: o.deny.toString() }));
    if (c.type === ChannelType.GUILD_VOICE) {
      out.bitrate = c.bitrate ?? 64000;
      out.user_limit = c.user_limit ?? 0;
      out.rtc_region = null;
      out.rate_limit_per_user = c.rate_limit_per_user;
      out.last_message_id = c.last_message_id;
    } else if (c.type !== ChannelType.GUILD_CATEGORY) {
      out.topic = c.topic;
      out.rate_limit_per_user = c.rate_limit_per_user;
      out.last_message_id = c.last_message_id;
      out.last_pin_timestamp = c.last_pin_timestamp;
    }
  } else {
    out.last_message_id = c.last_message_id;
    out.recipients = c.recipients.map((id) => userToAPI(state?.users.get(id)));
    if (c.type === ChannelType.GROUP_DM) {
      out.name = c.name;
      out.icon = c.icon;
      if (c.owner_id) out.owner_id = c.owner_id;
    }
    out.last_pin_timestamp = c.last_pin_timestamp;
  }
  return out;
}

/** A private channel as one recipient sees it: Discord lists the other recipients only. */
export function privateChannelFor(c: ChannelRecord, viewerId: string, state: DomainState): APIChannel {
  const out = channelToAPI(c, state);
  out.recipients = c.recipients.filter((id) => id !== viewerId).map((id) => userToAPI(state.users.get(id)));
  return out;
}

export function memberToAPI(m: MemberRecord, user?: UserRecord, withUser = true): APIGuildMember {
  const out: APIGuildMember = {
    nick: m.nick,
    avatar: m.avatar,
    roles: m.roles,
    joined_at: iso(m.joined_at),
    premium_since: m.premium_since == null ? null : iso(m.premium_since),
    deaf: m.deaf,
    mute: m.mute,
    flags: m.flags,
    pending: false,
    communication_disabled_until: m.communication_disabled_until !== null && m.communication_disabled_until > Date.now() ? iso(m.communication_disabled_until) : null,
  };
  if (withUser) out.user = userToAPI(user);
  return out;
}

export function guildToAPI(g: GuildState): APIGuild {
  const r = g.guild;
  return {
    id: r.id,
    name: r.name,
    icon: r.icon,
    description: r.description,
    owner_id: r.owner_id,
    premium_subscription_count: r.premium_subscription_count ?? 0,
    vanity_url_code: r.vanity_url_code ?? null,
    afk_channel_id: r.afk_channel_id,
    afk_timeout: r.afk_timeout,
    system_channel_id: r.system_channel_id,
    verification_level: r.verification_level,
    default_message_notifications: r.default_message_notifications,
    explicit_content_filter: r.explicit_content_filter,
    mfa_level: 0,
    features: [],
    premium_tier: guildPremiumTier(r),
    preferred_locale: r.preferred_locale,
    roles: [...g.roles.values()].sort((a, b) => a.position - b.position).map(roleToAPI),
    emojis: [...g.emojis.values()].map((e) => emojiToAPI(e, g)),
    stickers: [...g.stickers.values()].map((st) => stickerToAPI(st, g)),
    nsfw_level: 0,
    max_members: 500_000,
  };
}

/** A custom emoji; `creator` only for REST readers with CREATE_ or MANAGE_GUILD_EXPRESSIONS, as Discord. */
export function emojiToAPI(e: EmojiRecord, g: GuildState, creator?: UserRecord): APIGuildEmoji {
  const out: APIGuildEmoji = { id: e.id, name: e.name, roles: e.roles, require_colons: true, managed: false, animated: e.animated, available: isEmojiAvailable(g, e) };
  if (creator) out.user = userToAPI(creator);
  return out;
}

/** The sticker's format type as stored (written from the protocol's values by ExpressionService). */
const stickerFormat = (n: number): StickerFormatTypeValue => (n === 2 || n === 3 || n === 4 ? n : 1);

export function stickerToAPI(st: StickerRecord, g: GuildState, creator?: UserRecord): APISticker {
  const out: APISticker = {
    id: st.id,
    name: st.name,
    description: st.description,
    tags: st.tags,
    type: 2,
    format_type: stickerFormat(st.format_type),
    available: isStickerAvailable(g, st),
    guild_id: st.guild_id,
  };
  if (creator) out.user = userToAPI(creator);
  return out;
}

export const LARGE_GUILD_THRESHOLD = 250;

/**
 * A guild as GUILD_CREATE carries it for one user: only the channels the user can see, and the
 * member list inline when the guild is small (large guilds send members on request, op 8).
 */
export function gatewayGuildFor(
  g: GuildState,
  viewerId: string,
  state: DomainState,
  presences: (userId: string) => APIPresence | null,
  largeThreshold = LARGE_GUILD_THRESHOLD,
): APIGatewayGuild {
  const VIEW = 1n << 10n;
  const channels: APIChannel[] = [];
  for (const c of g.sortedChannels()) if ((g.channelPermissions(c, viewerId) & VIEW) !== 0n) channels.push(channelToAPI(c));
  const large = g.members.size > largeThreshold;
  const members: APIGuildMember[] = [];
  const presenceList: APIPresence[] = [];
  if (!large) {
    for (const m of g.members.values()) {
      members.push(memberToAPI(m, state.users.get(m.user_id)));
      const p = presences(m.user_id);
      if (p && p.status !== 'offline') presenceList.push(p);
    }
  } else {
    const self = g.members.get(viewerId);
    if (self) members.push(memberToAPI(self, state.users.get(viewerId)));
  }
  const self = g.members.get(viewerId);
  return {
    ...guildToAPI(g),
    joined_at: iso(self?.joined_at ?? g.guild.created_at),
    large,
    unavailable: false,
    member_count: g.members.size,
    channels,
    members,
    presences: presenceList,
    voice_states: [...g.voiceStates.values()].map((v) => voiceStateToAPI(v, g.members.get(v.userId))),
    threads: [],
    stage_instances: [],
    guild_scheduled_events: [],
  };
}

export function attachmentToAPI(a: AttachmentRecord, baseUrl: string): APIAttachment {
  const url = `${baseUrl}/attachments/${a.sha256}/${encodeURIComponent(a.filename)}`;
  const out: APIAttachment = { id: a.id, filename: a.filename, size: a.size, url, proxy_url: url, width: a.width, height: a.height };
  if (a.content_type) out.content_type = a.content_type;
  if (a.description) out.description = a.description;
  return out;
}

export function reactionsToAPI(list: ReactionSummary[] | undefined, state?: DomainState): APIReaction[] | undefined {
  if (!list || list.length === 0) return undefined;
  return list.map((r) => {
    const colon = r.emoji.lastIndexOf(':');
    const id = r.emoji.slice(colon + 1);
    const emoji = colon > 0 ? { id, name: r.emoji.slice(0, colon), animated: state?.emojis.get(id)?.animated ?? false } : { id: null, name: r.emoji };
    return { count: r.count, count_details: { burst: 0, normal: r.count }, me: r.me, me_burst: false, burst_colors: [], emoji };
  });
}

export interface MessageSerializeOptions {
  state: DomainState;
  baseUrl: string;
  reactions?: ReactionSummary[] | undefined;
  referenced?: MessageRecord | null | undefined;
  withMember?: boolean;
}

export function messageToAPI(m: MessageRecord, o: MessageSerializeOptions): APIMessage {
  const author = userToAPI(o.state.users.get(m.author_id));
  if (m.author_override) {
    author.username = m.author_override.username;
    author.avatar = m.author_override.avatar;
    author.global_name = null;
    author.bot = true;
    if (m.webhook_id) author.id = m.webhook_id;
  }
  const out: APIMessage = {
    id: m.id,
    type: m.type,
    channel_id: m.channel_id,
    author,
    content: m.content,
    timestamp: iso(Number(BigInt(m.id) >> 22n) + 1_420_070_400_000),
    edited_timestamp: m.edited_at === null ? null : iso(m.edited_at),
    tts: m.tts,
    mention_everyone: m.mention_everyone,
    mentions: m.mentions.map((id) => userToAPI(o.state.users.get(id))),
    mention_roles: m.mention_roles,
    attachments: m.attachments.map((a) => attachmentToAPI(a, o.baseUrl)),
    embeds: m.embeds as APIMessage['embeds'],
    pinned: m.pinned,
    flags: m.flags,
    components: m.components,
  };
  if (m.guild_id) out.guild_id = m.guild_id;
  if (m.webhook_id) out.webhook_id = m.webhook_id;
  if (m.application_id) out.application_id = m.application_id;
  if (m.nonce !== null) out.nonce = m.nonce;
  if (m.interaction) out.interaction_metadata = m.interaction;
  if (m.sticker_items && m.sticker_items.length > 0) out.sticker_items = m.sticker_items.map((i) => ({ id: i.id, name: i.name, format_type: stickerFormat(i.format_type) }));
  if (m.call) out.call = { participants: m.call.participants, ended_timestamp: m.call.ended_at === null ? null : iso(m.call.ended_at) };
  const reactions = reactionsToAPI(o.reactions, o.state);
  if (reactions) out.reactions = reactions;
  if (m.reference) {
    out.message_reference = { ...m.reference, channel_id: m.reference.channel_id ?? m.channel_id };
    if (m.type === 19) out.referenced_message = o.referenced ? messageToAPI(o.referenced, { state: o.state, baseUrl: o.baseUrl }) : null;
  }
  if (o.withMember && m.guild_id && !m.webhook_id) {
    const member = o.state.guilds.get(m.guild_id)?.members.get(m.author_id);
    if (member) out.member = memberToAPI(member, undefined, false);
  }
  return out;
}

export function inviteToAPI(inv: InviteRecord, state: DomainState, withMetadata: boolean): APIInvite {
  const g = inv.guild_id ? state.guilds.get(inv.guild_id) : undefined;
  const c = state.channels.get(inv.channel_id);
  const out: APIInvite = {
    type: g ? 0 : 1,
    code: inv.code,
    channel: c ? { id: c.id, name: c.name ?? null, type: c.type as APIChannel['type'] } : null,
    expires_at: inv.max_age === 0 ? null : iso(inv.created_at + inv.max_age * 1000),
  };
  if (g) {
    out.guild = { id: g.id, name: g.guild.name, icon: g.guild.icon, description: g.guild.description, features: [] };
  }
  if (inv.inviter_id) out.inviter = userToAPI(state.users.get(inv.inviter_id));
  if (withMetadata) {
    out.uses = inv.uses;
    out.max_uses = inv.max_uses;
    out.max_age = inv.max_age;
    out.temporary = inv.temporary;
    out.created_at = iso(inv.created_at);
  }
  return out;
}
