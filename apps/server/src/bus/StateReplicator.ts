// How a node's in-memory guild state follows changes made on other nodes (see "Running as a
// cluster" in ARCHITECTURE.md). Every MetadataStore write, once committed, goes on the bus as a
// `stateChange` carrying the written records (replicatingMetadataStore); every node, the writer
// included, applies the changes in log order. No node owns a guild: the log order is the one
// order, so all nodes end with the same state even when two write the same record at once. The
// writer has already changed its memory before the write (the services do that); reading its own
// change back is a no-op unless another node's change to that record came in between, and it is
// skipped while the writer has written the same record again since (no flicker to an older value).
import crypto from 'node:crypto';
import type { DomainState } from '../domain/DomainState.ts';
import type { MetadataStore } from '../store/MetadataStore.ts';
import type { BusMessage, EventBus } from './EventBus.ts';
import { applyStateChange, stateChangeKeys, type StateChange } from './StateChange.ts';

export class StateReplicator {
  /** This process's name on the bus (a new one per start: a restarted node has no writes in flight). */
  readonly origin = crypto.randomBytes(8).toString('hex');
  /** Record key -> own writes published and not yet read back from the log. */
  private readonly pending = new Map<string, number>();
  private readonly unsubscribe: () => void;
  applied = 0;

  constructor(
    private readonly state: DomainState,
    private readonly bus: EventBus,
  ) {
    this.unsubscribe = bus.subscribe((m) => this.onBus(m));
  }

  close(): void {
    this.unsubscribe();
  }

  /** The store, with every committed write published as a state change (reads pass through). */
  replicating(meta: MetadataStore): MetadataStore {
    return replicatingMetadataStore(meta, (change) => this.publish(change));
  }

  publish(change: StateChange): void {
    for (const key of stateChangeKeys(change)) this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    this.bus.publish({ kind: 'stateChange', origin: this.origin, change });
  }

  private onBus(m: BusMessage): void {
    if (m.kind === 'stateChange') {
      if (m.origin === this.origin && this.newerOwnWritePending(m.change)) return;
      applyStateChange(this.state, m.change);
      this.applied++;
      return;
    }
    // Messages need no state change of their own: the channel's last message id follows the event
    // (one bus message per message, not two).
    if (m.kind === 'dispatch' && m.t === 'MESSAGE_CREATE') {
      const channel = this.state.channels.get(m.d.channel_id);
      if (channel && (channel.last_message_id === null || BigInt(channel.last_message_id) < BigInt(m.d.id))) channel.last_message_id = m.d.id;
    }
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
