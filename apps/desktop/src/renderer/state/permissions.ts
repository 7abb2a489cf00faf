// The signed-in user's permissions, computed with the shared algorithm from @concord/protocol so
// the UI greys out exactly what the server would refuse.
import {
  ChannelType,
  PermissionFlags,
  computeBasePermissions,
  computeChannelPermissions,
  type APIChannel,
  type APIRole,
  type PermissionContext,
  type PermissionOverwrite,
} from '@concord/protocol';
import type { GuildRecord } from './guildStore.ts';
import type { MemberRecord } from './memberStore.ts';

export function toPermissionContext(guild: GuildRecord, userId: string, member: MemberRecord | undefined): PermissionContext {
  const roles = new Map<string, { id: string; permissions: bigint; position: number }>();
  for (const r of guild.roles) roles.set(r.id, { id: r.id, permissions: safeBigInt(r.permissions), position: r.position });
  const until = member?.communication_disabled_until ? Date.parse(member.communication_disabled_until) : 0;
  return {
    guildId: guild.id,
    ownerId: guild.owner_id,
    roles,
    userId,
    memberRoleIds: member?.roles ?? [],
    timedOut: until > Date.now(),
  };
}

function safeBigInt(value: string): bigint {
  return /^\d{1,20}$/.test(value) ? BigInt(value) : 0n;
}

export function toOverwrites(channel: APIChannel): PermissionOverwrite[] {
  return (channel.permission_overwrites ?? []).map((o) => ({
    id: o.id,
    type: o.type,
    allow: safeBigInt(o.allow),
    deny: safeBigInt(o.deny),
  }));
}

/** All permissions in a DM: the server decides who may message whom. */
const DM_PERMISSIONS =
  PermissionFlags.VIEW_CHANNEL |
  PermissionFlags.SEND_MESSAGES |
  PermissionFlags.READ_MESSAGE_HISTORY |
  PermissionFlags.ADD_REACTIONS |
  PermissionFlags.ATTACH_FILES |
  PermissionFlags.EMBED_LINKS;

export function channelPermissions(
  channel: APIChannel,
  guild: GuildRecord | undefined,
  userId: string,
  member: MemberRecord | undefined,
): bigint {
  if (!channel.guild_id) return DM_PERMISSIONS;
  if (!guild) return 0n;
  const ctx = toPermissionContext(guild, userId, member);
  return computeChannelPermissions(ctx, toOverwrites(channel), channel.type === ChannelType.GUILD_VOICE);
}

/**
 * A per-channel permission function for one guild and user, with the guild's role table built
 * once: sidebars and unread badges evaluate many channels on every message.
 */
export function channelPermissionsFor(guild: GuildRecord | undefined, userId: string, member: MemberRecord | undefined): (channel: APIChannel) => bigint {
  if (!guild) return (channel) => (channel.guild_id ? 0n : DM_PERMISSIONS);
  const ctx = toPermissionContext(guild, userId, member);
  return (channel) => (channel.guild_id ? computeChannelPermissions(ctx, toOverwrites(channel), channel.type === ChannelType.GUILD_VOICE) : DM_PERMISSIONS);
}

export function guildPermissions(guild: GuildRecord, userId: string, member: MemberRecord | undefined): bigint {
  return computeBasePermissions(toPermissionContext(guild, userId, member));
}

export function has(permissions: bigint, flag: bigint): boolean {
  return (permissions & PermissionFlags.ADMINISTRATOR) !== 0n || (permissions & flag) === flag;
}

/** Roles sorted as Discord lists them: highest position first, @everyone last. */
export function sortRoles(roles: readonly APIRole[]): APIRole[] {
  return [...roles].sort((a, b) => b.position - a.position || (a.id < b.id ? -1 : 1));
}
