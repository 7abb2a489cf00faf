// The VideoRouter's ports and reports: the links it drives (a viewer's slots, a sender's key
// frame requests, both WebRtcPeer), what it tells about slots changing hands, and its counters.
import type { VideoCodec } from './keyFrames.ts';
import type { OutgoingVideoPacket } from './videoSlot.ts';

export type VideoSourceType = 'video' | 'screen';

/** A viewer's browser connection (WebRtcPeer): its video receive slots. */
export interface VideoViewerLink {
  readonly videoSlots: readonly { mid: string; ssrc: number }[];
  /** Sends one packet on a slot; false when it could not (connection down, codec not negotiated there). */
  sendVideo(slot: number, codec: VideoCodec, packet: OutgoingVideoPacket): boolean;
  /** What the viewer's downlink takes now (bits/s; null: nothing says it is limited), read at every choice. */
  estimateBps?(nowMs: number): number | null;
  /** The viewer's last REMB (bits/s; 0: none yet) and what it was sent over the last second (tests, stats). */
  downlink?(nowMs: number): { rembBps: number; sentBps: number };
}

/** A sender's browser connection (WebRtcPeer): asks it for a key frame of one of its streams. */
export interface VideoSenderLink {
  requestKeyFrame(streamSsrc: number): void;
}

/** Viewer `viewerSsrc`'s slot `mid` carries (`active`) `ownerUserId`'s source from now on, or no longer. */
export interface VideoSinkChange {
  viewerSsrc: number;
  mid: string;
  slotSsrc: number;
  ownerUserId: string;
  type: VideoSourceType;
  streamSsrc: number;
  active: boolean;
}

export interface VideoRouterStats {
  sources: number;
  subscriptions: number;
  packetsIn: number;
  bytesIn: number;
  /** Packet copies handed to viewers' slots. */
  forwarded: number;
  forwardedBytes: number;
  /** From an SSRC no active source of that sender announced (or one it is not allowed). */
  unknownSource: number;
  /** Not sent to a viewer still waiting for a key frame. */
  awaitingKeyFrame: number;
  /** A slot refused the packet (its connection not up, or no codec for it). */
  sendDropped: number;
  /** A wanted source found every video slot of the viewer busy. */
  noFreeSlot: number;
  keyFrameRequests: number;
  /** PLIs/FIRs from viewers (folded into the rate-limited requests). */
  viewerPictureLoss: number;
  /** Slots moved from one simulcast layer to another (at a key frame). */
  layerSwitches: number;
}

/** Where a viewer's slot stands on a simulcast source (tests, stats). */
export interface SlotLayer {
  ssrc: number;
  rid: string;
  height: number;
  bitrate: number;
  targetSsrc: number;
  layers: number;
  switches: number;
  /** The viewer's downlink as the chooser sees it now: the limit (null: none), its last REMB and what it was sent (bits/s). */
  limitBps: number | null;
  rembBps: number;
  sentBps: number;
}
