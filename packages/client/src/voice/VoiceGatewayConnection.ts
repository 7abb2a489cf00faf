// One WebSocket to a voice gateway (`wss://<endpoint>?v=8`): JSON text frames, the v8 heartbeat
// `{t, seq_ack}` at the interval HELLO gives (a heartbeat that goes unacknowledged twice drops the
// socket as a zombie), and the highest `seq` seen for heartbeats and RESUME. VoiceClient decides
// what to send and what each frame means; a new connection is made for every resume.
import { VOICE_GATEWAY_VERSION, VoiceOpcode } from '@concord/protocol';
import WebSocket from 'ws';
import { parseServerFrame, type ServerFrame } from './serverFrames.ts';

export interface VoiceGatewayConnectionOptions {
  /** `host:port` from VOICE_SERVER_UPDATE. */
  readonly endpoint: string;
  /** PEM CA certificate(s) to trust besides the system's (a self-signed voice server). */
  readonly ca?: string | Buffer | undefined;
  /** The seq to acknowledge at first (a resumed connection carries the old one on). */
  readonly seqAck: number;
}

export interface VoiceGatewayConnectionHandlers {
  open(): void;
  frame(frame: ServerFrame): void;
  /** Once per connection, whoever closed it. */
  close(code: number, reason: string): void;
  debug(message: string): void;
}

/** Closes we make ourselves; none of them ends the session (the client resumes). */
export const ZOMBIE_CLOSE_CODE = 4900;

export class VoiceGatewayConnection {
  private readonly ws: WebSocket;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private unacked = 0;
  private closed = false;
  /** Highest `seq` the server sent (v8), -1 before any. */
  seqAck: number;
  /** Round trip of the last acknowledged heartbeat. */
  pingMs = -1;
  private lastBeatAt = 0;

  constructor(options: VoiceGatewayConnectionOptions, private readonly on: VoiceGatewayConnectionHandlers) {
    this.seqAck = options.seqAck;
    const host = options.endpoint.replace(/^wss?:\/\//, '').replace(/\/+$/, '');
    this.ws = new WebSocket(`wss://${host}/?v=${String(VOICE_GATEWAY_VERSION)}`, { ...(options.ca === undefined ? {} : { ca: options.ca }), maxPayload: 1024 * 1024 });
    this.ws.on('open', () => { if (!this.closed) this.on.open(); });
    this.ws.on('message', (data, isBinary) => { this.onMessage(data, isBinary); });
    this.ws.on('close', (code, reason) => { this.finish(code, reason.toString()); });
    this.ws.on('error', (error) => {
      this.on.debug(`voice gateway socket error: ${error.message}`);
      // 'close' follows an error once the socket is set up; before that (TLS, DNS) it may not.
      this.finish(1006, error.message);
    });
  }

  send(op: number, d: unknown): boolean {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify({ op, d }));
    return true;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    try {
      this.ws.close(code, reason);
    } catch {
      this.ws.terminate(); // ws refuses close() while still CONNECTING
    }
    this.finish(code, reason);
  }

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    if (this.closed) return;
    if (isBinary) {
      this.on.debug('binary voice gateway frame ignored (no DAVE)');
      return;
    }
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data instanceof ArrayBuffer ? Buffer.from(data).toString('utf8') : data.toString('utf8');
    const parsed = parseServerFrame(text);
    if (!parsed.ok) {
      this.on.debug(`voice gateway frame ignored: ${parsed.error}`);
      return;
    }
    if (parsed.seq !== undefined && parsed.seq > this.seqAck) this.seqAck = parsed.seq;
    const frame = parsed.frame;
    if (frame === null) return;
    if (frame.op === VoiceOpcode.Hello) this.startHeartbeats(frame.d.heartbeat_interval);
    else if (frame.op === VoiceOpcode.HeartbeatAck) {
      this.unacked = 0;
      this.pingMs = Date.now() - this.lastBeatAt;
    }
    this.on.frame(frame);
  }

  private startHeartbeats(intervalMs: number): void {
    if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = setInterval(() => {
      if (this.unacked >= 2) {
        this.on.debug('voice heartbeats not acknowledged: dropping the connection');
        this.close(ZOMBIE_CLOSE_CODE, 'zombie connection');
        return;
      }
      this.unacked++;
      this.lastBeatAt = Date.now();
      this.send(VoiceOpcode.Heartbeat, { t: this.lastBeatAt, seq_ack: this.seqAck });
    }, intervalMs);
  }

  private finish(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    if (this.ws.readyState === WebSocket.CONNECTING || this.ws.readyState === WebSocket.OPEN) this.ws.terminate();
    this.on.close(code, reason);
  }
}
