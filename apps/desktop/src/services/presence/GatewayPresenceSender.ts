// Sends the ActivityHub's list as op 3 PRESENCE_UPDATE on a gateway session: changes in one tick are
// coalesced into one update, and at most `limit.updates` go out per sliding `limit.windowMs` (the
// gateway allows 120 frames a minute per session and closes over more; heartbeats need their share).
// Only the newest list is ever sent. A fresh session (READY after a reconnect) gets it again.
import type { GatewayClient } from '@concord/client';
import type { ActivityHub } from './ActivityHub.ts';

export const PRESENCE_UPDATE_LIMIT = { updates: 100, windowMs: 60_000 } as const;

export interface PresenceSenderStats {
  sent: number;
  /** Updates that waited for the rate limit (a burst of changes). */
  throttled: number;
}

type PresenceGateway = Pick<GatewayClient, 'updatePresence' | 'state' | 'on' | 'off'>;

export class GatewayPresenceSender {
  private readonly sentAtMs: number[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private dirty = false;
  private readonly counters: PresenceSenderStats = { sent: 0, throttled: 0 };
  private unsubscribe: (() => void) | null = null;
  private readonly onReady = () => this.schedule();

  constructor(
    private readonly gateway: PresenceGateway,
    private readonly hub: ActivityHub,
    private readonly limit: { updates: number; windowMs: number } = PRESENCE_UPDATE_LIMIT,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.unsubscribe = this.hub.onChange(() => this.schedule());
    this.gateway.on('ready', this.onReady);
    this.schedule();
  }

  stop(): void {
    this.unsubscribe?.();
    this.gateway.off('ready', this.onReady);
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  stats(): PresenceSenderStats {
    return { ...this.counters };
  }

  private schedule(): void {
    this.dirty = true;
    // A timer is already pending: it will send the newest list.
    if (this.timer !== null) return;
    this.timer = setTimeout(() => this.flush(), 0);
  }

  private flush(): void {
    this.timer = null;
    if (!this.dirty || this.gateway.state.status !== 'ready') return; // READY schedules again
    const waitMs = this.waitMs();
    if (waitMs > 0) {
      this.counters.throttled++;
      this.timer = setTimeout(() => this.flush(), waitMs);
      return;
    }
    this.dirty = false;
    this.sentAtMs.push(this.now());
    this.counters.sent++;
    this.gateway.updatePresence({ status: 'online', activities: [...this.hub.activities()], since: null, afk: false });
  }

  private waitMs(): number {
    const now = this.now();
    while (this.sentAtMs.length > 0 && this.sentAtMs[0]! <= now - this.limit.windowMs) this.sentAtMs.shift();
    return this.sentAtMs.length < this.limit.updates ? 0 : this.sentAtMs[0]! + this.limit.windowMs - now;
  }
}
