// The live and detached sessions of this process, by id, and what each state change means for the
// rest of the gateway: a detached session leaves presence and counts as detached until it resumes
// or expires; a closed one leaves every index. All of it happens in one place, the stateChange listener.
import type { SessionDirectory } from '../bus/SessionDirectory.ts';
import type { PresenceService } from '../domain/PresenceService.ts';
import type { Metrics } from '../metrics.ts';
import { CLOSED_SESSION, GatewaySession, missingCase, type SessionState } from './GatewaySession.ts';
import type { SubscriptionIndex } from './SubscriptionIndex.ts';

type SessionParams = ConstructorParameters<typeof GatewaySession>;

/** A cluster's session directory and this node's name in it (null on one process). */
export interface SessionDirectoryLink {
  directory: SessionDirectory;
  node: string;
}

export class SessionRegistry {
  readonly sessions = new Map<string, GatewaySession>();
  /** Sessions being let go because they resumed on another node: they end here without ending. */
  private readonly movingAway = new Set<GatewaySession>();

  constructor(
    private readonly subscriptions: SubscriptionIndex,
    private readonly presence: PresenceService,
    private readonly metrics: Metrics,
    /** Told when a session ends for good (its voice states end with it). */
    private readonly onSessionClosed: (s: GatewaySession) => void = () => undefined,
    private readonly cluster: SessionDirectoryLink | null = null,
  ) {}

  /** A session for a socket that just IDENTIFYed (or RESUMEd a session of another node), registered and subscribed. */
  create(...params: [...Head<SessionParams>]): GatewaySession {
    const s = new GatewaySession(...params, this.onStateChange);
    this.sessions.set(s.id, s);
    this.subscriptions.add(s);
    this.publishRecord(s);
    return s;
  }

  /** A session that resumed on another node: gone from here, without leaving voice or the directory. */
  release(s: GatewaySession): void {
    this.movingAway.add(s);
    try {
      this.destroy(s);
    } finally {
      this.movingAway.delete(s);
    }
  }

  private publishRecord(s: GatewaySession): void {
    if (!this.cluster) return;
    this.cluster.directory.put({
      id: s.id,
      userId: s.user.id,
      encoding: s.codec.encoding,
      perSessionDelivery: s.perSessionDelivery,
      intents: s.intents,
      shard: s.shard ? [s.shard[0], s.shard[1]] : null,
      client: s.client,
      node: this.cluster.node,
    });
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
        // Written again so the record outlives the resume window from now (its TTL restarts).
        this.publishRecord(s);
        return;
      case 'closed':
        this.sessions.delete(s.id);
        this.subscriptions.remove(s);
        // A session moving away keeps its presence: the node it resumed on holds it now (no offline flicker).
        if (this.movingAway.has(s)) return;
        this.presence.removeSession(s.user.id, s.id);
        this.cluster?.directory.remove(s.id);
        this.onSessionClosed(s);
        return;
      default:
        missingCase(next);
    }
  };
}

/** A tuple without its last element (the listener the registry supplies). */
type Head<T extends readonly unknown[]> = T extends readonly [...infer H, unknown] ? H : never;
