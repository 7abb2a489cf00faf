// The one map of gateway dispatch events: event name -> payload type, named the way discord-api-types
// names Discord's (`GatewayDispatchEvents`, `...DispatchData`). The server's `dispatch()`, the event
// bus, the gateway, the binary codec's shapes and the SDK's `dispatch` event are all typed from it,
// so a payload that does not match its event fails to compile where it is built.
import type { APIAuditLogEntry, APIAutoModRule, APIInteraction } from './bots.ts';
import { DISPATCH_EVENTS, type DispatchEventName, type GatewayPayload } from './gateway.ts';
import type { Snowflake } from './snowflake.ts';
import type {
  APIChannel,
  APIEmoji,
  APIGatewayGuild,
  APIGuild,
  APIGuildEmoji,
  APIGuildMember,
  APIInvite,
  APIMessage,
  APIPresence,
  APIRelationship,
  APIRelationshipRemove,
  APIRole,
  APISelfUser,
  APISticker,
  APIUser,
  ReadyPayload,
} from './types.ts';

/** Every dispatch event by a PascalCase name, as discord-api-types spells `GatewayDispatchEvents`. */
export const GatewayDispatchEvents = {
  Ready: 'READY',
  Resumed: 'RESUMED',
  GuildCreate: 'GUILD_CREATE',
  GuildUpdate: 'GUILD_UPDATE',
  GuildDelete: 'GUILD_DELETE',
  GuildMemberAdd: 'GUILD_MEMBER_ADD',
  GuildMemberUpdate: 'GUILD_MEMBER_UPDATE',
  GuildMemberRemove: 'GUILD_MEMBER_REMOVE',
  GuildMembersChunk: 'GUILD_MEMBERS_CHUNK',
  GuildBanAdd: 'GUILD_BAN_ADD',
  GuildBanRemove: 'GUILD_BAN_REMOVE',
  GuildRoleCreate: 'GUILD_ROLE_CREATE',
  GuildRoleUpdate: 'GUILD_ROLE_UPDATE',
  GuildRoleDelete: 'GUILD_ROLE_DELETE',
  ChannelCreate: 'CHANNEL_CREATE',
  ChannelUpdate: 'CHANNEL_UPDATE',
  ChannelDelete: 'CHANNEL_DELETE',
  ChannelPinsUpdate: 'CHANNEL_PINS_UPDATE',
  MessageCreate: 'MESSAGE_CREATE',
  MessageUpdate: 'MESSAGE_UPDATE',
  MessageDelete: 'MESSAGE_DELETE',
  MessageDeleteBulk: 'MESSAGE_DELETE_BULK',
  MessageReactionAdd: 'MESSAGE_REACTION_ADD',
  MessageReactionRemove: 'MESSAGE_REACTION_REMOVE',
  MessageReactionRemoveAll: 'MESSAGE_REACTION_REMOVE_ALL',
  MessageReactionRemoveEmoji: 'MESSAGE_REACTION_REMOVE_EMOJI',
  MessageAck: 'MESSAGE_ACK',
  TypingStart: 'TYPING_START',
  InviteCreate: 'INVITE_CREATE',
  InviteDelete: 'INVITE_DELETE',
  PresenceUpdate: 'PRESENCE_UPDATE',
  UserUpdate: 'USER_UPDATE',
  VoiceStateUpdate: 'VOICE_STATE_UPDATE',
  VoiceServerUpdate: 'VOICE_SERVER_UPDATE',
  InteractionCreate: 'INTERACTION_CREATE',
  ApplicationCommandPermissionsUpdate: 'APPLICATION_COMMAND_PERMISSIONS_UPDATE',
  WebhooksUpdate: 'WEBHOOKS_UPDATE',
  GuildAuditLogEntryCreate: 'GUILD_AUDIT_LOG_ENTRY_CREATE',
  AutoModerationRuleCreate: 'AUTO_MODERATION_RULE_CREATE',
  AutoModerationRuleUpdate: 'AUTO_MODERATION_RULE_UPDATE',
  AutoModerationRuleDelete: 'AUTO_MODERATION_RULE_DELETE',
  AutoModerationActionExecution: 'AUTO_MODERATION_ACTION_EXECUTION',
  ChannelRecipientAdd: 'CHANNEL_RECIPIENT_ADD',
  ChannelRecipientRemove: 'CHANNEL_RECIPIENT_REMOVE',
  ReadySupplemental: 'READY_SUPPLEMENTAL',
  GuildEmojisUpdate: 'GUILD_EMOJIS_UPDATE',
  GuildStickersUpdate: 'GUILD_STICKERS_UPDATE',
  ThreadCreate: 'THREAD_CREATE',
  UserSettingsUpdate: 'USER_SETTINGS_UPDATE',
  RelationshipAdd: 'RELATIONSHIP_ADD',
  RelationshipRemove: 'RELATIONSHIP_REMOVE',
  RateLimited: 'RATE_LIMITED',
  CallCreate: 'CALL_CREATE',
  CallUpdate: 'CALL_UPDATE',
  CallDelete: 'CALL_DELETE',
} as const satisfies Record<string, DispatchEventName>;

/** A member as member events carry it: with the user and the guild. */
export type GuildMemberWithGuild = APIGuildMember & { guild_id: Snowflake };

export interface GuildMembersChunkDispatchData {
  guild_id: Snowflake;
  members: APIGuildMember[];
  chunk_index: number;
  chunk_count: number;
  not_found?: Snowflake[];
  presences?: APIPresence[];
  nonce?: string;
}

export interface MessageReactionDispatchData {
  user_id: Snowflake;
  channel_id: Snowflake;
  message_id: Snowflake;
  guild_id?: Snowflake;
  member?: APIGuildMember;
  emoji: APIEmoji;
  burst: boolean;
  type: number;
}

/** Discord's voice state: VOICE_STATE_UPDATE (with guild_id and member), GET voice-states, and READY/GUILD_CREATE `voice_states` (without them). */
export interface VoiceStateDispatchData {
  guild_id?: Snowflake;
  channel_id: Snowflake | null;
  user_id: Snowflake;
  member?: APIGuildMember;
  session_id: string;
  deaf: boolean;
  mute: boolean;
  self_deaf: boolean;
  self_mute: boolean;
  self_stream?: boolean;
  self_video: boolean;
  suppress: boolean;
  request_to_speak_timestamp: string | null;
}

/**
 * A DM or group DM call (CALL_CREATE, CALL_UPDATE): its CALL message, who is being rung, and who is
 * in it (voice states with guild_id null). Discord's shape; `region` names the voice node.
 */
export interface CallDispatchData {
  channel_id: Snowflake;
  message_id: Snowflake;
  ringing: Snowflake[];
  voice_states: VoiceStateDispatchData[];
  region: string;
}

export interface AutoModerationActionExecutionDispatchData {
  guild_id: Snowflake;
  action: APIAutoModRule['actions'][number];
  rule_id: Snowflake;
  rule_trigger_type: number;
  user_id: Snowflake;
  channel_id: Snowflake;
  content: string;
  matched_keyword: string | null;
  matched_content: string | null;
}

/** Event name -> the `d` of its dispatch. Keys are exactly DISPATCH_EVENTS (checked below). */
export interface DispatchPayloads {
  READY: ReadyPayload;
  RESUMED: { _trace: string[] };
  GUILD_CREATE: APIGatewayGuild;
  GUILD_UPDATE: APIGuild;
  GUILD_DELETE: { id: Snowflake; unavailable?: boolean };
  GUILD_MEMBER_ADD: GuildMemberWithGuild;
  GUILD_MEMBER_UPDATE: GuildMemberWithGuild;
  GUILD_MEMBER_REMOVE: { guild_id: Snowflake; user: APIUser };
  GUILD_MEMBERS_CHUNK: GuildMembersChunkDispatchData;
  GUILD_BAN_ADD: { guild_id: Snowflake; user: APIUser };
  GUILD_BAN_REMOVE: { guild_id: Snowflake; user: APIUser };
  GUILD_ROLE_CREATE: { guild_id: Snowflake; role: APIRole };
  GUILD_ROLE_UPDATE: { guild_id: Snowflake; role: APIRole };
  GUILD_ROLE_DELETE: { guild_id: Snowflake; role_id: Snowflake };
  CHANNEL_CREATE: APIChannel;
  CHANNEL_UPDATE: APIChannel;
  CHANNEL_DELETE: APIChannel;
  CHANNEL_PINS_UPDATE: { channel_id: Snowflake; guild_id?: Snowflake; last_pin_timestamp: string | null };
  MESSAGE_CREATE: APIMessage;
  MESSAGE_UPDATE: APIMessage;
  MESSAGE_DELETE: { id: Snowflake; channel_id: Snowflake; guild_id?: Snowflake };
  /** guild_id is left out (undefined) for DM channels. */
  MESSAGE_DELETE_BULK: { ids: Snowflake[]; channel_id: Snowflake; guild_id?: Snowflake | undefined };
  MESSAGE_REACTION_ADD: MessageReactionDispatchData;
  MESSAGE_REACTION_REMOVE: Omit<MessageReactionDispatchData, 'member'>;
  MESSAGE_REACTION_REMOVE_ALL: { channel_id: Snowflake; message_id: Snowflake; guild_id?: Snowflake };
  MESSAGE_REACTION_REMOVE_EMOJI: { channel_id: Snowflake; message_id: Snowflake; guild_id?: Snowflake; emoji: APIEmoji };
  /** The user's own read position moved (another of their sessions, or joining a guild). */
  MESSAGE_ACK: { channel_id: Snowflake; message_id: Snowflake | null; mention_count: number; version: number };
  TYPING_START: { channel_id: Snowflake; user_id: Snowflake; timestamp: number; guild_id?: Snowflake; member?: APIGuildMember };
  INVITE_CREATE: APIInvite & { channel_id: Snowflake; guild_id: Snowflake };
  INVITE_DELETE: { code: string; channel_id: Snowflake; guild_id?: Snowflake };
  PRESENCE_UPDATE: APIPresence & { guild_id: Snowflake };
  USER_UPDATE: APISelfUser;
  VOICE_STATE_UPDATE: VoiceStateDispatchData;
  /** For a DM call guild_id is null and channel_id names the call's channel (the voice server id). */
  VOICE_SERVER_UPDATE: { token: string; guild_id: Snowflake | null; channel_id?: Snowflake; endpoint: string | null };
  INTERACTION_CREATE: APIInteraction;
  /** Not sent by this server yet: Discord's shape. */
  APPLICATION_COMMAND_PERMISSIONS_UPDATE: { id: Snowflake; application_id: Snowflake; guild_id: Snowflake; permissions: { id: Snowflake; type: number; permission: boolean }[] };
  WEBHOOKS_UPDATE: { guild_id: Snowflake; channel_id: Snowflake };
  GUILD_AUDIT_LOG_ENTRY_CREATE: APIAuditLogEntry & { guild_id: Snowflake };
  AUTO_MODERATION_RULE_CREATE: APIAutoModRule;
  AUTO_MODERATION_RULE_UPDATE: APIAutoModRule;
  AUTO_MODERATION_RULE_DELETE: APIAutoModRule;
  AUTO_MODERATION_ACTION_EXECUTION: AutoModerationActionExecutionDispatchData;
  CHANNEL_RECIPIENT_ADD: { channel_id: Snowflake; user: APIUser };
  CHANNEL_RECIPIENT_REMOVE: { channel_id: Snowflake; user: { id: Snowflake } & Partial<APIUser> };
  /** Not sent by this server yet. */
  READY_SUPPLEMENTAL: Record<string, unknown>;
  /** The guild's whole emoji list after a create, edit or delete. */
  GUILD_EMOJIS_UPDATE: { guild_id: Snowflake; emojis: APIGuildEmoji[] };
  /** The guild's whole sticker list after a create, edit or delete. */
  GUILD_STICKERS_UPDATE: { guild_id: Snowflake; stickers: APISticker[] };
  /** Not sent by this server yet. */
  THREAD_CREATE: APIChannel;
  /** Not sent by this server yet. */
  USER_SETTINGS_UPDATE: Record<string, unknown>;
  RELATIONSHIP_ADD: APIRelationship;
  RELATIONSHIP_REMOVE: APIRelationshipRemove;
  RATE_LIMITED: { opcode: number; retry_after: number; meta: Record<string, unknown> };
  CALL_CREATE: CallDispatchData;
  CALL_UPDATE: CallDispatchData;
  /** The last participant left: the call is over. */
  CALL_DELETE: { channel_id: Snowflake; unavailable?: boolean };
}

// Compile-time: the map and DISPATCH_EVENTS name the same events (a missing or extra key fails here).
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type AssertTrue<T extends true> = T;
type _MapCoversEveryEvent = AssertTrue<Exactly<keyof DispatchPayloads, DispatchEventName>>;

/**
 * One dispatch as a discriminated union on `t`: `if (e.t === 'MESSAGE_CREATE') e.d.content`. With a
 * generic `K` (`DispatchEventOf<K>`), `e.d` is `DispatchPayloads[K]` inside generic code.
 */
export type DispatchEventOf<K extends DispatchEventName> = { [P in K]: { t: P; d: DispatchPayloads[P] } }[K];
export type DispatchEvent = DispatchEventOf<DispatchEventName>;

/** Any event's payload (the union of the map's values). */
export type AnyDispatchPayload = DispatchPayloads[DispatchEventName];

const EVENT_NAMES: ReadonlySet<string> = new Set(DISPATCH_EVENTS);

export function isDispatchEventName(name: string): name is DispatchEventName {
  return EVENT_NAMES.has(name);
}

/**
 * A decoded op-0 frame as a typed event, or null when its name is not an event this protocol
 * knows or its data is not an object. The envelope is checked here; the payload's fields are
 * the server's contract (every codec decoded them from the server's own frames), so they are
 * taken as the map says, once, in this one place.
 */
export function toDispatchEvent(payload: GatewayPayload): DispatchEvent | null {
  const { t, d } = payload;
  if (t === null || !isDispatchEventName(t)) return null;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return null;
  return { t, d } as DispatchEvent;
}

/** `e.d` as event `t`'s payload when `e` is a `t` event, else undefined (for generic code such as waitFor). */
export function dispatchDataOf<T extends DispatchEventName>(e: DispatchEvent, t: T): DispatchPayloads[T] | undefined {
  // Sound: the union pairs each name with its own payload and the names are equal. TypeScript
  // cannot see that for a generic T (microsoft/TypeScript#30581).
  return e.t === t ? (e.d as DispatchPayloads[T]) : undefined;
}
