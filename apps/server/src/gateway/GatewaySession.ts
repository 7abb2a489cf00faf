// One gateway session: who it is, what it may receive (scopes), and how frames reach it. A session
// outlives its socket for the resume window (status 'detached'), so a RESUME can pick it up again.
//
// MEMORY_TABLE
import type { GatewayCodec } from '@concord/protocol';
import type { UserRecord } from '../store/records.ts';
import type { GatewaySocket } from './GatewaySocket.ts';

/**
 * The session's lifecycle. A session is made when IDENTIFY succeeds (before that, the socket is
 * 'authenticating', see SocketPhase), so it starts 'ready'.
 */
export type SessionState =
  /** Carries a socket: live events reach it. */
  | { readonly status: 'ready'; readonly ws: GatewaySocket }
  /** The socket dropped; the session waits for a RESUME until the resume window ends. */
  | { readonly status: 'detached'; readonly sinceMs: number }
  | { readonly status: 'closed' };

export const CLOSED_SESSION: SessionState = { status: 'closed' };

/**
 * stateChange(old, new). One listener shared by every session (the registry) rather than an
 * emitter per session: an EventEmitter would cost every idle session its listener table.
 */
export type SessionStateChangeListener = (session: GatewaySession, old: SessionState, next: SessionState) => void;

export type ClientKind = 'desktop' | 'web' | 'mobile';

export class GatewaySession {
  private current: SessionState;
  /** What the session receives: g:<guild>, c:<channel>, u:<user>, p:<guild> (SubscriptionIndex keeps it). */
  readonly scopes = new Set<string>();

  constructor(
    readonly id: string,
    readonly user: UserRecord,
    ws: GatewaySocket,
    readonly codec: GatewayCodec,
    /** Bots and compressed sessions get per-session delivery (intents, MESSAGE_CONTENT, zlib). */
    readonly perSessionDelivery: boolean,
    readonly intents: number | null,
    readonly shard: readonly [number, number] | null,
    readonly client: ClientKind,
    private readonly onStateChange: SessionStateChangeListener,
  ) {
    this.current = { status: 'ready', ws };
  }

  get state(): SessionState {
    return this.current;
  }

  /** The one way the state changes; the listener sees every transition. */
  setState(next: SessionState): void {
    const old = this.current;
    this.current = next;
    this.onStateChange(this, old, next);
  }

  get ws(): GatewaySocket | null {
    return this.current.status === 'ready' ? this.current.ws : null;
  }

  /** Whether a guild belongs to this session's shard ((guild_id >> 22) % num_shards). */
  inShard(guildId: string): boolean {
    return guildInShard(this.shard, guildId);
  }

  /** Private channels and user events go to shard 0 only, as Discord does. */
  get receivesPrivate(): boolean {
    return !this.shard || this.shard[0] === 0;
  }
}

export function guildInShard(shard: readonly [number, number] | null, guildId: string): boolean {
  if (!shard) return true;
  return Number((BigInt(guildId) >> 22n) % BigInt(shard[1])) === shard[0];
}

/** Fails to compile when a union gains a case a switch does not handle (Signal's missingCaseError). */
export function missingCase(value: never): never {
  throw new Error(`unhandled case ${JSON.stringify(value)}`);
}
