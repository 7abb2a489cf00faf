// Which nodes of a cluster are alive, from the bus itself: every node says hello when it starts,
// beats every few seconds and says bye when it stops. A node not heard from for `deadAfterMs` is
// down (SIGKILL, a lost network): the services that replicate ephemeral state (presence, voice
// states, calls) drop what it announced, and one node, the leader (the smallest live name), tells
// clients what changed, so a dead node's users go offline once, not once per surviving node.
// A node seen for the first time makes every node announce its own state again, so the newcomer
// (which read only the log's retained tail) learns what is older than the tail.
// Beats carry the sender's clock: the log replays its retained tail to a starting node, and a beat
// older than `deadAfterMs` is history, not a sign of life (nodes' clocks agree within seconds).
// The rule for the replicating services: take state only from a node `isAlive` (a node beats back
// before it announces its state to a newcomer), drop all of a node's state when it goes down.
import { z } from 'zod';
import type { BusMessage, EventBus } from './EventBus.ts';

const NodeBodySchema = z.object({ event: z.enum(['hello', 'beat', 'bye']), at: z.number().int().nonnegative() });

export interface ClusterNodesOptions {
  heartbeatMs?: number;
  deadAfterMs?: number;
  now?: () => number;
}

export class ClusterNodes {
  /** Live nodes other than this one -> when last heard (this node's clock). */
  private readonly lastSeen = new Map<string, number>();
  private readonly joinHandlers = new Set<(node: string) => void>();
  private readonly downHandlers = new Set<(node: string) => void>();
  private readonly unsubscribe: () => void;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly heartbeatMs: number;
  private readonly deadAfterMs: number;
  private readonly now: () => number;

  constructor(
    private readonly bus: EventBus,
    /** This node's name on the bus (openBus's `node`). */
    readonly self: string,
    options: ClusterNodesOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 5_000;
    this.deadAfterMs = options.deadAfterMs ?? 3 * this.heartbeatMs;
    this.now = options.now ?? Date.now;
    this.unsubscribe = bus.subscribe((m) => this.onBus(m));
  }

  /** Says hello and starts beating; call once the bus reads its log. */
  start(): void {
    this.say('hello');
    this.timer = setInterval(() => {
      this.say('beat');
      this.sweep();
    }, this.heartbeatMs);
    this.timer.unref();
  }

  /** Says bye (others drop this node's state at once, not after `deadAfterMs`). */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.say('bye');
    this.unsubscribe();
  }

  /** A node heard from for the first time (or again after it was down). */
  onJoin(handler: (node: string) => void): () => void {
    this.joinHandlers.add(handler);
    return () => this.joinHandlers.delete(handler);
  }

  /** A node that stopped beating or said bye. */
  onDown(handler: (node: string) => void): () => void {
    this.downHandlers.add(handler);
    return () => this.downHandlers.delete(handler);
  }

  isAlive(node: string): boolean {
    return node === this.self || this.lastSeen.has(node);
  }

  /** True on exactly one live node at a time (once beats have settled): the one that speaks for dead nodes. */
  isLeader(): boolean {
    for (const node of this.lastSeen.keys()) if (node < this.self) return false;
    return true;
  }

  liveNodes(): string[] {
    return [this.self, ...this.lastSeen.keys()].sort();
  }

  /** Drops nodes silent for longer than `deadAfterMs` (also run by the timer). */
  sweep(): void {
    const cutoff = this.now() - this.deadAfterMs;
    for (const [node, seen] of this.lastSeen) if (seen < cutoff) this.down(node);
  }

  private say(event: 'hello' | 'beat' | 'bye'): void {
    this.bus.publish({ kind: 'replica', origin: this.self, topic: 'node', body: { event, at: this.now() } });
  }

  private onBus(m: BusMessage): void {
    if (m.kind !== 'replica' || m.topic !== 'node' || m.origin === this.self) return;
    const parsed = NodeBodySchema.safeParse(m.body);
    if (!parsed.success) return;
    const { event, at } = parsed.data;
    if (event === 'bye') {
      if (this.lastSeen.has(m.origin)) this.down(m.origin);
      return;
    }
    const now = this.now();
    if (at < now - this.deadAfterMs) return;
    const known = this.lastSeen.has(m.origin);
    this.lastSeen.set(m.origin, now);
    if (known) return;
    // Beat back at once, so the newcomer knows this node is alive before the state it announces next.
    this.say('beat');
    for (const handler of this.joinHandlers) handler(m.origin);
  }

  private down(node: string): void {
    this.lastSeen.delete(node);
    for (const handler of this.downHandlers) handler(node);
  }
}
