// RESUME (op 6): a session that lost its socket (or a client that reconnected before noticing the
// drop) continues on a new socket and gets exactly the events it missed from the ReplayBuffer,
// then RESUMED. An unknown, foreign or too old session gets INVALID_SESSION. In a cluster a
// session of another node (or of a node that died) is taken over from the session directory: this
// node waits until its bus has caught up with the client's seq, then replays from its own buffer
// (every node buffers every event under the same numbers) and tells the old node to let go.
import { GatewayCloseCode, GatewayOpcode, ResumeData } from '@concord/protocol';
import type { Logger } from 'pino';
import type { EventBus } from '../bus/EventBus.ts';
import type { SessionDirectory } from '../bus/SessionDirectory.ts';
import type { UserRecord } from '../store/records.ts';
import type { AuthService } from '../domain/AuthService.ts';
import type { PresenceService } from '../domain/PresenceService.ts';
import type { Metrics } from '../metrics.ts';
import type { FanOut } from './FanOut.ts';
import type { GatewaySession } from './GatewaySession.ts';
import { AUTHENTICATING_PHASE, HELLO_PHASE, isClosed, type GatewaySocket } from './GatewaySocket.ts';
import type { ReplayBuffer } from './ReplayBuffer.ts';
import type { SessionRegistry } from './SessionRegistry.ts';
import type { SocketWriter } from './SocketWriter.ts';
import type { SubscriptionIndex } from './SubscriptionIndex.ts';

/** What a node needs to take over sessions of other nodes. */
export interface ResumeCluster {
  bus: EventBus;
  directory: SessionDirectory;
  node: string;
  /** How long a RESUME waits for this node's bus to reach the client's seq before INVALID_SESSION. */
  catchUpTimeoutMs: number;
}

export class ResumeHandler {
  constructor(
    private readonly auth: AuthService,
    private readonly presence: PresenceService,
    private readonly writer: SocketWriter,
    private readonly fanOut: FanOut,
    private readonly registry: SessionRegistry,
    private readonly subscriptions: SubscriptionIndex,
    private readonly replay: ReplayBuffer,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly cluster: ResumeCluster | null = null,
  ) {}

  resume(ws: GatewaySocket, raw: unknown): void {
    const ud = ws.getUserData();
    if (ud.phase.status !== 'hello') {
      this.writer.close(ws, GatewayCloseCode.AlreadyAuthenticated, 'Already authenticated.');
      return;
    }
    const parsed = ResumeData.safeParse(raw);
    if (!parsed.success) {
      this.writer.close(ws, GatewayCloseCode.DecodeError, 'Invalid resume payload.');
      return;
    }
    ud.phase = AUTHENTICATING_PHASE;
    const { token, session_id, seq } = parsed.data;
    this.auth
      .authenticate(token, 'gateway')
      .then(async (user) => {
        if (isClosed(ud)) return;
        if (!user) {
          ud.phase = HELLO_PHASE;
          this.writer.close(ws, GatewayCloseCode.AuthenticationFailed, 'Authentication failed.');
          return;
        }
        const local = this.registry.get(session_id);
        const takeOver = !local && this.cluster ? await this.sessionOfAnotherNode(this.cluster, session_id, user, ud.codec.encoding, seq ?? 0) : null;
        if (isClosed(ud)) return;
        ud.phase = HELLO_PHASE;
        // Made here, in the same turn as the replay below: no live event can come in between.
        const s = local ?? (takeOver ? this.registry.create(takeOver.id, user, ws, ud.codec, takeOver.perSessionDelivery, takeOver.intents, takeOver.shard, takeOver.client) : undefined);
        if (!s || s.user.id !== user.id || s.state.status === 'closed' || s.codec !== ud.codec) {
          this.metrics.resumes.inc({ outcome: 'unknown_session' });
          this.writer.send(ws, { op: GatewayOpcode.InvalidSession, d: false, s: null, t: null });
          return;
        }
        const ownScope = `s:${s.id}`;
        const events = this.replay.since(seq ?? 0, (scope) => s.scopes.has(scope) || scope === ownScope);
        if (events === null) {
          this.metrics.resumes.inc({ outcome: 'too_old' });
          this.registry.destroy(s);
          this.writer.send(ws, { op: GatewayOpcode.InvalidSession, d: false, s: null, t: null });
          return;
        }
        // The session moves to this socket before the old one (if any) is closed: the old socket's
        // close then finds the session elsewhere and leaves it alone.
        const previous = s.ws;
        s.setState({ status: 'ready', ws });
        ud.phase = { status: 'ready', session: s };
        ud.lastHeartbeatAtMs = Date.now();
        if (previous && previous !== ws) this.writer.close(previous, GatewayCloseCode.SessionTimedOut, 'Session resumed elsewhere.');
        // Replay and live events cannot interleave: this runs in one turn of the event loop.
        this.fanOut.replayTo(s, events);
        this.subscriptions.subscribeSocket(s);
        this.fanOut.sendDirect(s, 'RESUMED', { _trace: ['concord-gateway'] });
        this.metrics.resumes.inc({ outcome: takeOver ? 'resumed_from_other_node' : 'resumed' });
        // Presence first: the old node reads that this node holds the session before it lets it go,
        // so the session keeps one presence throughout (its status and activities, no offline between).
        this.presence.resumeSession(user.id, s.id, s.client);
        if (takeOver && this.cluster) this.cluster.bus.publish({ kind: 'sessionMoved', sessionId: s.id, node: this.cluster.node });
      })
      .catch((e: unknown) => {
        this.metrics.handlerErrors.inc({ where: 'gateway.resume' });
        this.log.error({ err: e }, 'resume failed');
        if (!isClosed(ud)) this.writer.close(ws, GatewayCloseCode.UnknownError, 'Unknown error.');
      });
  }

  /** The directory's record of a session this node does not hold, once this node's bus has reached `seq`; null when it cannot be resumed here. */
  private async sessionOfAnotherNode(cluster: ResumeCluster, sessionId: string, user: UserRecord, encoding: string, seq: number): Promise<Pick<GatewaySession, 'id' | 'perSessionDelivery' | 'intents' | 'shard' | 'client'> | null> {
    const record = await cluster.directory.get(sessionId);
    if (!record || record.userId !== user.id || record.encoding !== encoding) return null;
    if (!(await cluster.bus.caughtUpTo(seq, cluster.catchUpTimeoutMs))) return null;
    return record;
  }
}
