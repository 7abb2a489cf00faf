// The REST rate limiter through its public API, on a hand-driven clock: fixed windows per
// (identity, route bucket, major id), one global window per identity, and what each decision
// reports for Discord's X-RateLimit-* headers.
import { describe, expect, it } from 'vitest';
import { RateLimiter, type RateLimitRule } from './RateLimiter.ts';

const T0 = 1_715_711_531_000;
const FIVE_PER_SECOND: RateLimitRule = { limit: 5, windowMs: 1000 };
const UNLIMITED_GLOBAL: RateLimitRule = { limit: 1_000_000, windowMs: 1000 };

/** A limiter whose clock only moves when the test says so. */
function limiterAt(startMs: number, globalRule: RateLimitRule = UNLIMITED_GLOBAL) {
  const clock = { nowMs: startMs };
  const limiter = new RateLimiter(globalRule, () => clock.nowMs);
  return { limiter, clock };
}

describe('RateLimiter route buckets', () => {
  it('allows `limit` requests in a window, counting remaining down to 0, and refuses the next', () => {
    const { limiter } = limiterAt(T0);
    const decisions = Array.from({ length: 6 }, () => limiter.check('user1', 'POST /channels/:id/messages', 'ch1', FIVE_PER_SECOND));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0, 0]);
    expect(decisions.every((d) => d.limit === 5 && d.bucket === 'POST /channels/:id/messages' && !d.global)).toBe(true);
  });

  it('reports when the window resets, counted from its first request, not from the latest', () => {
    const { limiter, clock } = limiterAt(T0);
    expect(limiter.check('user1', 'b', 'm', FIVE_PER_SECOND)).toMatchObject({ resetAtMs: T0 + 1000, resetAfterMs: 1000 });
    clock.nowMs = T0 + 300;
    expect(limiter.check('user1', 'b', 'm', FIVE_PER_SECOND)).toMatchObject({ resetAtMs: T0 + 1000, resetAfterMs: 700 });
    clock.nowMs = T0 + 999;
    expect(limiter.check('user1', 'b', 'm', FIVE_PER_SECOND)).toMatchObject({ resetAtMs: T0 + 1000, resetAfterMs: 1 });
  });

  it('keeps refusing until the reset time and opens a fresh window exactly at it', () => {
    const { limiter, clock } = limiterAt(T0);
    const rule: RateLimitRule = { limit: 1, windowMs: 5000 };
    expect(limiter.check('user1', 'b', 'm', rule).allowed).toBe(true);
    clock.nowMs = T0 + 4999;
    expect(limiter.check('user1', 'b', 'm', rule)).toMatchObject({ allowed: false, remaining: 0, resetAfterMs: 1 });
    clock.nowMs = T0 + 5000;
    expect(limiter.check('user1', 'b', 'm', rule)).toMatchObject({ allowed: true, remaining: 0, resetAtMs: T0 + 10_000, resetAfterMs: 5000 });
  });

  it('starts a full window for a request long after the last one', () => {
    const { limiter, clock } = limiterAt(T0);
    for (let i = 0; i < 5; i++) limiter.check('user1', 'b', 'm', FIVE_PER_SECOND);
    clock.nowMs = T0 + 60_000;
    expect(limiter.check('user1', 'b', 'm', FIVE_PER_SECOND)).toMatchObject({ allowed: true, remaining: 4, resetAtMs: T0 + 61_000 });
  });

  it('keeps separate windows per identity, per route bucket and per major id', () => {
    const { limiter } = limiterAt(T0);
    const rule: RateLimitRule = { limit: 1, windowMs: 1000 };
    expect(limiter.check('user1', 'send', 'ch1', rule).allowed).toBe(true);
    expect(limiter.check('user1', 'send', 'ch1', rule).allowed).toBe(false);
    expect(limiter.check('user2', 'send', 'ch1', rule).allowed).toBe(true);
    expect(limiter.check('user1', 'react', 'ch1', rule).allowed).toBe(true);
    expect(limiter.check('user1', 'send', 'ch2', rule).allowed).toBe(true);
  });

  it('applies the rule given with each check, so one bucket may allow more than another', () => {
    const { limiter } = limiterAt(T0);
    const strict: RateLimitRule = { limit: 2, windowMs: 1000 };
    const loose: RateLimitRule = { limit: 4, windowMs: 1000 };
    const strictAllowed = Array.from({ length: 5 }, () => limiter.check('user1', 'strict', 'g1', strict).allowed).filter(Boolean).length;
    const looseAllowed = Array.from({ length: 5 }, () => limiter.check('user1', 'loose', 'g1', loose).allowed).filter(Boolean).length;
    expect([strictAllowed, looseAllowed]).toEqual([2, 4]);
  });
});

describe('RateLimiter global limit', () => {
  it('refuses every bucket of an identity once its global limit is used up, and says so', () => {
    const { limiter } = limiterAt(T0, { limit: 3, windowMs: 1000 });
    for (const bucket of ['a', 'b', 'c']) expect(limiter.check('user1', bucket, 'm', FIVE_PER_SECOND).allowed).toBe(true);
    const refused = limiter.check('user1', 'd', 'm', FIVE_PER_SECOND);
    expect(refused).toEqual({ allowed: false, limit: 3, remaining: 0, resetAtMs: T0 + 1000, resetAfterMs: 1000, bucket: 'd', global: true });
  });

  it('counts the global limit per identity', () => {
    const { limiter } = limiterAt(T0, { limit: 1, windowMs: 1000 });
    expect(limiter.check('user1', 'a', 'm', FIVE_PER_SECOND).allowed).toBe(true);
    expect(limiter.check('user1', 'b', 'm', FIVE_PER_SECOND).global).toBe(true);
    expect(limiter.check('user2', 'a', 'm', FIVE_PER_SECOND)).toMatchObject({ allowed: true, global: false });
  });

  it('lifts the global limit when its window resets', () => {
    const { limiter, clock } = limiterAt(T0, { limit: 1, windowMs: 1000 });
    limiter.check('user1', 'a', 'm', FIVE_PER_SECOND);
    clock.nowMs = T0 + 400;
    expect(limiter.check('user1', 'a', 'm', FIVE_PER_SECOND)).toMatchObject({ allowed: false, global: true, resetAfterMs: 600 });
    clock.nowMs = T0 + 1000;
    expect(limiter.check('user1', 'a', 'm', FIVE_PER_SECOND)).toMatchObject({ allowed: true, global: false });
  });

  it('does not charge a route bucket for a request the global limit refused', () => {
    const { limiter, clock } = limiterAt(T0, { limit: 2, windowMs: 1000 });
    const rule: RateLimitRule = { limit: 5, windowMs: 10_000 };
    limiter.check('user1', 'b', 'm', rule);
    limiter.check('user1', 'b', 'm', rule);
    for (let i = 0; i < 10; i++) expect(limiter.check('user1', 'b', 'm', rule).global).toBe(true);
    clock.nowMs = T0 + 1000;
    expect(limiter.check('user1', 'b', 'm', rule)).toMatchObject({ allowed: true, remaining: 2, global: false });
  });

  it('charges the global limit for a request its route bucket refused', () => {
    const { limiter } = limiterAt(T0, { limit: 3, windowMs: 1000 });
    const once: RateLimitRule = { limit: 1, windowMs: 1000 };
    expect(limiter.check('user1', 'b', 'm', once)).toMatchObject({ allowed: true, global: false });
    expect(limiter.check('user1', 'b', 'm', once)).toMatchObject({ allowed: false, global: false });
    expect(limiter.check('user1', 'b', 'm', once)).toMatchObject({ allowed: false, global: false });
    expect(limiter.check('user1', 'other', 'm', once)).toMatchObject({ allowed: false, global: true });
  });

  it('allows 50 requests per second per identity by default', () => {
    let nowMs = T0;
    const limiter = new RateLimiter(undefined, () => nowMs);
    const generous: RateLimitRule = { limit: 1000, windowMs: 1000 };
    const allowed = Array.from({ length: 60 }, (_, i) => limiter.check('user1', `bucket${i}`, 'm', generous).allowed);
    expect(allowed.filter(Boolean)).toHaveLength(50);
    expect(allowed.indexOf(false)).toBe(50);
    nowMs = T0 + 1000;
    expect(limiter.check('user1', 'again', 'm', generous).allowed).toBe(true);
  });
});
