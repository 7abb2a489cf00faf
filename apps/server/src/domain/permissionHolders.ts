// Who in a guild holds a permission, without computing every member's permissions: only the owner
// and members of roles that grant it (or ADMINISTRATOR) can, unless @everyone grants it. Used to
// address moderator-only events (audit log entries, auto moderation) in large guilds.
import { PermissionFlags, hasPermission } from '@concord/protocol';
import type { GuildState } from './DomainState.ts';

export function membersWithPermission(g: GuildState, flag: bigint): string[] {
  const granting = new Set<string>();
  for (const role of g.roles.values()) {
    if ((role.permissions & (flag | PermissionFlags.ADMINISTRATOR)) !== 0n) granting.add(role.id);
  }
  const candidates = granting.has(g.id)
    ? [...g.members.keys()]
    : [...g.members.values()].filter((m) => m.user_id === g.guild.owner_id || m.roles.some((r) => granting.has(r))).map((m) => m.user_id);
  // The exact check (timeouts and the owner rule live in the permission algorithm).
  return candidates.filter((userId) => hasPermission(g.basePermissions(userId), flag));
}
