// Key frame requests (PLI) to senders, rate-limited per stream SSRC (each simulcast layer is its own
// encoder and its own SSRC): at once when the last request to that SSRC is KEYFRAME_REQUEST_MS old,
// else once at the end of that window (deferred, never dropped: a viewer waiting on it would freeze).

/** At most one key frame request (PLI) to a sender per SSRC within this window. */
export const KEYFRAME_REQUEST_MS = 500;

interface Pending {
  lastMs: number;
  timer: ReturnType<typeof setTimeout> | null;
}

export class KeyFrameRequests {
  private readonly bySsrc = new Map<number, Pending>();
  sent = 0;

  constructor(
    private readonly nowMs: () => number,
    /** Sends the PLI for `ssrc`; false when its sender is gone (the deferred one is then dropped). */
    private readonly send: (ssrc: number) => boolean,
  ) {}

  request(ssrc: number): void {
    let p = this.bySsrc.get(ssrc);
    if (p === undefined) {
      p = { lastMs: Number.NEGATIVE_INFINITY, timer: null };
      this.bySsrc.set(ssrc, p);
    }
    if (p.timer !== null) return;
    const now = this.nowMs();
    const waitMs = p.lastMs + KEYFRAME_REQUEST_MS - now;
    if (waitMs <= 0) {
      this.fire(ssrc, p, now);
      return;
    }
    const pending = p;
    p.timer = setTimeout(() => {
      pending.timer = null;
      if (this.bySsrc.get(ssrc) === pending) this.fire(ssrc, pending, this.nowMs());
    }, waitMs);
    p.timer.unref();
  }

  /** The stream ended: its pending request goes. */
  forget(ssrc: number): void {
    const p = this.bySsrc.get(ssrc);
    if (p?.timer) clearTimeout(p.timer);
    this.bySsrc.delete(ssrc);
  }

  close(): void {
    for (const ssrc of [...this.bySsrc.keys()]) this.forget(ssrc);
  }

  private fire(ssrc: number, p: Pending, now: number): void {
    p.lastMs = now;
    if (this.send(ssrc)) this.sent++;
  }
}
