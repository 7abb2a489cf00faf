// The live RPC links of both transports: a connection limit (a local process opening sockets in a
// loop must not exhaust the agent) and the RpcSession of each link once it has shaken hands. READY
// names the signed-in user; a game that shakes hands while nobody is signed in waits for it (as
// Discord's client answers only once it is connected), at most `readyTimeoutMs`.
import { RpcCloseCode } from './rpcProtocol.ts';
import { RpcSession, type RpcPeer, type RpcSessionDeps, type RpcUser } from './RpcSession.ts';

export const DEFAULT_MAX_RPC_CONNECTIONS = 32;
/** How long a game waits for READY while nobody is signed in: the IPC handshake's own timeout. */
export const READY_WAIT_MS = 10_000;

export interface RpcConnectionsOptions {
  maxConnections?: number;
  readyTimeoutMs?: number;
}

interface Link {
  session: RpcSession;
  /** Whom READY named (null while waiting). */
  userId: string | null;
  waitTimer: NodeJS.Timeout | null;
}

export class RpcConnections {
  private nextId = 1;
  private readonly slots = new Map<string, Link | null>();
  private user: RpcUser | null;
  private readonly maxConnections: number;
  private readonly readyTimeoutMs: number;

  constructor(
    private readonly deps: RpcSessionDeps,
    user: RpcUser | null,
    options: RpcConnectionsOptions = {},
  ) {
    this.user = user;
    this.maxConnections = options.maxConnections ?? DEFAULT_MAX_RPC_CONNECTIONS;
    this.readyTimeoutMs = options.readyTimeoutMs ?? READY_WAIT_MS;
  }

  get size(): number {
    return this.slots.size;
  }

  /** Links that shook hands and still wait for someone to sign in. */
  get waitingCount(): number {
    let waiting = 0;
    for (const link of this.slots.values()) if (link !== null && link.userId === null) waiting++;
    return waiting;
  }

  /** A slot for a new link, or null at the limit (the transport then closes it with 4002). */
  reserve(): string | null {
    if (this.slots.size >= this.maxConnections) return null;
    const id = String(this.nextId++);
    this.slots.set(id, null);
    return id;
  }

  /** The handshake succeeded: the link gets its session, and READY now or once someone signs in. */
  start(id: string, clientId: string, peer: RpcPeer): RpcSession {
    const session = new RpcSession(id, clientId, peer, this.deps);
    const link: Link = { session, userId: null, waitTimer: null };
    this.slots.set(id, link);
    if (this.user !== null) {
      link.userId = this.user.id;
      session.sendReady(this.user);
    } else {
      link.waitTimer = setTimeout(() => session.close(RpcCloseCode.InvalidPayload, 'Handshake timed out: nobody is signed in'), this.readyTimeoutMs);
      link.waitTimer.unref();
    }
    return session;
  }

  /**
   * The signed-in user changed. Waiting links get READY with the new user; links whose READY named
   * someone else are closed (the game must not go on as the previous account). At sign-out (null)
   * ready links stay: the same user signing in again (a password change restarts the session)
   * keeps them.
   */
  setUser(user: RpcUser | null): void {
    this.user = user;
    if (user === null) return;
    for (const link of this.slots.values()) {
      if (link === null) continue;
      if (link.userId === null) {
        if (link.waitTimer !== null) clearTimeout(link.waitTimer);
        link.waitTimer = null;
        link.userId = user.id;
        link.session.sendReady(user);
      } else if (link.userId !== user.id) {
        link.session.close(RpcCloseCode.TokenRevoked, 'The signed-in user changed');
      }
    }
  }

  /** The link ended (either side): its activities are cleared and the slot freed. */
  release(id: string): void {
    const link = this.slots.get(id);
    if (link) {
      if (link.waitTimer !== null) clearTimeout(link.waitTimer);
      link.session.end();
    }
    this.slots.delete(id);
  }

  closeAll(): void {
    for (const id of [...this.slots.keys()]) this.release(id);
  }
}
