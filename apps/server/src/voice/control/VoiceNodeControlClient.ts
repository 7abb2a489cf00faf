// The voice node process's side of the control link: dials the main server's internal route with
// the shared secret, registers (id, endpoint), applies the grants it is sent to the local node,
// forwards the node's events, and sends `load` on every change and every heartbeat interval. A lost
// link drops every grant here (the main server has moved those members to another node) and is
// redialled with exponential backoff.
import type { Logger } from 'pino';
import WebSocket from 'ws';
import type { VoiceNode, VoiceNodeEvent } from '../VoiceNode.ts';
import { parseMainToNode, VOICE_NODE_CONTROL_MAX_BYTES, type NodeToMainMessage } from './controlMessages.ts';

export interface VoiceNodeControlClientOptions {
  /** The main server's control URL, e.g. ws://main:8080/internal/voice-nodes. */
  url: string;
  secret: string;
  /** The id the node registers under (stable across reconnects of one process). */
  id: string;
  /** Backoff between dial attempts: doubles from minMs up to maxMs, with jitter. */
  backoff?: { minMs: number; maxMs: number };
}

export type VoiceNodeControlState =
  | { status: 'connecting'; attempt: number }
  | { status: 'registered'; heartbeatIntervalMs: number }
  | { status: 'waiting'; attempt: number; delayMs: number }
  | { status: 'closed' };

const key = (serverId: string, userId: string) => `${serverId}\u0000${userId}`;

export class VoiceNodeControlClient {
  private state: VoiceNodeControlState = { status: 'closed' };
  private ws: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private lastHeardMs = 0;
  private stopped = false;
  /** Grants this link gave the node (serverId+userId), dropped when the link is lost. */
  private readonly granted = new Map<string, { serverId: string; userId: string }>();
  /** Events that found no registered link (the main server no longer counts them on this node). */
  droppedEvents = 0;
  /** Frames from the main server that failed validation (the link is closed on one). */
  malformed = 0;

  constructor(
    private readonly node: VoiceNode,
    private readonly options: VoiceNodeControlClientOptions,
    private readonly log: Logger,
  ) {
    node.onEvent((e) => this.forward(e));
  }

  get status(): VoiceNodeControlState['status'] {
    return this.state.status;
  }

  start(): void {
    this.stopped = false;
    this.dial();
  }

  close(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stopHeartbeat();
    this.ws?.close(1000, 'voice node shutting down');
    this.ws = null;
    this.dropGrants();
    this.state = { status: 'closed' };
  }

  private dial(): void {
    this.attempt++;
    this.state = { status: 'connecting', attempt: this.attempt };
    const ws = new WebSocket(this.options.url, { headers: { authorization: `Bearer ${this.options.secret}` }, maxPayload: VOICE_NODE_CONTROL_MAX_BYTES, handshakeTimeout: 10_000 });
    this.ws = ws;
    ws.on('open', () => {
      this.lastHeardMs = Date.now();
      this.send({ op: 'register', id: this.options.id, endpoint: this.node.endpoint });
    });
    ws.on('message', (data, isBinary) => {
      if (this.ws !== ws) return;
      this.lastHeardMs = Date.now();
      this.onMessage(ws, isBinary ? null : rawText(data));
    });
    ws.on('pong', () => {
      if (this.ws === ws) this.lastHeardMs = Date.now();
    });
    ws.on('unexpected-response', (_req, res) => {
      const hint = res.statusCode === 401 ? ' (VOICE_NODE_SECRET differs from the main server\'s)' : res.statusCode === 404 ? ' (the main server has no VOICE_NODE_SECRET, or VOICE_CONTROL_URL has the wrong path)' : '';
      this.log.error({ status: res.statusCode, url: this.options.url }, `main server refused the voice node: HTTP ${String(res.statusCode)}${hint}`);
      ws.terminate();
    });
    ws.on('error', (err) => {
      this.log.warn({ err: err.message, url: this.options.url }, 'voice node control link error');
    });
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.lost(code, reason.toString('utf8'));
    });
  }

  private onMessage(ws: WebSocket, text: string | null): void {
    const m = text === null ? null : parseMainToNode(text);
    if (m === null) {
      this.malformed++;
      this.log.error('malformed frame from the main server; redialling');
      ws.close(4001, 'malformed control frame');
      return;
    }
    switch (m.op) {
      case 'ready':
        this.attempt = 0;
        this.state = { status: 'registered', heartbeatIntervalMs: m.heartbeatIntervalMs };
        this.startHeartbeat(ws, m.heartbeatIntervalMs);
        this.sendLoad();
        this.log.info({ endpoint: this.node.endpoint, heartbeatIntervalMs: m.heartbeatIntervalMs }, `voice node ${this.options.id} registered with the main server`);
        return;
      case 'grant':
        this.granted.set(key(m.grant.serverId, m.grant.userId), { serverId: m.grant.serverId, userId: m.grant.userId });
        this.node.grant(m.grant);
        return;
      case 'update':
        this.node.update(m.serverId, m.userId, m.patch);
        return;
      case 'revoke':
        this.granted.delete(key(m.serverId, m.userId));
        this.node.revoke(m.serverId, m.userId);
        this.sendLoad();
        return;
      default: {
        const unexpected: never = m;
        throw new Error(`unhandled control op ${JSON.stringify(unexpected)}`);
      }
    }
  }

  private lost(code: number, reason: string): void {
    this.stopHeartbeat();
    const hadGrants = this.granted.size;
    this.dropGrants();
    if (this.stopped) return;
    const backoff = this.options.backoff ?? { minMs: 250, maxMs: 10_000 };
    const baseMs = Math.min(backoff.maxMs, backoff.minMs * 2 ** Math.min(this.attempt, 16));
    const delayMs = Math.round(baseMs / 2 + Math.random() * (baseMs / 2));
    this.state = { status: 'waiting', attempt: this.attempt, delayMs };
    this.log.warn({ code, reason, delayMs, droppedGrants: hadGrants }, `voice node control link closed (${String(code)}); redialling in ${String(delayMs)} ms`);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) this.dial();
    }, delayMs);
  }

  /** The main server re-grants these members elsewhere when it loses the link: end them here. */
  private dropGrants(): void {
    for (const g of this.granted.values()) this.node.revoke(g.serverId, g.userId);
    this.granted.clear();
  }

  private startHeartbeat(ws: WebSocket, intervalMs: number): void {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => {
      // A main server that answers neither frames nor pings for three intervals is gone (half-open TCP).
      if (Date.now() - this.lastHeardMs > intervalMs * 3) {
        this.log.warn('main server stopped answering; redialling');
        ws.terminate();
        return;
      }
      this.sendLoad();
      ws.ping();
    }, intervalMs);
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private forward(e: VoiceNodeEvent): void {
    if (this.state.status !== 'registered') {
      this.droppedEvents++;
      return;
    }
    this.send({ op: 'event', event: e });
    if (e.type !== 'activity') this.sendLoad();
  }

  private sendLoad(): void {
    if (this.state.status === 'registered') this.send({ op: 'load', clients: this.node.load() });
  }

  private send(message: NodeToMainMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
