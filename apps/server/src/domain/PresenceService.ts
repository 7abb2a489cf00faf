// Presence: each gateway session reports a status and activities; a user's presence is the most
// present of their sessions (online > dnd > idle > offline; invisible shows as offline), their
// activities the union of what the visible sessions report (as Discord merges a desktop app's game
// with a phone's custom status), and every change is dispatched as PRESENCE_UPDATE to the guilds
// the user is in.
// In a cluster every node knows every live session's presence, whichever node holds it: a node
// announces its own sessions' changes on the 'presence' replica topic (presenceReplica.ts), every
// other node applies them without dispatching (the node where the change happened dispatches it
// once), all of its sessions again when a node joins, and every node drops a dead node's sessions
// (the leader dispatches what that changes). Sessions are ordered by a stamp that travels with
// them, so the merged presence comes out the same on every node.
import type { APIActivity, APIPresence, PresenceStatus } from '@concord/protocol';
import type { ClusterNodes } from '../bus/ClusterNodes.ts';
import type { BusMessage, EventBus } from '../bus/EventBus.ts';
import type { DomainState } from './DomainState.ts';
import { parsePresenceReplica, setBodies, type PresenceClient, type PresenceReplicaBody, type ReplicatedSessionPresence } from './presenceReplica.ts';

interface SessionPresence {
  status: PresenceStatus;
  activities: APIActivity[];
  client: PresenceClient;
}

interface StoredSession extends SessionPresence {
  /** The node holding the session: only it may change or remove it (a resume elsewhere moves it). */
  node: string;
  /** When it was last set (a Lamport clock over milliseconds): among equally present sessions the one set last leads. */
  at: number;
}

/** What presence follows of the cluster's membership (null in one process). */
export type PresenceCluster = Pick<ClusterNodes, 'self' | 'isAlive' | 'isLeader' | 'onJoin' | 'onDown'>;

const RANK: Record<PresenceStatus, number> = { online: 4, dnd: 3, idle: 2, invisible: 1, offline: 0 };
/** client_status keys in one fixed order, so that an unchanged presence compares equal. */
const CLIENTS = ['desktop', 'mobile', 'web'] as const;
/** A custom status (type 4): one per user, whichever session set it. */
const CUSTOM_STATUS_TYPE = 4;
/** A stamp further ahead of this node's clock than this does not move the clock (a wrong clock elsewhere must not drag every later stamp along). */
const MAX_CLOCK_LEAD_MS = 60_000;
/** This process's node name in one process, where every session is its own. */
const LOCAL_NODE = 'local';
/** How long the presence of a session dropped with a dead node is kept for its resume on another node. */
const DROPPED_KEEP_MS = 10 * 60_000;
const DROPPED_MAX = 100_000;

export class PresenceService {
  private readonly sessions = new Map<string, Map<string, StoredSession>>();
  private readonly current = new Map<string, APIPresence>();
  private readonly self: string;
  private clock = 0;
  /** Sessions dropped with a dead node, by session id: a resume elsewhere gets back the status and activities it had. */
  private readonly dropped = new Map<string, { userId: string; entry: StoredSession; droppedAt: number }>();
  private readonly unsubscribers: (() => void)[] = [];
  /** Replica bodies applied, and dropped: malformed, or from a node that is not (or no longer) alive. */
  readonly replicaStats = { applied: 0, malformed: 0, fromDeadNode: 0 };

  constructor(
    private readonly state: DomainState,
    private readonly bus: EventBus,
    private readonly cluster: PresenceCluster | null = null,
  ) {
    this.self = cluster?.self ?? LOCAL_NODE;
    if (cluster) {
      this.unsubscribers.push(
        bus.subscribe((m) => this.onBus(m)),
        cluster.onJoin(() => this.announceOwnSessions()),
        cluster.onDown((node) => this.dropNode(node)),
      );
    }
  }

  close(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
  }

  /** The presence others see, or null when offline. */
  get(userId: string): APIPresence | null {
    return this.current.get(userId) ?? null;
  }

  onlineCount(): number {
    return this.current.size;
  }

  /** A session of this node reports its presence (IDENTIFY, op 3). */
  setSession(userId: string, sessionId: string, presence: SessionPresence, moved = false): void {
    const entry: StoredSession = { status: presence.status, activities: presence.activities, client: presence.client, node: this.self, at: this.stamp() };
    this.put(userId, sessionId, entry);
    const changed = this.recompute(userId);
    // The other nodes hear of it before the guilds do, as metadata changes go before their events.
    this.publish({ op: 'set', sessions: [toWire(userId, sessionId, entry)], ...(moved ? { moved: changed ? 'announced' : 'silent' } : {}) });
    if (changed) this.announce(userId, changed);
  }

  /**
   * A session resumed on this node keeps the presence it had (known here when it comes from another
   * node, or when it had not detached), now held by this node; a session whose presence went with
   * its detach comes back online.
   */
  resumeSession(userId: string, sessionId: string, client: PresenceClient): void {
    const known = this.sessions.get(userId)?.get(sessionId) ?? this.takeDropped(userId, sessionId);
    this.setSession(userId, sessionId, known ? { status: known.status, activities: known.activities, client } : { status: 'online', activities: [], client }, known !== undefined && known.node !== this.self);
  }

  /** A session of this node detached or ended. One another node has taken over is not this node's to remove. */
  removeSession(userId: string, sessionId: string): void {
    const map = this.sessions.get(userId);
    if (map?.get(sessionId)?.node !== this.self) return;
    this.delete(userId, map, sessionId);
    this.publish({ op: 'remove', sessions: [{ userId, sessionId }] });
    const changed = this.recompute(userId);
    if (changed) this.announce(userId, changed);
  }

  /** Re-announces a user's presence to one guild (after joining it). */
  announceTo(userId: string, guildId: string): void {
    const p = this.current.get(userId);
    if (p) this.bus.publish({ kind: 'dispatch', scope: `p:${guildId}`, t: 'PRESENCE_UPDATE', d: { ...p, guild_id: guildId } });
  }

  private onBus(m: BusMessage): void {
    // Own announcements come back through the log: applied already, when they were made.
    if (m.kind !== 'replica' || m.topic !== 'presence' || !this.cluster || m.origin === this.self) return;
    if (!this.cluster.isAlive(m.origin)) {
      this.replicaStats.fromDeadNode++;
      return;
    }
    const body = parsePresenceReplica(m.body);
    if (!body) {
      this.replicaStats.malformed++;
      return;
    }
    this.replicaStats.applied++;
    const touched = new Set<string>();
    if (body.op === 'set') {
      // A session moved to the sender from a node this one has already dropped: this node (if it
      // leads) told the guilds it went offline with that node, while the sender still had it and
      // saw no change ('silent'): the leader says it is back.
      const back = new Set<string>();
      for (const s of body.sessions) {
        if (body.moved === 'silent' && !this.sessions.get(s.userId)?.has(s.sessionId)) back.add(s.userId);
        if (this.applyRemoteSet(m.origin, s)) touched.add(s.userId);
      }
      const lead = this.cluster.isLeader();
      for (const userId of touched) {
        const changed = this.recompute(userId);
        if (changed && lead && back.has(userId)) this.announce(userId, changed);
      }
      return;
    } else {
      for (const { userId, sessionId } of body.sessions) {
        const map = this.sessions.get(userId);
        if (map?.get(sessionId)?.node !== m.origin) continue;
        this.delete(userId, map, sessionId);
        touched.add(userId);
      }
    }
    for (const userId of touched) this.recompute(userId);
  }

  /** False when the session is held by another node since a later stamp (it resumed there). */
  private applyRemoteSet(origin: string, s: ReplicatedSessionPresence): boolean {
    const existing = this.sessions.get(s.userId)?.get(s.sessionId);
    if (existing && existing.node !== origin && existing.at >= s.at) return false;
    if (s.at <= Date.now() + MAX_CLOCK_LEAD_MS) this.clock = Math.max(this.clock, s.at);
    this.put(s.userId, s.sessionId, { status: s.status, activities: s.activities, client: s.client, node: origin, at: s.at });
    return true;
  }

  /** A newcomer read only the log's tail: it learns this node's sessions from here. */
  private announceOwnSessions(): void {
    const own: ReplicatedSessionPresence[] = [];
    for (const [userId, map] of this.sessions) for (const [sessionId, s] of map) if (s.node === this.self) own.push(toWire(userId, sessionId, s));
    for (const body of setBodies(own)) this.publish(body);
  }

  /** A dead node's sessions go on every node; only the leader tells the guilds, so they hear it once. */
  private dropNode(node: string): void {
    const dispatch = this.cluster?.isLeader() ?? false;
    const touched: string[] = [];
    const now = Date.now();
    this.forgetDropped(now);
    for (const [userId, map] of this.sessions) {
      let any = false;
      for (const [sessionId, s] of map) {
        if (s.node !== node) continue;
        map.delete(sessionId);
        if (this.dropped.size < DROPPED_MAX) this.dropped.set(sessionId, { userId, entry: s, droppedAt: now });
        any = true;
      }
      if (!any) continue;
      if (map.size === 0) this.sessions.delete(userId);
      touched.push(userId);
    }
    for (const userId of touched) {
      const changed = this.recompute(userId);
      if (changed && dispatch) this.announce(userId, changed);
    }
  }

  private takeDropped(userId: string, sessionId: string): StoredSession | undefined {
    const d = this.dropped.get(sessionId);
    if (!d || d.userId !== userId) return undefined;
    this.dropped.delete(sessionId);
    return Date.now() - d.droppedAt <= DROPPED_KEEP_MS ? d.entry : undefined;
  }

  private forgetDropped(now: number): void {
    for (const [sessionId, d] of this.dropped) {
      if (now - d.droppedAt <= DROPPED_KEEP_MS) break;
      this.dropped.delete(sessionId);
    }
  }

  private stamp(): number {
    this.clock = Math.max(Date.now(), this.clock + 1);
    return this.clock;
  }

  private put(userId: string, sessionId: string, entry: StoredSession): void {
    let map = this.sessions.get(userId);
    if (!map) this.sessions.set(userId, (map = new Map<string, StoredSession>()));
    map.set(sessionId, entry);
  }

  private delete(userId: string, map: Map<string, StoredSession>, sessionId: string): void {
    map.delete(sessionId);
    if (map.size === 0) this.sessions.delete(userId);
  }

  private publish(body: PresenceReplicaBody): void {
    if (this.cluster) this.bus.publish({ kind: 'replica', origin: this.self, topic: 'presence', body });
  }

  /** Updates the user's merged presence; the new one when it changed (to dispatch or not), else null. */
  private recompute(userId: string): APIPresence | null {
    const map = this.sessions.get(userId);
    const visible = [...(map?.entries() ?? [])].filter(([, s]) => s.status !== 'invisible' && s.status !== 'offline');
    // Most present first; among equals the one set last (then node and session id: one order on every node).
    visible.sort(([ida, a], [idb, b]) => RANK[b.status] - RANK[a.status] || b.at - a.at || compare(a.node, b.node) || compare(ida, idb));
    const clientStatus: APIPresence['client_status'] = {};
    for (const client of CLIENTS) {
      const best = visible.find(([, s]) => s.client === client);
      if (best) clientStatus[client] = best[1].status;
    }
    const status: PresenceStatus = visible[0]?.[1].status ?? 'offline';
    const activities = mergeActivities(visible.map(([, s]) => s.activities));
    const previous = this.current.get(userId);
    if (previous && previous.status === status && JSON.stringify(previous.activities) === JSON.stringify(activities) && JSON.stringify(previous.client_status) === JSON.stringify(clientStatus)) return null;
    if (!previous && status === 'offline') return null;
    const presence: APIPresence = { user: { id: userId }, status, activities, client_status: clientStatus };
    if (status === 'offline') this.current.delete(userId);
    else this.current.set(userId, presence);
    return presence;
  }

  private announce(userId: string, presence: APIPresence): void {
    for (const guildId of this.state.userGuilds.get(userId) ?? []) {
      this.bus.publish({ kind: 'dispatch', scope: `p:${guildId}`, t: 'PRESENCE_UPDATE', d: { ...presence, guild_id: guildId } });
    }
  }
}

function toWire(userId: string, sessionId: string, s: StoredSession): ReplicatedSessionPresence {
  return { userId, sessionId, status: s.status, activities: s.activities, client: s.client, at: s.at };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The union of several sessions' activities, in the order given (the most present session's
 * first). One activity per application/name/type survives, and one custom status (type 4) at most,
 * as a user has one custom status however many clients set it.
 */
export function mergeActivities(lists: readonly (readonly APIActivity[])[]): APIActivity[] {
  const seen = new Set<string>();
  const merged: APIActivity[] = [];
  for (const list of lists) {
    for (const activity of list) {
      const key = activity.type === CUSTOM_STATUS_TYPE ? 'custom' : `${activity.application_id ?? ''}\u0000${activity.name}\u0000${activity.type}`;
      if (seen.has(key)) continue;
      seen.add(key);
      merged.push(activity);
    }
  }
  return merged;
}
