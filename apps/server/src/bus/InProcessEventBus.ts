// The default bus: handlers run synchronously, in publish order, so an access change published
// before an event is applied before that event fans out.
import type { BusMessage, EventBus } from './EventBus.ts';

export class InProcessEventBus implements EventBus {
  private readonly handlers = new Set<(message: BusMessage) => void>();

  publish(message: BusMessage): void {
    for (const handler of this.handlers) handler(message);
  }

  subscribe(handler: (message: BusMessage) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }
}
