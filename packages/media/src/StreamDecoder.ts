// One incoming audio stream: a jitter buffer in front of an Opus decoder. On loss it recovers the
// frame from the next packet's in-band FEC when the decoder can, else conceals (PLC), and it keeps
// the per-stream figures a UI or RTCP report needs. A corrupt packet is counted and concealed.
import { rmsDbfs, SILENCE_DBFS } from './energy.ts';
import { JitterBuffer, type JitterBufferOptions, type PushResult } from './JitterBuffer.ts';
import { createOpusDecoder, type OpusBackend, type OpusDecoder } from './opus/OpusCodec.ts';
import type { StreamStats } from './StreamStats.ts';

export interface StreamDecoderOptions {
  readonly channels: 1 | 2;
  readonly backend?: OpusBackend;
  readonly jitter?: JitterBufferOptions;
}

export class StreamDecoder {
  private readonly jitter: JitterBuffer;
  private readonly decoder: OpusDecoder;
  private playedPackets = 0;
  private decodeErrors = 0;
  private silentFrames = 0;
  private levelDbfs = SILENCE_DBFS;

  constructor(options: StreamDecoderOptions) {
    this.jitter = new JitterBuffer(options.jitter);
    this.decoder = createOpusDecoder({ channels: options.channels, ...(options.backend === undefined ? {} : { backend: options.backend }) });
  }

  /** One RTP packet's Opus payload; the buffer is kept until played, so do not reuse it. */
  push(sequence: number, timestamp: number, payload: Uint8Array, arrivalMs: number): PushResult {
    return this.jitter.push(sequence, timestamp, payload, arrivalMs);
  }

  /** Call every 20 ms. Returns a frame of PCM, or null while the stream is silent (skip it when mixing). */
  pop(): Int16Array | null {
    const next = this.jitter.pop();
    let pcm: Int16Array | null;
    switch (next.kind) {
      case 'packet':
        this.playedPackets++;
        pcm = this.decodeOrConceal(next.payload);
        break;
      case 'fec':
        pcm = this.decoder.decodeFec(next.next);
        break;
      case 'plc':
        pcm = this.decoder.conceal();
        break;
      case 'silence':
        pcm = null;
        break;
      default:
        return missingCase(next);
    }
    if (pcm === null) {
      this.silentFrames++;
      this.levelDbfs = SILENCE_DBFS;
    } else {
      this.levelDbfs = rmsDbfs(pcm);
    }
    return pcm;
  }

  stats(): StreamStats {
    const j = this.jitter.stats;
    const expected = j.lost + this.playedPackets;
    return {
      packetsReceived: j.received,
      packetsLost: j.lost,
      lossPercent: expected === 0 ? 0 : (100 * j.lost) / expected,
      late: j.late,
      duplicate: j.duplicate,
      decodeErrors: this.decodeErrors,
      concealedFrames: j.concealed,
      fecRecoveredFrames: this.decoder.canDecodeFec ? j.fecRecovered : 0,
      fecConcealedFrames: this.decoder.canDecodeFec ? 0 : j.fecRecovered,
      silentFrames: this.silentFrames,
      jitterMs: j.jitterMs,
      targetDelayMs: j.targetDelayMs,
      bufferedFrames: j.bufferedFrames,
      levelDbfs: this.levelDbfs,
    };
  }

  close(): void {
    this.decoder.close();
  }

  private decodeOrConceal(payload: Uint8Array): Int16Array {
    try {
      return this.decoder.decode(payload);
    } catch {
      // Hostile or corrupt payload (it passed decryption, so the sender is the peer): count, conceal.
      this.decodeErrors++;
      return this.decoder.conceal();
    }
  }
}

function missingCase(value: never): never {
  throw new Error(`unhandled jitter buffer output ${JSON.stringify(value)}`);
}
