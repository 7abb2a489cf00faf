// How a node's in-memory guild state follows changes made on other nodes (see "Running as a
// cluster" in ARCHITECTURE.md). Every MetadataStore write, once committed, goes on the bus as a
// `stateChange` carrying the written records (replicatingMetadataStore); every node, the writer
// included, applies the changes in log order. No node owns a guild: the log order is the one
// order, so all nodes end with the same state even when two write the same record at once. The
// writer has already changed its memory before the write (the services do that); reading its own
// change back is a no-op unless another node's change to that record came in between, and it is
// skipped while the writer has written the same record again since (no flicker to an older value).
// The log's order is not always the database's: two nodes writing one record at once can commit in
// one order and publish in the other, and every node would end on the value the database does not
// hold. So when a record's change comes from a second origin within `contestedWindowMs` of the
// previous one, every node (each sees the same log) re-reads the record from the store, after both
// commits, and applies what it holds, unless a newer change to the record arrived during the read.
import crypto from 'node:crypto';
import type { DomainState } from '../domain/DomainState.ts';
import type { MetadataStore } from '../store/MetadataStore.ts';
import type { ChannelRecord } from '../store/records.ts';
import type { BusMessage, EventBus } from './EventBus.ts';
import { applyStateChange, readBack, recordKey, stateChangeKeys, stateChangeRefs, type RecordRef, type StateChange } from './StateChange.ts';

export interface StateReplicatorOptions {
  /** Two origins writing one record within this window make it contested (re-read from the store). */
  contestedWindowMs?: number;
  /** A re-read failed (the memory keeps the log's value until the record is written again). */
  onError?: (error: unknown) => void;
  now?: () => number;
}

/** The last change to a record seen on the log: who wrote it, when it was read, and a counter of changes applied. */
interface RecordSeen {
  origin: string;
  atMs: number;
  version: number;
  /** Re-reads of this record in flight: it is not swept under them. */
  reading: number;
}

export class StateReplicator {
  /** This process's name on the bus (a new one per start: a restarted node has no writes in flight). */
  readonly origin = crypto.randomBytes(8).toString('hex');
  /** Record key -> own writes published and not yet read back from the log. */
  private readonly pending = new Map<string, number>();
  /** Record key -> the last change to it, kept for `contestedWindowMs` (swept as the log goes by). */
  private readonly seen = new Map<string, RecordSeen>();
  private readonly unsubscribe: () => void;
  private readonly contestedWindowMs: number;
  private readonly now: () => number;
  /** The store to re-read contested records from (the one `replicating` wraps). */
  private store: MetadataStore | null = null;
  private lastSweepMs = 0;
  applied = 0;
  /** Records re-read because two origins wrote them at once, and how those reads went. */
  reread = { contested: 0, applied: 0, superseded: 0, failed: 0 };

  constructor(
    private readonly state: DomainState,
    private readonly bus: EventBus,
    private readonly options: StateReplicatorOptions = {},
  ) {
    this.contestedWindowMs = options.contestedWindowMs ?? 2_000;
    this.now = options.now ?? Date.now;
    this.unsubscribe = bus.subscribe((m) => this.onBus(m));
  }

  close(): void {
    this.unsubscribe();
  }

  /** The store, with every committed write published as a state change (reads pass through). */
  replicating(meta: MetadataStore): MetadataStore {
    this.store = meta;
    return replicatingMetadataStore(meta, (change) => this.publish(change));
  }

  publish(change: StateChange): void {
    for (const key of stateChangeKeys(change)) this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    this.bus.publish({ kind: 'stateChange', origin: this.origin, change });
  }

  private onBus(m: BusMessage): void {
    if (m.kind === 'stateChange') {
      const contested = this.note(m.origin, m.change);
      if (m.origin === this.origin && this.newerOwnWritePending(m.change)) return;
      applyStateChange(this.state, m.change);
      this.applied++;
      for (const ref of contested) void this.rereadRecord(ref);
      return;
    }
    // Messages need no state change of their own: the channel's last message id follows the event
    // (one bus message per message, not two).
    if (m.kind === 'dispatch' && m.t === 'MESSAGE_CREATE') {
      const channel = this.state.channels.get(m.d.channel_id);
      if (channel && (channel.last_message_id === null || BigInt(channel.last_message_id) < BigInt(m.d.id))) channel.last_message_id = m.d.id;
    }
  }

  /** Records who wrote each record of a change; returns the records a second origin wrote within the window. */
  private note(origin: string, change: StateChange): RecordRef[] {
    const now = this.now();
    this.sweep(now);
    const contested: RecordRef[] = [];
    for (const ref of stateChangeRefs(change)) {
      const key = recordKey(ref);
      const last = this.seen.get(key);
      if (last && last.origin !== origin && now - last.atMs <= this.contestedWindowMs) contested.push(ref);
      this.seen.set(key, { origin, atMs: now, version: (last?.version ?? 0) + 1, reading: last?.reading ?? 0 });
    }
    return contested;
  }

  private sweep(now: number): void {
    if (now - this.lastSweepMs < this.contestedWindowMs) return;
    this.lastSweepMs = now;
    for (const [key, last] of this.seen) if (now - last.atMs > this.contestedWindowMs && last.reading === 0) this.seen.delete(key);
  }

  /**
   * Both writes are on the log, so both committed: the store holds the winner now. Its row is
   * applied unless the record changed again while it was read (that change is newer than the read,
   * or, when contested too, re-read in turn) or an own write of it is still in flight (its echo
   * follows).
   */
  private async rereadRecord(ref: RecordRef): Promise<void> {
    const store = this.store;
    if (!store) return;
    const key = recordKey(ref);
    const seen = this.seen.get(key);
    if (!seen) return;
    const version = seen.version;
    this.reread.contested++;
    let change: StateChange | null;
    seen.reading++;
    try {
      change = await readBack(store, ref);
    } catch (e) {
      this.reread.failed++;
      this.options.onError?.(e);
      return;
    } finally {
      const now = this.seen.get(key);
      if (now) now.reading--;
    }
    if (!change) return;
    if (this.seen.get(key)?.version !== version || this.pending.has(key)) {
      this.reread.superseded++;
      return;
    }
    if (change.type === 'channelsPut') for (const ch of change.channels) keepNewerLastMessage(this.state, ch);
    applyStateChange(this.state, change);
    this.reread.applied++;
  }

  /** Counts this own change as read back; true when a later own write of one of its records is still in flight. */
  private newerOwnWritePending(change: StateChange): boolean {
    let newer = false;
    for (const key of stateChangeKeys(change)) {
      const left = (this.pending.get(key) ?? 1) - 1;
      if (left > 0) {
        this.pending.set(key, left);
        newer = true;
      } else this.pending.delete(key);
    }
    return newer;
  }
}

/** A channel's last message id follows MESSAGE_CREATE, ahead of the row: a re-read row does not move it back. */
function keepNewerLastMessage(state: DomainState, row: ChannelRecord): void {
  const mine = state.channels.get(row.id)?.last_message_id ?? null;
  if (mine !== null && (row.last_message_id === null || BigInt(row.last_message_id) < BigInt(mine))) row.last_message_id = mine;
}

type Writes = {
  [K in keyof MetadataStore]?: MetadataStore[K] extends (...args: infer A) => Promise<void> ? (...args: A) => StateChange : never;
};

/** MetadataStore writes that change DomainState, and the change each one is. */
const WRITES: Writes = {
  insertUser: (user) => ({ type: 'userPut', user }),
  updateUser: (user) => ({ type: 'userPut', user }),
  createGuild: (guild, roles, channels, owner) => ({ type: 'guildCreate', guild, roles, channels, owner }),
  updateGuild: (guild) => ({ type: 'guildPut', guild }),
  deleteGuild: (guildId) => ({ type: 'guildDelete', guildId }),
  upsertRole: (role) => ({ type: 'rolesPut', roles: [role] }),
  upsertRoles: (roles) => ({ type: 'rolesPut', roles }),
  deleteRole: (guildId, roleId) => ({ type: 'roleDelete', guildId, roleId }),
  upsertChannel: (channel) => ({ type: 'channelsPut', channels: [channel] }),
  upsertChannels: (channels) => ({ type: 'channelsPut', channels }),
  deleteChannel: (channelId) => ({ type: 'channelDelete', channelId }),
  upsertMember: (member) => ({ type: 'memberPut', member }),
  deleteMember: (guildId, userId) => ({ type: 'memberDelete', guildId, userId }),
  putBan: (ban) => ({ type: 'banPut', ban }),
  deleteBan: (guildId, userId) => ({ type: 'banDelete', guildId, userId }),
  putFollow: (follow) => ({ type: 'followPut', follow }),
  writeRelationships: (put, remove) => ({ type: 'relationshipsWrite', put: [...put], remove: [...remove] }),
};

/**
 * A Proxy rather than a class: every method the port has (and gains) passes through; the writes
 * in WRITES publish their change after the store has committed them and before the caller goes on,
 * so a change is on the bus before the events the service dispatches next.
 */
export function replicatingMetadataStore(meta: MetadataStore, publish: (change: StateChange) => void): MetadataStore {
  return new Proxy(meta, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string' || !Object.hasOwn(WRITES, property)) return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      const toChange = Reflect.get(WRITES, property) as (...args: unknown[]) => StateChange;
      return async (...args: unknown[]) => {
        await (value as (...a: unknown[]) => Promise<void>).apply(target, args);
        publish(toChange(...args));
      };
    },
  });
}
