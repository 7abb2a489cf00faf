// The live and detached sessions of this process, by id, and what each state change means for the
// rest of the gateway: a detached session leaves presence and counts as detached until it resumes
// or expires; a closed one leaves every index. All of it happens in one place, the stateChange listener.
import type { PresenceService } from '../domain/PresenceService.ts';
import type { Metrics } from '../metrics.ts';
import { CLOSED_SESSION, GatewaySession, missingCase, type SessionState } from './GatewaySession.ts';
import type { SubscriptionIndex } from './SubscriptionIndex.ts';

type SessionParams = ConstructorParameters<typeof GatewaySession>;

export class SessionRegistry {
  readonly sessions = new Map<string, GatewaySession>();

  constructor(
    private readonly subscriptions: SubscriptionIndex,
    private readonly presence: PresenceService,
    private readonly metrics: Metrics,
    /** Told when a session ends for good (its voice states end with it). */
    private readonly onSessionClosed: (s: GatewaySession) => void = () => undefined,
  ) {}

  /** A session for a socket that just IDENTIFYed, registered and subscribed. */
  create(...params: [...Head<SessionParams>]): GatewaySession {
    const s = new GatewaySession(...params, this.onStateChange);
    this.sessions.set(s.id, s);
    this.subscriptions.add(s);
    return s;
  }

  get(id: string): GatewaySession | undefined {
    return this.sessions.get(id);
  }

  /** Ends a session for good (clean close, fatal close code, expired resume window, revoked token). */
  destroy(s: GatewaySession): void {
    if (s.state.status !== 'closed') s.setState(CLOSED_SESSION);
  }

  /** Ends the sessions whose resume window has passed. */
  expireDetached(nowMs: number, resumeWindowMs: number): void {
    for (const s of this.sessions.values()) {
      if (s.state.status === 'detached' && nowMs - s.state.sinceMs > resumeWindowMs) this.destroy(s);
    }
  }

  private readonly onStateChange = (s: GatewaySession, old: SessionState, next: SessionState): void => {
    if (old.status === 'detached' && next.status !== 'detached') this.metrics.detachedSessions.dec();
    switch (next.status) {
      case 'ready':
        return;
      case 'detached':
        if (old.status !== 'detached') this.metrics.detachedSessions.inc();
        this.presence.removeSession(s.user.id, s.id);
        return;
      case 'closed':
        this.sessions.delete(s.id);
        this.subscriptions.remove(s);
        this.presence.removeSession(s.user.id, s.id);
        this.onSessionClosed(s);
        return;
      default:
        missingCase(next);
    }
  };
}

/** A tuple without its last element (the listener the registry supplies). */
type Head<T extends readonly unknown[]> = T extends readonly [...infer H, unknown] ? H : never;
