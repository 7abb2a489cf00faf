// Test-only (the unit tests of cluster replication use it; nothing in the server imports it): the
// in-process bus with log semantics. A message published by a handler goes after the one being
// handled, as on NATS/Redis, where every node reads one ordered log; the plain in-process bus
// delivers it at once, inside the handler, which no cluster bus does.
import type { BusMessage } from './EventBus.ts';
import { InProcessEventBus } from './InProcessEventBus.ts';

export class QueuedBus extends InProcessEventBus {
  private readonly queue: BusMessage[] = [];
  private draining = false;
  /** While held, published messages wait (two writes "in flight" at once); `drain()` delivers them in order. */
  held = false;

  override publish(message: BusMessage): void {
    this.queue.push(message);
    if (!this.held) this.drain();
  }

  drain(): void {
    if (this.draining) return;
    this.draining = true;
    for (let m = this.queue.shift(); m; m = this.queue.shift()) super.publish(m);
    this.draining = false;
  }
}
