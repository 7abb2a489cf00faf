// One gateway session: who it is, what it may receive (scopes), and how frames reach it. A session
// outlives its socket for the resume window (status 'detached'), so a RESUME can pick it up again.
import type { GatewayCodec } from '@concord/protocol';
import type { WebSocket } from 'uWebSockets.js';
import type { UserRecord } from '../store/records.ts';
import type { ZlibStream } from './ZlibStream.ts';

/** Per-socket data uWS keeps for us; `session` is set once IDENTIFY or RESUME succeeds. */
export interface SocketData {
  codec: GatewayCodec;
  version: number;
  compress: boolean;
  host: string;
  ip: string;
  session: GatewaySession | null;
  /** The zlib stream when compress=zlib-stream, made on the first frame after HELLO (see Gateway.zlibStreamFor). */
  deflate: ZlibStream | null;
  openedAtMs: number;
  lastHeartbeatAtMs: number;
  frameWindowStartMs: number;
  framesInWindow: number;
  closed: boolean;
  /** A close code decided before open(), e.g. 4012 for an unsupported version. */
  rejectWith: { code: number; reason: string } | null;
  identifying: boolean;
  /** Whether this socket is counted in its address's open sockets (MAX_SOCKETS_PER_IP). */
  counted: boolean;
}

export type GatewaySocket = WebSocket<SocketData>;

export type SessionState =
  | { status: 'attached'; ws: GatewaySocket }
  | { status: 'detached'; sinceMs: number }
  | { status: 'closed' };

export class GatewaySession {
  state: SessionState;
  /** What the session receives: g:<guild>, c:<channel>, u:<user>. */
  readonly scopes = new Set<string>();
  /** The last sequence number sent to this session. */
  lastSeq = 0;

  constructor(
    readonly id: string,
    readonly user: UserRecord,
    ws: GatewaySocket,
    readonly codec: GatewayCodec,
    /** Bots and compressed sessions get per-session delivery (intents, MESSAGE_CONTENT, zlib). */
    readonly perSessionDelivery: boolean,
    readonly intents: number | null,
    readonly shard: readonly [number, number] | null,
    readonly client: 'desktop' | 'web' | 'mobile',
  ) {
    this.state = { status: 'attached', ws };
  }

  setState(next: SessionState): void {
    this.state = next;
  }

  get ws(): GatewaySocket | null {
    return this.state.status === 'attached' ? this.state.ws : null;
  }

  /** Whether a guild belongs to this session's shard ((guild_id >> 22) % num_shards). */
  inShard(guildId: string): boolean {
    if (!this.shard) return true;
    return Number((BigInt(guildId) >> 22n) % BigInt(this.shard[1])) === this.shard[0];
  }

  /** Private channels and user events go to shard 0 only, as Discord does. */
  get receivesPrivate(): boolean {
    return !this.shard || this.shard[0] === 0;
  }
}
