// The recent dispatches of this gateway process, kept so a session that RESUMEs can be sent exactly
// the events it missed. Sequence numbers are global to the process: one event has one `s` for all
// recipients, so its frame is encoded once and shared (uWS publish), and a session's `s` values
// simply skip the events it was not subscribed to. Bounded by count and by age.
import type { DispatchEventName } from '@concord/protocol';

export interface BufferedEvent {
  seq: number;
  scope: string;
  t: DispatchEventName;
  d: unknown;
  atMs: number;
}

export class ReplayBuffer {
  private readonly events: (BufferedEvent | undefined)[];
  private head = 0; // index of the next write
  private size = 0;
  /** The highest sequence number that has left the buffer: a resume from before it cannot be exact. */
  private evictedUpTo = 0;

  constructor(
    private readonly capacity: number,
    private readonly maxAgeMs: number,
    /**
     * On a cluster bus the buffer starts at the oldest event the bus still holds, not at 1: a
     * resume from before the first event pushed cannot be exact.
     */
    private readonly floorAtFirstEvent = false,
  ) {
    this.events = new Array<BufferedEvent | undefined>(capacity);
  }

  push(event: BufferedEvent): void {
    if (this.floorAtFirstEvent && this.size === 0 && this.evictedUpTo === 0) this.evictedUpTo = event.seq - 1;
    const overwritten = this.events[this.head];
    if (overwritten && this.size === this.capacity) this.evictedUpTo = overwritten.seq;
    this.events[this.head] = event;
    this.head = (this.head + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }

  get length(): number {
    return this.size;
  }

  /** Events after `afterSeq` whose scope passes `wants`, oldest first; null when some were already evicted. */
  since(afterSeq: number, wants: (scope: string) => boolean, nowMs = Date.now()): BufferedEvent[] | null {
    this.expire(nowMs);
    if (afterSeq < this.evictedUpTo) return null;
    const out: BufferedEvent[] = [];
    for (let i = 0; i < this.size; i++) {
      const e = this.events[(this.head - this.size + i + this.capacity) % this.capacity]!;
      if (e.seq > afterSeq && wants(e.scope)) out.push(e);
    }
    return out;
  }

  expire(nowMs = Date.now()): void {
    while (this.size > 0) {
      const index = (this.head - this.size + this.capacity) % this.capacity;
      const e = this.events[index]!;
      if (nowMs - e.atMs <= this.maxAgeMs) break;
      this.events[index] = undefined;
      this.evictedUpTo = e.seq;
      this.size--;
    }
  }
}
