// The receiving half of a voice connection: one StreamDecoder (jitter buffer, FEC, PLC, Opus) per
// incoming SSRC, the SSRC -> user id map the voice gateway's speaking ops (op 5) build, and one
// 20 ms playout clock that pops every stream and hands out PCM frames. The clock is drift-corrected
// (it schedules tick n at start + 20n ms, not 20 ms after the last), so playout keeps pace with the
// senders' 20 ms frames over minutes.
import { performance } from 'node:perf_hooks';
import { StreamDecoder, type OpusBackend, type StreamStats } from '@concord/media';

const FRAME_MS = 20;
/** Streams with no packet for this long are dropped (their user left or stopped for good). */
const STREAM_IDLE_MS = 60_000;

export interface ReceivedFrame {
  readonly ssrc: number;
  /** null until the server's op 5 for this SSRC arrived. */
  readonly userId: string | null;
  /** 960 * channels interleaved samples; the caller owns it. */
  readonly pcm: Int16Array;
  /** performance.now() when the frame came out of the decoder. */
  readonly atMs: number;
}

export interface RemoteStreamStats extends StreamStats {
  readonly ssrc: number;
  readonly userId: string | null;
}

interface RemoteStream {
  readonly ssrc: number;
  userId: string | null;
  readonly decoder: StreamDecoder;
  lastPacketAtMs: number;
}

export interface VoiceReceiverOptions {
  readonly channels: 1 | 2;
  readonly backend?: OpusBackend | undefined;
  /** Jitter buffer floor (default 20 ms: one frame). */
  readonly minDelayMs?: number | undefined;
}

export class VoiceReceiver {
  private readonly streams = new Map<number, RemoteStream>();
  private readonly users = new Map<number, string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private clockStartMs = 0;
  private ticks = 0;
  private closed = false;

  constructor(private readonly options: VoiceReceiverOptions, private readonly onFrame: (frame: ReceivedFrame) => void) {}

  /** op 5 from the server: `ssrc` belongs to `userId`. */
  mapSsrc(ssrc: number, userId: string): void {
    this.users.set(ssrc, userId);
    const stream = this.streams.get(ssrc);
    if (stream) stream.userId = userId;
  }

  /** op 13: the user left; their streams go. */
  forgetUser(userId: string): void {
    for (const [ssrc, owner] of this.users) if (owner === userId) this.users.delete(ssrc);
    for (const [ssrc, stream] of this.streams) {
      if (stream.userId === userId) {
        stream.decoder.close();
        this.streams.delete(ssrc);
      }
    }
  }

  userOf(ssrc: number): string | null {
    return this.users.get(ssrc) ?? null;
  }

  /** One authenticated packet's Opus payload (kept until played: do not reuse the buffer). */
  push(ssrc: number, sequence: number, timestamp: number, opus: Uint8Array): void {
    if (this.closed) return;
    const nowMs = performance.now();
    let stream = this.streams.get(ssrc);
    if (stream === undefined) {
      stream = {
        ssrc,
        userId: this.users.get(ssrc) ?? null,
        decoder: new StreamDecoder({ channels: this.options.channels, ...(this.options.backend === undefined ? {} : { backend: this.options.backend }), jitter: { minDelayMs: this.options.minDelayMs ?? FRAME_MS } }),
        lastPacketAtMs: nowMs,
      };
      this.streams.set(ssrc, stream);
    }
    stream.lastPacketAtMs = nowMs;
    stream.decoder.push(sequence, timestamp, opus, nowMs);
    this.startClock(nowMs);
  }

  stats(): RemoteStreamStats[] {
    return [...this.streams.values()].map((s) => ({ ssrc: s.ssrc, userId: s.userId, ...s.decoder.stats() }));
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (const s of this.streams.values()) s.decoder.close();
    this.streams.clear();
  }

  private startClock(nowMs: number): void {
    if (this.timer !== null) return;
    this.clockStartMs = nowMs;
    this.ticks = 0;
    this.schedule();
  }

  private schedule(): void {
    const dueMs = this.clockStartMs + (this.ticks + 1) * FRAME_MS;
    this.timer = setTimeout(() => { this.tick(); }, Math.max(0, dueMs - performance.now()));
  }

  private tick(): void {
    this.timer = null;
    if (this.closed) return;
    const nowMs = performance.now();
    // Catch up on ticks a busy event loop delayed (each plays one frame per stream), then reschedule.
    const due = Math.floor((nowMs - this.clockStartMs) / FRAME_MS);
    const behind = Math.min(Math.max(1, due - this.ticks), 5);
    for (let i = 0; i < behind; i++) this.playOneFrame(nowMs);
    this.ticks = Math.max(this.ticks + behind, due);
    for (const [ssrc, s] of this.streams) {
      if (nowMs - s.lastPacketAtMs > STREAM_IDLE_MS) {
        s.decoder.close();
        this.streams.delete(ssrc);
      }
    }
    if (this.streams.size > 0) this.schedule();
  }

  private playOneFrame(nowMs: number): void {
    for (const s of this.streams.values()) {
      const pcm = s.decoder.pop();
      if (pcm !== null) this.onFrame({ ssrc: s.ssrc, userId: s.userId, pcm, atMs: nowMs });
    }
  }
}
