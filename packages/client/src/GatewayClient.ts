// Gateway client: connects, identifies, keeps heartbeats (and detects a zombie connection when an
// ACK does not come back), resumes after a drop with exponential backoff, and exposes typed events.
// Runs in Node (pass a WebSocket implementation such as `ws`) and in browsers (global WebSocket).
import {
  FATAL_CLOSE_CODES,
  GatewayOpcode,
  codecFor,
  toDispatchEvent,
  dispatchDataOf,
  type AnyDispatchPayload,
  type DispatchEvent,
  type DispatchEventName,
  type DispatchPayloads,
  type GatewayCodec,
  type GatewayEncoding,
  type GatewayPayload,
  type ReadyPayload,
} from '@concord/protocol';
import { TypedEmitter } from './TypedEmitter.ts';

/** The subset of the WebSocket API both browsers and the `ws` package provide. */
export interface WebSocketLike {
  binaryType: string;
  readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string | Uint8Array | ArrayBuffer): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export type GatewayState =
  | { status: 'idle' }
  | { status: 'connecting'; attempt: number }
  | { status: 'identifying' }
  | { status: 'resuming'; sessionId: string }
  | { status: 'ready'; sessionId: string }
  | { status: 'waiting'; delayMs: number; attempt: number }
  | { status: 'closed'; code: number; reason: string };

export interface GatewayClientOptions {
  /** Base gateway URL, e.g. ws://127.0.0.1:8080 (query parameters are added). */
  url: string;
  token: string;
  encoding?: GatewayEncoding;
  apiVersion?: number;
  intents?: number;
  properties?: Record<string, string>;
  presence?: { status: string; activities: unknown[]; since: number | null; afk: boolean };
  WebSocket?: WebSocketConstructor;
  /** Reconnect automatically after drops (default true). */
  reconnect?: boolean;
  maxBackoffMs?: number;
}

export interface GatewayEvents {
  stateChange: [oldState: GatewayState, newState: GatewayState];
  ready: [ready: ReadyPayload];
  resumed: [];
  /** Every dispatch by name; listen to `dispatchEvent` to have `data` narrowed by the name. */
  dispatch: [event: DispatchEventName, data: AnyDispatchPayload, seq: number | null];
  /** The same dispatch as one discriminated union: `if (e.t === 'MESSAGE_CREATE') e.d.content`. */
  dispatchEvent: [event: DispatchEvent, seq: number | null];
  close: [code: number, reason: string];
  debug: [message: string];
}

export class GatewayClient extends TypedEmitter<GatewayEvents> {
  private _state: GatewayState = { status: 'idle' };
  private ws: WebSocketLike | null = null;
  private readonly codec: GatewayCodec;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private heartbeatFirstTimer: ReturnType<typeof setTimeout> | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private ackReceived = true;
  private sessionId: string | null = null;
  private resumeUrl: string | null = null;
  private attempts = 0;
  private closedByUser = false;
  /** The highest sequence number received: what RESUME and heartbeats report. */
  seq: number | null = null;
  lastHeartbeatSentAt = 0;
  latencyMs = -1;

  constructor(private readonly options: GatewayClientOptions) {
    super();
    const codec = codecFor(options.encoding ?? 'bin');
    if (!codec) throw new Error(`unknown encoding ${options.encoding}`);
    this.codec = codec;
  }

  get state(): GatewayState {
    return this._state;
  }

  get session(): string | null {
    return this.sessionId;
  }

  private setState(next: GatewayState): void {
    const old = this._state;
    this._state = next;
    this.emit('stateChange', old, next);
  }

  connect(): void {
    this.closedByUser = false;
    this.open(false);
  }

  /** Ends the session for good (no resume). */
  close(code = 1000): void {
    this.closedByUser = true;
    this.clearTimers();
    this.sessionId = null;
    this.ws?.close(code);
    this.ws = null;
    this.setState({ status: 'closed', code, reason: 'closed by client' });
  }

  /** Drops the socket without ending the session, as a network failure would: the client resumes. */
  dropConnection(): void {
    this.ws?.close(4900, 'simulated drop');
  }

  /** A promise for the next READY (or RESUMED when resuming). */
  waitForReady(timeoutMs = 10_000): Promise<void> {
    if (this._state.status === 'ready') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`gateway not ready after ${timeoutMs} ms (state ${this._state.status})`));
      }, timeoutMs);
      const off = this.on('stateChange', (_o, n) => {
        if (n.status === 'ready') {
          clearTimeout(timer);
          off();
          resolve();
        } else if (n.status === 'closed') {
          clearTimeout(timer);
          off();
          reject(new Error(`gateway closed: ${n.code} ${n.reason}`));
        }
      });
    });
  }

  /** Resolves with the data of the next dispatch of `event` that passes `filter`. */
  waitFor<T extends DispatchEventName>(event: T, filter: (data: DispatchPayloads[T]) => boolean = () => true, timeoutMs = 10_000): Promise<DispatchPayloads[T]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`timed out waiting for ${event}`));
      }, timeoutMs);
      const off = this.on('dispatchEvent', (e) => {
        const d = dispatchDataOf(e, event);
        if (d !== undefined && filter(d)) {
          clearTimeout(timer);
          off();
          resolve(d);
        }
      });
    });
  }

  private emitDispatch(event: DispatchEvent, seq: number | null): void {
    this.emit('dispatchEvent', event, seq);
    this.emit('dispatch', event.t, event.d, seq);
  }

  send(op: number, d: unknown): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== 1) return false;
    ws.send(this.codec.encode({ op, d, s: null, t: null }));
    return true;
  }

  updatePresence(presence: { status: string; activities?: unknown[]; since?: number | null; afk?: boolean }): boolean {
    return this.send(GatewayOpcode.PresenceUpdate, { since: null, afk: false, activities: [], ...presence });
  }

  requestGuildMembers(data: { guild_id: string; query?: string; limit?: number; user_ids?: string[]; presences?: boolean; nonce?: string }): boolean {
    return this.send(GatewayOpcode.RequestGuildMembers, { limit: 0, ...data });
  }

  private open(resume: boolean): void {
    const WS = this.options.WebSocket ?? (globalThis as unknown as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!WS) throw new Error('no WebSocket implementation: pass options.WebSocket');
    const base = (resume && this.resumeUrl) || this.options.url;
    const url = new URL(base);
    url.searchParams.set('v', String(this.options.apiVersion ?? 9));
    url.searchParams.set('encoding', this.codec.encoding);
    this.setState({ status: 'connecting', attempt: this.attempts });
    const ws = new WS(url.toString());
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      this.onFrame(ev.data);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.onSocketClosed(ev.code, ev.reason);
    };
    ws.onerror = () => {
      this.emit('debug', 'socket error');
    };
  }

  private onFrame(data: unknown): void {
    const input = typeof data === 'string' ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : (data as Uint8Array);
    const result = this.codec.decode(input);
    if (!result.ok) {
      this.emit('debug', `undecodable frame: ${result.error}`);
      return;
    }
    this.onPayload(result.payload);
  }

  private onPayload(p: GatewayPayload): void {
    if (p.s !== null && (this.seq === null || p.s > this.seq)) this.seq = p.s;
    switch (p.op) {
      case GatewayOpcode.Hello: {
        const interval = heartbeatIntervalMsOf(p.d);
        this.startHeartbeats(interval);
        if (this.sessionId) {
          this.setState({ status: 'resuming', sessionId: this.sessionId });
          this.send(GatewayOpcode.Resume, { token: this.options.token, session_id: this.sessionId, seq: this.seq });
        } else {
          this.setState({ status: 'identifying' });
          const identify: Record<string, unknown> = {
            token: this.options.token,
            properties: this.options.properties ?? { os: 'linux', browser: 'concord-sdk', device: 'concord-sdk' },
          };
          if (this.options.intents !== undefined) identify['intents'] = this.options.intents;
          if (this.options.presence) identify['presence'] = this.options.presence;
          this.send(GatewayOpcode.Identify, identify);
        }
        return;
      }
      case GatewayOpcode.HeartbeatAck:
        this.ackReceived = true;
        this.latencyMs = Date.now() - this.lastHeartbeatSentAt;
        return;
      case GatewayOpcode.Heartbeat:
        this.send(GatewayOpcode.Heartbeat, this.seq);
        return;
      case GatewayOpcode.Reconnect:
        this.ws?.close(4901, 'server asked to reconnect');
        return;
      case GatewayOpcode.InvalidSession: {
        const resumable = p.d === true;
        if (!resumable) {
          this.sessionId = null;
          this.seq = null;
        }
        this.ws?.close(4902, 'invalid session');
        return;
      }
      case GatewayOpcode.Dispatch: {
        const event = toDispatchEvent(p);
        if (event === null) {
          this.emit('debug', `dispatch ${p.t ?? '(no name)'} is not a known event with an object payload; skipped`);
          return;
        }
        if (event.t === 'READY') {
          const ready = event.d;
          this.sessionId = ready.session_id;
          this.resumeUrl = ready.resume_gateway_url || null;
          this.attempts = 0;
          this.setState({ status: 'ready', sessionId: ready.session_id });
          this.emit('ready', ready);
        } else if (event.t === 'RESUMED') {
          this.attempts = 0;
          this.setState({ status: 'ready', sessionId: this.sessionId ?? '' });
          this.emit('resumed');
        }
        this.emitDispatch(event, p.s);
        return;
      }
      default:
        this.emit('debug', `unhandled op ${p.op}`);
    }
  }

  private startHeartbeats(intervalMs: number): void {
    this.clearHeartbeats();
    this.ackReceived = true;
    const beat = () => {
      if (!this.ackReceived) {
        // No ACK since the last beat: the connection is a zombie. Drop it and resume.
        this.emit('debug', 'heartbeat not acknowledged; reconnecting');
        this.ws?.close(4903, 'zombie connection');
        return;
      }
      this.ackReceived = false;
      this.lastHeartbeatSentAt = Date.now();
      this.send(GatewayOpcode.Heartbeat, this.seq);
    };
    this.heartbeatFirstTimer = setTimeout(beat, Math.floor(intervalMs * Math.random()));
    this.heartbeatTimer = setInterval(beat, intervalMs);
  }

  private clearHeartbeats(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.heartbeatFirstTimer) clearTimeout(this.heartbeatFirstTimer);
    this.heartbeatTimer = null;
    this.heartbeatFirstTimer = null;
  }

  private clearTimers(): void {
    this.clearHeartbeats();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  private onSocketClosed(code: number, reason: string): void {
    this.ws = null;
    this.clearHeartbeats();
    this.emit('close', code, reason);
    if (this.closedByUser) return;
    if (FATAL_CLOSE_CODES.has(code) || this.options.reconnect === false) {
      this.setState({ status: 'closed', code, reason });
      return;
    }
    if (code === 4007 || code === 4009) {
      this.sessionId = null;
      this.seq = null;
    }
    const attempt = this.attempts++;
    const maxMs = this.options.maxBackoffMs ?? 30_000;
    const delayMs = attempt === 0 ? 0 : Math.min(maxMs, 500 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
    this.setState({ status: 'waiting', delayMs, attempt });
    this.reconnectTimer = setTimeout(() => this.open(this.sessionId !== null), delayMs);
  }
}

/** HELLO's heartbeat_interval, read from the frame without trusting its shape (41.25 s when absent). */
function heartbeatIntervalMsOf(hello: unknown): number {
  const raw = typeof hello === 'object' && hello !== null && 'heartbeat_interval' in hello ? hello.heartbeat_interval : undefined;
  return Number(raw ?? 41_250);
}
