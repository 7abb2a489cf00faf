// A recording VoiceNode for the voice-state tests: a test double of the port the domain owns
// (VoiceNode.ts). It records every grant, update and revoke, and lets a test emit the node's events
// (connected, disconnected, activity). The real node's behaviour is tested with the node itself.
import type { VoiceGrant, VoiceGrantPatch, VoiceNode, VoiceNodeEvent } from '../src/voice/VoiceNode.ts';

export type NodeCall = { op: 'grant'; grant: VoiceGrant } | { op: 'update'; serverId: string; userId: string; patch: VoiceGrantPatch } | { op: 'revoke'; serverId: string; userId: string };

export class RecordingVoiceNode implements VoiceNode {
  readonly calls: NodeCall[] = [];
  /** The grants the node holds now, by `serverId:userId`, with updates applied. */
  readonly grants = new Map<string, VoiceGrant>();
  private listener: ((event: VoiceNodeEvent) => void) | null = null;
  loadValue = 0;

  constructor(
    readonly id: string,
    readonly endpoint: string,
  ) {}

  load(): number {
    return this.loadValue;
  }

  grant(grant: VoiceGrant): void {
    this.calls.push({ op: 'grant', grant });
    this.grants.set(`${grant.serverId}:${grant.userId}`, { ...grant });
  }

  update(serverId: string, userId: string, patch: VoiceGrantPatch): void {
    this.calls.push({ op: 'update', serverId, userId, patch });
    const key = `${serverId}:${userId}`;
    const g = this.grants.get(key);
    if (g) this.grants.set(key, { ...g, ...patch });
  }

  revoke(serverId: string, userId: string): void {
    this.calls.push({ op: 'revoke', serverId, userId });
    this.grants.delete(`${serverId}:${userId}`);
  }

  onEvent(listener: (event: VoiceNodeEvent) => void): void {
    this.listener = listener;
  }

  emit(event: VoiceNodeEvent): void {
    this.listener?.(event);
  }

  grantOf(serverId: string, userId: string): VoiceGrant | undefined {
    return this.grants.get(`${serverId}:${userId}`);
  }

  async close(): Promise<void> {
    await Promise.resolve();
  }
}
