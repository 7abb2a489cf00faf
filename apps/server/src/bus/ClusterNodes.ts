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

const NodeBodySchema = z.object({
  event: z.enum(['hello', 'beat', 'bye', 'welcome']),
  at: z.number().int().nonnegative(),
  /** With `welcome`: the node this one has just (re)discovered. */
  to: z.string().min(1).max(80).optional(),
});

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
  private lastTick = 0;
  /** `node` bodies that failed the schema (dropped). */
  malformed = 0;
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
    this.lastTick = this.now();
    this.timer = setInterval(() => this.tick(), this.heartbeatMs);
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

  /**
   * One heartbeat. After a pause of this process (a stalled event loop, a stopped VM) the others'
   * beats are still unread in the bus: the silence is this node's, so it gives everyone a fresh
   * start instead of declaring them down (and, as the leader, announcing their users offline).
   */
  tick(): void {
    const now = this.now();
    const paused = now - this.lastTick > 2 * this.heartbeatMs;
    this.lastTick = now;
    this.say('beat');
    if (paused) for (const node of this.lastSeen.keys()) this.lastSeen.set(node, now);
    else this.sweep();
  }

  /** Drops nodes silent for longer than `deadAfterMs`. */
  sweep(): void {
    const cutoff = this.now() - this.deadAfterMs;
    for (const [node, seen] of this.lastSeen) if (seen < cutoff) this.down(node);
  }

  private say(event: 'hello' | 'beat' | 'bye' | 'welcome', to?: string): void {
    this.bus.publish({ kind: 'replica', origin: this.self, topic: 'node', body: { event, at: this.now(), ...(to === undefined ? {} : { to }) } });
  }

  private onBus(m: BusMessage): void {
    if (m.kind !== 'replica' || m.topic !== 'node' || m.origin === this.self) return;
    const parsed = NodeBodySchema.safeParse(m.body);
    if (!parsed.success) {
      this.malformed++;
      return;
    }
    const { event, at, to } = parsed.data;
    if (event === 'bye') {
      if (this.lastSeen.has(m.origin)) this.down(m.origin);
      return;
    }
    const now = this.now();
    if (at < now - this.deadAfterMs) return;
    const known = this.lastSeen.has(m.origin);
    this.lastSeen.set(m.origin, now);
    if (event === 'welcome') {
      // The sender has just (re)discovered this node and dropped whatever it held of this node's
      // state, maybe while this node never noticed being gone: announce it again, to that sender.
      if (to === this.self) for (const handler of this.joinHandlers) handler(m.origin);
      return;
    }
    if (known) return;
    // Welcome it at once, so the newcomer knows this node is alive before the state it announces next,
    // and announces its own state back.
    this.say('welcome', m.origin);
    for (const handler of this.joinHandlers) handler(m.origin);
  }

  private down(node: string): void {
    this.lastSeen.delete(node);
    for (const handler of this.downHandlers) handler(node);
  }
}
