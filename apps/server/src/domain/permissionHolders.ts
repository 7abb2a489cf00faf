// Who in a guild holds a permission, without computing every member's permissions: only the owner
// and members of roles that grant it (or ADMINISTRATOR) can, unless @everyone grants it. Used to
// address moderator-only events (audit log entries, auto moderation, bans, invites) in large guilds.
import { PermissionFlags, hasPermission } from '@concord/protocol';
import type { ChannelRecord } from '../store/records.ts';
import type { GuildState } from './DomainState.ts';

/** Members who might hold `flag` guild-wide: a superset, checked exactly by the callers. */
function guildCandidates(g: GuildState, flag: bigint): string[] {
  const granting = new Set<string>();
  for (const role of g.roles.values()) {
    if ((role.permissions & (flag | PermissionFlags.ADMINISTRATOR)) !== 0n) granting.add(role.id);
  }
  if (granting.has(g.id)) return [...g.members.keys()];
  return [...g.members.values()].filter((m) => m.user_id === g.guild.owner_id || m.roles.some((r) => granting.has(r))).map((m) => m.user_id);
}

export function membersWithPermission(g: GuildState, flag: bigint): string[] {
  // The exact check (timeouts and the owner rule live in the permission algorithm).
  return guildCandidates(g, flag).filter((userId) => hasPermission(g.basePermissions(userId), flag));
}

/** Members who hold `flag` in one channel: the guild-wide holders plus whoever the channel's overwrites grant it to. */
export function membersWithChannelPermission(g: GuildState, channel: ChannelRecord, flag: bigint): string[] {
  const candidates = new Set(guildCandidates(g, flag));
  const grantingRoles = new Set<string>();
  for (const o of channel.overwrites) {
    if ((o.allow & flag) === 0n) continue;
    if (o.type === 1) candidates.add(o.id);
    else grantingRoles.add(o.id);
  }
  if (grantingRoles.has(g.id)) for (const userId of g.members.keys()) candidates.add(userId);
  else if (grantingRoles.size > 0) for (const m of g.members.values()) if (m.roles.some((r) => grantingRoles.has(r))) candidates.add(m.user_id);
  return [...candidates].filter((userId) => hasPermission(g.channelPermissions(channel, userId), flag));
}
