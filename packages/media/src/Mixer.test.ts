import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Mixer } from './Mixer.ts';

const constant = (value: number, length = 960): Int16Array => new Int16Array(length).fill(value);

describe('Mixer', () => {
  it('adds streams sample by sample', () => {
    const mixer = new Mixer(4);
    const out = mixer.mix([['a', Int16Array.of(1, 2, 3, 4)], ['b', Int16Array.of(10, -20, 30, -40)]]);
    expect([...out]).toEqual([11, -18, 33, -36]);
  });

  it('applies per-stream gain and local mute, and forgets them on remove', () => {
    const mixer = new Mixer(960);
    mixer.setGain('a', 0.5);
    mixer.setMuted('b', true);
    expect(mixer.mix([['a', constant(1000)], ['b', constant(5000)]])[0]).toBe(500);
    mixer.remove('a');
    mixer.setMuted('b', false);
    expect(mixer.mix([['a', constant(1000)], ['b', constant(5000)]])[0]).toBe(6000);
  });

  it('scales a frame that would clip instead of wrapping around', () => {
    const mixer = new Mixer(960);
    const out = mixer.mix([['a', constant(30_000)], ['b', constant(30_000)], ['c', constant(-5000)]]);
    expect(out[0]).toBe(32767);
    expect(mixer.limitedFrames).toBe(1);
    const negative = mixer.mix([['a', constant(-32768)], ['b', constant(-32768)]]);
    expect(negative[0]).toBe(-32767);
  });

  it('never leaves 16 bits and keeps the sign of the sum for any inputs and gains', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -32768, max: 32767 }), fc.double({ min: 0, max: 4, noNaN: true })), { minLength: 1, maxLength: 8 }),
        (streams) => {
          const mixer = new Mixer(1);
          streams.forEach(([, gain], i) => { mixer.setGain(String(i), gain); });
          const out = mixer.mix(streams.map(([sample], i) => [String(i), Int16Array.of(sample)] as const));
          const exact = streams.reduce((sum, [sample, gain]) => sum + sample * Math.fround(gain), 0);
          const value = out[0] ?? 0;
          expect(Math.abs(value)).toBeLessThanOrEqual(32767);
          if (Math.abs(exact) > 1) expect(Math.sign(value)).toBe(Math.sign(exact));
        },
      ),
    );
  });
});
