// What every domain service shares: state, stores, the bus and the id generator, plus the access
// checks that every route and event goes through.
import { PermissionFlags, SnowflakeGenerator, hasPermission, type DispatchEventName, type DispatchPayloads } from '@concord/protocol';
import type { ClusterNodes } from '../bus/ClusterNodes.ts';
import type { BusDispatch, EventBus, Scope } from '../bus/EventBus.ts';
import type { MessageStore } from '../store/MessageStore.ts';
import type { MetadataStore } from '../store/MetadataStore.ts';
import type { ChannelRecord, UserRecord } from '../store/records.ts';
import { DomainError } from './DomainError.ts';
import type { DomainState, GuildState } from './DomainState.ts';
import type { PresenceService } from './PresenceService.ts';

export interface DomainContext {
  state: DomainState;
  meta: MetadataStore;
  messages: MessageStore;
  bus: EventBus;
  ids: SnowflakeGenerator;
  presence: PresenceService;
  /** The live nodes of a cluster (cluster buses only; null in one process): services replicating ephemeral state follow it. */
  cluster: ClusterNodes | null;
  /** Absolute base for attachment URLs, e.g. http://127.0.0.1:8080 */
  publicUrl: () => string;
  dataDir: string;
  maxUploadBytes: number;
  /** Checked before a message is stored or edited (auto moderation); throws a DomainError to block it. */
  messageGate?: MessageGate;
}

export interface MessageGate {
  beforeSend(actor: UserRecord, channel: ChannelRecord, content: string): Promise<void>;
}

/** Publishes one event to a scope; the event map decides what `d` must be for `t`. */
export function dispatch<T extends DispatchEventName>(ctx: DomainContext, scope: Scope, t: T, d: DispatchPayloads[T]): void {
  const message: BusDispatch<T> = { kind: 'dispatch', scope, t, d };
  // Widening the checked pair to the bus's union: TypeScript cannot relate a generic `T` to the
  // correlated union (microsoft/TypeScript#30581); the line above already checked `d` against `t`.
  ctx.bus.publish(message as BusDispatch);
}

/** A guild the actor is a member of; others get 10004 so guild existence does not leak. */
export function requireGuildMember(ctx: DomainContext, guildId: string, actor: UserRecord): GuildState {
  const g = ctx.state.guilds.get(guildId);
  if (!g || !g.members.has(actor.id)) throw new DomainError('UnknownGuild');
  return g;
}

export function requireGuildPermission(ctx: DomainContext, guildId: string, actor: UserRecord, flag: bigint): GuildState {
  const g = requireGuildMember(ctx, guildId, actor);
  if (!hasPermission(g.basePermissions(actor.id), flag)) throw new DomainError('MissingPermissions');
  return g;
}

/**
 * A channel the actor can see. Unknown channels are 10003; channels the actor cannot view are
 * 50001 (Missing Access), as Discord answers.
 */
export function requireVisibleChannel(ctx: DomainContext, channelId: string, actor: UserRecord): { channel: ChannelRecord; permissions: bigint } {
  const channel = ctx.state.channels.get(channelId);
  if (!channel) throw new DomainError('UnknownChannel');
  const permissions = ctx.state.channelPermissions(channel, actor.id);
  if (channel.guild_id && !ctx.state.guilds.get(channel.guild_id)?.members.has(actor.id)) throw new DomainError('UnknownChannel');
  if (!channel.guild_id && !channel.recipients.includes(actor.id)) throw new DomainError('UnknownChannel');
  if ((permissions & PermissionFlags.VIEW_CHANNEL) === 0n) throw new DomainError('MissingAccess');
  return { channel, permissions };
}

export function requireChannelPermission(ctx: DomainContext, channelId: string, actor: UserRecord, flag: bigint): { channel: ChannelRecord; permissions: bigint } {
  const result = requireVisibleChannel(ctx, channelId, actor);
  if (!hasPermission(result.permissions, flag)) throw new DomainError('MissingPermissions');
  return result;
}

export function requireGuildChannel(channel: ChannelRecord): string {
  if (!channel.guild_id) throw new DomainError('CannotExecuteOnDMChannel');
  return channel.guild_id;
}
