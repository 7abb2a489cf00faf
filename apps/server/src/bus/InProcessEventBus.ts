// The default bus: handlers run synchronously, in publish order, so an access change published
// before an event is applied before that event fans out.
import type { BusHandler, BusMessage, EventBus } from './EventBus.ts';

export class InProcessEventBus implements EventBus {
  readonly sequenced = false;
  readonly position = 0;
  private readonly handlers = new Set<BusHandler>();

  publish(message: BusMessage): void {
    for (const handler of this.handlers) handler(message, 0);
  }

  subscribe(handler: BusHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  caughtUpTo(): Promise<boolean> {
    return Promise.resolve(true);
  }

  close(): Promise<void> {
    this.handlers.clear();
    return Promise.resolve();
  }
}
