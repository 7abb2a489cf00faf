// The realtime gateway: HELLO/IDENTIFY/RESUME/heartbeats over uWebSockets.js, and fan-out.
//
// Fan-out: every dispatch gets one process-wide sequence number and is encoded once per encoding,
// then published to the uWS topic `<encoding>:<scope>`; uWS writes the same bytes to every
// subscriber. Sessions that need per-recipient frames (bots with intents or MESSAGE_CONTENT
// filtering, zlib-stream compression) are kept in our own scope map instead and served one by one.
// Recent dispatches stay in a ReplayBuffer so RESUME replays exactly what a session missed.
import {
  EVENT_INTENT,
  GATEWAY_MAX_INBOUND_BYTES,
  GATEWAY_RATE_LIMIT,
  GATEWAY_VERSIONS,
  GatewayCloseCode,
  GatewayIntents,
  GatewayOpcode,
  HEARTBEAT_INTERVAL_MS,
  IdentifyData,
  PRIVILEGED_INTENTS,
  ALL_INTENTS,
  PermissionFlags,
  PresenceUpdateData,
  publicActivities,
  RequestGuildMembersData,
  ResumeData,
  VoiceStateUpdateData,
  codecFor,
  jsonCodec,
  binaryCodec,
  type DispatchEventName,
  type GatewayCodec,
  type GatewayPayload,
  type ReadyPayload,
  type APIMessage,
} from '@concord/protocol';
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { TemplatedApp, WebSocketBehavior, HttpResponse, HttpRequest, us_socket_context_t } from 'uWebSockets.js';
import type { BusMessage } from '../bus/EventBus.ts';
import type { AuthService } from '../domain/AuthService.ts';
import type { DomainContext } from '../domain/DomainContext.ts';
import { relationshipsToAPI } from '../domain/RelationshipService.ts';
import { LARGE_GUILD_THRESHOLD, channelToAPI, gatewayGuildFor, memberToAPI, privateChannelFor, selfUserToAPI } from '../domain/serialize.ts';
import type { UwsGuard } from '../http/UwsGuard.ts';
import type { Metrics } from '../metrics.ts';
import type { UserRecord } from '../store/records.ts';
import { GatewaySession, type GatewaySocket, type SocketData } from './GatewaySession.ts';
import { ReplayBuffer } from './ReplayBuffer.ts';
import { ZlibStream } from './ZlibStream.ts';

const HEARTBEAT_GRACE_MS = 15_000;
const SWEEP_INTERVAL_MS = 5_000;
const CODECS = [jsonCodec, binaryCodec] as const;
const decoder = new TextDecoder();
/** IDENTIFYs per user, as GET /gateway/bot reports them in session_start_limit (Discord's 1000 a day). */
export const SESSION_START_LIMIT = { total: 1000, windowMs: 86_400_000 } as const;
/** A full member list (query "", no user_ids) of one guild per session, at most once in this window. */
const FULL_MEMBER_LIST_INTERVAL_MS = 30_000;

const SESSION_ENDING_CODES: ReadonlySet<number> = new Set([4003, 4004, 4007, 4009, 4010, 4011, 4012, 4013, 4014]);
const MESSAGE_EVENTS = new Set<string>(['MESSAGE_CREATE', 'MESSAGE_UPDATE', 'MESSAGE_DELETE', 'MESSAGE_DELETE_BULK']);
const REACTION_EVENTS = new Set<string>(['MESSAGE_REACTION_ADD', 'MESSAGE_REACTION_REMOVE', 'MESSAGE_REACTION_REMOVE_ALL', 'MESSAGE_REACTION_REMOVE_EMOJI']);

export interface GatewayOptions {
  resumeWindowMs: number;
  replayBufferEvents: number;
  publicWsUrl: string | null;
  /** Sockets one address may hold open; further upgrades are refused with HTTP 429. */
  maxSocketsPerIp: number;
  /** A socket that has not IDENTIFYed (or RESUMEd) by then is closed with 4009. */
  identifyTimeoutMs?: number;
  /** Whether a bot user may use privileged intents (filled in by the applications module). */
  privilegedIntentsAllowed?: (user: UserRecord) => number;
  /** Extra READY fields for bots (the application object). */
  readyExtras?: (user: UserRecord) => Record<string, unknown>;
}


const HELLO: GatewayPayload = { op: GatewayOpcode.Hello, d: { heartbeat_interval: HEARTBEAT_INTERVAL_MS, _trace: ['concord-gateway'] }, s: null, t: null };
const helloFrames = new Map<GatewayCodec, { frame: string | Uint8Array; raw: Buffer; deflated: Buffer }>();

/** HELLO is the same for every socket of an encoding: encoded (and compressed as a zlib stream's start) once. */
function helloFor(codec: GatewayCodec): { frame: string | Uint8Array; raw: Buffer; deflated: Buffer } {
  let hello = helloFrames.get(codec);
  if (!hello) {
    const frame = codec.encode(HELLO);
    const raw = Buffer.from(frame);
    hello = { frame, raw, deflated: ZlibStream.start(raw) };
    helloFrames.set(codec, hello);
  }
  return hello;
}

export class Gateway {
  private seq = 0;
  private readonly replay: ReplayBuffer;
  private app: TemplatedApp | null = null;
  readonly sessions = new Map<string, GatewaySession>();
  private readonly userSessions = new Map<string, Set<GatewaySession>>();
  /** Unsharded scopes per user with sessions: the reference for CHANNEL_CREATE/DELETE on access changes. */
  private readonly userAccess = new Map<string, Set<string>>();
  private readonly perSessionScopes = new Map<string, Set<GatewaySession>>();
  private readonly sockets = new Set<GatewaySocket>();
  /** Fixed-window IDENTIFY counts per user, the limit that GET /gateway/bot reports. */
  private readonly identifyWindows = new Map<string, { startedAtMs: number; count: number }>();
  private readonly socketsPerIp = new Map<string, number>();
  /** Last full member list request per session and guild (`<session>:<guild>`), for the op 8 rate limit. */
  private readonly fullMemberListAt = new Map<string, number>();
  private readonly identifyTimeoutMs: number;
  private sweepTimer: ReturnType<typeof setInterval> | null = null;
  private unsubscribeBus: (() => void) | null = null;

  constructor(
    private readonly ctx: DomainContext,
    private readonly auth: AuthService,
    private readonly log: Logger,
    private readonly metrics: Metrics,
    private readonly guard: UwsGuard,
    private readonly options: GatewayOptions,
  ) {
    this.replay = new ReplayBuffer(options.replayBufferEvents, options.resumeWindowMs);
    this.identifyTimeoutMs = options.identifyTimeoutMs ?? 20_000;
  }

  attach(app: TemplatedApp): void {
    this.app = app;
    app.ws<SocketData>('/*', this.behavior());
    this.unsubscribeBus = this.ctx.bus.subscribe(this.guard.callback('gateway.bus', (m: BusMessage) => this.onBus(m)));
    this.sweepTimer = setInterval(this.guard.callback('gateway.sweep', () => this.sweep()), Math.min(SWEEP_INTERVAL_MS, Math.max(250, this.identifyTimeoutMs / 2)));
    this.sweepTimer.unref();
  }

  /** Tells every session to reconnect (op 7, as Discord does before a restart) and closes its socket. */
  shutdown(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.unsubscribeBus?.();
    for (const ws of [...this.sockets]) {
      try {
        this.sendOnSocket(ws, { op: GatewayOpcode.Reconnect, d: null, s: null, t: null });
        ws.end(1012, 'server restarting');
      } catch (e) {
        this.metrics.handlerErrors.inc({ where: 'gateway.shutdown' });
        this.log.debug({ err: e }, 'socket already closed at shutdown');
      }
    }
  }

  get connectedCount(): number {
    return this.sockets.size;
  }

  // ---------------------------------------------------------------- fan-out

  private onBus(m: BusMessage): void {
    switch (m.kind) {
      case 'dispatch':
        this.dispatchScoped(m.scope, m.t, m.d);
        return;
      case 'access':
        for (const userId of m.userIds) this.refreshUserAccess(userId);
        return;
      case 'guildAccess': {
        const g = this.ctx.state.guilds.get(m.guildId);
        if (!g) return;
        for (const userId of g.members.keys()) if (this.userSessions.has(userId)) this.refreshUserAccess(userId);
        return;
      }
      case 'disconnectUser':
        for (const s of [...(this.userSessions.get(m.userId) ?? [])]) {
          s.ws?.end(GatewayCloseCode.AuthenticationFailed, 'Authentication failed.');
          this.destroySession(s);
        }
        return;
      default: {
        const never: never = m;
        throw new Error(`unhandled bus message ${JSON.stringify(never)}`);
      }
    }
  }

  /** Publishes one event to a scope: encoded once per encoding in use, shared by all recipients. */
  private dispatchScoped(scope: string, t: DispatchEventName, d: unknown): void {
    const app = this.app;
    if (!app) return;
    const seq = ++this.seq;
    // Every encoding encodes the event before anyone gets it: an event one encoding cannot carry
    // (too deep for the binary codec, a BigInt for JSON) is dropped for everyone and never enters
    // the replay buffer, so no recipient or RESUME sees what another could not.
    const frames: (string | Uint8Array)[] = [];
    for (const codec of CODECS) {
      const frame = this.tryEncode(codec, { op: 0, t, d, s: seq });
      if (frame === null) return;
      frames.push(frame);
    }
    this.replay.push({ seq, scope, t, d, atMs: Date.now() });
    this.metrics.eventsDispatched.inc({ event: t });
    let delivered = 0;
    for (const [i, codec] of CODECS.entries()) {
      const topic = `${codec.encoding}:${scope}`;
      const n = app.numSubscribers(topic);
      if (n === 0) continue;
      app.publish(topic, frames[i]!, codec.binaryFrames);
      delivered += n;
    }
    const perSession = this.perSessionScopes.get(scope);
    if (perSession) for (const s of perSession) if (this.sendFiltered(s, seq, t, d)) delivered++;
    if (delivered > 0) this.metrics.deliveries.inc(delivered);
  }

  /** Encodes one payload, or counts and logs the failure and returns null (codecs throw on what they cannot carry). */
  private tryEncode(codec: GatewayCodec, payload: GatewayPayload): string | Uint8Array | null {
    try {
      return codec.encode(payload);
    } catch (e) {
      const event = payload.t ?? `op${payload.op}`;
      this.metrics.encodeErrors.inc({ encoding: codec.encoding, event });
      this.log.error({ err: e, encoding: codec.encoding, event }, 'gateway event could not be encoded; dropped');
      return null;
    }
  }

  /** Intents, shard and MESSAGE_CONTENT rules for sessions served one by one. Returns whether sent. */
  private sendFiltered(s: GatewaySession, seq: number, t: DispatchEventName, d: unknown): boolean {
    if (!s.ws) return false;
    const data = d as { guild_id?: string; author?: { id?: string }; mentions?: { id: string }[] } | null;
    const guildId = data && typeof data === 'object' ? data.guild_id : undefined;
    if (guildId && !s.inShard(guildId)) return false;
    let out = d;
    if (s.intents !== null) {
      const intents = s.intents;
      let needed = EVENT_INTENT[t];
      if (MESSAGE_EVENTS.has(t)) needed = guildId ? GatewayIntents.GUILD_MESSAGES : GatewayIntents.DIRECT_MESSAGES;
      else if (REACTION_EVENTS.has(t)) needed = guildId ? GatewayIntents.GUILD_MESSAGE_REACTIONS : GatewayIntents.DIRECT_MESSAGE_REACTIONS;
      else if (t === 'TYPING_START') needed = guildId ? GatewayIntents.GUILD_MESSAGE_TYPING : GatewayIntents.DIRECT_MESSAGE_TYPING;
      if (needed !== undefined && (intents & needed) === 0) return false;
      if ((t === 'MESSAGE_CREATE' || t === 'MESSAGE_UPDATE') && (intents & GatewayIntents.MESSAGE_CONTENT) === 0 && guildId && data) {
        const mentioned = data.author?.id === s.user.id || (data.mentions ?? []).some((u) => u.id === s.user.id);
        if (!mentioned) out = { ...(d as APIMessage), content: '', embeds: [], attachments: [], components: [] };
      }
    }
    this.sendPayload(s, { op: 0, t, d: out, s: seq });
    return true;
  }

  /** Sends one payload to one session's socket (direct events, READY, replays). */
  private sendPayload(s: GatewaySession, payload: GatewayPayload): void {
    const ws = s.ws;
    if (!ws) return;
    this.sendOnSocket(ws, payload);
  }

  private sendOnSocket(ws: GatewaySocket, payload: GatewayPayload): void {
    const ud = ws.getUserData();
    if (ud.closed) return;
    const frame = this.tryEncode(ud.codec, payload);
    if (frame === null) return;
    if (ud.compress) {
      ws.send(this.zlibStreamFor(ud).compress(typeof frame === 'string' ? Buffer.from(frame) : frame), true);
      return;
    }
    ws.send(frame, ud.codec.binaryFrames);
  }

  /**
   * The socket's zlib stream, made on its first frame after HELLO: a socket that never sends
   * anything costs no compression state. HELLO went out as the precomputed start of a stream.
   */
  private zlibStreamFor(ud: SocketData): ZlibStream {
    ud.deflate ??= ZlibStream.continueAfter(helloFor(ud.codec).raw);
    return ud.deflate;
  }

  private nextSeq(): number {
    return ++this.seq;
  }

  private sendDirect(s: GatewaySession, t: DispatchEventName, d: unknown): void {
    this.sendPayload(s, { op: 0, t, d, s: this.nextSeq() });
  }

  // ---------------------------------------------------------------- access and subscriptions

  private computeAccess(userId: string): Set<string> {
    const out = new Set<string>([`u:${userId}`]);
    const state = this.ctx.state;
    for (const guildId of state.userGuilds.get(userId) ?? []) {
      const g = state.guilds.get(guildId);
      if (!g) continue;
      out.add(`g:${guildId}`);
      out.add(`p:${guildId}`);
      for (const c of g.channels.values()) {
        if ((g.channelPermissions(c, userId) & PermissionFlags.VIEW_CHANNEL) !== 0n) out.add(`c:${c.id}`);
      }
    }
    for (const channelId of state.userPrivateChannels.get(userId) ?? []) out.add(`c:${channelId}`);
    return out;
  }

  private scopesFor(s: GatewaySession, access: Set<string>): Set<string> {
    const wantsAllPresences = s.intents !== null && (s.intents & GatewayIntents.GUILD_PRESENCES) !== 0;
    const out = new Set<string>();
    for (const scope of access) {
      if (scope.startsWith('p:')) {
        const guildId = scope.slice(2);
        const size = this.ctx.state.guilds.get(guildId)?.members.size ?? 0;
        if ((size <= LARGE_GUILD_THRESHOLD || wantsAllPresences) && s.inShard(guildId)) out.add(scope);
      } else if (!s.shard) out.add(scope);
      else if (scope.startsWith('g:')) {
        if (s.inShard(scope.slice(2))) out.add(scope);
      } else if (scope.startsWith('c:')) {
        const c = this.ctx.state.channels.get(scope.slice(2));
        if (c?.guild_id ? s.inShard(c.guild_id) : s.receivesPrivate) out.add(scope);
      } else out.add(scope);
    }
    return out;
  }

  private applyScopes(s: GatewaySession, desired: Set<string>): void {
    const ws = s.ws;
    for (const scope of [...s.scopes]) {
      if (desired.has(scope)) continue;
      s.scopes.delete(scope);
      if (s.perSessionDelivery) this.perSessionScopes.get(scope)?.delete(s);
      else if (ws) ws.unsubscribe(`${s.codec.encoding}:${scope}`);
    }
    for (const scope of desired) {
      if (s.scopes.has(scope)) continue;
      s.scopes.add(scope);
      if (s.perSessionDelivery) {
        let set = this.perSessionScopes.get(scope);
        if (!set) this.perSessionScopes.set(scope, (set = new Set()));
        set.add(s);
      } else if (ws) ws.subscribe(`${s.codec.encoding}:${scope}`);
    }
  }

  /** Re-subscribes a socket that took over a session (RESUME) to all of the session's scopes. */
  private subscribeAll(s: GatewaySession): void {
    if (s.perSessionDelivery) return; // kept in perSessionScopes across sockets
    const ws = s.ws;
    if (!ws) return;
    for (const scope of s.scopes) ws.subscribe(`${s.codec.encoding}:${scope}`);
  }

  /**
   * Recomputes what a user may receive. Channels that appear in a guild the user already had are
   * announced with CHANNEL_CREATE, channels that disappear with CHANNEL_DELETE (to u:<user>).
   */
  private refreshUserAccess(userId: string): void {
    const sessions = this.userSessions.get(userId);
    if (!sessions || sessions.size === 0) return;
    const before = this.userAccess.get(userId) ?? new Set<string>();
    const after = this.computeAccess(userId);
    this.userAccess.set(userId, after);
    for (const s of sessions) this.applyScopes(s, this.scopesFor(s, after));
    for (const scope of after) {
      if (!scope.startsWith('c:') || before.has(scope)) continue;
      const c = this.ctx.state.channels.get(scope.slice(2));
      if (c?.guild_id && before.has(`g:${c.guild_id}`)) this.dispatchScoped(`u:${userId}`, 'CHANNEL_CREATE', channelToAPI(c));
    }
    for (const scope of before) {
      if (!scope.startsWith('c:') || after.has(scope)) continue;
      const c = this.ctx.state.channels.get(scope.slice(2));
      if (c?.guild_id && after.has(`g:${c.guild_id}`)) this.dispatchScoped(`u:${userId}`, 'CHANNEL_DELETE', channelToAPI(c));
    }
  }

  // ---------------------------------------------------------------- socket lifecycle

  private behavior(): WebSocketBehavior<SocketData> {
    return {
      maxPayloadLength: 64 * 1024,
      idleTimeout: 0, // heartbeats are checked by sweep(); uWS would close without a code
      maxBackpressure: 8 * 1024 * 1024,
      // A receiver too slow to take frames is closed rather than silently skipped: it resumes and
      // the ReplayBuffer fills the gap, so nothing is lost.
      closeOnBackpressureLimit: 1,
      sendPingsAutomatically: false,
      // Every callback runs behind the guard: a throw closes that socket with 4000, never the process.
      upgrade: (res, req, context) => {
        let upgraded = false;
        let aborted = false;
        res.onAborted(() => (aborted = true));
        this.guard.run(
          'gateway.upgrade',
          () => (upgraded = this.upgrade(res, req, context)),
          () => {
            if (!upgraded && !aborted) res.cork(() => res.writeStatus('500 Internal Server Error').end());
          },
        );
      },
      open: (ws) => this.guard.run('gateway.open', () => this.onOpen(ws), () => this.close(ws, GatewayCloseCode.UnknownError, 'Unknown error.')),
      message: (ws, message, isBinary) => this.guard.run('gateway.message', () => this.onMessage(ws, message, isBinary), () => this.close(ws, GatewayCloseCode.UnknownError, 'Unknown error.')),
      drain: (ws) => this.guard.run('gateway.drain', () => undefined, () => this.close(ws, GatewayCloseCode.UnknownError, 'Unknown error.')),
      close: (ws, code) => this.guard.run('gateway.close', () => this.onClose(ws, code)),
    };
  }

  /** Returns whether the request was upgraded (false when it was answered with an HTTP error). */
  private upgrade(res: HttpResponse, req: HttpRequest, context: us_socket_context_t): boolean {
    const ip = decoder.decode(res.getRemoteAddressAsText());
    if ((this.socketsPerIp.get(ip) ?? 0) >= this.options.maxSocketsPerIp) {
      // Refused before any per-socket state exists (MAX_SOCKETS_PER_IP).
      this.metrics.refusedSockets.inc({ reason: 'per_ip' });
      res.cork(() => res.writeStatus('429 Too Many Requests').writeHeader('content-type', 'application/json').end('{"message":"You are being rate limited.","code":0}'));
      return false;
    }
    const query = new URLSearchParams(req.getQuery() ?? '');
    const host = req.getHeader('host');
    const key = req.getHeader('sec-websocket-key');
    const protocol = req.getHeader('sec-websocket-protocol');
    const extensions = req.getHeader('sec-websocket-extensions');
    const version = Number(query.get('v') ?? '9');
    const encoding = query.get('encoding') ?? 'json';
    const compress = query.get('compress');
    let rejectWith: SocketData['rejectWith'] = null;
    if (!GATEWAY_VERSIONS.has(version)) rejectWith = { code: GatewayCloseCode.InvalidApiVersion, reason: 'Invalid API version' };
    const codec = codecFor(encoding);
    if (!codec) rejectWith ??= { code: GatewayCloseCode.DecodeError, reason: `Unsupported encoding ${encoding}` };
    if (compress !== null && compress !== 'zlib-stream') rejectWith ??= { code: GatewayCloseCode.DecodeError, reason: `Unsupported compression ${compress}` };
    const data: SocketData = {
      codec: codec ?? jsonCodec,
      version,
      compress: compress === 'zlib-stream',
      host,
      ip,
      session: null,
      deflate: null,
      openedAtMs: Date.now(),
      lastHeartbeatAtMs: Date.now(),
      frameWindowStartMs: Date.now(),
      framesInWindow: 0,
      closed: false,
      rejectWith,
      identifying: false,
      counted: false,
    };
    res.upgrade(data, key, protocol, extensions, context);
    return true;
  }

  private onOpen(ws: GatewaySocket): void {
    const ud = ws.getUserData();
    this.socketsPerIp.set(ud.ip, (this.socketsPerIp.get(ud.ip) ?? 0) + 1);
    ud.counted = true;
    if (ud.rejectWith) {
      this.close(ws, ud.rejectWith.code, ud.rejectWith.reason);
      return;
    }
    this.sockets.add(ws);
    this.metrics.sessions.inc({ encoding: ud.codec.encoding });
    const hello = helloFor(ud.codec);
    if (ud.compress) ws.send(hello.deflated, true);
    else ws.send(hello.frame, ud.codec.binaryFrames);
  }

  private close(ws: GatewaySocket, code: number, reason: string): void {
    const ud = ws.getUserData();
    if (ud.closed) return;
    this.metrics.gatewayCloses.inc({ code: String(code) });
    ws.end(code, reason);
  }

  private onClose(ws: GatewaySocket, code: number): void {
    const ud = ws.getUserData();
    ud.closed = true;
    if (ud.counted) {
      ud.counted = false;
      const n = (this.socketsPerIp.get(ud.ip) ?? 1) - 1;
      if (n > 0) this.socketsPerIp.set(ud.ip, n);
      else this.socketsPerIp.delete(ud.ip);
    }
    if (this.sockets.delete(ws)) this.metrics.sessions.dec({ encoding: ud.codec.encoding });
    ud.deflate = null;
    const s = ud.session;
    if (!s || s.ws !== ws) return;
    // A clean close (1000/1001) or a fatal server close ends the session; drops (1006) and the
    // other codes leave it resumable for the resume window.
    if (code === 1000 || code === 1001 || SESSION_ENDING_CODES.has(code)) {
      this.destroySession(s);
      return;
    }
    s.setState({ status: 'detached', sinceMs: Date.now() });
    this.metrics.detachedSessions.inc();
    this.ctx.presence.removeSession(s.user.id, s.id);
  }

  private destroySession(s: GatewaySession): void {
    if (s.state.status === 'closed') return;
    if (s.state.status === 'detached') this.metrics.detachedSessions.dec();
    s.setState({ status: 'closed' });
    this.sessions.delete(s.id);
    const set = this.userSessions.get(s.user.id);
    set?.delete(s);
    if (set && set.size === 0) {
      this.userSessions.delete(s.user.id);
      this.userAccess.delete(s.user.id);
    }
    if (s.perSessionDelivery) for (const scope of s.scopes) this.perSessionScopes.get(scope)?.delete(s);
    s.scopes.clear();
    this.ctx.presence.removeSession(s.user.id, s.id);
  }

  private sweep(): void {
    const now = Date.now();
    for (const ws of this.sockets) {
      const ud = ws.getUserData();
      if (!ud.session && now - ud.openedAtMs > this.identifyTimeoutMs) this.close(ws, GatewayCloseCode.SessionTimedOut, 'Session timed out.');
      else if (ud.session && now - ud.lastHeartbeatAtMs > HEARTBEAT_INTERVAL_MS + HEARTBEAT_GRACE_MS) {
        this.close(ws, GatewayCloseCode.SessionTimedOut, 'Session timed out.');
      }
    }
    for (const s of this.sessions.values()) {
      if (s.state.status === 'detached' && now - s.state.sinceMs > this.options.resumeWindowMs) this.destroySession(s);
    }
    this.replay.expire(now);
    for (const [userId, w] of this.identifyWindows) if (now - w.startedAtMs >= SESSION_START_LIMIT.windowMs) this.identifyWindows.delete(userId);
    for (const [key, at] of this.fullMemberListAt) if (now - at >= FULL_MEMBER_LIST_INTERVAL_MS) this.fullMemberListAt.delete(key);
  }

  // ---------------------------------------------------------------- inbound frames

  private onMessage(ws: GatewaySocket, message: ArrayBuffer, isBinary: boolean): void {
    const ud = ws.getUserData();
    if (ud.closed) return;
    if (message.byteLength > GATEWAY_MAX_INBOUND_BYTES) {
      this.close(ws, GatewayCloseCode.DecodeError, 'Payload too large.');
      return;
    }
    const now = Date.now();
    if (now - ud.frameWindowStartMs > GATEWAY_RATE_LIMIT.windowMs) {
      ud.frameWindowStartMs = now;
      ud.framesInWindow = 0;
    }
    if (++ud.framesInWindow > GATEWAY_RATE_LIMIT.frames) {
      this.close(ws, GatewayCloseCode.RateLimited, 'You are being rate limited.');
      return;
    }
    // The ArrayBuffer is only valid during this call: decode it now (the codecs copy what they keep).
    const input = ud.codec.binaryFrames ? new Uint8Array(message) : isBinary ? new Uint8Array(message) : decoder.decode(message);
    const result = ud.codec.decode(input);
    if (!result.ok) {
      this.metrics.decodeErrors.inc();
      this.close(ws, GatewayCloseCode.DecodeError, 'Error while decoding payload.');
      return;
    }
    try {
      this.handlePayload(ws, result.payload);
    } catch (e) {
      this.metrics.handlerErrors.inc({ where: 'gateway.message' });
      this.log.error({ err: e, op: result.payload.op }, 'gateway handler failed');
      this.close(ws, GatewayCloseCode.UnknownError, 'Unknown error.');
    }
  }

  private handlePayload(ws: GatewaySocket, p: GatewayPayload): void {
    const ud = ws.getUserData();
    switch (p.op) {
      case GatewayOpcode.Heartbeat:
        ud.lastHeartbeatAtMs = Date.now();
        this.sendOnSocket(ws, { op: GatewayOpcode.HeartbeatAck, d: null, s: null, t: null });
        return;
      case GatewayOpcode.Identify:
        this.identify(ws, p.d);
        return;
      case GatewayOpcode.Resume:
        this.resume(ws, p.d);
        return;
      case GatewayOpcode.PresenceUpdate:
      case GatewayOpcode.VoiceStateUpdate:
      case GatewayOpcode.RequestGuildMembers: {
        const s = ud.session;
        if (!s) {
          this.close(ws, GatewayCloseCode.NotAuthenticated, 'Not authenticated.');
          return;
        }
        if (p.op === GatewayOpcode.PresenceUpdate) this.presenceUpdate(ws, s, p.d);
        else if (p.op === GatewayOpcode.RequestGuildMembers) this.requestGuildMembers(ws, s, p.d);
        else if (!VoiceStateUpdateData.safeParse(p.d).success) this.close(ws, GatewayCloseCode.DecodeError, 'Invalid voice state update.');
        // Voice connections arrive with the voice issue; a valid op 4 is accepted and ignored until then.
        return;
      }
      default:
        this.close(ws, GatewayCloseCode.UnknownOpcode, 'Unknown opcode.');
    }
  }

  private identify(ws: GatewaySocket, raw: unknown): void {
    const ud = ws.getUserData();
    if (ud.session || ud.identifying) {
      this.close(ws, GatewayCloseCode.AlreadyAuthenticated, 'Already authenticated.');
      return;
    }
    const parsed = IdentifyData.safeParse(raw);
    if (!parsed.success) {
      this.close(ws, GatewayCloseCode.DecodeError, 'Invalid identify payload.');
      return;
    }
    ud.identifying = true;
    const data = parsed.data;
    this.auth
      .authenticate(data.token, 'gateway')
      .then(async (user) => {
        if (ud.closed) return;
        if (!user) {
          this.close(ws, GatewayCloseCode.AuthenticationFailed, 'Authentication failed.');
          return;
        }
        if (!this.allowIdentify(user.id)) {
          this.sendOnSocket(ws, { op: GatewayOpcode.InvalidSession, d: false, s: null, t: null });
          ud.identifying = false;
          return;
        }
        let intents: number | null = data.intents ?? null;
        if (user.bot && intents === null) {
          this.close(ws, GatewayCloseCode.InvalidIntents, 'Invalid intent(s).');
          return;
        }
        if (intents !== null) {
          if ((intents & ~ALL_INTENTS) !== 0) {
            this.close(ws, GatewayCloseCode.InvalidIntents, 'Invalid intent(s).');
            return;
          }
          const allowed = user.bot ? (this.options.privilegedIntentsAllowed?.(user) ?? 0) : PRIVILEGED_INTENTS;
          if ((intents & PRIVILEGED_INTENTS & ~allowed) !== 0) {
            this.close(ws, GatewayCloseCode.DisallowedIntents, 'Disallowed intent(s).');
            return;
          }
          if (!user.bot) intents = null; // user clients get everything they can see
        }
        const shard = data.shard ?? null;
        if (shard && shard[0] >= shard[1]) {
          this.close(ws, GatewayCloseCode.InvalidShard, 'Invalid shard.');
          return;
        }
        const readStates = user.bot ? [] : await this.ctx.meta.getReadStates(user.id);
        if (ud.closed) return;
        this.startSession(ws, user, data, intents, shard, readStates);
      })
      .catch((e: unknown) => {
        this.metrics.handlerErrors.inc({ where: 'gateway.identify' });
        this.log.error({ err: e }, 'identify failed');
        if (!ud.closed) this.close(ws, GatewayCloseCode.UnknownError, 'Unknown error.');
      });
  }

  /** SESSION_START_LIMIT: IDENTIFYs per user per window (RESUMEs do not count), as GET /gateway/bot reports. */
  private allowIdentify(userId: string): boolean {
    const now = Date.now();
    let w = this.identifyWindows.get(userId);
    if (!w || now - w.startedAtMs >= SESSION_START_LIMIT.windowMs) this.identifyWindows.set(userId, (w = { startedAtMs: now, count: 0 }));
    if (w.count >= SESSION_START_LIMIT.total) return false;
    w.count++;
    return true;
  }

  private startSession(
    ws: GatewaySocket,
    user: UserRecord,
    data: import('@concord/protocol').z.infer<typeof IdentifyData>,
    intents: number | null,
    shard: readonly [number, number] | null,
    readStates: { channel_id: string; last_message_id: string | null; mention_count: number }[],
  ): void {
    const ud = ws.getUserData();
    const props = data.properties ?? {};
    const os = String(props['os'] ?? props['$os'] ?? '').toLowerCase();
    const browser = String(props['browser'] ?? props['$browser'] ?? '').toLowerCase();
    const client: GatewaySession['client'] = os === 'android' || os === 'ios' ? 'mobile' : browser.includes('desktop') || browser.includes('electron') || user.bot ? 'desktop' : 'web';
    const perSession = user.bot || ud.compress || intents !== null;
    const s = new GatewaySession(crypto.randomBytes(16).toString('hex'), user, ws, ud.codec, perSession, intents, shard, client);
    ud.session = s;
    ud.identifying = false;
    ud.lastHeartbeatAtMs = Date.now();
    this.sessions.set(s.id, s);
    let set = this.userSessions.get(user.id);
    if (!set) this.userSessions.set(user.id, (set = new Set()));
    set.add(s);
    let access = this.userAccess.get(user.id);
    if (!access) this.userAccess.set(user.id, (access = this.computeAccess(user.id)));
    this.applyScopes(s, this.scopesFor(s, access));

    const state = this.ctx.state;
    const presenceOf = (id: string) => this.ctx.presence.get(id);
    const guildIds = [...(state.userGuilds.get(user.id) ?? [])].filter((id) => s.inShard(id));
    const largeThreshold = data.large_threshold ?? 250;
    const ready: ReadyPayload = {
      v: ud.version,
      user: selfUserToAPI(user),
      guilds: user.bot
        ? guildIds.map((id) => ({ id, unavailable: true as const }))
        : guildIds.map((id) => gatewayGuildFor(state.guilds.get(id)!, user.id, state, presenceOf, largeThreshold)),
      private_channels: s.receivesPrivate
        ? [...(state.userPrivateChannels.get(user.id) ?? [])].map((id) => state.channels.get(id)).filter((c) => c !== undefined).map((c) => privateChannelFor(c, user.id, state))
        : [],
      read_state: { version: 1, partial: false, entries: readStates.map((r) => ({ id: r.channel_id, last_message_id: r.last_message_id, mention_count: r.mention_count })) },
      relationships: user.bot ? [] : relationshipsToAPI(state, user.id),
      presences: [],
      session_id: s.id,
      session_type: 'normal',
      resume_gateway_url: this.options.publicWsUrl ?? `ws://${ud.host}`,
      user_settings: {},
      _trace: ['concord-gateway'],
      ...(shard ? { shard: [shard[0], shard[1]] as [number, number] } : {}),
      ...(this.options.readyExtras?.(user) ?? {}),
    };
    this.sendDirect(s, 'READY', ready);
    if (user.bot) {
      for (const id of guildIds) this.sendDirect(s, 'GUILD_CREATE', gatewayGuildFor(state.guilds.get(id)!, user.id, state, presenceOf, largeThreshold));
    }
    const presence = data.presence;
    const status = presence?.status ?? 'online';
    this.ctx.presence.setSession(user.id, s.id, { status, activities: publicActivities(presence?.activities, user.bot), client });
  }

  private resume(ws: GatewaySocket, raw: unknown): void {
    const ud = ws.getUserData();
    if (ud.session || ud.identifying) {
      this.close(ws, GatewayCloseCode.AlreadyAuthenticated, 'Already authenticated.');
      return;
    }
    const parsed = ResumeData.safeParse(raw);
    if (!parsed.success) {
      this.close(ws, GatewayCloseCode.DecodeError, 'Invalid resume payload.');
      return;
    }
    ud.identifying = true;
    const { token, session_id, seq } = parsed.data;
    this.auth
      .authenticate(token, 'gateway')
      .then((user) => {
        if (ud.closed) return;
        ud.identifying = false;
        if (!user) {
          this.close(ws, GatewayCloseCode.AuthenticationFailed, 'Authentication failed.');
          return;
        }
        const s = this.sessions.get(session_id);
        if (!s || s.user.id !== user.id || s.state.status === 'closed' || s.codec !== ud.codec) {
          this.metrics.resumes.inc({ outcome: 'unknown_session' });
          this.sendOnSocket(ws, { op: GatewayOpcode.InvalidSession, d: false, s: null, t: null });
          return;
        }
        const events = this.replay.since(seq ?? 0, (scope) => s.scopes.has(scope));
        if (events === null) {
          this.metrics.resumes.inc({ outcome: 'too_old' });
          this.destroySession(s);
          this.sendOnSocket(ws, { op: GatewayOpcode.InvalidSession, d: false, s: null, t: null });
          return;
        }
        const previous = s.ws;
        if (previous) {
          // The old socket is replaced (a client that reconnected before noticing the drop).
          previous.getUserData().session = null;
          this.close(previous, GatewayCloseCode.SessionTimedOut, 'Session resumed elsewhere.');
        } else if (s.state.status === 'detached') this.metrics.detachedSessions.dec();
        s.setState({ status: 'attached', ws });
        ud.session = s;
        ud.lastHeartbeatAtMs = Date.now();
        // Replay and live events cannot interleave: this runs in one turn of the event loop.
        for (const e of events) {
          if (s.perSessionDelivery) this.sendFiltered(s, e.seq, e.t, e.d);
          else this.sendPayload(s, { op: 0, t: e.t, d: e.d, s: e.seq });
        }
        this.subscribeAll(s);
        this.sendDirect(s, 'RESUMED', { _trace: ['concord-gateway'] });
        this.metrics.resumes.inc({ outcome: 'resumed' });
        this.ctx.presence.setSession(user.id, s.id, { status: 'online', activities: [], client: s.client });
      })
      .catch((e: unknown) => {
        this.metrics.handlerErrors.inc({ where: 'gateway.resume' });
        this.log.error({ err: e }, 'resume failed');
        if (!ud.closed) this.close(ws, GatewayCloseCode.UnknownError, 'Unknown error.');
      });
  }

  private presenceUpdate(ws: GatewaySocket, s: GatewaySession, raw: unknown): void {
    const parsed = PresenceUpdateData.safeParse(raw);
    if (!parsed.success) {
      this.close(ws, GatewayCloseCode.DecodeError, 'Invalid presence update.');
      return;
    }
    this.ctx.presence.setSession(s.user.id, s.id, { status: parsed.data.status, activities: publicActivities(parsed.data.activities, s.user.bot), client: s.client });
  }

  private requestGuildMembers(ws: GatewaySocket, s: GatewaySession, raw: unknown): void {
    const parsed = RequestGuildMembersData.safeParse(raw);
    if (!parsed.success) {
      this.close(ws, GatewayCloseCode.DecodeError, 'Invalid request guild members payload.');
      return;
    }
    const req = parsed.data;
    const intents = s.intents;
    if (intents !== null && req.presences && (intents & GatewayIntents.GUILD_PRESENCES) === 0) {
      this.close(ws, GatewayCloseCode.DisallowedIntents, 'Disallowed intent(s).');
      return;
    }
    // One guild id or up to 100 (the schema's cap), each answered once however often it is repeated.
    const guildIds = [...new Set(Array.isArray(req.guild_id) ? req.guild_id : [req.guild_id])];
    const userIds = req.user_ids === undefined ? null : [...new Set(Array.isArray(req.user_ids) ? req.user_ids : [req.user_ids])];
    if (userIds === null && (req.query ?? '') === '' && intents !== null && (intents & GatewayIntents.GUILD_MEMBERS) === 0) {
      this.close(ws, GatewayCloseCode.DisallowedIntents, 'Disallowed intent(s).');
      return;
    }
    const fullList = userIds === null && (req.query ?? '') === '' && !(req.limit !== undefined && req.limit > 0);
    const now = Date.now();
    for (const guildId of guildIds) {
      const g = this.ctx.state.guilds.get(guildId);
      if (!g || !g.members.has(s.user.id)) continue;
      if (fullList) {
        // Whole member lists are the expensive request: one per guild per session per interval,
        // answered as Discord does with a RATE_LIMITED event that says when to retry.
        const key = `${s.id}:${guildId}`;
        const last = this.fullMemberListAt.get(key);
        if (last !== undefined && now - last < FULL_MEMBER_LIST_INTERVAL_MS) {
          const meta: Record<string, unknown> = { guild_id: guildId };
          if (req.nonce !== undefined) meta['nonce'] = req.nonce;
          this.sendDirect(s, 'RATE_LIMITED', { opcode: GatewayOpcode.RequestGuildMembers, retry_after: (last + FULL_MEMBER_LIST_INTERVAL_MS - now) / 1000, meta });
          continue;
        }
        this.fullMemberListAt.set(key, now);
      }
      const found: import('../store/records.ts').MemberRecord[] = [];
      const notFound: string[] = [];
      if (userIds) {
        for (const id of userIds.slice(0, 100)) {
          const m = g.members.get(id);
          if (m) found.push(m);
          else notFound.push(id);
        }
      } else {
        const q = (req.query ?? '').toLowerCase();
        const limit = req.limit && req.limit > 0 ? req.limit : q === '' ? Number.MAX_SAFE_INTEGER : 100;
        for (const m of g.members.values()) {
          if (found.length >= limit) break;
          const u = this.ctx.state.users.get(m.user_id);
          if (q === '' || u?.username.toLowerCase().startsWith(q) || m.nick?.toLowerCase().startsWith(q) || u?.global_name?.toLowerCase().startsWith(q)) found.push(m);
        }
      }
      const chunkCount = Math.max(1, Math.ceil(found.length / 1000));
      for (let i = 0; i < chunkCount; i++) {
        const members = found.slice(i * 1000, (i + 1) * 1000);
        const chunk: Record<string, unknown> = {
          guild_id: guildId,
          members: members.map((m) => memberToAPI(m, this.ctx.state.users.get(m.user_id))),
          chunk_index: i,
          chunk_count: chunkCount,
        };
        if (i === 0 && notFound.length > 0) chunk['not_found'] = notFound;
        if (req.presences) chunk['presences'] = members.map((m) => this.ctx.presence.get(m.user_id)).filter((p) => p !== null);
        if (req.nonce !== undefined) chunk['nonce'] = req.nonce;
        this.sendDirect(s, 'GUILD_MEMBERS_CHUNK', chunk);
      }
    }
  }

  /** Gateway info for GET /gateway/bot. */
  sessionStartLimit(userId: string): { total: number; remaining: number; reset_after: number; max_concurrency: number } {
    const now = Date.now();
    const w = this.identifyWindows.get(userId);
    const live = w && now - w.startedAtMs < SESSION_START_LIMIT.windowMs ? w : null;
    return {
      total: SESSION_START_LIMIT.total,
      remaining: SESSION_START_LIMIT.total - (live?.count ?? 0),
      reset_after: live ? live.startedAtMs + SESSION_START_LIMIT.windowMs - now : 0,
      // Concurrent IDENTIFYs are not limited; 1 is the value that asks clients for the least.
      max_concurrency: 1,
    };
  }
}

