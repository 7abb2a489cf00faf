// What the cluster buses share: every node reads one ordered log (a JetStream stream, a Redis
// stream) from the same start and hands each message to its subscribers with the log position,
// so all nodes see the same messages in the same order under the same numbers. Publishing only
// appends to the log: a node's own messages come back to it through the log like everyone else's,
// which is what keeps the order one order.
import { decodeBusMessage } from './busWire.ts';
import type { BusHandler, BusMessage, EventBus } from './EventBus.ts';

/** Where transport trouble goes (the composition root logs it); the bus never throws it at publishers. */
export type BusErrorHandler = (where: 'publish' | 'consume' | 'handler', error: unknown) => void;

export interface BusStats {
  published: number;
  publishErrors: number;
  delivered: number;
  /** Log entries that were not a bus message (dropped). */
  malformed: number;
  handlerErrors: number;
}

interface Waiter {
  position: number;
  resolve: (caughtUp: boolean) => void;
  timer: ReturnType<typeof setTimeout>;
}

export abstract class OrderedLogBus implements EventBus {
  readonly sequenced = true;
  readonly stats: BusStats = { published: 0, publishErrors: 0, delivered: 0, malformed: 0, handlerErrors: 0 };
  private readonly handlers = new Set<BusHandler>();
  private delivered = 0;
  private waiters: Waiter[] = [];

  protected constructor(protected readonly onError: BusErrorHandler) {}

  abstract publish(message: BusMessage): void;
  /** Starts reading the log (from the oldest retained entry); call once every subscriber is in place. */
  abstract start(): Promise<void>;
  abstract close(): Promise<void>;

  get position(): number {
    return this.delivered;
  }

  subscribe(handler: BusHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  caughtUpTo(position: number, timeoutMs: number): Promise<boolean> {
    if (position <= this.delivered) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        position,
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** The adapter calls this for each log entry, in log order. Entries at or below the position already handed out (redelivery after a reconnect) are skipped. */
  protected deliver(position: number, bytes: Uint8Array): void {
    if (position <= this.delivered) return;
    this.delivered = position;
    const message = decodeBusMessage(bytes);
    if (message === null) this.stats.malformed++;
    else {
      this.stats.delivered++;
      for (const handler of this.handlers) {
        try {
          handler(message, position);
        } catch (e) {
          this.stats.handlerErrors++;
          this.onError('handler', e);
        }
      }
    }
    if (this.waiters.length > 0) this.releaseWaiters();
  }

  protected failWaiters(): void {
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.resolve(false);
    }
    this.waiters = [];
  }

  private releaseWaiters(): void {
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.position <= this.delivered) {
        clearTimeout(w.timer);
        w.resolve(true);
      } else still.push(w);
    }
    this.waiters = still;
  }
}

/** The subject/key suffix of a message: one per scope for dispatches, one per kind otherwise. */
export function busSubjectSuffix(m: BusMessage): string {
  if (m.kind === 'dispatch') return `${m.scope[0]!}.${m.scope.slice(2)}`;
  return `x.${m.kind}`;
}
