// IDENTIFYs per user in a fixed window (Discord's session_start_limit: 1000 a day). RESUMEs do not
// count. The same numbers are reported by GET /gateway/bot, so a client that obeys the report is
// never refused.
/** IDENTIFYs per user, as GET /gateway/bot reports them in session_start_limit. */
export const SESSION_START_LIMIT = { total: 1000, windowMs: 86_400_000 } as const;

export interface SessionStartLimitReport {
  total: number;
  remaining: number;
  reset_after: number;
  max_concurrency: number;
}

export class SessionStartLimiter {
  private readonly windows = new Map<string, { startedAtMs: number; count: number }>();

  constructor(private readonly limit: { total: number; windowMs: number } = SESSION_START_LIMIT) {}

  /** Counts one IDENTIFY; false when the user has used up the window. */
  tryStart(userId: string, nowMs: number): boolean {
    let w = this.windows.get(userId);
    if (!w || nowMs - w.startedAtMs >= this.limit.windowMs) this.windows.set(userId, (w = { startedAtMs: nowMs, count: 0 }));
    if (w.count >= this.limit.total) return false;
    w.count++;
    return true;
  }

  report(userId: string, nowMs: number): SessionStartLimitReport {
    const w = this.windows.get(userId);
    const live = w && nowMs - w.startedAtMs < this.limit.windowMs ? w : null;
    return {
      total: this.limit.total,
      remaining: this.limit.total - (live?.count ?? 0),
      reset_after: live ? live.startedAtMs + this.limit.windowMs - nowMs : 0,
      // Concurrent IDENTIFYs are not limited; 1 is the value that asks clients for the least.
      max_concurrency: 1,
    };
  }

  /** Forgets windows that have ended. */
  sweep(nowMs: number): void {
    for (const [userId, w] of this.windows) if (nowMs - w.startedAtMs >= this.limit.windowMs) this.windows.delete(userId);
  }
}
