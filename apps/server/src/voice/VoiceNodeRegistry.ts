// The voice nodes this server may hand voice connections to. A guild's voice states all live on one
// node (its SFU rooms must see each other's producers), so `pick` keeps a guild on the node it was
// given until `release`; a new guild goes to the least loaded node. Unregistering a node (shut down
// or dead) tells the listener, which re-grants its guilds elsewhere, as Discord moves voice servers.
import type { VoiceNode, VoiceNodeEvent } from './VoiceNode.ts';

export interface VoiceNodeRegistryListener {
  /** A node joined: voice states waiting for one ("reallocating") can be granted now. */
  nodeAdded(node: VoiceNode): void;
  /** A node left: the guilds it held (already released here) need another. */
  nodeLost(node: VoiceNode, serverIds: readonly string[]): void;
  /** An event from a registered node. */
  nodeEvent(node: VoiceNode, event: VoiceNodeEvent): void;
}

export class VoiceNodeRegistry {
  private readonly nodes = new Map<string, VoiceNode>();
  /** serverId (guild id) -> the node id its voice states live on. */
  private readonly assignments = new Map<string, string>();
  private listener: VoiceNodeRegistryListener | null = null;

  /** The voice-state domain listens (one listener: the registry has one owner). */
  setListener(listener: VoiceNodeRegistryListener): void {
    this.listener = listener;
  }

  register(node: VoiceNode): void {
    if (this.nodes.has(node.id)) throw new Error(`voice node ${node.id} is already registered`);
    this.nodes.set(node.id, node);
    // VoiceNode.onEvent has no unsubscribe: events from a node that left are dropped here.
    node.onEvent((event) => {
      if (this.nodes.get(node.id) === node) this.listener?.nodeEvent(node, event);
    });
    this.listener?.nodeAdded(node);
  }

  unregister(node: VoiceNode): void {
    if (this.nodes.get(node.id) !== node) return;
    this.nodes.delete(node.id);
    const lost: string[] = [];
    for (const [serverId, nodeId] of this.assignments) if (nodeId === node.id) lost.push(serverId);
    for (const serverId of lost) this.assignments.delete(serverId);
    this.listener?.nodeLost(node, lost);
  }

  get(nodeId: string): VoiceNode | undefined {
    return this.nodes.get(nodeId);
  }

  /** The registered nodes (this process's own; a cluster's other processes announce theirs on the bus). */
  list(): VoiceNode[] {
    return [...this.nodes.values()];
  }

  get size(): number {
    return this.nodes.size;
  }

  /** The node for a guild's voice: the one it already has, else the least loaded; null when none is registered. */
  pick(serverId: string): VoiceNode | null {
    const assigned = this.assignments.get(serverId);
    const current = assigned === undefined ? undefined : this.nodes.get(assigned);
    if (current) return current;
    let best: VoiceNode | null = null;
    let bestLoad = Infinity;
    for (const node of this.nodes.values()) {
      const load = node.load() + this.assignedCount(node.id) * 1e-6; // ties: fewer guilds
      if (load < bestLoad) {
        best = node;
        bestLoad = load;
      }
    }
    if (best) this.assignments.set(serverId, best.id);
    return best;
  }

  /** The guild has no voice states left: its next join may go to another node. */
  release(serverId: string): void {
    this.assignments.delete(serverId);
  }

  private assignedCount(nodeId: string): number {
    let n = 0;
    for (const id of this.assignments.values()) if (id === nodeId) n++;
    return n;
  }
}
