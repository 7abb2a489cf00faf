// Storage records: what the stores persist. They are not API shapes; domain/serialize.ts turns
// them into Discord's JSON. Permission bitfields are bigint here and strings on the wire.

export interface UserRecord {
  id: string;
  username: string;
  discriminator: string;
  global_name: string | null;
  avatar: string | null;
  email: string | null;
  password_hash: string | null;
  bot: boolean;
  flags: number;
  bio: string;
  accent_color: number | null;
  created_at: number;
  /**
   * Premium fields, owned by PremiumService and persisted by the PremiumStore (not the
   * MetadataStore, which neither reads nor writes them): the current entitlement and the banner hash.
   */
  premium?: UserPremium;
  banner?: string | null;
}

/** A user's premium entitlement as the domain holds it; past `expires_at` it no longer counts. */
export interface UserPremium {
  premium_type: number;
  expires_at: number | null;
}

export interface GuildRecord {
  id: string;
  name: string;
  icon: string | null;
  description: string | null;
  owner_id: string;
  system_channel_id: string | null;
  afk_channel_id: string | null;
  afk_timeout: number;
  verification_level: number;
  default_message_notifications: number;
  explicit_content_filter: number;
  preferred_locale: string;
  created_at: number;
  /** Boost fields, owned by BoostService and persisted by the PremiumStore (see UserRecord.premium). */
  premium_subscription_count?: number;
  vanity_url_code?: string | null;
}

export interface RoleRecord {
  id: string;
  guild_id: string;
  name: string;
  color: number;
  hoist: boolean;
  position: number;
  permissions: bigint;
  managed: boolean;
  mentionable: boolean;
  icon: string | null;
  unicode_emoji: string | null;
  bot_id: string | null;
}

export interface OverwriteRecord {
  id: string;
  type: 0 | 1;
  allow: bigint;
  deny: bigint;
}

export interface ChannelRecord {
  id: string;
  type: number;
  guild_id: string | null;
  name: string | null;
  topic: string | null;
  position: number;
  parent_id: string | null;
  nsfw: boolean;
  rate_limit_per_user: number;
  bitrate: number | null;
  user_limit: number | null;
  last_message_id: string | null;
  last_pin_timestamp: string | null;
  owner_id: string | null;
  icon: string | null;
  overwrites: OverwriteRecord[];
  /** DM and group DM recipients (user ids), empty for guild channels. */
  recipients: string[];
}

export interface MemberRecord {
  guild_id: string;
  user_id: string;
  nick: string | null;
  avatar: string | null;
  joined_at: number;
  deaf: boolean;
  mute: boolean;
  communication_disabled_until: number | null;
  flags: number;
  roles: string[];
  /** When the member started boosting the guild (BoostService); absent or null when not boosting. */
  premium_since?: number | null;
}

export interface BanRecord {
  guild_id: string;
  user_id: string;
  reason: string | null;
}

export interface InviteRecord {
  code: string;
  guild_id: string | null;
  channel_id: string;
  inviter_id: string | null;
  max_age: number;
  max_uses: number;
  uses: number;
  temporary: boolean;
  created_at: number;
}

export interface ReadStateRecord {
  user_id: string;
  channel_id: string;
  last_message_id: string | null;
  mention_count: number;
}

export interface FollowRecord {
  source_channel_id: string;
  target_channel_id: string;
  webhook_id: string;
}

/**
 * One side of a relationship: how user_id relates to target_id. A friendship or a pending request
 * is two rows (FRIEND/FRIEND, PENDING_OUTGOING/PENDING_INCOMING); a block is one row, the blocker's.
 */
export interface RelationshipRecord {
  user_id: string;
  target_id: string;
  /** 1 FRIEND, 2 BLOCKED, 3 PENDING_INCOMING, 4 PENDING_OUTGOING (Discord's RelationshipType). */
  type: 1 | 2 | 3 | 4;
  nickname: string | null;
  since: number;
}

export interface AttachmentRecord {
  id: string;
  filename: string;
  size: number;
  content_type: string | null;
  sha256: string;
  width: number | null;
  height: number | null;
  description?: string;
}

export interface MessageRecord {
  id: string;
  channel_id: string;
  guild_id: string | null;
  author_id: string;
  type: number;
  content: string;
  edited_at: number | null;
  tts: boolean;
  mention_everyone: boolean;
  mentions: string[];
  mention_roles: string[];
  attachments: AttachmentRecord[];
  embeds: unknown[];
  components: unknown[];
  pinned: boolean;
  pinned_at: number | null;
  flags: number;
  reference: { message_id?: string; channel_id?: string; guild_id?: string; type?: number } | null;
  webhook_id: string | null;
  application_id: string | null;
  nonce: string | null;
  /** For webhook and crossposted messages: the display name/avatar shown instead of the author's. */
  author_override: { username: string; avatar: string | null } | null;
  interaction: unknown;
  /** The stickers it was sent with (issue 21), as {id, name, format_type}; absent when none. */
  sticker_items?: StickerItemRecord[];
  /** A CALL message's call (issue 19): everyone who joined, and when it ended (ms; null while it goes on). */
  call?: { participants: string[]; ended_at: number | null };
}

/** A sticker as a message keeps it (Discord's sticker item): format_type 1 PNG, 2 APNG, 3 Lottie, 4 GIF. */
export interface StickerItemRecord {
  id: string;
  name: string;
  format_type: number;
}

export interface ReactionSummary {
  emoji: string; // unicode emoji, or name:id for custom emojis
  count: number;
  me: boolean;
}

export interface HistoryQuery {
  limit: number;
  before?: string;
  after?: string;
  around?: string;
}
