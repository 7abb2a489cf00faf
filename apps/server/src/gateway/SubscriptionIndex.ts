// Who receives what: each session's scopes, kept in step with what its user may see. Shared
// sessions subscribe their socket to the uWS topics `<encoding>:<scope>` (uWS writes one frame to
// all of them); per-session ones (bots, intents, zlib) sit in `perSessionScopes`, which the fan-out
// walks. The index owns the sessions-per-user map and each user's computed access.
import type { DomainState } from '../domain/DomainState.ts';
import type { ChannelRecord } from '../store/records.ts';
import { computeAccess, scopesForSession } from './accessScopes.ts';
import type { GatewaySession } from './GatewaySession.ts';

/** A channel a user gained or lost in a guild they still see: announced as CHANNEL_CREATE/DELETE. */
export interface ChannelAccessChange {
  readonly t: 'CHANNEL_CREATE' | 'CHANNEL_DELETE';
  readonly channel: ChannelRecord;
}

const NO_SESSIONS: ReadonlySet<GatewaySession> = new Set();

export class SubscriptionIndex {
  private readonly userSessions = new Map<string, Set<GatewaySession>>();
  /** Unsharded scopes per user with sessions: the reference for CHANNEL_CREATE/DELETE on access changes. */
  private readonly userAccess = new Map<string, Set<string>>();
  private readonly perSessionScopes = new Map<string, Set<GatewaySession>>();

  constructor(private readonly state: DomainState) {}

  hasSessions(userId: string): boolean {
    return this.userSessions.has(userId);
  }

  sessionsOf(userId: string): ReadonlySet<GatewaySession> {
    return this.userSessions.get(userId) ?? NO_SESSIONS;
  }

  /** Per-session subscribers of a scope; the set is live, callers only read it. */
  perSessionSubscribers(scope: string): ReadonlySet<GatewaySession> | undefined {
    return this.perSessionScopes.get(scope);
  }

  /** A new session (IDENTIFY): subscribed to everything its user may see in its shard. */
  add(s: GatewaySession): void {
    let set = this.userSessions.get(s.user.id);
    if (!set) this.userSessions.set(s.user.id, (set = new Set()));
    set.add(s);
    let access = this.userAccess.get(s.user.id);
    if (!access) this.userAccess.set(s.user.id, (access = computeAccess(this.state, s.user.id)));
    this.applyScopes(s, scopesForSession(this.state, access, s));
  }

  /** A closed session leaves every index (its socket's uWS topics went with the socket). */
  remove(s: GatewaySession): void {
    const set = this.userSessions.get(s.user.id);
    set?.delete(s);
    if (set && set.size === 0) {
      this.userSessions.delete(s.user.id);
      this.userAccess.delete(s.user.id);
    }
    if (s.perSessionDelivery) for (const scope of s.scopes) this.perSessionScopes.get(scope)?.delete(s);
    s.scopes.clear();
  }

  /** Re-subscribes a socket that took over a session (RESUME) to all of the session's scopes. */
  subscribeSocket(s: GatewaySession): void {
    if (s.perSessionDelivery) return; // kept in perSessionScopes across sockets
    const ws = s.ws;
    if (!ws) return;
    for (const scope of s.scopes) ws.subscribe(`${s.codec.encoding}:${scope}`);
  }

  /**
   * Recomputes what a user may receive and re-subscribes their sessions. Returns the channels that
   * appeared or disappeared in a guild the user had before and still has, to be announced.
   */
  refreshUserAccess(userId: string): ChannelAccessChange[] {
    const sessions = this.userSessions.get(userId);
    if (!sessions || sessions.size === 0) return [];
    const before = this.userAccess.get(userId) ?? new Set<string>();
    const after = computeAccess(this.state, userId);
    this.userAccess.set(userId, after);
    for (const s of sessions) this.applyScopes(s, scopesForSession(this.state, after, s));
    const changes: ChannelAccessChange[] = [];
    for (const scope of after) {
      if (!scope.startsWith('c:') || before.has(scope)) continue;
      const c = this.state.channels.get(scope.slice(2));
      if (c?.guild_id && before.has(`g:${c.guild_id}`)) changes.push({ t: 'CHANNEL_CREATE', channel: c });
    }
    for (const scope of before) {
      if (!scope.startsWith('c:') || after.has(scope)) continue;
      const c = this.state.channels.get(scope.slice(2));
      if (c?.guild_id && after.has(`g:${c.guild_id}`)) changes.push({ t: 'CHANNEL_DELETE', channel: c });
    }
    return changes;
  }

  private applyScopes(s: GatewaySession, desired: Set<string>): void {
    const ws = s.ws;
    for (const scope of [...s.scopes]) {
      if (desired.has(scope)) continue;
      s.scopes.delete(scope);
      if (s.perSessionDelivery) this.perSessionScopes.get(scope)?.delete(s);
      else if (ws) ws.unsubscribe(`${s.codec.encoding}:${scope}`);
    }
    for (const scope of desired) {
      if (s.scopes.has(scope)) continue;
      s.scopes.add(scope);
      if (s.perSessionDelivery) {
        let set = this.perSessionScopes.get(scope);
        if (!set) this.perSessionScopes.set(scope, (set = new Set()));
        set.add(s);
      } else if (ws) ws.subscribe(`${s.codec.encoding}:${scope}`);
    }
  }
}
