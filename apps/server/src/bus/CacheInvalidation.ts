// How the services' own in-memory caches (applications, commands, webhooks, auto moderation rules,
// premium entitlements, boost slots, emoji and stickers, cached tokens) follow writes made on other
// nodes of a cluster (see "Running as a cluster" in ARCHITECTURE.md). A write, once committed,
// goes on the bus as `{ kind: 'replica', topic: 'invalidate', body: { what, id } }`; every other
// node re-reads that record from the shared store and puts what the store holds into its memory,
// announcing nothing (the writer dispatched the events). The database is the truth, so two nodes
// writing one record at once end with what the database holds, not with the log's order.
//
// Per kind of record (`what`), a node runs its reloads and its own writes one after another: a
// reload that read the row before this node's own write committed cannot land after that write
// and put the older row back. Invalidations that arrive while a reload waits join it (one store
// read for many ids: a node starting on the log's retained tail reloads each kind once, not once
// per message).
//
// In one process there is nothing to follow: services use LOCAL_CACHES, whose write() just runs
// the write, and nothing is published or reloaded.
import { z } from 'zod';
import type { ClusterNodes } from './ClusterNodes.ts';
import type { BusMessage, EventBus } from './EventBus.ts';

/** The cached records, and what their `id` names. */
export const CACHED_RECORDS = [
  /** ApplicationService: an application id. */
  'application',
  /** CommandService: an application id (every command of it, global and per guild). */
  'commands',
  /** WebhookService: a webhook id. */
  'webhook',
  /** AutoModService: a rule id. */
  'autoModRule',
  /** PremiumService: a user id (their entitlement). */
  'premium',
  /** PremiumService: a user id (their profile banner). */
  'banner',
  /** BoostService: a user id (their boost slots and where they are applied). */
  'boosts',
  /** BoostService: a guild id (its vanity code). */
  'vanity',
  /** ExpressionService: an emoji id. */
  'emoji',
  /** ExpressionService: a sticker id. */
  'sticker',
  /** AuthService: a user id whose tokens were revoked (every node forgets the ones it cached). */
  'tokens',
] as const;
export type CachedRecord = (typeof CACHED_RECORDS)[number];

/** Snowflakes and user ids: what every `what` names. Nothing else is taken off the wire. */
const InvalidationSchema = z.object({ what: z.enum(CACHED_RECORDS), id: z.string().regex(/^[0-9A-Za-z_-]{1,80}$/) }).strict();
export type Invalidation = z.infer<typeof InvalidationSchema>;

/** The body of an `invalidate` replica message, or null when it is not one (dropped and counted by the caller). */
export function parseInvalidation(body: unknown): Invalidation | null {
  const parsed = InvalidationSchema.safeParse(body);
  return parsed.success ? parsed.data : null;
}

/** The records a reload covers: the named ids, or every one ('all': after a node went down). */
export type ReloadIds = ReadonlySet<string> | 'all';

/** Reloads the records named by `ids` from the store into memory (the ids may name deleted records). */
export type CacheReload = (ids: ReloadIds) => Promise<void> | void;

/** Whether a reload covers the record `id`. */
export function covers(ids: ReloadIds, id: string): boolean {
  return ids === 'all' || ids.has(id);
}

/** The ids a reload settles: the named ones, or for 'all' every id held in memory or found in the store. */
export function reloadTargets(ids: ReloadIds, held: Iterable<string>, stored: Iterable<string>): Set<string> {
  return ids === 'all' ? new Set([...held, ...stored]) : new Set(ids);
}

/** What a service with its own cache uses: LOCAL_CACHES in one process, a CacheInvalidation on a cluster bus. */
export interface CacheFollower {
  /**
   * Runs a write of record `id` (store write, then the service's memory), after any reload of
   * that kind in progress on this node; once it settled (resolved or not), the other nodes are
   * told to reload. Never nest writes of one kind (the second would wait for the first).
   */
  write<T>(what: CachedRecord, id: string | readonly string[], fn: () => Promise<T>): Promise<T>;
  /** Registers the reload of one kind (one handler per kind). */
  onReload(what: CachedRecord, reload: CacheReload): void;
  /** True on a cluster bus (a service may then spend a store read it skips in one process). */
  readonly clustered: boolean;
}

/** One process: writes run as they are, nothing is published, nothing reloads. */
export const LOCAL_CACHES: CacheFollower = {
  write: (_what, _id, fn) => fn(),
  onReload: () => undefined,
  clustered: false,
};

interface Lane {
  /** The last queued reload or write; the next one starts after it. */
  tail: Promise<void>;
  /** Ids of a reload queued and not started yet (later invalidations join it). */
  waiting: { ids: Set<string> | 'all' } | null;
}

export interface CacheInvalidationOptions {
  /** A reload that failed (store down); retried `retries` times, `retryMs` apart. */
  onError?: (what: CachedRecord, error: unknown) => void;
  retries?: number;
  retryMs?: number;
}

export class CacheInvalidation implements CacheFollower {
  readonly clustered = true;
  private readonly reloads = new Map<CachedRecord, CacheReload>();
  private readonly lanes = new Map<CachedRecord, Lane>();
  private readonly unsubscribe: () => void;
  /** Bodies that failed the schema (dropped). */
  dropped = 0;
  /** Ids reloaded (after coalescing; a whole-kind reload counts 1), and those whose reload failed for good. */
  reloaded = 0;
  failed = 0;

  constructor(
    private readonly bus: EventBus,
    private readonly cluster: ClusterNodes,
    private readonly options: CacheInvalidationOptions = {},
  ) {
    const unsubscribe = bus.subscribe((m) => this.onBus(m));
    // A node killed between a commit and its publish leaves others stale: when a node goes down,
    // every kind is reloaded whole (rare, and the cached tables are small).
    const offDown = cluster.onDown(() => {
      for (const what of this.reloads.keys()) this.request(what, 'all', this.options.retries ?? 3);
    });
    this.unsubscribe = () => {
      unsubscribe();
      offDown();
    };
  }

  close(): void {
    this.unsubscribe();
  }

  onReload(what: CachedRecord, reload: CacheReload): void {
    this.reloads.set(what, reload);
  }

  async write<T>(what: CachedRecord, id: string | readonly string[], fn: () => Promise<T>): Promise<T> {
    try {
      return await this.enqueue(what, fn);
    } finally {
      // Also after a write that failed half-way: the others re-read whatever the store now holds.
      for (const one of typeof id === 'string' ? [id] : id) this.bus.publish({ kind: 'replica', origin: this.cluster.self, topic: 'invalidate', body: { what, id: one } satisfies Invalidation });
    }
  }

  /** Resolves once every reload and write queued so far has run (tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.lanes.values()].map((l) => l.tail));
  }

  private onBus(m: BusMessage): void {
    // Taken from any origin, a node that is down included: a reload re-reads the store, so an
    // invalidation is never wrong, at worst redundant (its write committed before it was sent).
    if (m.kind !== 'replica' || m.topic !== 'invalidate' || m.origin === this.cluster.self) return;
    const body = parseInvalidation(m.body);
    if (!body) {
      this.dropped++;
      return;
    }
    this.request(body.what, [body.id], this.options.retries ?? 3);
  }

  private request(what: CachedRecord, ids: Iterable<string> | 'all', retriesLeft: number): void {
    const reload = this.reloads.get(what);
    if (!reload) return;
    const lane = this.lane(what);
    if (lane.waiting) {
      const w = lane.waiting;
      if (ids === 'all') w.ids = 'all';
      else if (w.ids !== 'all') for (const id of ids) w.ids.add(id);
      return;
    }
    const waiting: { ids: Set<string> | 'all' } = { ids: ids === 'all' ? 'all' : new Set(ids) };
    lane.waiting = waiting;
    void this.enqueue(what, async () => {
      if (lane.waiting === waiting) lane.waiting = null;
      const count = waiting.ids === 'all' ? 1 : waiting.ids.size;
      try {
        await reload(waiting.ids);
        this.reloaded += count;
      } catch (e) {
        this.options.onError?.(what, e);
        if (retriesLeft > 0) setTimeout(() => this.request(what, waiting.ids, retriesLeft - 1), this.options.retryMs ?? 1_000).unref();
        else this.failed += count;
      }
    });
  }

  private enqueue<T>(what: CachedRecord, task: () => Promise<T>): Promise<T> {
    const lane = this.lane(what);
    const run = lane.tail.then(task);
    lane.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private lane(what: CachedRecord): Lane {
    let lane = this.lanes.get(what);
    if (!lane) this.lanes.set(what, (lane = { tail: Promise.resolve(), waiting: null }));
    return lane;
  }
}
