// Sockets from upgrade to close: the uWS behavior, per-address caps (MAX_SOCKETS_PER_IP), HELLO,
// the IDENTIFY timeout and heartbeat checks (sweep), and what a close does to the session (a drop
// detaches it for the resume window; a clean or fatal close ends it).
import { GATEWAY_VERSIONS, GatewayCloseCode, HEARTBEAT_INTERVAL_MS, codecFor, jsonCodec } from '@concord/protocol';
import type { HttpRequest, HttpResponse, WebSocketBehavior, us_socket_context_t } from 'uWebSockets.js';
import type { UwsGuard } from '../http/UwsGuard.ts';
import type { Metrics } from '../metrics.ts';
import { HELLO_PHASE, CLOSED_PHASE, sessionOf, type GatewaySocket, type SocketData, type SocketPhase } from './GatewaySocket.ts';
import type { SessionRegistry } from './SessionRegistry.ts';
import type { SocketWriter } from './SocketWriter.ts';

const HEARTBEAT_GRACE_MS = 15_000;
const decoder = new TextDecoder();
/** Close codes after which a session cannot be resumed (Discord's "do not reconnect" codes and 4009). */
const SESSION_ENDING_CODES: ReadonlySet<number> = new Set([4003, 4004, 4007, 4009, 4010, 4011, 4012, 4013, 4014]);

export interface SocketLimits {
  /** Sockets one address may hold open; further upgrades are refused with HTTP 429. */
  maxSocketsPerIp: number;
  /** A socket that has not IDENTIFYed (or RESUMEd) by then is closed with 4009. */
  identifyTimeoutMs: number;
}

export type InboundFrameHandler = (ws: GatewaySocket, message: ArrayBuffer, isBinary: boolean) => void;

export class SocketLifecycle {
  private readonly sockets = new Set<GatewaySocket>();
  private readonly socketsPerIp = new Map<string, number>();

  constructor(
    private readonly writer: SocketWriter,
    private readonly registry: SessionRegistry,
    private readonly guard: UwsGuard,
    private readonly metrics: Metrics,
    private readonly limits: SocketLimits,
  ) {}

  get openCount(): number {
    return this.sockets.size;
  }

  /** Every open socket, copied (closing one while iterating is safe). */
  openSockets(): GatewaySocket[] {
    return [...this.sockets];
  }

  behavior(onFrame: InboundFrameHandler): WebSocketBehavior<SocketData> {
    const failed = (ws: GatewaySocket) => () => this.writer.close(ws, GatewayCloseCode.UnknownError, 'Unknown error.');
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
      open: (ws) => this.guard.run('gateway.open', () => this.onOpen(ws), failed(ws)),
      message: (ws, message, isBinary) => this.guard.run('gateway.message', () => onFrame(ws, message, isBinary), failed(ws)),
      drain: (ws) => this.guard.run('gateway.drain', () => undefined, failed(ws)),
      close: (ws, code) => this.guard.run('gateway.close', () => this.onClose(ws, code)),
    };
  }

  /** Closes the sockets that have not IDENTIFYed in time or stopped heartbeating (4009). */
  sweep(nowMs: number): void {
    for (const ws of this.sockets) {
      const ud = ws.getUserData();
      const timedOut = sessionOf(ud) ? nowMs - ud.lastHeartbeatAtMs > HEARTBEAT_INTERVAL_MS + HEARTBEAT_GRACE_MS : nowMs - ud.openedAtMs > this.limits.identifyTimeoutMs;
      if (timedOut) this.writer.close(ws, GatewayCloseCode.SessionTimedOut, 'Session timed out.');
    }
  }

  /** Returns whether the request was upgraded (false when it was answered with an HTTP error). */
  private upgrade(res: HttpResponse, req: HttpRequest, context: us_socket_context_t): boolean {
    const ip = decoder.decode(res.getRemoteAddressAsText());
    if ((this.socketsPerIp.get(ip) ?? 0) >= this.limits.maxSocketsPerIp) {
      // Refused before any per-socket state exists (MAX_SOCKETS_PER_IP).
      this.metrics.refusedSockets.inc({ reason: 'per_ip' });
      res.cork(() => res.writeStatus('429 Too Many Requests').writeHeader('content-type', 'application/json').end('{"message":"You are being rate limited.","code":0}'));
      return false;
    }
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- typed string, but uWS 20.30 returns undefined when the URL has no '?' (uWebSockets.js#1035)
    const query = new URLSearchParams(req.getQuery() ?? '');
    const host = req.getHeader('host');
    const key = req.getHeader('sec-websocket-key');
    const protocol = req.getHeader('sec-websocket-protocol');
    const extensions = req.getHeader('sec-websocket-extensions');
    const version = Number(query.get('v') ?? '9');
    const encoding = query.get('encoding') ?? 'json';
    const compress = query.get('compress');
    let rejectWith: { code: number; reason: string } | null = null;
    if (!GATEWAY_VERSIONS.has(version)) rejectWith = { code: GatewayCloseCode.InvalidApiVersion, reason: 'Invalid API version' };
    const codec = codecFor(encoding);
    if (!codec) rejectWith ??= { code: GatewayCloseCode.DecodeError, reason: `Unsupported encoding ${encoding}` };
    if (compress !== null && compress !== 'zlib-stream') rejectWith ??= { code: GatewayCloseCode.DecodeError, reason: `Unsupported compression ${compress}` };
    const now = Date.now();
    const data: SocketData = {
      codec: codec ?? jsonCodec,
      version,
      compress: compress === 'zlib-stream',
      host,
      ip,
      phase: { status: 'upgraded', rejectWith },
      deflate: null,
      openedAtMs: now,
      lastHeartbeatAtMs: now,
      frameWindowStartMs: now,
      framesInWindow: 0,
    };
    res.upgrade(data, key, protocol, extensions, context);
    return true;
  }

  private onOpen(ws: GatewaySocket): void {
    const ud = ws.getUserData();
    const upgraded: SocketPhase = ud.phase;
    // From here the socket counts against its address until onClose, whatever happens next.
    this.socketsPerIp.set(ud.ip, (this.socketsPerIp.get(ud.ip) ?? 0) + 1);
    ud.phase = HELLO_PHASE;
    if (upgraded.status === 'upgraded' && upgraded.rejectWith) {
      this.writer.close(ws, upgraded.rejectWith.code, upgraded.rejectWith.reason);
      return;
    }
    this.sockets.add(ws);
    this.metrics.sessions.inc({ encoding: ud.codec.encoding });
    this.writer.sendHello(ws);
  }

  private onClose(ws: GatewaySocket, code: number): void {
    const ud = ws.getUserData();
    const phase = ud.phase;
    ud.phase = CLOSED_PHASE;
    if (phase.status !== 'upgraded' && phase.status !== 'closed') {
      const n = (this.socketsPerIp.get(ud.ip) ?? 1) - 1;
      if (n > 0) this.socketsPerIp.set(ud.ip, n);
      else this.socketsPerIp.delete(ud.ip);
    }
    if (this.sockets.delete(ws)) this.metrics.sessions.dec({ encoding: ud.codec.encoding });
    ud.deflate = null;
    const s = phase.status === 'ready' ? phase.session : null;
    if (!s || s.ws !== ws) return; // no session, or one that a RESUME moved to another socket
    // A clean close (1000/1001) or a fatal server close ends the session; drops (1006) and the
    // other codes leave it resumable for the resume window.
    if (code === 1000 || code === 1001 || SESSION_ENDING_CODES.has(code)) this.registry.destroy(s);
    else s.setState({ status: 'detached', sinceMs: Date.now() });
  }
}
