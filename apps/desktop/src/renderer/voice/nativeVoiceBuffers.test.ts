// The native voice worklet's buffers, outside any AudioWorklet: 128-sample quanta become 960-sample
// frames in order; played frames come out after two frames of headroom, an underrun is counted and
// playback waits for headroom again; a backlog over 200 ms is trimmed to 100 ms.
import { describe, expect, it } from 'vitest';
import { FrameChunker, NATIVE_FRAME_SAMPLES, PlaybackRing } from './nativeVoiceBuffers.ts';

const frame = (value: number) => new Int16Array(NATIVE_FRAME_SAMPLES).fill(value);

describe('FrameChunker', () => {
  it('turns 30 quanta of 128 samples into 4 frames of 960, in order, each a fresh array', () => {
    const chunker = new FrameChunker();
    const frames: Float32Array[] = [];
    for (let q = 0; q < 30; q++) chunker.push(Float32Array.from({ length: 128 }, (_, i) => q * 128 + i), (f) => frames.push(f));
    expect(frames.map((f) => f.length)).toEqual([960, 960, 960, 960]);
    expect(frames.map((f) => f[0])).toEqual([0, 960, 1920, 2880]);
    expect(frames[3]?.[959]).toBe(3839);
    expect(new Set(frames.map((f) => f.buffer)).size).toBe(4);
  });
});

describe('PlaybackRing', () => {
  it('waits for two frames, plays them in order, then counts one underrun and waits again', () => {
    const ring = new PlaybackRing();
    const out = new Float32Array(128);
    ring.push(frame(16384));
    ring.pull(out);
    expect(out.every((x) => x === 0)).toBe(true);
    ring.push(frame(-8192));
    const played: number[] = [];
    for (let q = 0; q < 16; q++) {
      ring.pull(out);
      played.push(...out);
    }
    expect(played.slice(0, 960).every((x) => x === 0.5)).toBe(true);
    expect(played.slice(960, 1920).every((x) => x === -0.25)).toBe(true);
    expect(played.slice(1920).every((x) => x === 0)).toBe(true);
    const stats = ring.stats();
    expect(stats).toMatchObject({ framesReceived: 2, underruns: 1, overruns: 0, bufferedSamples: 0 });
    expect(stats.playedEnergy).toBeCloseTo((960 * 0.25 + 960 * 0.0625) / 48_000, 9);
    ring.push(frame(100));
    ring.pull(out);
    expect(out.every((x) => x === 0)).toBe(true);
  });

  it('trims a backlog over 200 ms to 100 ms, dropping the oldest', () => {
    const ring = new PlaybackRing();
    for (let i = 1; i <= 11; i++) ring.push(frame(i));
    const stats = ring.stats();
    expect(stats.overruns).toBe(1);
    expect(stats.bufferedSamples).toBe(5 * NATIVE_FRAME_SAMPLES);
    const out = new Float32Array(960);
    ring.pull(out);
    expect(out[0]).toBe(7 / 32768);
  });

  it('ignores a frame longer than the ring', () => {
    const ring = new PlaybackRing();
    ring.push(new Int16Array(48_001));
    expect(ring.stats().framesReceived).toBe(0);
  });
});
