// The main server's side of the voice-node control link: an internal WebSocket route on its own uWS
// app where voice node processes (`npm run voice`) register. The upgrade needs
// `Authorization: Bearer <VOICE_NODE_SECRET>` (compared in constant time; without a configured
// secret the route is 404). Each registered link becomes a RemoteVoiceNode in the registry; when the
// link closes or its heartbeats stop, the node is unregistered and the registry moves its guilds
// (new grants, new VOICE_SERVER_UPDATE). Any malformed frame closes that link, never the server.
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { HttpRequest, HttpResponse, TemplatedApp, WebSocket, us_socket_context_t } from 'uWebSockets.js';
import { NOT_FOUND_BODY } from '../../http/serveFile.ts';
import type { UwsGuard } from '../../http/UwsGuard.ts';
import type { VoiceNodeRegistry } from '../VoiceNodeRegistry.ts';
import { parseNodeToMain, VOICE_NODE_CONTROL_MAX_BYTES, VOICE_NODE_CONTROL_PATH, VoiceNodeControlCloseCode as CloseCode, type MainToNodeMessage } from './controlMessages.ts';
import { RemoteVoiceNode } from './RemoteVoiceNode.ts';

export interface VoiceNodeControlOptions {
  /** VOICE_NODE_SECRET; null turns the route off (404). */
  secret: string | null;
  /** How often a node sends `load`; three missed intervals unregister it. */
  heartbeatIntervalMs: number;
}

type LinkPhase =
  | { status: 'upgraded' }
  | { status: 'open'; openedAtMs: number }
  | { status: 'registered'; node: RemoteVoiceNode }
  | { status: 'closed' };

interface LinkData {
  ip: string;
  phase: LinkPhase;
  lastSeenMs: number;
}

type Link = WebSocket<LinkData>;

export interface VoiceNodeControlStats {
  /** Upgrades refused: the route is off (no secret), or the secret was wrong or missing. */
  refused: { disabled: number; badSecret: number };
  /** Links closed by the main server, by close code. */
  closes: Record<string, number>;
  registered: number;
}

const MISSED_HEARTBEATS = 3;
const decoder = new TextDecoder();

export class VoiceNodeControlServer {
  private readonly links = new Set<Link>();
  private readonly expected: Buffer | null;
  private readonly counts: VoiceNodeControlStats = { refused: { disabled: 0, badSecret: 0 }, closes: {}, registered: 0 };
  private sweepTimer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly registry: VoiceNodeRegistry,
    private readonly options: VoiceNodeControlOptions,
    private readonly guard: UwsGuard,
    private readonly log: Logger,
  ) {
    this.expected = options.secret === null ? null : Buffer.from(`Bearer ${options.secret}`);
  }

  attach(app: TemplatedApp): void {
    // A plain GET (no upgrade) must not fall through to the web client's index.html.
    app.get(VOICE_NODE_CONTROL_PATH, this.guard.http('voiceNodes.get', (r) => {
        r.respond('404 Not Found', { 'content-type': 'application/json' }, NOT_FOUND_BODY);
      }));
    app.ws<LinkData>(VOICE_NODE_CONTROL_PATH, {
      maxPayloadLength: VOICE_NODE_CONTROL_MAX_BYTES,
      idleTimeout: 0, // heartbeats are checked by sweep()
      maxBackpressure: 16 * 1024 * 1024,
      // A node that cannot take its grants is closed (and its guilds moved) rather than silently missing one.
      closeOnBackpressureLimit: 1,
      sendPingsAutomatically: false,
      upgrade: (res, req, context) => {
        let answered = false;
        res.onAborted(() => (answered = true));
        this.guard.run(
          'voiceNodes.upgrade',
          () => {
            this.upgrade(res, req, context);
            answered = true;
          },
          () => {
            if (!answered) res.cork(() => res.writeStatus('500 Internal Server Error').end());
          },
        );
      },
      open: (ws) => this.guard.run('voiceNodes.open', () => this.onOpen(ws), () => this.end(ws, CloseCode.UnknownError, 'unknown error')),
      message: (ws, message, isBinary) => this.guard.run('voiceNodes.message', () => this.onMessage(ws, message, isBinary), () => this.end(ws, CloseCode.UnknownError, 'unknown error')),
      close: (ws) => this.guard.run('voiceNodes.close', () => this.onClose(ws)),
    });
    if (this.expected !== null) {
      this.sweepTimer = setInterval(this.guard.callback('voiceNodes.sweep', () => this.sweep(Date.now())), Math.max(10, Math.floor(this.options.heartbeatIntervalMs / 2)));
      this.sweepTimer.unref();
    }
  }

  stats(): VoiceNodeControlStats {
    return { refused: { ...this.counts.refused }, closes: { ...this.counts.closes }, registered: this.counts.registered };
  }

  /** Ends every link (1001): the nodes reconnect with backoff to whichever main server comes up. */
  close(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    for (const ws of [...this.links]) this.end(ws, CloseCode.GoingAway, 'main server shutting down');
  }

  private upgrade(res: HttpResponse, req: HttpRequest, context: us_socket_context_t): void {
    const ip = decoder.decode(res.getRemoteAddressAsText());
    if (this.expected === null) {
      this.counts.refused.disabled++;
      res.cork(() => res.writeStatus('404 Not Found').writeHeader('content-type', 'application/json').end(NOT_FOUND_BODY));
      return;
    }
    const given = Buffer.from(req.getHeader('authorization'));
    if (given.length !== this.expected.length || !crypto.timingSafeEqual(given, this.expected)) {
      this.counts.refused.badSecret++;
      this.log.warn({ ip }, 'voice node refused: wrong or missing VOICE_NODE_SECRET');
      res.cork(() => res.writeStatus('401 Unauthorized').writeHeader('content-type', 'application/json').end('{"message":"401: Unauthorized","code":0}'));
      return;
    }
    const data: LinkData = { ip, phase: { status: 'upgraded' }, lastSeenMs: Date.now() };
    res.cork(() => res.upgrade(data, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context));
  }

  private onOpen(ws: Link): void {
    const now = Date.now();
    const ud = ws.getUserData();
    ud.phase = { status: 'open', openedAtMs: now };
    ud.lastSeenMs = now;
    this.links.add(ws);
  }

  private onMessage(ws: Link, message: ArrayBuffer, isBinary: boolean): void {
    const ud = ws.getUserData();
    const phase = ud.phase;
    if (phase.status !== 'open' && phase.status !== 'registered') return;
    const m = isBinary ? null : parseNodeToMain(decoder.decode(message));
    if (m === null) {
      this.end(ws, CloseCode.DecodeError, 'malformed control frame');
      return;
    }
    ud.lastSeenMs = Date.now();
    if (phase.status === 'open') {
      if (m.op !== 'register') {
        this.end(ws, CloseCode.NotRegistered, 'register first');
        return;
      }
      if (this.registry.get(m.id)) {
        this.end(ws, CloseCode.IdInUse, 'node id already registered');
        return;
      }
      const node = new RemoteVoiceNode(m.id, m.endpoint, this.linkFor(ws), (e) => this.guard.report('voiceNodes.listener', e));
      ud.phase = { status: 'registered', node };
      this.counts.registered++;
      this.sendTo(ws, { op: 'ready', heartbeatIntervalMs: this.options.heartbeatIntervalMs });
      this.log.info({ node: m.id, endpoint: m.endpoint, ip: ud.ip }, `voice node ${m.id} registered (${m.endpoint})`);
      this.registry.register(node);
      return;
    }
    switch (m.op) {
      case 'register':
        this.end(ws, CloseCode.AlreadyRegistered, 'already registered');
        return;
      case 'load':
        phase.node.setLoad(m.clients);
        return;
      case 'event':
        phase.node.receive(m.event);
        return;
      default: {
        const unexpected: never = m;
        throw new Error(`unhandled control op ${JSON.stringify(unexpected)}`);
      }
    }
  }

  private onClose(ws: Link): void {
    const ud = ws.getUserData();
    const phase = ud.phase;
    ud.phase = { status: 'closed' };
    this.links.delete(ws);
    if (phase.status !== 'registered') return;
    this.log.warn({ node: phase.node.id, endpoint: phase.node.endpoint }, `voice node ${phase.node.id} left; its guilds move to another node`);
    this.registry.unregister(phase.node);
  }

  /** Unregisters links that sent nothing for MISSED_HEARTBEATS intervals (or never registered). */
  private sweep(nowMs: number): void {
    const limitMs = this.options.heartbeatIntervalMs * MISSED_HEARTBEATS;
    for (const ws of [...this.links]) {
      const ud = ws.getUserData();
      if (nowMs - ud.lastSeenMs > limitMs) this.end(ws, CloseCode.TimedOut, ud.phase.status === 'registered' ? 'heartbeat timeout' : 'register timeout');
    }
  }

  private linkFor(ws: Link) {
    return {
      send: (message: MainToNodeMessage) => this.sendTo(ws, message),
      close: (code: number, reason: string) => this.end(ws, code, reason),
    };
  }

  /** uWS throws on a closed socket: every send checks the phase first. 2 = dropped over the backpressure limit. */
  private sendTo(ws: Link, message: MainToNodeMessage): boolean {
    if (ws.getUserData().phase.status === 'closed') return false;
    return ws.send(JSON.stringify(message), false) !== 2;
  }

  /** Closes one link with a code (uWS calls onClose at once, which unregisters a registered node). */
  private end(ws: Link, code: number, reason: string): void {
    if (ws.getUserData().phase.status === 'closed') return;
    this.counts.closes[String(code)] = (this.counts.closes[String(code)] ?? 0) + 1;
    ws.end(code, reason);
  }
}
