// Failed-login throttling, per account and per address, independent of the REST rate limits (which
// operators may turn off for benchmarks): after too many failures in a window, further attempts
// are refused before any password work is done, so guessing costs the attacker time, not us CPU.
// Memory is bounded: the oldest keys are dropped first when the table is full.

export interface LoginThrottleOptions {
  windowMs: number;
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
  maxKeys: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = { windowMs: 15 * 60_000, maxFailuresPerAccount: 10, maxFailuresPerAddress: 50, maxKeys: 100_000 };

interface Window {
  startedAtMs: number;
  failures: number;
}

export class LoginThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly options: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE) {}

  /** Milliseconds until this account/address may try again, or 0 when it may try now. */
  retryAfterMs(account: string, address: string, nowMs = Date.now()): number {
    return Math.max(this.blockedFor(`a:${account.toLowerCase()}`, this.options.maxFailuresPerAccount, nowMs), address ? this.blockedFor(`ip:${address}`, this.options.maxFailuresPerAddress, nowMs) : 0);
  }

  recordFailure(account: string, address: string, nowMs = Date.now()): void {
    this.bump(`a:${account.toLowerCase()}`, nowMs);
    if (address) this.bump(`ip:${address}`, nowMs);
  }

  /** A success clears the account's failures (not the address's: one address may try many accounts). */
  recordSuccess(account: string): void {
    this.windows.delete(`a:${account.toLowerCase()}`);
  }

  private blockedFor(key: string, max: number, nowMs: number): number {
    const w = this.windows.get(key);
    if (!w) return 0;
    const endsAtMs = w.startedAtMs + this.options.windowMs;
    if (endsAtMs <= nowMs) {
      this.windows.delete(key);
      return 0;
    }
    return w.failures >= max ? endsAtMs - nowMs : 0;
  }

  private bump(key: string, nowMs: number): void {
    let w = this.windows.get(key);
    if (!w || w.startedAtMs + this.options.windowMs <= nowMs) {
      this.windows.delete(key);
      if (this.windows.size >= this.options.maxKeys) {
        const oldest = this.windows.keys().next();
        if (!oldest.done) this.windows.delete(oldest.value);
      }
      w = { startedAtMs: nowMs, failures: 0 };
      this.windows.set(key, w);
    }
    w.failures++;
  }
}
