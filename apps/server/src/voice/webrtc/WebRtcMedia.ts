// The voice node's media with browsers in it: the UDP SFU (UdpMediaServer) plus one WebRtcPeer per
// participant that chose `protocol: 'webrtc'`. A browser is a participant like any other (same SSRC
// allocation, rooms, mute/deaf flags, speaking events); its microphone enters the SFU through
// injectFrom and the room reaches it through a MediaSink, so UDP clients and browsers hear each other
// (SRTP on one side, AEAD on the other; Opus payload types and SSRCs mapped by WebRtcPeer).
// A browser hears the room on receive slots with SSRCs of their own, so it learns who is on which
// slot from onReceiveSlot (the voice node turns each change into op 5 for that browser alone).
// Video goes through a VideoRouter: browsers' sources (op 12) to the viewers that want them (op 15),
// on the viewers' video receive slots, told through onVideoSink (op 40 for that browser alone).
import type { Logger } from 'pino';
import type { VoiceEncryptionMode } from '@concord/protocol';
import type { MediaParticipant, UdpMediaServer, UdpMediaStats } from '../udp/UdpMediaServer.ts';
import type { WebRtcIceOptions } from './iceOptions.ts';
import type { VideoCodec } from './keyFrames.ts';
import { VideoRouter, type IncomingVideoPacket, type SlotLayer, type VideoRouterStats, type VideoSourceTiming, type VideoSinkChange, type VideoSourceType } from './VideoRouter.ts';
import type { EstimateStats } from './viewerFeedback.ts';
import { WebRtcPeer, type SlotChange, type WebRtcPeerStats } from './WebRtcPeer.ts';

/** Browser `viewerSsrc` hears speaker `speakerUserId` on its slot `slotSsrc` from now on (`held`), or no longer. */
export interface ReceiveSlotChange extends SlotChange {
  viewerSsrc: number;
  speakerUserId: string;
}

export interface WebRtcMediaStats extends UdpMediaStats {
  webrtc: WebRtcPeerStats & { peers: number; answers: number; answerFailures: number };
  video: VideoRouterStats;
}

const NO_PEER_STATS: WebRtcPeerStats = { fromBrowser: 0, fromBrowserDropped: 0, toBrowser: 0, toBrowserDropped: 0, sendErrors: 0, videoFromBrowser: 0, videoFromBrowserDropped: 0, videoToBrowser: 0, videoToBrowserDropped: 0 };

function addPeerStats(into: WebRtcPeerStats, s: WebRtcPeerStats): void {
  for (const k of Object.keys(into) as (keyof WebRtcPeerStats)[]) into[k] += s[k];
}

interface BrowserLink {
  peer: WebRtcPeer;
  removeSink: () => void;
}

export class WebRtcMedia {
  private readonly participants = new Map<number, MediaParticipant>();
  private readonly links = new Map<number, BrowserLink>();
  /** Counters of peers already closed, so stats() stays monotonic. */
  private readonly gone: WebRtcPeerStats = { ...NO_PEER_STATS };
  private readonly video = new VideoRouter();
  /** The latest offer per participant: an answer finishing after a newer offer (or a leave) is dropped. */
  private readonly offerTokens = new Map<number, symbol>();
  private answers = 0;
  private answerFailures = 0;
  private readonly slotListeners: ((change: ReceiveSlotChange) => void)[] = [];

  constructor(
    private readonly udp: UdpMediaServer,
    private readonly ice: WebRtcIceOptions,
    private readonly log?: Logger,
  ) {}

  get port(): number {
    return this.udp.port;
  }

  get publicIp(): string {
    return this.udp.publicIp;
  }

  add(p: { userId: string; roomId: string; canSend?: boolean; deaf?: boolean }): MediaParticipant {
    const participant = this.udp.add(p);
    this.participants.set(participant.ssrc, participant);
    this.video.join(participant.ssrc, participant.userId, participant.roomId);
    return participant;
  }

  setSession(ssrc: number, mode: VoiceEncryptionMode, key: Uint8Array, remote?: { address: string; port: number }): void {
    this.udp.setSession(ssrc, mode, key, remote);
  }

  setFlags(ssrc: number, flags: { canSend: boolean; deaf: boolean }): void {
    this.udp.setFlags(ssrc, flags);
  }

  move(ssrc: number, roomId: string): void {
    const participant = this.participants.get(ssrc);
    const from = participant?.roomId;
    this.udp.move(ssrc, roomId);
    if (from === undefined || from === roomId) return;
    this.video.move(ssrc, roomId);
    this.forgetSpeaker(ssrc, from);
    const link = this.links.get(ssrc);
    if (link === undefined) return;
    link.peer.forgetAll();
    link.removeSink();
    link.removeSink = this.udp.addSink(roomId, link.peer);
  }

  remove(ssrc: number): void {
    const participant = this.participants.get(ssrc);
    this.offerTokens.delete(ssrc);
    this.udp.remove(ssrc);
    this.video.leave(ssrc);
    this.closeLink(ssrc);
    // Before it is forgotten: the slot releases name the speaker's user id.
    if (participant) this.forgetSpeaker(ssrc, participant.roomId);
    this.participants.delete(ssrc);
  }

  onSpeakingStart(cb: (p: MediaParticipant) => void): void {
    this.udp.onSpeakingStart(cb);
  }

  onActivity(cb: (p: MediaParticipant) => void): void {
    this.udp.onActivity(cb);
  }

  /**
   * A browser's receive slot changed hands. Runs synchronously inside the room's fan-out, before
   * the new speaker's first packet on that slot is sent, so the browser can be told first.
   */
  onReceiveSlot(cb: (change: ReceiveSlotChange) => void): void {
    this.slotListeners.push(cb);
  }

  /** A browser's video receive slot changed hands (synchronously, before the first packet of the new source on it). */
  onVideoSink(cb: (change: VideoSinkChange) => void): void {
    this.video.onSinkChange((c) => {
      try {
        cb(c);
      } catch (error) {
        this.log?.error({ err: error }, 'video sink listener failed');
      }
    });
  }

  /** Op 12: the participant's active video sources (replacing the previous ones); returns the SSRCs refused as taken. */
  setVideoSources(ssrc: number, sources: readonly { type: VideoSourceType; ssrc: number }[]): number[] {
    return this.video.setSources(ssrc, sources);
  }

  /** Op 15: which streams (by their sender's SSRC) the participant watches. */
  setVideoWants(ssrc: number, wants: Readonly<Record<string, number>>): void {
    this.video.setWants(ssrc, wants);
  }

  /** Frame timing of the active sources as they arrive (tests, benches). */
  videoSourceTimings(): VideoSourceTiming[] {
    return this.video.sourceTimings();
  }

  /** Viewer SSRCs of a stream (tests). */
  videoViewersOf(streamSsrc: number): number[] {
    return this.video.viewersOf(streamSsrc);
  }

  /** Which simulcast layer of `streamSsrc` viewer `viewerSsrc` is forwarded (tests, stats). */
  videoSlotLayer(viewerSsrc: number, streamSsrc: number): SlotLayer | undefined {
    return this.video.slotLayerOf(viewerSsrc, streamSsrc);
  }

  /**
   * Caps what viewer `ssrc` is sent (bits/s; null: no cap): its layers are chosen to fit, as if its
   * estimate said so. For tests (a real way to make a viewer's bandwidth drop) and operator limits.
   */
  capVideoBandwidth(ssrc: number, bps: number | null): void {
    this.video.capViewerBandwidth(ssrc, bps);
  }

  /** The viewer's bandwidth reports so far (what its browser's feedback gave werift). */
  videoEstimateOf(ssrc: number): EstimateStats | undefined {
    const peer = this.links.get(ssrc)?.peer;
    return peer ? { ...peer.estimate.stats } : undefined;
  }

  /** For browser `viewerSsrc`: the SSRC of the slot it hears `speakerSsrc` on (0: none); undefined when it is not a browser. */
  receiveSlotOf(viewerSsrc: number, speakerSsrc: number): number | undefined {
    return this.links.get(viewerSsrc)?.peer.slotSsrcOf(speakerSsrc);
  }

  /**
   * Select protocol `webrtc`: answers the browser's SDP offer for participant `ssrc` and puts the
   * browser in its room. A second offer replaces the first connection. Rejects on an offer werift
   * cannot answer, or when the participant left while the answer was being made.
   */
  async answerWebRtc(ssrc: number, offerSdp: string): Promise<string> {
    if (!this.participants.has(ssrc)) throw new Error('unknown participant');
    this.closeLink(ssrc);
    const token = Symbol('offer');
    this.offerTokens.set(ssrc, token);
    let answered: { peer: WebRtcPeer; answerSdp: string } | undefined;
    try {
      const inject = (opus: Buffer, sequence: number, timestamp: number) => this.udp.injectFrom(ssrc, opus, sequence, timestamp);
      // Video from a peer that was replaced (or not yet installed) is not routed.
      const isLive = () => answered !== undefined && this.links.get(ssrc)?.peer === answered.peer;
      const video = {
        onVideo: (codec: VideoCodec, packet: IncomingVideoPacket) => { if (isLive()) this.video.forward(ssrc, codec, packet); },
        onSlotPli: (slot: number) => { if (isLive()) this.video.viewerPictureLoss(ssrc, slot); },
        onEstimate: (bps: number | null) => { if (isLive()) this.video.setViewerEstimate(ssrc, bps); },
      };
      answered = await WebRtcPeer.answer(ssrc, offerSdp, this.ice, inject, (change) => { if (answered) this.slotChanged(answered.peer, change); }, this.log, video);
    } catch (error) {
      this.answerFailures++;
      if (this.offerTokens.get(ssrc) === token) this.offerTokens.delete(ssrc);
      throw error;
    }
    const participant = this.participants.get(ssrc);
    if (participant === undefined || this.offerTokens.get(ssrc) !== token) {
      // Left, or offered again, while ICE was gathering: this answer is stale.
      this.retire(answered.peer);
      throw new Error('participant left during the WebRTC answer');
    }
    this.answers++;
    this.links.set(ssrc, { peer: answered.peer, removeSink: this.udp.addSink(participant.roomId, answered.peer) });
    this.video.attach(ssrc, answered.peer, answered.peer);
    return answered.answerSdp;
  }

  /** The browser peer of a participant (tests and stats). */
  peerOf(ssrc: number): WebRtcPeer | undefined {
    return this.links.get(ssrc)?.peer;
  }

  stats(): WebRtcMediaStats {
    const sum = { ...this.gone };
    for (const { peer } of this.links.values()) addPeerStats(sum, peer.stats());
    return { ...this.udp.stats(), webrtc: { ...sum, peers: this.links.size, answers: this.answers, answerFailures: this.answerFailures }, video: this.video.stats() };
  }

  async close(): Promise<void> {
    const peers = [...this.links.values()].map((l) => l.peer);
    this.links.clear();
    this.video.close();
    await Promise.allSettled(peers.map((p) => p.close()));
    await this.udp.close();
  }

  private closeLink(ssrc: number): void {
    const link = this.links.get(ssrc);
    if (link === undefined) return;
    this.links.delete(ssrc);
    link.removeSink();
    this.retire(link.peer);
  }

  private retire(peer: WebRtcPeer): void {
    addPeerStats(this.gone, peer.stats());
    peer.close().catch((error: unknown) => { this.log?.warn({ err: error }, 'closing a WebRTC peer failed'); });
  }

  private slotChanged(peer: WebRtcPeer, change: SlotChange): void {
    // Only the live peer of a participant speaks for it (not one replaced or retired).
    const viewerSsrc = peer.ssrc;
    if (this.links.get(viewerSsrc)?.peer !== peer) return;
    const speakerUserId = this.participants.get(change.speakerSsrc)?.userId;
    if (speakerUserId === undefined) return;
    const event: ReceiveSlotChange = { ...change, viewerSsrc, speakerUserId };
    for (const l of this.slotListeners) {
      try {
        l(event);
      } catch (error) {
        this.log?.error({ err: error }, 'receive slot listener failed');
      }
    }
  }

  /** A speaker left `roomId`: the browsers there free its receive slot. */
  private forgetSpeaker(ssrc: number, roomId: string): void {
    for (const [other, link] of this.links) {
      if (other !== ssrc && this.participants.get(other)?.roomId === roomId) link.peer.forget(ssrc);
    }
  }
}
