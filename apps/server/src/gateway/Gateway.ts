// The realtime gateway over uWebSockets.js, composed from one module per concern: SocketLifecycle
// (upgrade to close, timeouts), InboundFrameRouter (decode, limits, opcodes), IdentifyHandler
// (IDENTIFY and READY), ResumeHandler, PresenceUpdateHandler, GuildMemberRequestHandler,
// SubscriptionIndex (who receives what), SessionRegistry (session lifecycle) and FanOut (bus
// events to sockets, once per encoding). This file wires them and routes bus messages.
import { GatewayCloseCode, GatewayOpcode } from '@concord/protocol';
import type { Logger } from 'pino';
import type { TemplatedApp } from 'uWebSockets.js';
import type { BusMessage } from '../bus/EventBus.ts';
import type { SessionDirectory } from '../bus/SessionDirectory.ts';
import type { AuthService } from '../domain/AuthService.ts';
import type { DomainContext } from '../domain/DomainContext.ts';
import type { VoiceStateService } from '../domain/VoiceStateService.ts';
import { channelToAPI } from '../domain/serialize.ts';
import type { UwsGuard } from '../http/UwsGuard.ts';
import type { Metrics } from '../metrics.ts';
import { FanOut } from './FanOut.ts';
import { missingCase, type GatewaySession } from './GatewaySession.ts';
import { GuildMemberRequestHandler } from './GuildMemberRequestHandler.ts';
import { IdentifyHandler, type IdentifyOptions } from './IdentifyHandler.ts';
import { InboundFrameRouter } from './InboundFrameRouter.ts';
import { PresenceUpdateHandler } from './PresenceUpdateHandler.ts';
import { ReplayBuffer } from './ReplayBuffer.ts';
import { ResumeHandler } from './ResumeHandler.ts';
import { SessionRegistry } from './SessionRegistry.ts';
import { SessionStartLimiter, type SessionStartLimitReport } from './SessionStartLimiter.ts';
import { SocketLifecycle } from './SocketLifecycle.ts';
import { SocketWriter } from './SocketWriter.ts';
import { SubscriptionIndex } from './SubscriptionIndex.ts';
import { VoiceStateHandler } from './VoiceStateHandler.ts';

const SWEEP_INTERVAL_MS = 5_000;

export interface GatewayOptions extends IdentifyOptions {
  resumeWindowMs: number;
  replayBufferEvents: number;
  /** Sockets one address may hold open; further upgrades are refused with HTTP 429. */
  maxSocketsPerIp: number;
  /** A socket that has not IDENTIFYed (or RESUMEd) by then is closed with 4009. */
  identifyTimeoutMs?: number;
  /** Voice states (op 4); a session that ends for good leaves voice. */
  voiceStates: VoiceStateService;
  /** On a cluster bus: where sessions are recorded so any node can resume them, and this node's name. */
  cluster?: { directory: SessionDirectory; node: string; resumeCatchUpTimeoutMs: number } | undefined;
}

export class Gateway {
  private readonly replay: ReplayBuffer;
  private readonly writer: SocketWriter;
  private readonly subscriptions: SubscriptionIndex;
  private readonly registry: SessionRegistry;
  private readonly fanOut: FanOut;
  private readonly sockets: SocketLifecycle;
  private readonly frames: InboundFrameRouter;
  private readonly startLimiter = new SessionStartLimiter();
  private readonly memberRequests: GuildMemberRequestHandler;
  private readonly identifyTimeoutMs: number;
  private sweepTimer: ReturnType<typeof setInterval> | null = null;
  private unsubscribeBus: (() => void) | null = null;

  constructor(
    private readonly ctx: DomainContext,
    auth: AuthService,
    private readonly log: Logger,
    private readonly metrics: Metrics,
    private readonly guard: UwsGuard,
    private readonly options: GatewayOptions,
  ) {
    this.identifyTimeoutMs = options.identifyTimeoutMs ?? 20_000;
    const sequenced = ctx.bus.sequenced;
    const cluster = options.cluster ?? null;
    this.replay = new ReplayBuffer(options.replayBufferEvents, options.resumeWindowMs, sequenced);
    this.writer = new SocketWriter(metrics, log);
    this.subscriptions = new SubscriptionIndex(ctx.state);
    this.registry = new SessionRegistry(this.subscriptions, ctx.presence, metrics, (s) => options.voiceStates.sessionEnded(s.user.id, s.id), cluster);
    this.fanOut = new FanOut(this.writer, this.subscriptions, this.replay, metrics, sequenced);
    this.sockets = new SocketLifecycle(this.writer, this.registry, guard, metrics, { maxSocketsPerIp: options.maxSocketsPerIp, identifyTimeoutMs: this.identifyTimeoutMs });
    const identify = new IdentifyHandler(ctx, auth, this.writer, this.fanOut, this.registry, this.startLimiter, metrics, log, options);
    const resume = new ResumeHandler(
      auth,
      ctx.presence,
      this.writer,
      this.fanOut,
      this.registry,
      this.subscriptions,
      this.replay,
      metrics,
      log,
      cluster ? { bus: ctx.bus, directory: cluster.directory, node: cluster.node, catchUpTimeoutMs: cluster.resumeCatchUpTimeoutMs } : null,
    );
    const presence = new PresenceUpdateHandler(ctx.presence, this.writer);
    this.memberRequests = new GuildMemberRequestHandler(ctx, this.writer, this.fanOut);
    const voice = new VoiceStateHandler(options.voiceStates, this.writer, metrics, log);
    this.frames = new InboundFrameRouter(
      this.writer,
      {
        identify: (ws, d) => identify.identify(ws, d),
        resume: (ws, d) => resume.resume(ws, d),
        presenceUpdate: (ws, s, d) => presence.presenceUpdate(ws, s, d),
        requestGuildMembers: (ws, s, d) => this.memberRequests.requestGuildMembers(ws, s, d),
        voiceStateUpdate: (ws, s, d) => voice.voiceStateUpdate(ws, s, d),
      },
      metrics,
      log,
    );
  }

  /** Live and detached sessions by id. */
  get sessions(): ReadonlyMap<string, GatewaySession> {
    return this.registry.sessions;
  }

  attach(app: TemplatedApp): void {
    this.fanOut.attach(app);
    app.ws('/*', this.sockets.behavior(this.frames.onFrame));
    this.unsubscribeBus = this.ctx.bus.subscribe(this.guard.callback('gateway.bus', (m: BusMessage, position: number) => this.onBus(m, position)));
    this.sweepTimer = setInterval(this.guard.callback('gateway.sweep', () => this.sweep()), Math.min(SWEEP_INTERVAL_MS, Math.max(250, this.identifyTimeoutMs / 2)));
    this.sweepTimer.unref();
  }

  /** Tells every session to reconnect (op 7, as Discord does before a restart) and closes its socket. */
  shutdown(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.unsubscribeBus?.();
    for (const ws of this.sockets.openSockets()) {
      try {
        this.writer.send(ws, { op: GatewayOpcode.Reconnect, d: null, s: null, t: null });
        ws.end(1012, 'server restarting');
      } catch (e) {
        this.metrics.handlerErrors.inc({ where: 'gateway.shutdown' });
        this.log.debug({ err: e }, 'socket already closed at shutdown');
      }
    }
  }

  get connectedCount(): number {
    return this.sockets.openCount;
  }

  /** Gateway info for GET /gateway/bot. */
  sessionStartLimit(userId: string): SessionStartLimitReport {
    return this.startLimiter.report(userId, Date.now());
  }

  private onBus(m: BusMessage, position: number): void {
    switch (m.kind) {
      case 'dispatch':
        if (m.scope.startsWith('s:')) {
          const s = this.registry.get(m.scope.slice(2));
          if (s && s.state.status !== 'closed') this.fanOut.dispatchToSession(s, m.scope, m, position);
          else if (this.ctx.bus.sequenced) this.fanOut.rememberForSession(m.scope, m, position);
        } else this.fanOut.dispatchToScope(m.scope, m, position);
        return;
      case 'stateChange':
      case 'replica':
        // Applied by the StateReplicator and the replicating services, which read the bus before the gateway.
        return;
      case 'sessionMoved': {
        const s = this.registry.get(m.sessionId);
        if (!s || m.node === this.options.cluster?.node) return;
        const ws = s.ws;
        this.registry.release(s);
        if (ws) this.writer.close(ws, GatewayCloseCode.SessionTimedOut, 'Session resumed elsewhere.');
        return;
      }
      case 'access':
        for (const userId of m.userIds) this.refreshUserAccess(userId);
        return;
      case 'guildAccess': {
        const g = this.ctx.state.guilds.get(m.guildId);
        if (!g) return;
        for (const userId of g.members.keys()) if (this.subscriptions.hasSessions(userId)) this.refreshUserAccess(userId);
        return;
      }
      case 'disconnectUser':
        for (const s of [...this.subscriptions.sessionsOf(m.userId)]) {
          s.ws?.end(GatewayCloseCode.AuthenticationFailed, 'Authentication failed.');
          this.registry.destroy(s);
        }
        return;
      default:
        missingCase(m);
    }
  }

  /** Re-subscribes a user's sessions and announces channels they gained or lost (to u:<user>). */
  private refreshUserAccess(userId: string): void {
    for (const change of this.subscriptions.refreshUserAccess(userId)) this.fanOut.dispatchToScope(`u:${userId}`, { t: change.t, d: channelToAPI(change.channel) });
  }

  private sweep(): void {
    const now = Date.now();
    this.sockets.sweep(now);
    this.registry.expireDetached(now, this.options.resumeWindowMs);
    this.replay.expire(now);
    this.startLimiter.sweep(now);
    this.memberRequests.sweep(now);
  }
}
