// Sends the ActivityHub's list as op 3 PRESENCE_UPDATE on a gateway session, through a
// CoalescingThrottle (one update per tick of changes, at most 100 a minute: the gateway allows 120
// frames a minute per session and heartbeats need their share). Only the newest list is ever sent;
// a fresh session (READY after a reconnect) gets it again.
import type { GatewayClient } from '@concord/client';
import type { ActivityHub } from './ActivityHub.ts';
import { CoalescingThrottle, PRESENCE_UPDATE_LIMIT, type ThrottleStats } from './CoalescingThrottle.ts';

type PresenceGateway = Pick<GatewayClient, 'updatePresence' | 'state' | 'on' | 'off'>;

export class GatewayPresenceSender {
  private readonly throttle: CoalescingThrottle;
  private unsubscribe: (() => void) | null = null;
  private readonly onReady = () => this.throttle.schedule();

  constructor(
    private readonly gateway: PresenceGateway,
    private readonly hub: ActivityHub,
    limit: { updates: number; windowMs: number } = PRESENCE_UPDATE_LIMIT,
  ) {
    this.throttle = new CoalescingThrottle(
      () => this.gateway.updatePresence({ status: 'online', activities: [...this.hub.activities()], since: null, afk: false }),
      () => this.gateway.state.status === 'ready',
      limit,
    );
  }

  start(): void {
    this.unsubscribe = this.hub.onChange(() => this.throttle.schedule());
    this.gateway.on('ready', this.onReady);
    this.throttle.schedule();
  }

  stop(): void {
    this.unsubscribe?.();
    this.gateway.off('ready', this.onReady);
    this.throttle.stop();
  }

  stats(): ThrottleStats {
    return this.throttle.stats();
  }
}
