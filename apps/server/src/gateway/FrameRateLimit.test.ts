import { describe, expect, it } from 'vitest';
import { countInboundFrame, type FrameWindow } from './FrameRateLimit.ts';

const LIMIT = { frames: 3, windowMs: 1000 };

describe('countInboundFrame', () => {
  it('allows the limit within one window and refuses the frame after it', () => {
    const w: FrameWindow = { frameWindowStartMs: 0, framesInWindow: 0 };
    expect([1, 2, 3, 4].map((t) => countInboundFrame(w, t, LIMIT))).toEqual([true, true, true, false]);
  });

  it('starts a new window once the old one has passed', () => {
    const w: FrameWindow = { frameWindowStartMs: 0, framesInWindow: 0 };
    for (let i = 0; i < 4; i++) countInboundFrame(w, 10, LIMIT);
    expect(countInboundFrame(w, 1000, LIMIT)).toBe(false); // the window is inclusive of its last millisecond
    expect(countInboundFrame(w, 1011, LIMIT)).toBe(true);
    expect(w).toEqual({ frameWindowStartMs: 1011, framesInWindow: 1 });
  });

  it("applies Discord's 120 frames per 60 s by default", () => {
    const w: FrameWindow = { frameWindowStartMs: 0, framesInWindow: 0 };
    let allowed = 0;
    for (let i = 0; i < 200; i++) if (countInboundFrame(w, 5)) allowed++;
    expect(allowed).toBe(120);
  });
});
