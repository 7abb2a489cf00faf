// Port for fan-out between the domain and the gateway nodes. In one process it is a synchronous
// in-memory call (InProcessEventBus); in a cluster NATS or Redis carries the same messages.
import type { DispatchEventName, DispatchPayloads } from '@concord/protocol';

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
  | { kind: 'disconnectUser'; userId: string };

export interface EventBus {
  publish(message: BusMessage): void;
  subscribe(handler: (message: BusMessage) => void): () => void;
}
