// The voice gateway: Discord's voice protocol v8 (JSON text frames) over TLS on its own uWS SSLApp
// port, as @discordjs/voice dials it (`wss://<endpoint>?v=8`). This file owns the wire: limits,
// decoding and validation of every frame, heartbeats, the op-0-first rule, resume replay and close
// codes. What an identify, a select protocol or a speaking op means is the handler's (LocalVoiceNode).
import {
  VOICE_GATEWAY_MAX_INBOUND_BYTES,
  VOICE_GATEWAY_VERSION,
  VoiceCloseCode,
  VoiceGatewayFrame,
  VoiceHeartbeatData,
  VoiceIdentifyData,
  VoiceMediaSinkWantsData,
  VoiceOpcode,
  VoiceResumeData,
  VoiceSelectProtocolData,
  VoiceSpeakingData,
  VoiceVideoData,
} from '@concord/protocol';
import type { Logger } from 'pino';
import uws, { type TemplatedApp, type us_listen_socket } from 'uWebSockets.js';
import { countInboundFrame } from '../../gateway/FrameRateLimit.ts';
import type { UwsGuard } from '../../http/UwsGuard.ts';
import { CLOSED_SESSION, type VoiceSession } from './VoiceSession.ts';
import { CLOSED_PHASE, OPEN_PHASE, type VoiceSocket, type VoiceSocketData } from './VoiceSocket.ts';

/** What the gateway asks of the node that owns the sessions. */
export interface VoiceGatewayHandler {
  /** A new session for a valid IDENTIFY, or the close code that refuses it. */
  identify(d: VoiceIdentifyData, ws: VoiceSocket): VoiceSession | VoiceCloseCode;
  /** The detached (or live) session a RESUME names, or the close code that refuses it. */
  resume(d: VoiceResumeData): VoiceSession | VoiceCloseCode;
  /** Called once the socket carries the session (after IDENTIFY: send READY; after RESUME: RESUMED was sent). */
  attached(session: VoiceSession, how: 'identify' | 'resume'): void;
  selectProtocol(session: VoiceSession, d: VoiceSelectProtocolData): VoiceCloseCode | null;
  speaking(session: VoiceSession, d: VoiceSpeakingData): void;
  /** Op 12: the client's video sources. */
  video(session: VoiceSession, d: VoiceVideoData): void;
  /** Op 15: what the client watches. */
  mediaSinkWants(session: VoiceSession, d: VoiceMediaSinkWantsData): void;
  /** The session is over (a fatal close, or the resume window passed); not called for closes the handler asked for. */
  ended(session: VoiceSession, code: number): void;
}

export interface VoiceGatewayOptions {
  host: string;
  port: number;
  certFile: string;
  keyFile: string;
  heartbeatIntervalMs?: number;
  /** A socket that sent neither IDENTIFY nor RESUME by then is closed with 4003. */
  identifyTimeoutMs?: number;
  /** How long a session whose socket dropped waits for a RESUME. */
  resumeWindowMs?: number;
  /** Inbound frames per socket per window; more closes with 4021. */
  rateLimit?: { frames: number; windowMs: number };
  maxSocketsPerIp?: number;
}

/** Discord's voice heartbeat interval. */
const DEFAULT_HEARTBEAT_INTERVAL_MS = 13_750;
const decoder = new TextDecoder();
const CLIENT_OPS: ReadonlySet<number> = new Set([VoiceOpcode.Identify, VoiceOpcode.SelectProtocol, VoiceOpcode.Heartbeat, VoiceOpcode.Speaking, VoiceOpcode.Resume, VoiceOpcode.Video, VoiceOpcode.MediaSinkWants]);

export interface VoiceGatewayStats {
  open: number;
  detached: number;
  closes: Record<string, number>;
}

export class VoiceGateway {
  private readonly sockets = new Set<VoiceSocket>();
  private readonly socketsPerIp = new Map<string, number>();
  private readonly detached = new Set<VoiceSession>();
  private readonly closeCounts: Record<string, number> = {};
  private readonly heartbeatIntervalMs: number;
  private readonly identifyTimeoutMs: number;
  private readonly resumeWindowMs: number;
  private readonly rateLimit: { frames: number; windowMs: number };
  private readonly maxSocketsPerIp: number;
  private app: TemplatedApp | null = null;
  private listenSocket: us_listen_socket | null = null;
  private sweepTimer: ReturnType<typeof setInterval> | null = null;
  private boundPort = 0;

  constructor(
    private readonly handler: VoiceGatewayHandler,
    private readonly options: VoiceGatewayOptions,
    private readonly guard: UwsGuard,
    private readonly log: Logger,
  ) {
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    this.identifyTimeoutMs = options.identifyTimeoutMs ?? 20_000;
    this.resumeWindowMs = options.resumeWindowMs ?? 60_000;
    this.rateLimit = options.rateLimit ?? { frames: 120, windowMs: 60_000 };
    this.maxSocketsPerIp = options.maxSocketsPerIp ?? 100;
  }

  /** The bound TLS port (after start). */
  get port(): number {
    return this.boundPort;
  }

  get heartbeatInterval(): number {
    return this.heartbeatIntervalMs;
  }

  stats(): VoiceGatewayStats {
    return { open: this.sockets.size, detached: this.detached.size, closes: { ...this.closeCounts } };
  }

  async start(): Promise<void> {
    const app = uws.SSLApp({ cert_file_name: this.options.certFile, key_file_name: this.options.keyFile });
    app.ws<VoiceSocketData>('/*', {
      maxPayloadLength: VOICE_GATEWAY_MAX_INBOUND_BYTES * 4, // larger frames are refused with our own code below
      idleTimeout: 0, // heartbeats are checked by sweep(), which closes with 4009
      maxBackpressure: 1024 * 1024,
      closeOnBackpressureLimit: 1,
      sendPingsAutomatically: false,
      upgrade: (res, req, context) => {
        let done = false;
        res.onAborted(() => (done = true));
        this.guard.run(
          'voice.upgrade',
          () => {
            const ip = decoder.decode(res.getRemoteAddressAsText());
            if ((this.socketsPerIp.get(ip) ?? 0) >= this.maxSocketsPerIp) {
              done = true;
              res.cork(() => res.writeStatus('429 Too Many Requests').end());
              return;
            }
            const now = Date.now();
            const data: VoiceSocketData = { ip, phase: OPEN_PHASE, openedAtMs: now, lastHeartbeatAtMs: now, frameWindowStartMs: now, framesInWindow: 0 };
            done = true;
            res.upgrade(data, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context);
          },
          () => {
            if (!done) res.cork(() => res.writeStatus('500 Internal Server Error').end());
          },
        );
      },
      open: (ws) => this.guard.run('voice.open', () => this.onOpen(ws), () => this.closeSocket(ws, 4000, 'Unknown error.')),
      message: (ws, message, isBinary) => this.guard.run('voice.message', () => this.onMessage(ws, message, isBinary), () => this.closeSocket(ws, 4000, 'Unknown error.')),
      close: (ws, code) => this.guard.run('voice.close', () => this.onClose(ws, code)),
    });
    this.listenSocket = await new Promise<us_listen_socket>((resolve, reject) => {
      app.listen(this.options.host, this.options.port, (socket) => (socket ? resolve(socket) : reject(new Error(`voice gateway cannot listen on ${this.options.host}:${this.options.port} (port in use? set VOICE_PORT, or VOICE=off)`))));
    });
    this.app = app;
    this.boundPort = uws.us_socket_local_port(this.listenSocket);
    const sweepMs = Math.max(100, Math.min(5_000, this.heartbeatIntervalMs / 2, this.identifyTimeoutMs / 2));
    this.sweepTimer = setInterval(this.guard.callback('voice.sweep', () => this.sweep(Date.now())), sweepMs);
    this.sweepTimer.unref();
  }

  /** Sends a text frame on a socket that is still open (a frame for a closed socket is dropped). */
  readonly sendText = (ws: VoiceSocket, text: string): void => {
    if (ws.getUserData().phase.status === 'closed') return;
    ws.send(text, false);
  };

  /**
   * Closes a session's socket (if any) with `code` and forgets the session; the handler is not
   * told (it asked). For revoke (4014) and replacement.
   */
  endSession(session: VoiceSession, code: number, reason: string): void {
    const ws = session.ws;
    session.setState(CLOSED_SESSION);
    this.detached.delete(session);
    if (ws) this.closeSocket(ws, code, reason, false);
  }

  /** Closes every socket (1001: clients resume against whoever serves the endpoint next) and stops listening. */
  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const ws of [...this.sockets]) this.closeSocket(ws, 1001, 'Voice server going away.', false);
    if (this.listenSocket) uws.us_listen_socket_close(this.listenSocket);
    this.listenSocket = null;
    if (this.app) closeUwsApp(this.app);
    this.app = null;
    await Promise.resolve();
  }

  private onOpen(ws: VoiceSocket): void {
    const ud = ws.getUserData();
    this.sockets.add(ws);
    this.socketsPerIp.set(ud.ip, (this.socketsPerIp.get(ud.ip) ?? 0) + 1);
    ws.send(JSON.stringify({ op: VoiceOpcode.Hello, d: { heartbeat_interval: this.heartbeatIntervalMs, v: VOICE_GATEWAY_VERSION } }), false);
  }

  /** uWS's message callback; the ArrayBuffer is only valid during this call. */
  private onMessage(ws: VoiceSocket, message: ArrayBuffer, isBinary: boolean): void {
    const ud = ws.getUserData();
    if (ud.phase.status === 'closed') return;
    if (message.byteLength > VOICE_GATEWAY_MAX_INBOUND_BYTES) return this.closeSocket(ws, VoiceCloseCode.DecodeError, 'Payload too large.');
    if (!countInboundFrame(ud, Date.now(), this.rateLimit)) return this.closeSocket(ws, VoiceCloseCode.RateLimited, 'You are being rate limited.');
    // Binary frames are DAVE (ops 21-31); we answer dave_protocol_version 0, so a client has none to send.
    if (isBinary) return this.closeSocket(ws, VoiceCloseCode.DecodeError, 'Binary frames are not negotiated.');
    let raw: unknown;
    try {
      raw = JSON.parse(decoder.decode(message));
    } catch {
      return this.closeSocket(ws, VoiceCloseCode.DecodeError, 'Error while decoding payload.');
    }
    const frame = VoiceGatewayFrame.safeParse(raw);
    if (!frame.success) return this.closeSocket(ws, VoiceCloseCode.DecodeError, 'Error while decoding payload.');
    this.route(ws, ud, frame.data.op, frame.data.d);
  }

  private route(ws: VoiceSocket, ud: VoiceSocketData, op: number, d: unknown): void {
    if (!CLIENT_OPS.has(op)) return this.closeSocket(ws, VoiceCloseCode.UnknownOpcode, 'Unknown opcode.');
    const phase = ud.phase;
    if (phase.status === 'closed') return;
    if (op === VoiceOpcode.Identify || op === VoiceOpcode.Resume) {
      if (phase.status === 'attached') return this.closeSocket(ws, VoiceCloseCode.AlreadyAuthenticated, 'Already authenticated.');
      if (op === VoiceOpcode.Identify) return this.identify(ws, d);
      return this.resume(ws, d);
    }
    if (phase.status !== 'attached') return this.closeSocket(ws, VoiceCloseCode.NotAuthenticated, 'Not authenticated.');
    const session = phase.session;
    switch (op) {
      case VoiceOpcode.Heartbeat: {
        const hb = VoiceHeartbeatData.safeParse(d);
        if (!hb.success) return this.closeSocket(ws, VoiceCloseCode.BadRequest, 'Invalid heartbeat.');
        ud.lastHeartbeatAtMs = Date.now();
        if (typeof hb.data === 'number') {
          ws.send(JSON.stringify({ op: VoiceOpcode.HeartbeatAck, d: hb.data }), false);
        } else {
          if (hb.data.seq_ack !== undefined) session.ack(hb.data.seq_ack);
          ws.send(JSON.stringify({ op: VoiceOpcode.HeartbeatAck, d: { t: hb.data.t } }), false);
        }
        return;
      }
      case VoiceOpcode.SelectProtocol: {
        const protocol = typeof d === 'object' && d !== null && 'protocol' in d ? d.protocol : undefined;
        // UDP (bots, native clients) or WebRTC (browsers: an SDP offer); an unknown protocol is 4012, not 4020.
        if (typeof protocol === 'string' && protocol !== 'udp' && protocol !== 'webrtc') return this.closeSocket(ws, VoiceCloseCode.UnknownProtocol, 'Unknown protocol.');
        const sp = VoiceSelectProtocolData.safeParse(d);
        if (!sp.success || (sp.data.protocol === 'udp' && typeof sp.data.data === 'string')) return this.closeSocket(ws, VoiceCloseCode.BadRequest, 'Invalid select protocol.');
        const refused = this.handler.selectProtocol(session, sp.data);
        if (refused !== null) this.closeSocket(ws, refused, refused === VoiceCloseCode.UnknownEncryptionMode ? 'Unknown encryption mode.' : 'Select protocol refused.');
        return;
      }
      case VoiceOpcode.Speaking: {
        const sp = VoiceSpeakingData.safeParse(d);
        if (!sp.success) return this.closeSocket(ws, VoiceCloseCode.BadRequest, 'Invalid speaking.');
        this.handler.speaking(session, sp.data);
        return;
      }
      case VoiceOpcode.Video: {
        const v = VoiceVideoData.safeParse(d);
        if (!v.success) return this.closeSocket(ws, VoiceCloseCode.BadRequest, 'Invalid video.');
        this.handler.video(session, v.data);
        return;
      }
      case VoiceOpcode.MediaSinkWants: {
        const w = VoiceMediaSinkWantsData.safeParse(d);
        if (!w.success) return this.closeSocket(ws, VoiceCloseCode.BadRequest, 'Invalid media sink wants.');
        this.handler.mediaSinkWants(session, w.data);
        return;
      }
      default:
        return this.closeSocket(ws, VoiceCloseCode.UnknownOpcode, 'Unknown opcode.');
    }
  }

  private identify(ws: VoiceSocket, d: unknown): void {
    const parsed = VoiceIdentifyData.safeParse(d);
    if (!parsed.success) return this.closeSocket(ws, VoiceCloseCode.BadRequest, 'Invalid identify.');
    const result = this.handler.identify(parsed.data, ws);
    if (typeof result === 'number') return this.closeSocket(ws, result, closeReason(result));
    this.attach(ws, result);
    this.handler.attached(result, 'identify');
  }

  private resume(ws: VoiceSocket, d: unknown): void {
    const parsed = VoiceResumeData.safeParse(d);
    if (!parsed.success) return this.closeSocket(ws, VoiceCloseCode.BadRequest, 'Invalid resume.');
    const result = this.handler.resume(parsed.data);
    if (typeof result === 'number') return this.closeSocket(ws, result, closeReason(result));
    const missed = result.framesAfter(parsed.data.seq_ack ?? -1);
    if (!missed) {
      this.endSession(result, VoiceCloseCode.SessionNoLongerValid, 'Session no longer valid.');
      this.handler.ended(result, VoiceCloseCode.SessionNoLongerValid);
      return this.closeSocket(ws, VoiceCloseCode.SessionNoLongerValid, 'Session no longer valid.');
    }
    const previous = result.ws;
    this.attach(ws, result);
    // Closed after the move, so the close does not touch the session it no longer carries.
    if (previous) this.closeSocket(previous, 4000, 'Resumed on another connection.', false);
    for (const frame of missed) ws.send(frame.text, false);
    result.dispatch(VoiceOpcode.Resumed, null);
    this.handler.attached(result, 'resume');
  }

  private attach(ws: VoiceSocket, session: VoiceSession): void {
    const ud = ws.getUserData();
    ud.phase = { status: 'attached', session };
    ud.lastHeartbeatAtMs = Date.now();
    this.detached.delete(session);
    session.setState({ status: 'connected', ws });
  }

  /**
   * Closes a socket with a code once. A session it carries ends (the handler is told when
   * `tellHandler`), except after 4015, which clients resume.
   */
  private closeSocket(ws: VoiceSocket, code: number, reason: string, tellHandler = true): void {
    const ud = ws.getUserData();
    const phase = ud.phase;
    if (phase.status === 'closed') return;
    ud.phase = CLOSED_PHASE;
    this.forget(ws, ud);
    this.closeCounts[code] = (this.closeCounts[code] ?? 0) + 1;
    if (phase.status === 'attached' && phase.session.ws === ws) {
      if (code === VoiceCloseCode.VoiceServerCrashed || code === 1001) this.detach(phase.session);
      else {
        phase.session.setState(CLOSED_SESSION);
        if (tellHandler) this.handler.ended(phase.session, code);
      }
    }
    ws.end(code, reason);
  }

  /** uWS reports a close (ours, already handled, or the client's: its session waits for a RESUME). */
  private onClose(ws: VoiceSocket, code: number): void {
    const ud = ws.getUserData();
    const phase = ud.phase;
    if (phase.status === 'closed') return;
    ud.phase = CLOSED_PHASE;
    this.forget(ws, ud);
    this.closeCounts[`client_${code}`] = (this.closeCounts[`client_${code}`] ?? 0) + 1;
    // Any close the client makes may be followed by a RESUME (@discordjs/voice even closes with 1000
    // before resuming on a new socket when its UDP socket dies); leaving for good is the domain's revoke.
    if (phase.status === 'attached' && phase.session.ws === ws) this.detach(phase.session);
  }

  private detach(session: VoiceSession): void {
    session.setState({ status: 'detached', sinceMs: Date.now() });
    this.detached.add(session);
  }

  private forget(ws: VoiceSocket, ud: VoiceSocketData): void {
    if (!this.sockets.delete(ws)) return;
    const n = (this.socketsPerIp.get(ud.ip) ?? 1) - 1;
    if (n > 0) this.socketsPerIp.set(ud.ip, n);
    else this.socketsPerIp.delete(ud.ip);
  }

  /** Heartbeat and identify timeouts (4009 / 4003) and detached sessions whose resume window passed. */
  private sweep(nowMs: number): void {
    const heartbeatDeadlineMs = this.heartbeatIntervalMs * 1.5 + 2_000;
    for (const ws of [...this.sockets]) {
      const ud = ws.getUserData();
      if (ud.phase.status === 'attached') {
        if (nowMs - ud.lastHeartbeatAtMs > heartbeatDeadlineMs) this.closeSocket(ws, VoiceCloseCode.SessionTimeout, 'Session timed out.');
      } else if (nowMs - ud.openedAtMs > this.identifyTimeoutMs) {
        this.closeSocket(ws, VoiceCloseCode.NotAuthenticated, 'Not authenticated.');
      }
    }
    for (const session of [...this.detached]) {
      if (session.state.status !== 'detached') {
        this.detached.delete(session);
      } else if (nowMs - session.state.sinceMs > this.resumeWindowMs) {
        this.detached.delete(session);
        session.setState(CLOSED_SESSION);
        this.handler.ended(session, VoiceCloseCode.SessionTimeout);
      }
    }
  }
}

/** App.close() (ends open connections) exists in the native addon; some type declarations lack it. */
function closeUwsApp(app: TemplatedApp): void {
  const close: unknown = Reflect.get(app, 'close');
  if (typeof close === 'function') Reflect.apply(close, app, []);
}

function closeReason(code: VoiceCloseCode): string {
  switch (code) {
    case VoiceCloseCode.AuthenticationFailed:
      return 'Authentication failed.';
    case VoiceCloseCode.ServerNotFound:
      return 'Server not found.';
    case VoiceCloseCode.SessionNoLongerValid:
      return 'Session no longer valid.';
    default:
      return 'Refused.';
  }
}
