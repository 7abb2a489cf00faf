// The binary codec's shapes: for each dispatch event (and the objects inside it) a fixed field
// order, so known keys travel by position instead of by name. Each shape is checked against its
// payload type in the event map (every key of the type must be listed; a renamed or added field
// fails to compile here). Wire contract: a shape's field list is append-only, like KEY_DICTIONARY,
// because a frame names its fields by their index in it.
import type { APIAuditLogEntry } from '../bots.ts';
import type { DispatchPayloads } from '../dispatchEvents.ts';
import type { DispatchEventName } from '../gateway.ts';
import type {
  APIActivity,
  APIAttachment,
  APIChannel,
  APIEmoji,
  APIGatewayGuild,
  APIGuildMember,
  APIMessage,
  APIOverwrite,
  APIPresence,
  APIReaction,
  APIReadState,
  APIRelationship,
  APIRole,
  APISelfUser,
  ReadyPayload,
} from '../types.ts';

/** One object shape: field names in wire order, and for each the shape of its object (or array elements), if known. */
export interface ObjectShape {
  /** Names the generated encoder/decoder pair (encUSER, decUSER). */
  readonly name: string;
  readonly keys: readonly string[];
  readonly nested: readonly (ObjectShape | null)[];
  readonly keySet: ReadonlySet<string>;
}

/**
 * A shape that lists every key of T. The phantom `covers` makes ShapeOf<S> usable as ShapeOf<T>
 * exactly when every key of T is a key of S (the event table below relies on that check).
 */
export type ShapeOf<T> = ObjectShape & { readonly covers?: (key: keyof T) => void };

type FieldsOf<T> = { readonly [K in keyof T]-?: ObjectShape | null };

/** `shapeOf<T>()('NAME', { a: null, b: OTHER })`: the literal's key order is the wire order; every key of T is required. */
function shapeOf<T>() {
  return (name: string, fields: FieldsOf<T> & Record<string, ObjectShape | null>): ShapeOf<T> => {
    const keys = Object.keys(fields);
    if (keys.length >= 0x80) throw new Error('a shape has at most 127 fields (its count is one byte)');
    if (!/^[A-Z][A-Z0-9_]*$/.test(name)) throw new Error(`shape name ${name} must be an upper-case identifier`);
    if (keys.some((k) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) || k === '__proto__')) throw new Error(`shape ${name} has a key that is not a plain identifier`);
    return { name, keys, nested: keys.map((k) => fields[k] ?? null), keySet: new Set(keys) };
  };
}

const USER = shapeOf<APISelfUser>()('USER', {
  id: null, username: null, discriminator: null, global_name: null, avatar: null, bot: null, public_flags: null,
  email: null, verified: null, mfa_enabled: null, locale: null, premium_type: null, flags: null, bio: null, accent_color: null,
  banner: null,
});
const ROLE = shapeOf<APIRole>()('ROLE', {
  id: null, name: null, color: null, hoist: null, icon: null, unicode_emoji: null, position: null, permissions: null,
  managed: null, mentionable: null, flags: null, tags: null,
});
const OVERWRITE = shapeOf<APIOverwrite>()('OVERWRITE', { id: null, type: null, allow: null, deny: null });
const CHANNEL = shapeOf<APIChannel>()('CHANNEL', {
  id: null, type: null, flags: null, guild_id: null, name: null, position: null, parent_id: null, nsfw: null,
  permission_overwrites: OVERWRITE, topic: null, rate_limit_per_user: null, bitrate: null, user_limit: null,
  rtc_region: null, last_message_id: null, last_pin_timestamp: null, recipients: USER, owner_id: null, icon: null,
});
const MEMBER = shapeOf<APIGuildMember & { guild_id: string }>()('MEMBER', {
  user: USER, nick: null, avatar: null, roles: null, joined_at: null, premium_since: null, deaf: null, mute: null,
  flags: null, pending: null, communication_disabled_until: null, permissions: null, guild_id: null,
});
const ACTIVITY = shapeOf<APIActivity>()('ACTIVITY', {
  name: null, type: null, url: null, created_at: null, timestamps: null, application_id: null, details: null,
  state: null, emoji: null, assets: null, party: null, instance: null, flags: null, buttons: null, metadata: null,
});
const CLIENT_STATUS = shapeOf<APIPresence['client_status']>()('CLIENT_STATUS', { desktop: null, mobile: null, web: null });
const PRESENCE = shapeOf<APIPresence & { guild_id: string }>()('PRESENCE', {
  user: USER, status: null, activities: ACTIVITY, client_status: CLIENT_STATUS, guild_id: null,
});
const GUILD = shapeOf<APIGatewayGuild>()('GUILD', {
  id: null, name: null, icon: null, description: null, owner_id: null, afk_channel_id: null, afk_timeout: null,
  system_channel_id: null, verification_level: null, default_message_notifications: null,
  explicit_content_filter: null, mfa_level: null, features: null, premium_tier: null, preferred_locale: null,
  roles: ROLE, emojis: null, stickers: null, nsfw_level: null, max_members: null, owner: null, permissions: null,
  joined_at: null, large: null, unavailable: null, member_count: null, channels: CHANNEL, members: MEMBER,
  presences: PRESENCE, voice_states: null, threads: null, stage_instances: null, guild_scheduled_events: null,
  premium_subscription_count: null, vanity_url_code: null,
});
const ATTACHMENT = shapeOf<APIAttachment>()('ATTACHMENT', {
  id: null, filename: null, size: null, url: null, proxy_url: null, content_type: null, width: null, height: null, description: null,
});
const EMOJI = shapeOf<APIEmoji>()('EMOJI', { id: null, name: null, animated: null });
const REACTION = shapeOf<APIReaction>()('REACTION', { count: null, count_details: null, me: null, me_burst: null, burst_colors: null, emoji: EMOJI });
const MESSAGE = shapeOf<APIMessage>()('MESSAGE', {
  id: null, type: null, channel_id: null, author: USER, content: null, timestamp: null, edited_timestamp: null,
  tts: null, mention_everyone: null, mentions: USER, mention_roles: null, attachments: ATTACHMENT, embeds: null,
  pinned: null, flags: null, components: null, guild_id: null, nonce: null, member: MEMBER, reactions: REACTION,
  mention_channels: null, webhook_id: null, application_id: null, message_reference: null,
  referenced_message: null, interaction_metadata: null, interaction: null, sticker_items: null, call: null,
});
const READ_STATE = shapeOf<APIReadState>()('READ_STATE', { id: null, last_message_id: null, mention_count: null, last_pin_timestamp: null });
const RELATIONSHIP = shapeOf<APIRelationship>()('RELATIONSHIP', { id: null, type: null, user: USER, nickname: null, since: null });
const READY = shapeOf<ReadyPayload>()('READY', {
  v: null, user: USER, guilds: GUILD, private_channels: CHANNEL,
  read_state: shapeOf<ReadyPayload['read_state']>()('READ_STATE_LIST', { version: null, partial: null, entries: READ_STATE }),
  relationships: RELATIONSHIP, presences: PRESENCE, session_id: null, session_type: null, resume_gateway_url: null,
  user_settings: null, application: null, shard: null, _trace: null,
});
const ROLE_EVENT = shapeOf<DispatchPayloads['GUILD_ROLE_CREATE']>()('ROLE_EVENT', { guild_id: null, role: ROLE });
const GUILD_USER_EVENT = shapeOf<DispatchPayloads['GUILD_MEMBER_REMOVE']>()('GUILD_USER_EVENT', { guild_id: null, user: USER });
const REACTION_EVENT = shapeOf<DispatchPayloads['MESSAGE_REACTION_ADD']>()('REACTION_EVENT', {
  user_id: null, channel_id: null, message_id: null, guild_id: null, member: MEMBER, emoji: EMOJI, burst: null, type: null,
});
const AUDIT_ENTRY = shapeOf<APIAuditLogEntry & { guild_id: string }>()('AUDIT_ENTRY', {
  id: null, user_id: null, target_id: null, action_type: null, changes: null, options: null, reason: null, guild_id: null,
});

/** The shape of each event's `d`; events not listed go by the generic, dictionary-keyed encoding. */
export const EVENT_SHAPES: { readonly [K in DispatchEventName]?: ShapeOf<DispatchPayloads[K]> } = {
  READY,
  GUILD_CREATE: GUILD,
  GUILD_UPDATE: GUILD,
  GUILD_DELETE: GUILD,
  GUILD_MEMBER_ADD: MEMBER,
  GUILD_MEMBER_UPDATE: MEMBER,
  GUILD_MEMBER_REMOVE: GUILD_USER_EVENT,
  GUILD_MEMBERS_CHUNK: shapeOf<DispatchPayloads['GUILD_MEMBERS_CHUNK']>()('MEMBERS_CHUNK', {
    guild_id: null, members: MEMBER, chunk_index: null, chunk_count: null, not_found: null, presences: PRESENCE, nonce: null,
  }),
  GUILD_BAN_ADD: GUILD_USER_EVENT,
  GUILD_BAN_REMOVE: GUILD_USER_EVENT,
  GUILD_ROLE_CREATE: ROLE_EVENT,
  GUILD_ROLE_UPDATE: ROLE_EVENT,
  CHANNEL_CREATE: CHANNEL,
  CHANNEL_UPDATE: CHANNEL,
  CHANNEL_DELETE: CHANNEL,
  MESSAGE_CREATE: MESSAGE,
  MESSAGE_UPDATE: MESSAGE,
  MESSAGE_DELETE: MESSAGE,
  MESSAGE_REACTION_ADD: REACTION_EVENT,
  MESSAGE_REACTION_REMOVE: REACTION_EVENT,
  TYPING_START: shapeOf<DispatchPayloads['TYPING_START']>()('TYPING', { channel_id: null, user_id: null, timestamp: null, guild_id: null, member: MEMBER }),
  MESSAGE_ACK: shapeOf<DispatchPayloads['MESSAGE_ACK']>()('ACK', { channel_id: null, message_id: null, mention_count: null, version: null }),
  PRESENCE_UPDATE: PRESENCE,
  USER_UPDATE: USER,
  RELATIONSHIP_ADD: RELATIONSHIP,
  RELATIONSHIP_REMOVE: RELATIONSHIP,
  GUILD_AUDIT_LOG_ENTRY_CREATE: AUDIT_ENTRY,
};
