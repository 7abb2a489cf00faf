// Fixed-window rate limits per (identity, bucket), reported with Discord's X-RateLimit-* headers.
// Buckets follow Discord's idea of "major parameters": a route's limit is per channel/guild.

export interface RateLimitRule {
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetAtMs: number;
  resetAfterMs: number;
  bucket: string;
  global: boolean;
}

interface Window {
  count: number;
  resetAtMs: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private sweepAt = 0;

  constructor(
    private readonly globalRule: RateLimitRule = { limit: 50, windowMs: 1000 },
    private readonly now: () => number = Date.now,
  ) {}

  private take(key: string, rule: RateLimitRule, nowMs: number): Window & { allowed: boolean } {
    let w = this.windows.get(key);
    if (!w || w.resetAtMs <= nowMs) {
      w = { count: 0, resetAtMs: nowMs + rule.windowMs };
      this.windows.set(key, w);
    }
    const allowed = w.count < rule.limit;
    if (allowed) w.count++;
    return { ...w, allowed };
  }

  /** Checks the global per-identity limit, then the route bucket. */
  check(identity: string, bucket: string, majorId: string, rule: RateLimitRule): RateLimitDecision {
    const nowMs = this.now();
    if (nowMs > this.sweepAt) this.sweep(nowMs);
    const g = this.take(`g:${identity}`, this.globalRule, nowMs);
    if (!g.allowed) {
      return { allowed: false, limit: this.globalRule.limit, remaining: 0, resetAtMs: g.resetAtMs, resetAfterMs: g.resetAtMs - nowMs, bucket, global: true };
    }
    const w = this.take(`${identity}:${bucket}:${majorId}`, rule, nowMs);
    return {
      allowed: w.allowed,
      limit: rule.limit,
      remaining: Math.max(0, rule.limit - w.count),
      resetAtMs: w.resetAtMs,
      resetAfterMs: w.resetAtMs - nowMs,
      bucket,
      global: false,
    };
  }

  private sweep(nowMs: number): void {
    for (const [key, w] of this.windows) if (w.resetAtMs <= nowMs) this.windows.delete(key);
    this.sweepAt = nowMs + 10_000;
  }
}
