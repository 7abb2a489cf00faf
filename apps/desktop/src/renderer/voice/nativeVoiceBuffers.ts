// The two buffers of the native voice worklet (nativeVoice.worklet.ts), plain so they run in a unit
// test: FrameChunker turns 128-sample render quanta into the pipeline's 20 ms frames (960 samples
// at 48 kHz), PlaybackRing holds mixed Int16 frames from the pipeline until the output pulls them,
// with 40 ms of headroom before it starts and a cap on how late it may fall behind.

/** Samples in one 20 ms frame at 48 kHz mono (services/voice/pipelineMessages.ts PIPELINE_FRAME_SAMPLES). */
export const NATIVE_FRAME_SAMPLES = 960;
/** Playback starts (and restarts after an underrun) once this much is queued: two frames. */
const START_SAMPLES = 2 * NATIVE_FRAME_SAMPLES;
/** Over 200 ms queued, the oldest is dropped down to 100 ms so latency stays bounded. */
const MAX_SAMPLES = 10 * NATIVE_FRAME_SAMPLES;
const TRIM_TO_SAMPLES = 5 * NATIVE_FRAME_SAMPLES;

export class FrameChunker {
  private frame = new Float32Array(NATIVE_FRAME_SAMPLES);
  private filled = 0;

  /**
   * Appends one quantum; calls `emit` with each completed frame. The emitted array is handed over
   * (the chunker starts a new one), so the caller may transfer its buffer.
   */
  push(quantum: Float32Array, emit: (frame: Float32Array<ArrayBuffer>) => void): void {
    let offset = 0;
    while (offset < quantum.length) {
      const n = Math.min(NATIVE_FRAME_SAMPLES - this.filled, quantum.length - offset);
      this.frame.set(quantum.subarray(offset, offset + n), this.filled);
      this.filled += n;
      offset += n;
      if (this.filled === NATIVE_FRAME_SAMPLES) {
        const done = this.frame;
        this.frame = new Float32Array(NATIVE_FRAME_SAMPLES);
        this.filled = 0;
        emit(done);
      }
    }
  }
}

export interface PlaybackStats {
  framesReceived: number;
  underruns: number;
  overruns: number;
  bufferedSamples: number;
  /** Sum over played samples of x² / 48000: the played signal's energy in (full scale)² s. */
  playedEnergy: number;
}

export class PlaybackRing {
  private readonly ring = new Float32Array(48_000);
  private read = 0;
  private write = 0;
  private buffered = 0;
  private started = false;
  private readonly counts = { framesReceived: 0, underruns: 0, overruns: 0, playedEnergy: 0 };

  /** One mixed frame from the pipeline (Int16, any length up to a second). */
  push(pcm: Int16Array): void {
    if (pcm.length > this.ring.length) return;
    this.counts.framesReceived++;
    if (this.buffered + pcm.length > MAX_SAMPLES) {
      const drop = this.buffered + pcm.length - TRIM_TO_SAMPLES;
      this.read = (this.read + drop) % this.ring.length;
      this.buffered -= drop;
      this.counts.overruns++;
    }
    for (let i = 0; i < pcm.length; i++) {
      this.ring[this.write] = (pcm[i] ?? 0) / 32768;
      this.write = (this.write + 1) % this.ring.length;
    }
    this.buffered += pcm.length;
  }

  /** Fills `out` (silence while waiting for headroom or after an underrun). */
  pull(out: Float32Array): void {
    if (!this.started && this.buffered >= START_SAMPLES) this.started = true;
    let energy = 0;
    for (let i = 0; i < out.length; i++) {
      if (this.started && this.buffered > 0) {
        const x = this.ring[this.read] ?? 0;
        out[i] = x;
        energy += x * x;
        this.read = (this.read + 1) % this.ring.length;
        this.buffered--;
      } else {
        out[i] = 0;
        if (this.started) {
          this.counts.underruns++;
          this.started = false;
        }
      }
    }
    this.counts.playedEnergy += energy / 48_000;
  }

  stats(): PlaybackStats {
    return { ...this.counts, bufferedSamples: this.buffered };
  }
}
