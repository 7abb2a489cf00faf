// The browser's connection to a voice gateway (`wss://<endpoint>/?v=8`): JSON text frames, v8
// heartbeats `{t, seq_ack}` at HELLO's interval (two unacknowledged beats drop the socket), the
// round trip of the last acknowledged beat as the ping, and frames decoded once here
// (voiceDecoders.ts). What a frame means is the engine's business.
import { VOICE_GATEWAY_VERSION, VoiceOpcode } from '@concord/protocol';
import { decodeVoiceFrame, type VoiceServerFrame } from './voiceDecoders.ts';

export interface VoiceGatewaySocketHandlers {
  open(): void;
  frame(frame: VoiceServerFrame): void;
  ping(pingMs: number): void;
  /** Once, whoever closed it. */
  close(code: number, reason: string): void;
}

/** Our own close when heartbeats go unanswered (not a server code). */
export const ZOMBIE_CLOSE_CODE = 4900;
const MAX_FRAME_CHARS = 256 * 1024;

export class VoiceGatewaySocket {
  private readonly ws: WebSocket;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private unacked = 0;
  private lastBeatAtMs = 0;
  private closed = false;
  /** Highest `seq` the server sent (-1 before any). */
  seqAck = -1;
  /** Frames that were not JSON frames at all (dropped). */
  dropped = 0;

  constructor(endpoint: string, private readonly on: VoiceGatewaySocketHandlers) {
    const host = endpoint.replace(/^wss?:\/\//, '').replace(/\/+$/, '');
    this.ws = new WebSocket(`wss://${host}/?v=${String(VOICE_GATEWAY_VERSION)}`);
    this.ws.onopen = () => {
      if (!this.closed) this.on.open();
    };
    this.ws.onmessage = (ev: MessageEvent) => {
      this.onMessage(ev.data);
    };
    this.ws.onclose = (ev: CloseEvent) => {
      this.finish(ev.code, ev.reason);
    };
    // 'close' always follows 'error' for a browser WebSocket; nothing to do here but not crash.
    this.ws.onerror = () => undefined;
  }

  send(op: number, d: unknown): boolean {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify({ op, d }));
    return true;
  }

  close(code = 1000, reason = 'client closed'): void {
    if (this.closed) return;
    try {
      this.ws.close(code, reason);
    } catch (err) {
      console.warn('voice gateway close failed', err);
    }
    this.finish(code, reason);
  }

  private onMessage(data: unknown): void {
    if (this.closed) return;
    if (typeof data !== 'string' || data.length > MAX_FRAME_CHARS) {
      this.dropped++;
      return;
    }
    const decoded = decodeVoiceFrame(data);
    if (!decoded) {
      this.dropped++;
      return;
    }
    if (decoded.seq !== null && decoded.seq > this.seqAck) this.seqAck = decoded.seq;
    const frame = decoded.frame;
    if (frame.op === VoiceOpcode.Hello) this.startHeartbeats(frame.heartbeatIntervalMs);
    else if (frame.op === VoiceOpcode.HeartbeatAck) {
      this.unacked = 0;
      this.on.ping(Date.now() - this.lastBeatAtMs);
    }
    this.on.frame(frame);
  }

  private startHeartbeats(intervalMs: number): void {
    if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer);
    const beat = () => {
      if (this.unacked >= 2) {
        this.close(ZOMBIE_CLOSE_CODE, 'zombie connection');
        return;
      }
      this.unacked++;
      this.lastBeatAtMs = Date.now();
      this.send(VoiceOpcode.Heartbeat, { t: this.lastBeatAtMs, seq_ack: this.seqAck });
    };
    this.heartbeatTimer = setInterval(beat, intervalMs);
    // A first beat right away gives the panel a ping without waiting a whole interval.
    setTimeout(beat, 250);
  }

  private finish(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    this.on.close(code, reason);
  }
}
