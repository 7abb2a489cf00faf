// The JSON shapes of REST responses and gateway events: Discord's, field for field, for the parts
// this server implements. Optional fields are omitted rather than sent as undefined.
import type { Snowflake } from './snowflake.ts';

export const ChannelType = {
  GUILD_TEXT: 0,
  DM: 1,
  GUILD_VOICE: 2,
  GROUP_DM: 3,
  GUILD_CATEGORY: 4,
  GUILD_ANNOUNCEMENT: 5,
} as const;
export type ChannelTypeValue = (typeof ChannelType)[keyof typeof ChannelType];

export const MessageType = {
  DEFAULT: 0,
  RECIPIENT_ADD: 1,
  RECIPIENT_REMOVE: 2,
  /** A DM or group DM call (its `call` field: who joined, and when it ended). */
  CALL: 3,
  CHANNEL_PINNED_MESSAGE: 6,
  USER_JOIN: 7,
  /** Boost system messages (issue 21): a member boosted, and the guild reached tier 1/2/3 with it. */
  USER_PREMIUM_GUILD_SUBSCRIPTION: 8,
  USER_PREMIUM_GUILD_SUBSCRIPTION_TIER_1: 9,
  USER_PREMIUM_GUILD_SUBSCRIPTION_TIER_2: 10,
  USER_PREMIUM_GUILD_SUBSCRIPTION_TIER_3: 11,
  CHANNEL_FOLLOW_ADD: 12,
  REPLY: 19,
  CHAT_INPUT_COMMAND: 20,
  CONTEXT_MENU_COMMAND: 23,
} as const;

export const MessageFlags = {
  CROSSPOSTED: 1 << 0,
  IS_CROSSPOST: 1 << 1,
  SUPPRESS_EMBEDS: 1 << 2,
  EPHEMERAL: 1 << 6,
  LOADING: 1 << 7,
  SUPPRESS_NOTIFICATIONS: 1 << 12,
} as const;

export type PresenceStatus = 'online' | 'idle' | 'dnd' | 'invisible' | 'offline';

export interface APIUser {
  id: Snowflake;
  username: string;
  discriminator: string;
  global_name: string | null;
  avatar: string | null;
  bot?: boolean;
  public_flags?: number;
  /** Profile banner hash (a premium perk); absent when never set. */
  banner?: string | null;
}

export interface APISelfUser extends APIUser {
  email: string | null;
  verified: boolean;
  mfa_enabled: boolean;
  locale: string;
  premium_type: number;
  flags: number;
  bio?: string;
  accent_color?: number | null;
}

export interface APIRole {
  id: Snowflake;
  name: string;
  color: number;
  hoist: boolean;
  icon: string | null;
  unicode_emoji: string | null;
  position: number;
  permissions: string;
  managed: boolean;
  mentionable: boolean;
  flags: number;
  tags?: { bot_id?: Snowflake };
}

export interface APIOverwrite {
  id: Snowflake;
  type: 0 | 1;
  allow: string;
  deny: string;
}

export interface APIChannel {
  id: Snowflake;
  type: ChannelTypeValue;
  guild_id?: Snowflake;
  name?: string | null;
  topic?: string | null;
  position?: number;
  parent_id?: Snowflake | null;
  nsfw?: boolean;
  rate_limit_per_user?: number;
  bitrate?: number;
  user_limit?: number;
  rtc_region?: string | null;
  permission_overwrites?: APIOverwrite[];
  last_message_id?: Snowflake | null;
  last_pin_timestamp?: string | null;
  recipients?: APIUser[];
  owner_id?: Snowflake;
  icon?: string | null;
  flags?: number;
}

export interface APIGuildMember {
  user?: APIUser;
  nick: string | null;
  avatar: string | null;
  roles: Snowflake[];
  joined_at: string;
  premium_since: string | null;
  deaf: boolean;
  mute: boolean;
  flags: number;
  pending: boolean;
  communication_disabled_until: string | null;
  permissions?: string;
}

export interface APIActivity {
  name: string;
  type: number;
  url?: string | null;
  created_at?: number;
  timestamps?: { start?: number; end?: number };
  application_id?: Snowflake;
  details?: string | null;
  state?: string | null;
  emoji?: { name: string; id?: Snowflake; animated?: boolean };
  assets?: Partial<Record<'large_image' | 'large_text' | 'small_image' | 'small_text', string>>;
  party?: { id?: string; size?: [number, number] };
  instance?: boolean;
  flags?: number;
  /** The buttons' labels; their URLs are in metadata.button_urls. */
  buttons?: string[];
  metadata?: { button_urls: string[] };
}

export interface APIPresence {
  user: { id: Snowflake } & Partial<APIUser>;
  guild_id?: Snowflake;
  status: PresenceStatus;
  activities: APIActivity[];
  client_status: Partial<Record<'desktop' | 'mobile' | 'web', PresenceStatus>>;
}

export interface APIGuild {
  id: Snowflake;
  name: string;
  icon: string | null;
  description: string | null;
  owner_id: Snowflake;
  /** Boosts (issue 21): how many are active, and the vanity invite code (tier 3). */
  premium_subscription_count?: number;
  vanity_url_code?: string | null;
  afk_channel_id: Snowflake | null;
  afk_timeout: number;
  system_channel_id: Snowflake | null;
  verification_level: number;
  default_message_notifications: number;
  explicit_content_filter: number;
  mfa_level: number;
  features: string[];
  premium_tier: number;
  preferred_locale: string;
  roles: APIRole[];
  emojis: APIGuildEmoji[];
  stickers: APISticker[];
  nsfw_level: number;
  max_members: number;
  owner?: boolean;
  permissions?: string;
}

/** A guild as GUILD_CREATE/READY carry it: with channels, members, presences. */
export interface APIGatewayGuild extends APIGuild {
  joined_at: string;
  large: boolean;
  unavailable: boolean;
  member_count: number;
  channels: APIChannel[];
  members: APIGuildMember[];
  presences: APIPresence[];
  voice_states: unknown[];
  threads: unknown[];
  stage_instances: unknown[];
  guild_scheduled_events: unknown[];
}

export interface APIEmoji {
  id: Snowflake | null;
  name: string | null;
  animated?: boolean;
}

/** A guild's custom emoji (GET /guilds/:id/emojis, the guild object, GUILD_EMOJIS_UPDATE). */
export interface APIGuildEmoji {
  id: Snowflake;
  name: string;
  /** Roles allowed to use it; empty: everyone. */
  roles: Snowflake[];
  /** Who uploaded it: shown to members with CREATE_ or MANAGE_GUILD_EXPRESSIONS on REST reads. */
  user?: APIUser;
  require_colons: boolean;
  managed: boolean;
  animated: boolean;
  available: boolean;
}

/** Sticker file formats, numbered as Discord numbers them. */
export const StickerFormatType = { PNG: 1, APNG: 2, LOTTIE: 3, GIF: 4 } as const;
export type StickerFormatTypeValue = (typeof StickerFormatType)[keyof typeof StickerFormatType];

/** A guild sticker (type 2, GUILD), as Discord's sticker object. */
export interface APISticker {
  id: Snowflake;
  name: string;
  description: string | null;
  /** Autocomplete/suggestion tags, comma separated. */
  tags: string;
  type: number;
  format_type: StickerFormatTypeValue;
  available: boolean;
  guild_id: Snowflake;
  user?: APIUser;
}

/** What a message carries of each sticker it was sent with. */
export interface APIStickerItem {
  id: Snowflake;
  name: string;
  format_type: StickerFormatTypeValue;
}

export interface APIReaction {
  count: number;
  count_details: { burst: number; normal: number };
  me: boolean;
  me_burst: boolean;
  burst_colors: string[];
  emoji: APIEmoji;
}

export interface APIAttachment {
  id: Snowflake;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type?: string;
  width?: number | null;
  height?: number | null;
  description?: string;
}

export interface APIEmbed {
  title?: string;
  type?: string;
  description?: string;
  url?: string;
  timestamp?: string;
  color?: number;
  footer?: { text: string; icon_url?: string };
  image?: { url: string; width?: number; height?: number };
  thumbnail?: { url: string; width?: number; height?: number };
  author?: { name: string; url?: string; icon_url?: string };
  fields?: { name: string; value: string; inline?: boolean }[];
}

export interface APIMessageReference {
  message_id?: Snowflake;
  channel_id?: Snowflake;
  guild_id?: Snowflake;
  fail_if_not_exists?: boolean;
  type?: number;
}

/** The `call` of a CALL message: everyone who joined the call, and when it ended (null while it goes on). */
export interface APIMessageCall {
  participants: Snowflake[];
  ended_timestamp: string | null;
}

export interface APIMessage {
  id: Snowflake;
  type: number;
  channel_id: Snowflake;
  guild_id?: Snowflake;
  author: APIUser;
  member?: Omit<APIGuildMember, 'user'>;
  content: string;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  mention_everyone: boolean;
  mentions: APIUser[];
  mention_roles: Snowflake[];
  mention_channels?: unknown[];
  attachments: APIAttachment[];
  embeds: APIEmbed[];
  reactions?: APIReaction[];
  nonce?: string | number;
  pinned: boolean;
  webhook_id?: Snowflake;
  application_id?: Snowflake;
  flags: number;
  components: unknown[];
  message_reference?: APIMessageReference;
  referenced_message?: APIMessage | null;
  interaction_metadata?: unknown;
  interaction?: unknown;
  sticker_items?: APIStickerItem[];
  /** Only on a CALL message (type 3). */
  call?: APIMessageCall;
}

export interface APIInvite {
  type: number;
  code: string;
  guild?: Pick<APIGuild, 'id' | 'name' | 'icon' | 'description' | 'features'>;
  channel: Pick<APIChannel, 'id' | 'name' | 'type'> | null;
  inviter?: APIUser;
  approximate_member_count?: number;
  approximate_presence_count?: number;
  expires_at: string | null;
  uses?: number;
  max_uses?: number;
  max_age?: number;
  temporary?: boolean;
  created_at?: string;
}

export interface APIBan {
  reason: string | null;
  user: APIUser;
}

export interface APIReadState {
  id: Snowflake; // channel id
  last_message_id: Snowflake | null;
  mention_count: number;
  last_pin_timestamp?: string | null;
}

export interface ReadyPayload {
  v: number;
  user: APISelfUser;
  guilds: (APIGatewayGuild | { id: Snowflake; unavailable: true })[];
  private_channels: APIChannel[];
  read_state: { version: number; partial: boolean; entries: APIReadState[] };
  relationships: APIRelationship[];
  presences: APIPresence[];
  session_id: string;
  session_type: string;
  resume_gateway_url: string;
  user_settings: Record<string, unknown>;
  application?: { id: Snowflake; flags: number };
  shard?: [number, number];
  _trace: string[];
}

/** Discord's relationship types (0 NONE and 5 IMPLICIT are never stored here). */
export const RelationshipType = {
  FRIEND: 1,
  BLOCKED: 2,
  PENDING_INCOMING: 3,
  PENDING_OUTGOING: 4,
} as const;
export type RelationshipTypeValue = (typeof RelationshipType)[keyof typeof RelationshipType];

/** GET /users/@me/relationships, READY's relationships and RELATIONSHIP_ADD: the other user and how they relate to me. */
export interface APIRelationship {
  id: Snowflake;
  type: RelationshipTypeValue;
  user: APIUser;
  nickname: string | null;
  since: string;
}

/** RELATIONSHIP_REMOVE: the relationship that ended (its type before removal). */
export interface APIRelationshipRemove {
  id: Snowflake;
  type: RelationshipTypeValue;
}
