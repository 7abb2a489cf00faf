// Presence: each gateway session reports a status and activities; a user's presence is the most
// present of their sessions (online > dnd > idle > offline; invisible shows as offline), their
// activities the union of what the visible sessions report (as Discord merges a desktop app's game
// with a phone's custom status), and every change is dispatched as PRESENCE_UPDATE to the guilds
// the user is in.
import type { APIActivity, APIPresence, PresenceStatus } from '@concord/protocol';
import type { EventBus } from '../bus/EventBus.ts';
import type { DomainState } from './DomainState.ts';

interface SessionPresence {
  status: PresenceStatus;
  activities: APIActivity[];
  client: 'desktop' | 'web' | 'mobile';
}

interface StoredSession extends SessionPresence {
  /** Increases with every update: among equally present sessions the one set last leads. */
  updatedSeq: number;
}

const RANK: Record<PresenceStatus, number> = { online: 4, dnd: 3, idle: 2, invisible: 1, offline: 0 };
/** client_status keys in one fixed order, so that an unchanged presence compares equal. */
const CLIENTS = ['desktop', 'mobile', 'web'] as const;
/** A custom status (type 4): one per user, whichever session set it. */
const CUSTOM_STATUS_TYPE = 4;
export class PresenceService {
  private readonly sessions = new Map<string, Map<string, StoredSession>>();
  private updateSeq = 0;
  private readonly current = new Map<string, APIPresence>();

  constructor(
    private readonly state: DomainState,
    private readonly bus: EventBus,
  ) {}

  /** The presence others see, or null when offline. */
  get(userId: string): APIPresence | null {
    return this.current.get(userId) ?? null;
  }

  onlineCount(): number {
    return this.current.size;
  }

  setSession(userId: string, sessionId: string, presence: SessionPresence): void {
    let map = this.sessions.get(userId);
    if (!map) this.sessions.set(userId, (map = new Map<string, StoredSession>()));
    map.set(sessionId, { ...presence, updatedSeq: ++this.updateSeq });
    this.recompute(userId);
  }

  removeSession(userId: string, sessionId: string): void {
    const map = this.sessions.get(userId);
    if (!map) return;
    map.delete(sessionId);
    if (map.size === 0) this.sessions.delete(userId);
    this.recompute(userId);
  }

  /** Re-announces a user's presence to one guild (after joining it). */
  announceTo(userId: string, guildId: string): void {
    const p = this.current.get(userId);
    if (p) this.bus.publish({ kind: 'dispatch', scope: `p:${guildId}`, t: 'PRESENCE_UPDATE', d: { ...p, guild_id: guildId } });
  }

  private recompute(userId: string): void {
    const map = this.sessions.get(userId);
    const visible = [...(map?.values() ?? [])].filter((s) => s.status !== 'invisible' && s.status !== 'offline');
    // Most present first; among equals the one updated last. client_status holds each platform's best.
    visible.sort((a, b) => RANK[b.status] - RANK[a.status] || b.updatedSeq - a.updatedSeq);
    const clientStatus: APIPresence['client_status'] = {};
    for (const client of CLIENTS) {
      const best = visible.find((s) => s.client === client);
      if (best) clientStatus[client] = best.status;
    }
    const status: PresenceStatus = visible[0]?.status ?? 'offline';
    const activities = mergeActivities(visible.map((s) => s.activities));
    const previous = this.current.get(userId);
    if (previous && previous.status === status && JSON.stringify(previous.activities) === JSON.stringify(activities) && JSON.stringify(previous.client_status) === JSON.stringify(clientStatus)) return;
    if (!previous && status === 'offline') return;
    const presence: APIPresence = { user: { id: userId }, status, activities, client_status: clientStatus };
    if (status === 'offline') this.current.delete(userId);
    else this.current.set(userId, presence);
    for (const guildId of this.state.userGuilds.get(userId) ?? []) {
      this.bus.publish({ kind: 'dispatch', scope: `p:${guildId}`, t: 'PRESENCE_UPDATE', d: { ...presence, guild_id: guildId } });
    }
  }
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
