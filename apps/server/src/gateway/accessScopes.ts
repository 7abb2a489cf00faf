// What a user may receive, as bus scopes, and which of those one session subscribes to. Pure reads
// of the domain state: the SubscriptionIndex calls these on IDENTIFY and on every access change.
import { GatewayIntents, PermissionFlags } from '@concord/protocol';
import type { DomainState } from '../domain/DomainState.ts';
import { LARGE_GUILD_THRESHOLD } from '../domain/serialize.ts';
import { guildInShard } from './GatewaySession.ts';

/** Every unsharded scope a user may receive: u:<self>, g:/p: of each guild, c: of each visible channel and DM. */
export function computeAccess(state: DomainState, userId: string): Set<string> {
  const out = new Set<string>([`u:${userId}`]);
  for (const guildId of state.userGuilds.get(userId) ?? []) {
    const g = state.guilds.get(guildId);
    if (!g) continue;
    out.add(`g:${guildId}`);
    out.add(`p:${guildId}`);
    for (const c of g.channels.values()) {
      if ((g.channelPermissions(c, userId) & PermissionFlags.VIEW_CHANNEL) !== 0n) out.add(`c:${c.id}`);
    }
  }
  for (const channelId of state.userPrivateChannels.get(userId) ?? []) out.add(`c:${channelId}`);
  return out;
}

/** What a session's scopes depend on besides its user's access. */
export interface SessionScopeFilter {
  readonly intents: number | null;
  readonly shard: readonly [number, number] | null;
}

/**
 * The part of `access` one session subscribes to: its shard's guilds and channels (private ones on
 * shard 0), and presences of large guilds only with GUILD_PRESENCES. The strings are `access`'s own,
 * so sessions of one user share them.
 */
export function scopesForSession(state: DomainState, access: ReadonlySet<string>, session: SessionScopeFilter): Set<string> {
  const { intents, shard } = session;
  const wantsAllPresences = intents !== null && (intents & GatewayIntents.GUILD_PRESENCES) !== 0;
  const receivesPrivate = !shard || shard[0] === 0;
  const out = new Set<string>();
  for (const scope of access) {
    if (scope.startsWith('p:')) {
      const guildId = scope.slice(2);
      const size = state.guilds.get(guildId)?.members.size ?? 0;
      if ((size <= LARGE_GUILD_THRESHOLD || wantsAllPresences) && guildInShard(shard, guildId)) out.add(scope);
    } else if (!shard) out.add(scope);
    else if (scope.startsWith('g:')) {
      if (guildInShard(shard, scope.slice(2))) out.add(scope);
    } else if (scope.startsWith('c:')) {
      const c = state.channels.get(scope.slice(2));
      if (c?.guild_id ? guildInShard(shard, c.guild_id) : receivesPrivate) out.add(scope);
    } else out.add(scope);
  }
  return out;
}
