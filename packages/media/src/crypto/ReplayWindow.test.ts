import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReplayWindow } from './ReplayWindow.ts';

function offer(window: ReplayWindow, counter: number): boolean {
  if (!window.accepts(counter)) return false;
  window.commit(counter);
  return true;
}

describe('ReplayWindow', () => {
  it('accepts increasing counters and refuses a duplicate', () => {
    const w = new ReplayWindow();
    expect(offer(w, 1)).toBe(true);
    expect(offer(w, 2)).toBe(true);
    expect(offer(w, 2)).toBe(false);
    expect(offer(w, 1)).toBe(false);
  });

  it('accepts reordering inside 64 and refuses older or repeated late packets', () => {
    const w = new ReplayWindow();
    expect(offer(w, 100)).toBe(true);
    expect(offer(w, 40)).toBe(true); // 60 behind
    expect(offer(w, 40)).toBe(false);
    expect(offer(w, 36)).toBe(false); // 64 behind
    expect(offer(w, 99)).toBe(true);
    expect(offer(w, 140)).toBe(true); // 40 ahead: 99 and 100 now at 41 and 40 behind
    expect(offer(w, 100)).toBe(false);
    expect(offer(w, 98)).toBe(true);
    expect(offer(w, 76)).toBe(false); // 64 behind 140
  });

  it('steps across the 2^32 wrap', () => {
    const w = new ReplayWindow();
    expect(offer(w, 0xfffffffe)).toBe(true);
    expect(offer(w, 0xffffffff)).toBe(true);
    expect(offer(w, 0)).toBe(true);
    expect(offer(w, 0xffffffff)).toBe(false);
    expect(offer(w, 1)).toBe(true);
  });

  it('agrees with a set-based model for any sequence of counters', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1000, max: 1400 }), { maxLength: 300 }), (counters) => {
        const w = new ReplayWindow();
        const seen = new Set<number>();
        let highest = -1;
        for (const c of counters) {
          const expected = !seen.has(c) && (highest < 0 || c > highest - 64);
          expect(offer(w, c)).toBe(expected);
          if (expected) {
            seen.add(c);
            highest = Math.max(highest, c);
          }
        }
      }),
    );
  });
});
