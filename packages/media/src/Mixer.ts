// Mixes any number of 20 ms Int16 PCM streams into one frame, with a gain and a local mute per
// stream (the "user volume" and "mute for me" controls). Sums in floating point, then scales the
// whole frame down when the sum would clip, so overlapping speakers never wrap or crack.

export class Mixer {
  private readonly gains = new Map<string, number>();
  private readonly muted = new Set<string>();
  private readonly sum: Float32Array;
  private readonly output: Int16Array;
  /** Frames that needed scaling down to stay within 16 bits. */
  limitedFrames = 0;

  /** frameLength = samples per frame across channels (960 mono, 1920 stereo at 48 kHz). */
  constructor(readonly frameLength: number) {
    this.sum = new Float32Array(frameLength);
    this.output = new Int16Array(frameLength);
  }

  /** Linear gain, 0..4 (a user volume slider of 0-400%). */
  setGain(streamId: string, gain: number): void {
    this.gains.set(streamId, Math.max(0, Math.min(4, Number.isFinite(gain) ? gain : 1)));
  }

  setMuted(streamId: string, muted: boolean): void {
    if (muted) this.muted.add(streamId);
    else this.muted.delete(streamId);
  }

  /** Forgets a stream's settings when it leaves. */
  remove(streamId: string): void {
    this.gains.delete(streamId);
    this.muted.delete(streamId);
  }

  /**
   * Mixes the frames given (a missing or silent stream is simply absent). The returned array is
   * reused: it is valid until the next call to mix().
   */
  mix(frames: Iterable<readonly [streamId: string, pcm: Int16Array]>): Int16Array {
    const sum = this.sum;
    sum.fill(0);
    for (const [streamId, pcm] of frames) {
      if (this.muted.has(streamId)) continue;
      const gain = this.gains.get(streamId) ?? 1;
      if (gain === 0) continue;
      const length = Math.min(pcm.length, sum.length);
      for (let i = 0; i < length; i++) sum[i] = (sum[i] ?? 0) + (pcm[i] ?? 0) * gain;
    }
    let peak = 0;
    for (const value of sum) {
      const magnitude = Math.abs(value);
      if (magnitude > peak) peak = magnitude;
    }
    const scale = peak > 32767 ? 32767 / peak : 1;
    if (scale < 1) this.limitedFrames++;
    const output = this.output;
    for (let i = 0; i < sum.length; i++) output[i] = Math.round((sum[i] ?? 0) * scale);
    return output;
  }
}
