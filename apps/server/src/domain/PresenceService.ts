// Presence: each gateway session reports a status and activities; a user's presence is the most
// present of their sessions (online > dnd > idle > offline; invisible shows as offline) and every
// change is dispatched as PRESENCE_UPDATE to the guilds the user is in.
import type { APIActivity, APIPresence, PresenceStatus } from '@concord/protocol';
import type { EventBus } from '../bus/EventBus.ts';
import type { DomainState } from './DomainState.ts';

interface SessionPresence {
  status: PresenceStatus;
  activities: APIActivity[];
  client: 'desktop' | 'web' | 'mobile';
}

const RANK: Record<PresenceStatus, number> = { online: 4, dnd: 3, idle: 2, invisible: 1, offline: 0 };

export class PresenceService {
  private readonly sessions = new Map<string, Map<string, SessionPresence>>();
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
    if (!map) this.sessions.set(userId, (map = new Map<string, SessionPresence>()));
    map.set(sessionId, presence);
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
    let best: SessionPresence | null = null;
    const clientStatus: APIPresence['client_status'] = {};
    if (map) {
      for (const s of map.values()) {
        const visible: PresenceStatus = s.status === 'invisible' ? 'offline' : s.status;
        if (visible !== 'offline') clientStatus[s.client] = visible;
        if (!best || RANK[s.status] > RANK[best.status] || (RANK[s.status] === RANK[best.status] && s.activities.length > best.activities.length)) best = s;
      }
    }
    const status: PresenceStatus = !best || best.status === 'invisible' ? 'offline' : best.status;
    const activities = status === 'offline' ? [] : best?.activities ?? [];
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
