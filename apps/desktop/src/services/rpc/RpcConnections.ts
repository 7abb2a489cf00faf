// The live RPC links of both transports: a connection limit (a local process opening sockets in a
// loop must not exhaust the agent) and the RpcSession of each link once it has shaken hands.
import { RpcSession, type RpcPeer, type RpcSessionDeps } from './RpcSession.ts';

export const DEFAULT_MAX_RPC_CONNECTIONS = 32;

export class RpcConnections {
  private nextId = 1;
  private readonly slots = new Map<string, RpcSession | null>();

  constructor(
    private readonly deps: RpcSessionDeps,
    private readonly maxConnections = DEFAULT_MAX_RPC_CONNECTIONS,
  ) {}

  get size(): number {
    return this.slots.size;
  }

  /** A slot for a new link, or null at the limit (the transport then closes it with 4002). */
  reserve(): string | null {
    if (this.slots.size >= this.maxConnections) return null;
    const id = String(this.nextId++);
    this.slots.set(id, null);
    return id;
  }

  /** The handshake succeeded: the link gets its session and READY. */
  start(id: string, clientId: string, peer: RpcPeer): RpcSession {
    const session = new RpcSession(id, clientId, peer, this.deps);
    this.slots.set(id, session);
    session.ready();
    return session;
  }

  /** The link ended (either side): its activities are cleared and the slot freed. */
  release(id: string): void {
    this.slots.get(id)?.end();
    this.slots.delete(id);
  }

  closeAll(): void {
    for (const id of [...this.slots.keys()]) this.release(id);
  }
}
