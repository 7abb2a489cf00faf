import { describe, expect, it } from 'vitest';
import { SessionStartLimiter, SESSION_START_LIMIT } from './SessionStartLimiter.ts';

describe('SessionStartLimiter', () => {
  it('refuses the IDENTIFY after the total in one window, per user', () => {
    const l = new SessionStartLimiter({ total: 2, windowMs: 1000 });
    expect([l.tryStart('a', 0), l.tryStart('a', 1), l.tryStart('a', 2)]).toEqual([true, true, false]);
    expect(l.tryStart('b', 2)).toBe(true);
  });

  it('reports exactly what is left and when the window resets', () => {
    const l = new SessionStartLimiter({ total: 5, windowMs: 1000 });
    l.tryStart('a', 100);
    l.tryStart('a', 300);
    expect(l.report('a', 400)).toEqual({ total: 5, remaining: 3, reset_after: 700, max_concurrency: 1 });
    expect(l.report('nobody', 400)).toEqual({ total: 5, remaining: 5, reset_after: 0, max_concurrency: 1 });
  });

  it('opens a fresh window once the old one has ended, and sweep forgets ended windows', () => {
    const l = new SessionStartLimiter({ total: 1, windowMs: 1000 });
    expect(l.tryStart('a', 0)).toBe(true);
    expect(l.tryStart('a', 999)).toBe(false);
    expect(l.report('a', 1000).remaining).toBe(1);
    expect(l.tryStart('a', 1000)).toBe(true);
    l.sweep(2000);
    expect(l.report('a', 1999).remaining).toBe(1); // forgotten: a full allowance again
  });

  it("defaults to Discord's 1000 a day", () => {
    expect(new SessionStartLimiter().report('a', 0).total).toBe(SESSION_START_LIMIT.total);
    expect(SESSION_START_LIMIT).toEqual({ total: 1000, windowMs: 86_400_000 });
  });
});
