// The main server's stand-in for a voice node running in another process: the VoiceNode calls the
// voice-state domain makes become control frames on the node's link, and the node's `load` and
// `event` frames come back through `receive`. It lives exactly as long as one registered link.
import type { VoiceGrant, VoiceGrantPatch, VoiceNode, VoiceNodeEvent } from '../VoiceNode.ts';
import type { MainToNodeMessage } from './controlMessages.ts';

/** What the node needs of its link (VoiceNodeControlServer owns the socket). */
export interface VoiceNodeLink {
  /** Queues one frame; false when the link is gone or over its backpressure limit (it is then closing). */
  send(message: MainToNodeMessage): boolean;
  /** Ends the link with a close code (1001 when the main server shuts down). */
  close(code: number, reason: string): void;
}

export class RemoteVoiceNode implements VoiceNode {
  private clients = 0;
  private readonly listeners: ((event: VoiceNodeEvent) => void)[] = [];
  /** Frames that could not be queued (the link was closing; the registry re-grants on its close). */
  unsent = 0;

  constructor(
    readonly id: string,
    readonly endpoint: string,
    private readonly link: VoiceNodeLink,
    private readonly onListenerError: (e: unknown) => void,
  ) {}

  load(): number {
    return this.clients;
  }

  grant(grant: VoiceGrant): void {
    this.send({ op: 'grant', grant });
  }

  update(serverId: string, userId: string, patch: VoiceGrantPatch): void {
    this.send({ op: 'update', serverId, userId, patch });
  }

  revoke(serverId: string, userId: string): void {
    this.send({ op: 'revoke', serverId, userId });
  }

  onEvent(listener: (event: VoiceNodeEvent) => void): void {
    this.listeners.push(listener);
  }

  close(): Promise<void> {
    this.link.close(1001, 'main server shutting down');
    return Promise.resolve();
  }

  /** The node's own count of connected clients. */
  setLoad(clients: number): void {
    this.clients = clients;
  }

  /** An event the node reported. */
  receive(event: VoiceNodeEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (e) {
        this.onListenerError(e);
      }
    }
  }

  private send(message: MainToNodeMessage): void {
    if (!this.link.send(message)) this.unsent++;
  }
}
