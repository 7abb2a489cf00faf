// Gateway opcodes, close codes, intents and dispatch event names: Discord's values, so that the
// JSON encoding is wire-compatible with Discord bots and the binary encoding shares the numbering.

export const GatewayOpcode = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;
export type GatewayOpcodeValue = (typeof GatewayOpcode)[keyof typeof GatewayOpcode];

export const GatewayCloseCode = {
  UnknownError: 4000,
  UnknownOpcode: 4001,
  DecodeError: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005,
  InvalidSeq: 4007,
  RateLimited: 4008,
  SessionTimedOut: 4009,
  InvalidShard: 4010,
  ShardingRequired: 4011,
  InvalidApiVersion: 4012,
  InvalidIntents: 4013,
  DisallowedIntents: 4014,
} as const;
export type GatewayCloseCodeValue = (typeof GatewayCloseCode)[keyof typeof GatewayCloseCode];

/** Close codes after which a client may resume; the others require a new IDENTIFY or are fatal. */
export const RESUMABLE_CLOSE_CODES: ReadonlySet<number> = new Set([4000, 4001, 4002, 4005, 4007, 4008, 4009]);
/** Close codes after which a client must not reconnect at all. */
export const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([4004, 4010, 4011, 4012, 4013, 4014]);

export const GatewayIntents = {
  GUILDS: 1 << 0,
  GUILD_MEMBERS: 1 << 1,
  GUILD_MODERATION: 1 << 2,
  GUILD_EXPRESSIONS: 1 << 3,
  GUILD_INTEGRATIONS: 1 << 4,
  GUILD_WEBHOOKS: 1 << 5,
  GUILD_INVITES: 1 << 6,
  GUILD_VOICE_STATES: 1 << 7,
  GUILD_PRESENCES: 1 << 8,
  GUILD_MESSAGES: 1 << 9,
  GUILD_MESSAGE_REACTIONS: 1 << 10,
  GUILD_MESSAGE_TYPING: 1 << 11,
  DIRECT_MESSAGES: 1 << 12,
  DIRECT_MESSAGE_REACTIONS: 1 << 13,
  DIRECT_MESSAGE_TYPING: 1 << 14,
  MESSAGE_CONTENT: 1 << 15,
  GUILD_SCHEDULED_EVENTS: 1 << 16,
  AUTO_MODERATION_CONFIGURATION: 1 << 20,
  AUTO_MODERATION_EXECUTION: 1 << 21,
  GUILD_MESSAGE_POLLS: 1 << 24,
  DIRECT_MESSAGE_POLLS: 1 << 25,
} as const;

export const ALL_INTENTS = Object.values(GatewayIntents).reduce((a, b) => a | b, 0);
export const PRIVILEGED_INTENTS = GatewayIntents.GUILD_MEMBERS | GatewayIntents.GUILD_PRESENCES | GatewayIntents.MESSAGE_CONTENT;

/** Every dispatch event this server sends. The binary codec numbers them by their index here, so append only. */
export const DISPATCH_EVENTS = [
  'READY',
  'RESUMED',
  'GUILD_CREATE',
  'GUILD_UPDATE',
  'GUILD_DELETE',
  'GUILD_MEMBER_ADD',
  'GUILD_MEMBER_UPDATE',
  'GUILD_MEMBER_REMOVE',
  'GUILD_MEMBERS_CHUNK',
  'GUILD_BAN_ADD',
  'GUILD_BAN_REMOVE',
  'GUILD_ROLE_CREATE',
  'GUILD_ROLE_UPDATE',
  'GUILD_ROLE_DELETE',
  'CHANNEL_CREATE',
  'CHANNEL_UPDATE',
  'CHANNEL_DELETE',
  'CHANNEL_PINS_UPDATE',
  'MESSAGE_CREATE',
  'MESSAGE_UPDATE',
  'MESSAGE_DELETE',
  'MESSAGE_DELETE_BULK',
  'MESSAGE_REACTION_ADD',
  'MESSAGE_REACTION_REMOVE',
  'MESSAGE_REACTION_REMOVE_ALL',
  'MESSAGE_REACTION_REMOVE_EMOJI',
  'MESSAGE_ACK',
  'TYPING_START',
  'INVITE_CREATE',
  'INVITE_DELETE',
  'PRESENCE_UPDATE',
  'USER_UPDATE',
  'VOICE_STATE_UPDATE',
  'VOICE_SERVER_UPDATE',
  'INTERACTION_CREATE',
  'APPLICATION_COMMAND_PERMISSIONS_UPDATE',
  'WEBHOOKS_UPDATE',
  'GUILD_AUDIT_LOG_ENTRY_CREATE',
  'AUTO_MODERATION_RULE_CREATE',
  'AUTO_MODERATION_RULE_UPDATE',
  'AUTO_MODERATION_RULE_DELETE',
  'AUTO_MODERATION_ACTION_EXECUTION',
  'CHANNEL_RECIPIENT_ADD',
  'CHANNEL_RECIPIENT_REMOVE',
  'READY_SUPPLEMENTAL',
  'GUILD_EMOJIS_UPDATE',
  'THREAD_CREATE',
  'USER_SETTINGS_UPDATE',
  'RELATIONSHIP_ADD',
  'RELATIONSHIP_REMOVE',
  'RATE_LIMITED',
  'GUILD_STICKERS_UPDATE',
  'CALL_CREATE',
  'CALL_UPDATE',
  'CALL_DELETE',
] as const;
export type DispatchEventName = (typeof DISPATCH_EVENTS)[number];

/** The intent that gates each event for bots (events absent here are always sent). */
export const EVENT_INTENT: Partial<Record<DispatchEventName, number>> = {
  GUILD_CREATE: GatewayIntents.GUILDS,
  GUILD_UPDATE: GatewayIntents.GUILDS,
  GUILD_DELETE: GatewayIntents.GUILDS,
  GUILD_ROLE_CREATE: GatewayIntents.GUILDS,
  GUILD_ROLE_UPDATE: GatewayIntents.GUILDS,
  GUILD_ROLE_DELETE: GatewayIntents.GUILDS,
  CHANNEL_CREATE: GatewayIntents.GUILDS,
  CHANNEL_UPDATE: GatewayIntents.GUILDS,
  CHANNEL_DELETE: GatewayIntents.GUILDS,
  CHANNEL_PINS_UPDATE: GatewayIntents.GUILDS,
  GUILD_MEMBER_ADD: GatewayIntents.GUILD_MEMBERS,
  GUILD_MEMBER_UPDATE: GatewayIntents.GUILD_MEMBERS,
  GUILD_MEMBER_REMOVE: GatewayIntents.GUILD_MEMBERS,
  GUILD_BAN_ADD: GatewayIntents.GUILD_MODERATION,
  GUILD_BAN_REMOVE: GatewayIntents.GUILD_MODERATION,
  GUILD_AUDIT_LOG_ENTRY_CREATE: GatewayIntents.GUILD_MODERATION,
  INVITE_CREATE: GatewayIntents.GUILD_INVITES,
  INVITE_DELETE: GatewayIntents.GUILD_INVITES,
  PRESENCE_UPDATE: GatewayIntents.GUILD_PRESENCES,
  VOICE_STATE_UPDATE: GatewayIntents.GUILD_VOICE_STATES,
  WEBHOOKS_UPDATE: GatewayIntents.GUILD_WEBHOOKS,
  GUILD_EMOJIS_UPDATE: GatewayIntents.GUILD_EXPRESSIONS,
  GUILD_STICKERS_UPDATE: GatewayIntents.GUILD_EXPRESSIONS,
  AUTO_MODERATION_RULE_CREATE: GatewayIntents.AUTO_MODERATION_CONFIGURATION,
  AUTO_MODERATION_RULE_UPDATE: GatewayIntents.AUTO_MODERATION_CONFIGURATION,
  AUTO_MODERATION_RULE_DELETE: GatewayIntents.AUTO_MODERATION_CONFIGURATION,
  AUTO_MODERATION_ACTION_EXECUTION: GatewayIntents.AUTO_MODERATION_EXECUTION,
};

export interface GatewayPayload {
  op: number;
  d: unknown;
  s: number | null;
  t: string | null;
}

export const GATEWAY_VERSIONS: ReadonlySet<number> = new Set([9, 10]);
/** Frames a session may send per window before it is closed with 4008 (Discord: 120 per 60 s). */
export const GATEWAY_RATE_LIMIT = { frames: 120, windowMs: 60_000 } as const;
/** Largest inbound frame accepted (Discord closes with 4002 above 4096 bytes of JSON; we allow 16 KiB). */
export const GATEWAY_MAX_INBOUND_BYTES = 16 * 1024;
export const HEARTBEAT_INTERVAL_MS = 41_250;
