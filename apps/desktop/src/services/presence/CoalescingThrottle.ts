// "Send the newest state, soon, but not too often": changes in one tick become one send, and at
// most `limit.updates` sends happen per sliding `limit.windowMs`; a change over the limit waits and
// goes out (only the newest) when the window allows. Used for op 3 presence updates, which the
// gateway counts against 120 frames a minute per session and closes over.
export const PRESENCE_UPDATE_LIMIT = { updates: 100, windowMs: 60_000 } as const;

export interface ThrottleStats {
  sent: number;
  /** Sends that waited for the window (a burst of changes). */
  throttled: number;
}

export class CoalescingThrottle {
  private readonly sentAtMs: number[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private dirty = false;
  private readonly counters: ThrottleStats = { sent: 0, throttled: 0 };

  /**
   * `send` sends the newest state; `ready` says whether it can be sent now (a gateway between
   * sessions cannot: whoever makes it ready calls `schedule()` again).
   */
  constructor(
    private readonly send: () => void,
    private readonly ready: () => boolean = () => true,
    private readonly limit: { updates: number; windowMs: number } = PRESENCE_UPDATE_LIMIT,
    private readonly now: () => number = Date.now,
  ) {}

  /** The state changed: send it soon. */
  schedule(): void {
    this.dirty = true;
    // A timer is already pending: it will send the newest state.
    if (this.timer !== null) return;
    this.timer = setTimeout(() => this.flush(), 0);
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.dirty = false;
  }

  stats(): ThrottleStats {
    return { ...this.counters };
  }

  private flush(): void {
    this.timer = null;
    if (!this.dirty || !this.ready()) return;
    const waitMs = this.waitMs();
    if (waitMs > 0) {
      this.counters.throttled++;
      this.timer = setTimeout(() => this.flush(), waitMs);
      return;
    }
    this.dirty = false;
    this.sentAtMs.push(this.now());
    this.counters.sent++;
    this.send();
  }

  private waitMs(): number {
    const now = this.now();
    while (this.sentAtMs.length > 0 && this.sentAtMs[0]! <= now - this.limit.windowMs) this.sentAtMs.shift();
    return this.sentAtMs.length < this.limit.updates ? 0 : this.sentAtMs[0]! + this.limit.windowMs - now;
  }
}
