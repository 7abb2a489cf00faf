// The voice nodes of a whole cluster. Each server process holds its own voice node(s) in its
// VoiceNodeRegistry and announces them on the bus; for every node another process holds this
// directory keeps a PeerVoiceNode, whose grant/update/revoke travel over the bus to the holder. A
// channel's members must all be on one voice node to hear each other, so `pick` returns the node a
// server (guild or call) already uses anywhere in the cluster, else one chosen by rendezvous hashing
// over the same directory every process holds: two first joins through two processes at once agree.
// The holder sends VOICE_SERVER_UPDATE itself, after the grant is in place, so a client never dials
// a node that does not know its token yet; a voice node's events go back to the state's home.
import crypto from 'node:crypto';
import type { ClusterNodes } from '../bus/ClusterNodes.ts';
import type { VoiceGrant, VoiceGrantPatch, VoiceNode, VoiceNodeEvent } from '../voice/VoiceNode.ts';
import type { VoiceNodeRegistry } from '../voice/VoiceNodeRegistry.ts';
import { dispatch, type DomainContext } from './DomainContext.ts';
import { VoiceReplicaSchema, type VoiceReplica, type VoiceServerUpdate, type VoiceStateReplica } from './voiceReplicaWire.ts';

/** A voice node another server process holds: calls on it are bus messages to that process. */
class PeerVoiceNode implements VoiceNode {
  constructor(
    readonly id: string,
    readonly endpoint: string,
    /** The server process holding the node. */
    readonly holder: string,
    private readonly send: (body: VoiceReplica) => void,
  ) {}

  load(): number {
    return 0;
  }

  grant(grant: VoiceGrant): void {
    this.send({ type: 'grant', holder: this.holder, nodeId: this.id, grant, serverUpdate: null });
  }

  update(serverId: string, userId: string, patch: VoiceGrantPatch): void {
    this.send({ type: 'update', holder: this.holder, nodeId: this.id, serverId, userId, patch });
  }

  revoke(serverId: string, userId: string): void {
    this.send({ type: 'revoke', holder: this.holder, nodeId: this.id, serverId, userId });
  }

  onEvent(): void {
    // Its events come over the bus addressed to the state's home (VoiceNodesCluster.onEvent).
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export class VoiceNodesCluster {
  private readonly peers = new Map<string, PeerVoiceNode>();
  private readonly unsubscribe: () => void;
  private stateHandler: (origin: string, body: VoiceStateReplica) => void = () => {};
  private eventHandler: (node: VoiceNode, event: VoiceNodeEvent) => void = () => {};
  private peerHandler: (added: boolean, nodeId: string) => void = () => {};
  /** 'voice' bodies that failed to parse (dropped). */
  malformed = 0;

  constructor(
    private readonly ctx: DomainContext,
    private readonly registry: VoiceNodeRegistry,
    readonly cluster: ClusterNodes,
  ) {
    this.unsubscribe = ctx.bus.subscribe((m) => {
      if (m.kind === 'replica' && m.topic === 'voice') this.onReplica(m.origin, m.body);
    });
    cluster.onJoin(() => this.announce());
    cluster.onDown((node) => {
      for (const peer of [...this.peers.values()]) if (peer.holder === node) this.dropPeer(peer.id);
    });
  }

  close(): void {
    this.unsubscribe();
  }

  get self(): string {
    return this.cluster.self;
  }

  /** Replicated voice states (and snapshots) go to the state replication. */
  onStates(handler: (origin: string, body: VoiceStateReplica) => void): void {
    this.stateHandler = handler;
  }

  /** A voice node's event about a state this process owns, from the process holding the node. */
  onEvent(handler: (node: VoiceNode, event: VoiceNodeEvent) => void): void {
    this.eventHandler = handler;
  }

  /** Another process's voice node appeared or went away (its holder died or unregistered it). */
  onPeer(handler: (added: boolean, nodeId: string) => void): void {
    this.peerHandler = handler;
  }

  /** Tells the cluster which voice nodes this process holds (at a change and to a newcomer). */
  announce(): void {
    this.send({ type: 'nodes', nodes: this.registry.list().map((n) => ({ id: n.id, endpoint: n.endpoint })) });
  }

  get(nodeId: string): VoiceNode | undefined {
    return this.registry.get(nodeId) ?? this.peers.get(nodeId);
  }

  /** The node for a server: one its members already use anywhere, else the same choice on every process. */
  pick(serverId: string, inUse: Iterable<string | null>): VoiceNode | null {
    for (const id of inUse) {
      const node = id === null ? undefined : this.get(id);
      if (node) return node;
    }
    let best: VoiceNode | null = null;
    let bestScore = '';
    for (const node of [...this.registry.list(), ...this.peers.values()]) {
      const score = crypto.createHash('sha1').update(`${serverId}/${node.id}`).digest('hex');
      if (score > bestScore) {
        best = node;
        bestScore = score;
      }
    }
    return best;
  }

  /** Grants on the node, then VOICE_SERVER_UPDATE to the session (by the holder when the node is a peer's). */
  grantAndAnnounce(node: VoiceNode | null, grant: VoiceGrant, serverUpdate: VoiceServerUpdate | null): void {
    const peer = node === null ? undefined : this.peers.get(node.id);
    if (peer) {
      this.send({ type: 'grant', holder: peer.holder, nodeId: peer.id, grant, serverUpdate });
      return;
    }
    node?.grant(grant);
    if (serverUpdate) dispatch(this.ctx, `s:${grant.sessionId}`, 'VOICE_SERVER_UPDATE', withoutUndefined(serverUpdate));
  }

  /** An event of a local node about a state whose home is another process. */
  forwardEvent(home: string, nodeId: string, event: VoiceNodeEvent): void {
    this.send({ type: 'event', to: home, nodeId, event });
  }

  send(body: VoiceReplica): void {
    this.ctx.bus.publish({ kind: 'replica', origin: this.cluster.self, topic: 'voice', body });
  }

  private onReplica(origin: string, raw: unknown): void {
    const parsed = VoiceReplicaSchema.safeParse(raw);
    if (!parsed.success) {
      this.malformed++;
      return;
    }
    // State only from live processes (a dead one's is dropped; the log's replayed tail may hold it).
    if (!this.cluster.isAlive(origin)) return;
    const body = parsed.data;
    switch (body.type) {
      case 'nodes':
        if (origin !== this.self) this.setPeers(origin, body.nodes);
        return;
      case 'grant': {
        const node = body.holder === this.self ? this.registry.get(body.nodeId) : undefined;
        if (!node) return;
        node.grant(body.grant);
        if (body.serverUpdate) dispatch(this.ctx, `s:${body.grant.sessionId}`, 'VOICE_SERVER_UPDATE', withoutUndefined(body.serverUpdate));
        return;
      }
      case 'update':
        if (body.holder === this.self) this.registry.get(body.nodeId)?.update(body.serverId, body.userId, withoutUndefined(body.patch));
        return;
      case 'revoke':
        if (body.holder === this.self) this.registry.get(body.nodeId)?.revoke(body.serverId, body.userId);
        return;
      case 'event': {
        const node = body.to === this.self ? this.peers.get(body.nodeId) : undefined;
        if (node) this.eventHandler(node, body.event);
        return;
      }
      case 'state':
      case 'leave':
      case 'states':
        this.stateHandler(origin, body);
        return;
    }
  }

  private setPeers(holder: string, nodes: readonly { id: string; endpoint: string }[]): void {
    const ids = new Set(nodes.map((n) => n.id));
    for (const peer of [...this.peers.values()]) if (peer.holder === holder && !ids.has(peer.id)) this.dropPeer(peer.id);
    for (const n of nodes) {
      const known = this.peers.get(n.id);
      if (known?.holder === holder && known.endpoint === n.endpoint) continue;
      if (this.registry.get(n.id)) continue; // ours (ids are random per process; never expected)
      this.peers.set(n.id, new PeerVoiceNode(n.id, n.endpoint, holder, (body) => this.send(body)));
      this.peerHandler(true, n.id);
    }
  }

  private dropPeer(nodeId: string): void {
    if (!this.peers.delete(nodeId)) return;
    this.peerHandler(false, nodeId);
  }
}

/** zod's optional keys come out as `key?: T | undefined`; the wire types say `key?: T`. */
function withoutUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]: Exclude<T[K], undefined> };
}
