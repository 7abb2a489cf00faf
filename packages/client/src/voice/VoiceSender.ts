// The sending half of a voice connection: PCM frames through an Opus encoder (or pre-encoded Opus)
// into RTP (payload type 120, sequence +1 and timestamp +960 per 20 ms frame), sealed with the
// session cipher. It asks for op 5 speaking before the first packet of a talk spurt, and ends a
// spurt with five Opus silence frames and speaking 0, as Discord clients do.
import { performance } from 'node:perf_hooks';
import { createOpusEncoder, OPUS_FRAME_SAMPLES, writeOpusRtpHeader, RTP_FIXED_HEADER_BYTES, type OpusBackend, type OpusEncoder, type VoiceCipher } from '@concord/media';

const FRAME_MS = 20;
/** Opus's "silence" frame (Discord clients send five after a talk spurt so decoders fade out). */
const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);

export interface VoiceSenderOptions {
  readonly channels: 1 | 2;
  readonly backend?: OpusBackend | undefined;
  readonly bitrate?: number | undefined;
  /** Expected loss, percent: the encoder spends bits on in-band FEC (default 10). */
  readonly expectedLossPercent?: number | undefined;
}

export interface VoiceSenderSink {
  /** Seal and send; false when the connection cannot send now (not ready). */
  cipher(): VoiceCipher | null;
  ssrc(): number;
  send(datagram: Buffer): void;
  /** Called with true before the first packet of a spurt and false after its end. */
  speaking(on: boolean): void;
}

export interface PlayOptions {
  /** Called after each frame is sent with the time it was handed in (performance.now()). */
  readonly onFrameSent?: (index: number, capturedAtMs: number) => void;
  readonly signal?: AbortSignal;
}

export class VoiceSender {
  private encoder: OpusEncoder | null = null;
  private sequence = Math.floor(Math.random() * 0x10000);
  private timestamp = Math.floor(Math.random() * 0x100000000) >>> 0;
  private header = Buffer.alloc(RTP_FIXED_HEADER_BYTES);
  private inSpurt = false;
  /** Packets sealed and handed to the socket, and frames dropped because not ready. */
  packetsSent = 0;
  framesNotReady = 0;

  constructor(private readonly options: VoiceSenderOptions, private readonly sink: VoiceSenderSink) {}

  /** Encodes one 20 ms frame (960 * channels interleaved samples) and sends it. */
  sendPcm(pcm: Int16Array): boolean {
    return this.sendOpus(this.ensureEncoder().encode(pcm));
  }

  /** The encoder, made on first use (loading the codec takes a while: play() makes it before its clock starts). */
  private ensureEncoder(): OpusEncoder {
    this.encoder ??= createOpusEncoder({
      channels: this.options.channels,
      application: 'voip',
      fec: true,
      expectedLossPercent: this.options.expectedLossPercent ?? 10,
      ...(this.options.bitrate === undefined ? {} : { bitrate: this.options.bitrate }),
      ...(this.options.backend === undefined ? {} : { backend: this.options.backend }),
    });
    return this.encoder;
  }

  /** Sends one pre-encoded 20 ms Opus packet. */
  sendOpus(opus: Uint8Array): boolean {
    const cipher = this.sink.cipher();
    if (cipher === null) {
      this.framesNotReady++;
      return false;
    }
    if (!this.inSpurt) {
      this.inSpurt = true;
      this.sink.speaking(true);
    }
    writeOpusRtpHeader(this.header, 0, this.sequence, this.timestamp, this.sink.ssrc());
    this.sequence = (this.sequence + 1) & 0xffff;
    this.timestamp = (this.timestamp + OPUS_FRAME_SAMPLES) >>> 0;
    this.sink.send(cipher.seal(this.header, opus));
    this.packetsSent++;
    return true;
  }

  /** Ends a talk spurt: five silence frames, then speaking 0. */
  endSpurt(): void {
    if (!this.inSpurt) return;
    for (let i = 0; i < 5; i++) this.sendOpus(OPUS_SILENCE);
    this.inSpurt = false;
    this.sink.speaking(false);
  }

  /**
   * Plays interleaved PCM in real time: one 20 ms frame per tick on a drift-corrected clock (the
   * last frame zero-padded), then ends the spurt. Resolves with the frames sent.
   */
  async play(samples: Int16Array, options: PlayOptions = {}): Promise<number> {
    const frameLength = OPUS_FRAME_SAMPLES * this.options.channels;
    const frames = Math.ceil(samples.length / frameLength);
    this.ensureEncoder();
    const startMs = performance.now();
    let sent = 0;
    for (let i = 0; i < frames; i++) {
      if (options.signal?.aborted === true) break;
      const waitMs = startMs + i * FRAME_MS - performance.now();
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      let frame = samples.subarray(i * frameLength, (i + 1) * frameLength);
      if (frame.length < frameLength) {
        const padded = new Int16Array(frameLength);
        padded.set(frame);
        frame = padded;
      }
      const capturedAtMs = performance.now();
      if (this.sendPcm(frame)) sent++;
      options.onFrameSent?.(i, capturedAtMs);
    }
    this.endSpurt();
    return sent;
  }

  close(): void {
    this.encoder?.close();
    this.encoder = null;
  }
}
