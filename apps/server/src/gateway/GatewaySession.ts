// One gateway session: who it is, what it may receive (scopes), and how frames reach it. A session
// outlives its socket for the resume window (status 'detached'), so a RESUME can pick it up again.
//
// What one identified session holds (a JSON user client: unsharded, no intents, no compression).
// Measured from outside the process (bench:fanout, RSS delta after a forced GC, idle sessions):
// 7.05 KB per session at N=1,000 and 5.02 KB at N=5,000, of which V8 heap 3.64 and 3.03 KB.
//
//   where                          what                                           about
//   GatewaySession                 10 fields (heap diff: object:GatewaySession)     104 B
//     id                           32 hex characters                                48 B
//     state                        {status:'ready', ws}                             32 B
//     scopes                       Set of the user's scope strings (shared with     ~200 B
//                                  userAccess, not copied): u:, g:/p: per guild,
//                                  c: per visible channel and DM
//   SocketData (uWS user data)     11 fields: codec, version, compress, host, ip,   ~120 B
//                                  phase, deflate, openedAtMs, lastHeartbeatAtMs,   + 3 boxed numbers
//                                  frameWindowStartMs, framesInWindow               + host/ip strings
//     phase                        {status:'ready', session}; the other phases are  32 B
//                                  shared constants
//   maps it sits in                SessionRegistry.sessions (id -> session),        ~50 B each
//                                  SocketLifecycle.sockets, SubscriptionIndex
//                                  .userSessions (a Set per user) and .userAccess
//                                  (a Set of scopes per user), SessionStartLimiter
//                                  (a window per user), PresenceService (a Map of
//                                  session presences per user); perSessionScopes
//                                  only for bots, intents and zlib sessions;
//                                  socketsPerIp is per address
//   replay buffer                  the PRESENCE_UPDATE each IDENTIFY dispatches     ~0.2-0.3 KB, bounded by
//                                  stays for the resume window                      REPLAY_BUFFER_EVENTS
//   uWS (native)                   us_socket + WebSocket data (empty backpressure   ~1 KB (a bare uWS
//                                  buffer), the JS wrapper (32 B), one topic        server's figure)
//                                  subscriber; one tree node per topic on each
//                                  side; json:u:<user> is a topic of its own
//   zlib                           none for these sessions. compress=zlib-stream    up to 32 KB
//                                  keeps the last 32 KB sent (HELLO + READY at
//                                  first) as the deflate dictionary, made on the
//                                  first frame after HELLO
//
// The rest of the RSS figure is allocator and heap slack. The heap diff at N=1,000 also counts
// ~0.7 KB of JIT code and ~0.4 KB of hidden classes per session: mostly warm-up, as the heap share
// falls from 3.64 to 3.03 KB per session between N=1,000 and N=5,000.
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
