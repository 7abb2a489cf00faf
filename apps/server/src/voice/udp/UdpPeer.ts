// One participant of the UDP SFU: its SSRC and room, the address it proved it owns, its session
// cipher and replay window, what it may do (send / hear), and the clocks behind the speaking and
// activity events. Plain mutable state owned by UdpMediaServer; nothing here touches a socket.
import { ReplayWindow, VoiceCipher } from '@concord/media';
import type { VoiceEncryptionMode } from '@concord/protocol';

/** The participant as the gateway sees it; the same object for its whole life (move updates roomId). */
export interface MediaParticipant { ssrc: number; userId: string; roomId: string }

/**
 * A receiver that is not a UDP client (e.g. a WebRTC bridge's participant): it gets each forwarded
 * packet's decrypted Opus payload with the sender's RTP fields. `ssrc` is the sink's own (from add()),
 * so media it injected is not handed back to it and its deaf flag applies; 0 for a sink of no participant.
 * The payload buffer is only valid during the call (copy it to keep it).
 */
export interface MediaSink {
  readonly ssrc: number;
  deliver(opus: Buffer, sequence: number, timestamp: number, fromSsrc: number): void;
}

export class UdpPeer {
  readonly participant: MediaParticipant;
  /** Where media goes and may come from: set by IP discovery, or by select protocol without one. */
  address: string | null = null;
  port = 0;
  /** A datagram came from `address:port` (discovery, keep-alive or media): safe to send to it. */
  confirmed = false;
  cipher: VoiceCipher | null = null;
  replay = new ReplayWindow();
  canSend: boolean;
  deaf: boolean;
  /** performance.now() of the last accepted packet; -Infinity before the first. */
  lastPacketAtMs = Number.NEGATIVE_INFINITY;
  lastActivityAtMs = Number.NEGATIVE_INFINITY;

  constructor(participant: MediaParticipant, canSend: boolean, deaf: boolean) {
    this.participant = participant;
    this.canSend = canSend;
    this.deaf = deaf;
  }

  get ssrc(): number {
    return this.participant.ssrc;
  }

  setSession(mode: VoiceEncryptionMode, key: Uint8Array): void {
    this.cipher = new VoiceCipher(mode, key);
    this.replay = new ReplayWindow();
  }

  /** Ready to receive: keyed, at an address it has sent from, and not deafened. */
  canReceive(): boolean {
    return this.cipher !== null && this.confirmed && !this.deaf;
  }

  isFrom(address: string, port: number): boolean {
    return this.port === port && this.address === address;
  }
}

/** The peers and extra sinks of one room (a voice channel); arrays, because forwarding iterates them. */
export class MediaRoom {
  readonly peers: UdpPeer[] = [];
  readonly sinks: MediaSink[] = [];

  isEmpty(): boolean {
    return this.peers.length === 0 && this.sinks.length === 0;
  }
}

export function removeFrom<T>(list: T[], item: T): void {
  const at = list.indexOf(item);
  if (at >= 0) list.splice(at, 1);
}
