// RESUME (op 6): a session that lost its socket (or a client that reconnected before noticing the
// drop) continues on a new socket and gets exactly the events it missed from the ReplayBuffer,
// then RESUMED. An unknown, foreign or too old session gets INVALID_SESSION.
import { GatewayCloseCode, GatewayOpcode, ResumeData } from '@concord/protocol';
import type { Logger } from 'pino';
import type { AuthService } from '../domain/AuthService.ts';
import type { PresenceService } from '../domain/PresenceService.ts';
import type { Metrics } from '../metrics.ts';
import type { FanOut } from './FanOut.ts';
import { AUTHENTICATING_PHASE, HELLO_PHASE, isClosed, type GatewaySocket } from './GatewaySocket.ts';
import type { ReplayBuffer } from './ReplayBuffer.ts';
import type { SessionRegistry } from './SessionRegistry.ts';
import type { SocketWriter } from './SocketWriter.ts';
import type { SubscriptionIndex } from './SubscriptionIndex.ts';

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
      .then((user) => {
        if (isClosed(ud)) return;
        ud.phase = HELLO_PHASE;
        if (!user) {
          this.writer.close(ws, GatewayCloseCode.AuthenticationFailed, 'Authentication failed.');
          return;
        }
        const s = this.registry.get(session_id);
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
        if (previous) this.writer.close(previous, GatewayCloseCode.SessionTimedOut, 'Session resumed elsewhere.');
        // Replay and live events cannot interleave: this runs in one turn of the event loop.
        this.fanOut.replayTo(s, events);
        this.subscriptions.subscribeSocket(s);
        this.fanOut.sendDirect(s, 'RESUMED', { _trace: ['concord-gateway'] });
        this.metrics.resumes.inc({ outcome: 'resumed' });
        this.presence.setSession(user.id, s.id, { status: 'online', activities: [], client: s.client });
      })
      .catch((e: unknown) => {
        this.metrics.handlerErrors.inc({ where: 'gateway.resume' });
        this.log.error({ err: e }, 'resume failed');
        if (!isClosed(ud)) this.writer.close(ws, GatewayCloseCode.UnknownError, 'Unknown error.');
      });
  }
}
