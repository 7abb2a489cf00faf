// Discord's permission bits and its permission algorithm
// (https://discord.com/developers/docs/topics/permissions), shared by the server, which enforces
// it, and the clients, which use it to grey out what a user cannot do.

export const PermissionFlags = {
  CREATE_INSTANT_INVITE: 1n << 0n,
  KICK_MEMBERS: 1n << 1n,
  BAN_MEMBERS: 1n << 2n,
  ADMINISTRATOR: 1n << 3n,
  MANAGE_CHANNELS: 1n << 4n,
  MANAGE_GUILD: 1n << 5n,
  ADD_REACTIONS: 1n << 6n,
  VIEW_AUDIT_LOG: 1n << 7n,
  PRIORITY_SPEAKER: 1n << 8n,
  STREAM: 1n << 9n,
  VIEW_CHANNEL: 1n << 10n,
  SEND_MESSAGES: 1n << 11n,
  SEND_TTS_MESSAGES: 1n << 12n,
  MANAGE_MESSAGES: 1n << 13n,
  EMBED_LINKS: 1n << 14n,
  ATTACH_FILES: 1n << 15n,
  READ_MESSAGE_HISTORY: 1n << 16n,
  MENTION_EVERYONE: 1n << 17n,
  USE_EXTERNAL_EMOJIS: 1n << 18n,
  VIEW_GUILD_INSIGHTS: 1n << 19n,
  CONNECT: 1n << 20n,
  SPEAK: 1n << 21n,
  MUTE_MEMBERS: 1n << 22n,
  DEAFEN_MEMBERS: 1n << 23n,
  MOVE_MEMBERS: 1n << 24n,
  USE_VAD: 1n << 25n,
  CHANGE_NICKNAME: 1n << 26n,
  MANAGE_NICKNAMES: 1n << 27n,
  MANAGE_ROLES: 1n << 28n,
  MANAGE_WEBHOOKS: 1n << 29n,
  MANAGE_GUILD_EXPRESSIONS: 1n << 30n,
  USE_APPLICATION_COMMANDS: 1n << 31n,
  REQUEST_TO_SPEAK: 1n << 32n,
  MANAGE_EVENTS: 1n << 33n,
  MANAGE_THREADS: 1n << 34n,
  CREATE_PUBLIC_THREADS: 1n << 35n,
  CREATE_PRIVATE_THREADS: 1n << 36n,
  USE_EXTERNAL_STICKERS: 1n << 37n,
  SEND_MESSAGES_IN_THREADS: 1n << 38n,
  USE_EMBEDDED_ACTIVITIES: 1n << 39n,
  MODERATE_MEMBERS: 1n << 40n,
  VIEW_CREATOR_MONETIZATION_ANALYTICS: 1n << 41n,
  USE_SOUNDBOARD: 1n << 42n,
  CREATE_GUILD_EXPRESSIONS: 1n << 43n,
  CREATE_EVENTS: 1n << 44n,
  USE_EXTERNAL_SOUNDS: 1n << 45n,
  SEND_VOICE_MESSAGES: 1n << 46n,
  SEND_POLLS: 1n << 49n,
  USE_EXTERNAL_APPS: 1n << 50n,
} as const;

export type PermissionName = keyof typeof PermissionFlags;

export const ALL_PERMISSIONS: bigint = Object.values(PermissionFlags).reduce((a, b) => a | b, 0n);

/** What @everyone gets in a new guild, as Discord does it. */
export const DEFAULT_EVERYONE_PERMISSIONS: bigint =
  PermissionFlags.CREATE_INSTANT_INVITE |
  PermissionFlags.ADD_REACTIONS |
  PermissionFlags.STREAM |
  PermissionFlags.VIEW_CHANNEL |
  PermissionFlags.SEND_MESSAGES |
  PermissionFlags.EMBED_LINKS |
  PermissionFlags.ATTACH_FILES |
  PermissionFlags.READ_MESSAGE_HISTORY |
  PermissionFlags.MENTION_EVERYONE |
  PermissionFlags.USE_EXTERNAL_EMOJIS |
  PermissionFlags.CONNECT |
  PermissionFlags.SPEAK |
  PermissionFlags.USE_VAD |
  PermissionFlags.CHANGE_NICKNAME |
  PermissionFlags.USE_APPLICATION_COMMANDS |
  PermissionFlags.REQUEST_TO_SPEAK |
  PermissionFlags.CREATE_PUBLIC_THREADS |
  PermissionFlags.CREATE_PRIVATE_THREADS |
  PermissionFlags.USE_EXTERNAL_STICKERS |
  PermissionFlags.SEND_MESSAGES_IN_THREADS |
  PermissionFlags.USE_EMBEDDED_ACTIVITIES |
  PermissionFlags.SEND_VOICE_MESSAGES |
  PermissionFlags.SEND_POLLS |
  PermissionFlags.USE_EXTERNAL_APPS;

/** Permissions that only make sense with text: dropped when VIEW_CHANNEL or SEND_MESSAGES is missing. */
const TEXT_PERMISSIONS =
  PermissionFlags.SEND_TTS_MESSAGES |
  PermissionFlags.MENTION_EVERYONE |
  PermissionFlags.EMBED_LINKS |
  PermissionFlags.ATTACH_FILES;

/** Permissions that only apply to voice: dropped when CONNECT is missing. */
const VOICE_PERMISSIONS =
  PermissionFlags.SPEAK |
  PermissionFlags.MUTE_MEMBERS |
  PermissionFlags.DEAFEN_MEMBERS |
  PermissionFlags.MOVE_MEMBERS |
  PermissionFlags.USE_VAD |
  PermissionFlags.PRIORITY_SPEAKER |
  PermissionFlags.STREAM;

export interface PermissionRole {
  id: string;
  permissions: bigint;
  position: number;
}

export const OverwriteType = { ROLE: 0, MEMBER: 1 } as const;
export type OverwriteTypeValue = (typeof OverwriteType)[keyof typeof OverwriteType];

export interface PermissionOverwrite {
  id: string;
  type: OverwriteTypeValue;
  allow: bigint;
  deny: bigint;
}

export interface PermissionContext {
  guildId: string; // the @everyone role has the guild's id
  ownerId: string;
  /** Every role of the guild, @everyone included. */
  roles: ReadonlyMap<string, PermissionRole>;
  userId: string;
  /** The member's roles, @everyone excluded. */
  memberRoleIds: readonly string[];
  /** A member timed out (communication_disabled_until in the future) keeps only view/history. */
  timedOut?: boolean;
}

/** Guild-level permissions: @everyone, then the union of the member's roles; owner and ADMINISTRATOR get all. */
export function computeBasePermissions(ctx: PermissionContext): bigint {
  if (ctx.userId === ctx.ownerId) return ALL_PERMISSIONS;
  let permissions = ctx.roles.get(ctx.guildId)?.permissions ?? 0n;
  for (const roleId of ctx.memberRoleIds) {
    const role = ctx.roles.get(roleId);
    if (role) permissions |= role.permissions;
  }
  if ((permissions & PermissionFlags.ADMINISTRATOR) !== 0n) return ALL_PERMISSIONS;
  if (ctx.timedOut) permissions &= PermissionFlags.VIEW_CHANNEL | PermissionFlags.READ_MESSAGE_HISTORY;
  return permissions;
}

/**
 * Applies a channel's overwrites in Discord's order: @everyone, then all of the member's role
 * overwrites together (deny first, then allow), then the member's own overwrite.
 */
export function applyOverwrites(
  base: bigint,
  ctx: PermissionContext,
  overwrites: readonly PermissionOverwrite[],
): bigint {
  if ((base & PermissionFlags.ADMINISTRATOR) !== 0n) return ALL_PERMISSIONS;
  let permissions = base;
  const everyone = overwrites.find((o) => o.type === OverwriteType.ROLE && o.id === ctx.guildId);
  if (everyone) permissions = (permissions & ~everyone.deny) | everyone.allow;
  let roleAllow = 0n;
  let roleDeny = 0n;
  const memberRoles = new Set(ctx.memberRoleIds);
  for (const o of overwrites) {
    if (o.type === OverwriteType.ROLE && memberRoles.has(o.id)) {
      roleAllow |= o.allow;
      roleDeny |= o.deny;
    }
  }
  permissions = (permissions & ~roleDeny) | roleAllow;
  const member = overwrites.find((o) => o.type === OverwriteType.MEMBER && o.id === ctx.userId);
  if (member) permissions = (permissions & ~member.deny) | member.allow;
  return permissions;
}

/** Drops permissions that a missing parent permission makes meaningless (Discord's implicit permissions). */
export function applyImplicitPermissions(permissions: bigint, isVoiceChannel: boolean): bigint {
  if ((permissions & PermissionFlags.ADMINISTRATOR) !== 0n) return permissions;
  if ((permissions & PermissionFlags.VIEW_CHANNEL) === 0n) return 0n;
  let p = permissions;
  if (!isVoiceChannel && (p & PermissionFlags.SEND_MESSAGES) === 0n) p &= ~TEXT_PERMISSIONS;
  if (isVoiceChannel && (p & PermissionFlags.CONNECT) === 0n) p &= ~VOICE_PERMISSIONS;
  return p;
}

/** A member's effective permissions in a channel. */
export function computeChannelPermissions(
  ctx: PermissionContext,
  overwrites: readonly PermissionOverwrite[],
  isVoiceChannel = false,
): bigint {
  if (ctx.userId === ctx.ownerId) return ALL_PERMISSIONS;
  const base = computeBasePermissions(ctx);
  if ((base & PermissionFlags.ADMINISTRATOR) !== 0n) return ALL_PERMISSIONS;
  let p = applyOverwrites(base, ctx, overwrites);
  if (ctx.timedOut) p &= PermissionFlags.VIEW_CHANNEL | PermissionFlags.READ_MESSAGE_HISTORY;
  return applyImplicitPermissions(p, isVoiceChannel);
}

export function hasPermission(permissions: bigint, flag: bigint): boolean {
  return (permissions & PermissionFlags.ADMINISTRATOR) !== 0n || (permissions & flag) === flag;
}

/** The position of a member's highest role (0 = only @everyone). */
export function highestRolePosition(ctx: Pick<PermissionContext, 'roles' | 'memberRoleIds'>): number {
  let highest = 0;
  for (const id of ctx.memberRoleIds) {
    const role = ctx.roles.get(id);
    if (role && role.position > highest) highest = role.position;
  }
  return highest;
}

/** Role hierarchy: an actor may manage a role only if it is strictly below the actor's highest role (owner excepted). */
export function canManageRole(actor: PermissionContext, role: PermissionRole): boolean {
  if (actor.userId === actor.ownerId) return true;
  return role.position < highestRolePosition(actor);
}

/** Role hierarchy for kick/ban/nick/roles on another member: the actor's highest role must be above the target's; nobody manages the owner. */
export function canManageMember(actor: PermissionContext, target: Pick<PermissionContext, 'userId' | 'memberRoleIds'>): boolean {
  if (target.userId === actor.ownerId) return false;
  if (actor.userId === actor.ownerId) return true;
  return highestRolePosition(actor) > highestRolePosition({ roles: actor.roles, memberRoleIds: target.memberRoleIds });
}

export function serializePermissions(p: bigint): string {
  return p.toString();
}

/** Parses Discord's decimal-string permission field; returns null for anything else. */
export function parsePermissions(value: unknown): bigint | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value !== 'string' || !/^\d{1,20}$/.test(value)) return null;
  const n = BigInt(value);
  return n < 1n << 64n ? n : null;
}
