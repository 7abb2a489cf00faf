// The server side of one voice connection (one user in one voice server): who it is, its SSRC and
// media keys, and v8 sequencing. Every frame sent through a session carries `seq`; the events a
// client must not miss (speaking, clients connect/disconnect) are kept until the client acks them
// (`seq_ack` in its heartbeat or resume), so a RESUME on a new socket replays what it lost.
import { VoiceOpcode, type VoiceEncryptionMode } from '@concord/protocol';
import type { VoiceSocket } from './VoiceSocket.ts';

/** Whether a session has a socket. */
export type VoiceSessionState =
  | { readonly status: 'connected'; readonly ws: VoiceSocket }
  /** The socket dropped with a resumable code; a RESUME may pick the session up until the resume window ends. */
  | { readonly status: 'detached'; readonly sinceMs: number }
  | { readonly status: 'closed' };

/** Where the media side is: READY sent and waiting for select protocol, or keyed. */
export type VoiceMediaState =
  | { readonly status: 'awaitingProtocol' }
  | { readonly status: 'ready'; readonly mode: VoiceEncryptionMode; readonly secretKey: Uint8Array; readonly address: string; readonly port: number }
  /** A browser: media over a WebRTC peer connection (keys from DTLS). */
  | { readonly status: 'webrtc' };

export const CLOSED_SESSION: VoiceSessionState = { status: 'closed' };

/** Ops replayed after a resume (the others describe a handshake the resumed client already did). */
const REPLAYED_OPS: ReadonlySet<number> = new Set([VoiceOpcode.Speaking, VoiceOpcode.ClientsConnect, VoiceOpcode.ClientDisconnect, VoiceOpcode.Video, VoiceOpcode.VideoSink, VoiceOpcode.VideoRefused, VoiceOpcode.StreamViewers]);
/** Unacked frames kept per session; a client this far behind cannot resume (4006). */
export const MAX_UNACKED_FRAMES = 512;

export interface SentFrame {
  readonly seq: number;
  readonly text: string;
}

export class VoiceSession {
  private current: VoiceSessionState;
  media: VoiceMediaState = { status: 'awaitingProtocol' };
  private seq = 0;
  private unacked: SentFrame[] = [];
  /** The newest replayable frame dropped unacked because too many piled up (0: none). */
  private droppedUpToSeq = 0;

  constructor(
    readonly serverId: string,
    readonly userId: string,
    /** The main gateway session (identify's `session_id`). */
    readonly sessionId: string,
    readonly token: string,
    readonly ssrc: number,
    ws: VoiceSocket,
    private readonly send: (ws: VoiceSocket, text: string) => void,
  ) {
    this.current = { status: 'connected', ws };
  }

  get state(): VoiceSessionState {
    return this.current;
  }

  setState(next: VoiceSessionState): void {
    this.current = next;
  }

  get ws(): VoiceSocket | null {
    return this.current.status === 'connected' ? this.current.ws : null;
  }

  /** The last seq sent. */
  get lastSeq(): number {
    return this.seq;
  }

  /** Sends a frame with the next seq (from 1: @discordjs/voice ignores a falsy seq) and keeps replayable ones until acked. */
  dispatch(op: number, d: unknown): void {
    const seq = ++this.seq;
    const text = JSON.stringify({ op, d, seq });
    if (REPLAYED_OPS.has(op)) {
      this.unacked.push({ seq, text });
      if (this.unacked.length > MAX_UNACKED_FRAMES) this.droppedUpToSeq = this.unacked.shift()!.seq;
    }
    const ws = this.ws;
    if (ws) this.send(ws, text);
  }

  /** Drops the frames the client acknowledged (seq <= seqAck). */
  ack(seqAck: number): void {
    let i = 0;
    while (i < this.unacked.length && this.unacked[i]!.seq <= seqAck) i++;
    if (i > 0) this.unacked.splice(0, i);
  }

  /** The kept frames after seqAck, oldest first, or null when one the client lacks was already dropped. */
  framesAfter(seqAck: number): readonly SentFrame[] | null {
    if (seqAck < this.droppedUpToSeq) return null;
    this.ack(seqAck);
    return this.unacked;
  }
}
