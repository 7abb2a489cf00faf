// Port for fan-out between the domain and the gateway nodes. In one process it is a synchronous
// in-memory call (InProcessEventBus); in a cluster NATS JetStream (NatsEventBus) or a Redis stream
// (RedisEventBus) carries the same messages as one ordered log that every node reads.
import type { DispatchEventName, DispatchPayloads } from '@concord/protocol';
import type { StateChange } from './StateChange.ts';

/**
 * Scopes name who may receive an event: `g:<guildId>` every member of a guild, `c:<channelId>`
 * everyone who can view a channel (or the recipients of a DM), `u:<userId>` one user's sessions,
 * `p:<guildId>` a guild's presence updates (every member of a small guild; in large guilds only
 * sessions that ask for them, so N members coming online do not cost N^2 deliveries), `s:<sessionId>`
 * one gateway session only (VOICE_SERVER_UPDATE goes to the session that joined, not the user's others).
 */
export type Scope = `g:${string}` | `c:${string}` | `u:${string}` | `p:${string}` | `s:${string}`;

/** One event for one scope, typed by the event map: `t` decides the type of `d`. */
export type BusDispatch<T extends DispatchEventName = DispatchEventName> = { [K in T]: { kind: 'dispatch'; scope: Scope; t: K; d: DispatchPayloads[K] } }[T];

export type BusMessage =
  | BusDispatch
  /** Who may see what changed for these users (joined, left, roles): recompute their subscriptions. */
  | { kind: 'access'; userIds: readonly string[] }
  /** Same for every member of a guild (role permissions, overwrites, channels). */
  | { kind: 'guildAccess'; guildId: string }
  /** End the gateway sessions of a user (token revoked, account deleted). */
  | { kind: 'disconnectUser'; userId: string }
  /**
   * A metadata write made on node `origin` (cluster buses only): every node applies it to its
   * in-memory DomainState in log order (StateReplicator), before the events that follow it.
   */
  | { kind: 'stateChange'; origin: string; change: StateChange }
  /** A gateway session resumed on node `node`: any other node holding it lets it go without ending it. */
  | { kind: 'sessionMoved'; sessionId: string; node: string }
  /**
   * Ephemeral cluster state node `origin` announces (cluster buses only): node liveness, presence,
   * voice states, calls, cache invalidations. `body` is parsed by the topic's owner (it came off
   * the wire), see ClusterNodes and the services that replicate their state.
   */
  | { kind: 'replica'; origin: string; topic: ReplicaTopic; body: unknown };

/** The kinds of replicated ephemeral state, one owner each. */
export const REPLICA_TOPICS = ['node', 'presence', 'voice', 'call', 'invalidate', 'interaction'] as const;
export type ReplicaTopic = (typeof REPLICA_TOPICS)[number];

/**
 * A message as a subscriber sees it. `position` is its place in the bus's total order: the same
 * number on every node of a cluster (the JetStream sequence or the Redis stream counter), so the
 * gateway can use it as the dispatch `s` and a session can RESUME on any node. 0 on the
 * in-process bus, which keeps no order of its own (the gateway numbers events itself there).
 */
export type BusHandler = (message: BusMessage, position: number) => void;

export interface EventBus {
  /** True when positions are cluster-wide (see BusHandler): the gateway then numbers dispatches by them. */
  readonly sequenced: boolean;
  /** Never blocks and never throws for transport trouble (counted and logged by the adapter). */
  publish(message: BusMessage): void;
  subscribe(handler: BusHandler): () => void;
  /** The position of the last message handed to subscribers on this node (0 before any). */
  readonly position: number;
  /**
   * Resolves true once this node has handed every message up to `position` to its subscribers
   * (at once on the in-process bus), false after `timeoutMs`. A RESUME on a node that lags the one
   * the client came from waits here, so the replay has no gap and no duplicate.
   */
  caughtUpTo(position: number, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}
