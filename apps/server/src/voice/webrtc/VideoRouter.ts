// Video through the SFU without decoding. Senders announce sources (op 12: camera `video`, Go Live
// `screen`, each by the SSRC its browser sends it with); viewers say what they watch (op 15); a
// source reaches exactly the viewers in its room that want it, each on one of the viewer's video
// receive slots (recvonly m-lines of its offer), with sequence numbers and timestamps rewritten so a
// slot handed from one source to another stays one continuous stream. A viewer starts at a key frame
// (the slot waits, and the sender is asked for one with a PLI, at most one per KEYFRAME_REQUEST_MS per
// source, a later request deferred rather than dropped). No sockets here: links are ports (WebRtcPeer).
import type { VideoCodec } from './keyFrames.ts';
import { startsKeyFrame } from './keyFrames.ts';

export type VideoSourceType = 'video' | 'screen';

/** At most one key frame request (PLI) to a sender per source within this window. */
export const KEYFRAME_REQUEST_MS = 500;
/** The timestamp step (90 kHz) between the last packet of one source on a slot and the next source's first. */
const SLOT_SWITCH_TS_STEP = 3_000;

/** One RTP packet from a sender, as werift parsed it (read only; the payload is shared by every viewer). */
export interface IncomingVideoPacket {
  ssrc: number;
  sequenceNumber: number;
  timestamp: number;
  marker: boolean;
  padding: boolean;
  paddingSize: number;
  payload: Buffer;
}

/** What a slot sends: the rewritten fields; the payload is the sender's, shared (werift never writes payloads). */
export interface OutgoingVideoPacket {
  sequenceNumber: number;
  timestamp: number;
  marker: boolean;
  padding: boolean;
  paddingSize: number;
  payload: Buffer;
}

/** A viewer's browser connection (WebRtcPeer): its video receive slots. */
export interface VideoViewerLink {
  readonly videoSlots: readonly { mid: string; ssrc: number }[];
  /** Sends one packet on a slot; false when it could not (connection down, codec not negotiated there). */
  sendVideo(slot: number, codec: VideoCodec, packet: OutgoingVideoPacket): boolean;
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
  /** PLIs from viewers (folded into the rate-limited requests). */
  viewerPictureLoss: number;
}

/**
 * How a source's frames arrived at the SFU, with Chromium's freeze rule (a frame later than
 * max(3 x average interval, average + 150 ms)) applied to when each frame's last packet arrived: `captureGaps` are gaps already
 * in the sender's RTP timestamps (its capture or encoder paused: every viewer freezes, whatever the
 * SFU does), `arrivalGaps` gaps that only the arrival times show (the sender's pacer spreading a
 * large key frame, its network, or this process stalled before forwarding).
 */
export interface VideoSourceTiming {
  streamSsrc: number;
  type: VideoSourceType;
  frames: number;
  averageFrameMs: number;
  captureGaps: number;
  arrivalGaps: number;
}

interface Source {
  readonly streamSsrc: number;
  readonly ownerSsrc: number;
  readonly type: VideoSourceType;
  timing: { frames: number; lastTs: number; lastArrivalMs: number; averageFrameMs: number; captureGaps: number; arrivalGaps: number };
  /** viewer SSRC -> its slot index. */
  readonly viewers: Map<number, number>;
  lastKeyFrameRequestMs: number;
  keyFrameTimer: ReturnType<typeof setTimeout> | null;
}

interface Slot {
  source: Source | null;
  awaitingKeyFrame: boolean;
  seqOffset: number;
  tsOffset: number;
  lastSeq: number;
  lastTs: number;
  sent: boolean;
}

interface Member {
  readonly ssrc: number;
  readonly userId: string;
  roomId: string;
  viewer: VideoViewerLink | null;
  sender: VideoSenderLink | null;
  slots: Slot[];
  /** stream SSRC -> wanted quality (op 15). */
  wants: Map<number, number>;
  wantAny: number;
  /** This member's own sources, by stream SSRC. */
  sources: Map<number, Source>;
}

export class VideoRouter {
  private readonly members = new Map<number, Member>();
  /** Every active source on this node, by the SSRC its sender sends it with. */
  private readonly sources = new Map<number, Source>();
  private readonly sinkListeners: ((c: VideoSinkChange) => void)[] = [];
  private readonly counters = { packetsIn: 0, bytesIn: 0, forwarded: 0, forwardedBytes: 0, unknownSource: 0, awaitingKeyFrame: 0, sendDropped: 0, noFreeSlot: 0, keyFrameRequests: 0, viewerPictureLoss: 0 };

  constructor(private readonly nowMs: () => number = () => performance.now()) {}

  /** Called synchronously before the first packet a slot carries for a source, and when it stops carrying it. Must not throw. */
  onSinkChange(cb: (c: VideoSinkChange) => void): void {
    this.sinkListeners.push(cb);
  }

  join(ssrc: number, userId: string, roomId: string): void {
    this.members.set(ssrc, { ssrc, userId, roomId, viewer: null, sender: null, slots: [], wants: new Map(), wantAny: 0, sources: new Map() });
  }

  /** The member's browser connection is up (or replaced): its slots start empty. */
  attach(ssrc: number, viewer: VideoViewerLink, sender: VideoSenderLink): void {
    const m = this.members.get(ssrc);
    if (m === undefined) return;
    this.releaseSlots(m);
    m.viewer = viewer;
    m.sender = sender;
    m.slots = viewer.videoSlots.map(() => ({ source: null, awaitingKeyFrame: true, seqOffset: 0, tsOffset: 0, lastSeq: 0, lastTs: 0, sent: false }));
    this.refreshViewer(m);
  }

  move(ssrc: number, roomId: string): void {
    const m = this.members.get(ssrc);
    if (m === undefined || m.roomId === roomId) return;
    const from = m.roomId;
    m.roomId = roomId;
    this.refreshRoom(from);
    this.refreshRoom(roomId);
  }

  leave(ssrc: number): void {
    const m = this.members.get(ssrc);
    if (m === undefined) return;
    this.releaseSlots(m);
    for (const s of [...m.sources.values()]) this.endSource(m, s);
    this.members.delete(ssrc);
  }

  /**
   * Replaces the member's active sources. Returns the SSRCs refused because another member's active
   * source already uses them (an SSRC names one stream on the node: op 15 keys on it).
   */
  setSources(ssrc: number, wanted: readonly { type: VideoSourceType; ssrc: number }[]): number[] {
    const m = this.members.get(ssrc);
    if (m === undefined) return wanted.map((w) => w.ssrc);
    const refused: number[] = [];
    const keep = new Set<number>();
    for (const w of wanted) {
      const taken = this.sources.get(w.ssrc);
      if (taken && taken.ownerSsrc !== ssrc) {
        refused.push(w.ssrc);
        continue;
      }
      keep.add(w.ssrc);
      if (taken && taken.type === w.type) continue;
      if (taken) this.endSource(m, taken);
      const source: Source = { streamSsrc: w.ssrc, ownerSsrc: ssrc, type: w.type, timing: { frames: 0, lastTs: 0, lastArrivalMs: 0, averageFrameMs: 0, captureGaps: 0, arrivalGaps: 0 }, viewers: new Map(), lastKeyFrameRequestMs: Number.NEGATIVE_INFINITY, keyFrameTimer: null };
      m.sources.set(w.ssrc, source);
      this.sources.set(w.ssrc, source);
    }
    for (const s of [...m.sources.values()]) if (!keep.has(s.streamSsrc)) this.endSource(m, s);
    this.refreshRoom(m.roomId);
    return refused;
  }

  /** Op 15: the viewer's wants, replacing the previous ones. */
  setWants(ssrc: number, wants: Readonly<Record<string, number>>): void {
    const m = this.members.get(ssrc);
    if (m === undefined) return;
    m.wants.clear();
    m.wantAny = 0;
    for (const [k, q] of Object.entries(wants)) {
      if (k === 'any') m.wantAny = q;
      else m.wants.set(Number(k), q);
    }
    this.refreshViewer(m);
  }

  /** The member's active sources (for op 12 to the room). */
  sourcesOf(ssrc: number): { type: VideoSourceType; ssrc: number }[] {
    return [...(this.members.get(ssrc)?.sources.values() ?? [])].map((s) => ({ type: s.type, ssrc: s.streamSsrc }));
  }

  /** Who watches a source (viewer SSRCs), for tests and stats. */
  viewersOf(streamSsrc: number): number[] {
    return [...(this.sources.get(streamSsrc)?.viewers.keys() ?? [])];
  }

  /**
   * Hot path: one packet from sender `ownerSsrc` to every viewer of its source. Returns how many
   * slots it was handed to; drops are counted, never thrown.
   */
  forward(ownerSsrc: number, codec: VideoCodec, p: IncomingVideoPacket): number {
    const source = this.sources.get(p.ssrc);
    if (source === undefined || source.ownerSsrc !== ownerSsrc) {
      this.counters.unknownSource++;
      return 0;
    }
    this.counters.packetsIn++;
    this.counters.bytesIn += p.payload.length;
    if (p.marker) this.frameArrived(source.timing, p.timestamp);
    let keyFrameStart: boolean | undefined;
    let sent = 0;
    for (const [viewerSsrc, index] of source.viewers) {
      const viewer = this.members.get(viewerSsrc);
      const link = viewer?.viewer;
      const slot = viewer?.slots[index];
      if (link == null || slot === undefined) continue;
      if (slot.awaitingKeyFrame) {
        keyFrameStart ??= p.payload.length > 0 && startsKeyFrame(codec, p.payload);
        if (!keyFrameStart) {
          this.counters.awaitingKeyFrame++;
          this.requestKeyFrame(source);
          continue;
        }
        slot.awaitingKeyFrame = false;
        // Continue the slot's stream where its previous source left it (the browser sees one stream).
        slot.seqOffset = slot.sent ? (slot.lastSeq + 1 - p.sequenceNumber) & 0xffff : 0;
        slot.tsOffset = slot.sent ? (slot.lastTs + SLOT_SWITCH_TS_STEP - p.timestamp) >>> 0 : 0;
      }
      const seq = (p.sequenceNumber + slot.seqOffset) & 0xffff;
      const ts = (p.timestamp + slot.tsOffset) >>> 0;
      // A retransmitted (older) packet fills its hole; the slot's high-water mark only moves forward.
      if (!slot.sent || ((seq - slot.lastSeq) & 0xffff) < 0x8000) {
        slot.lastSeq = seq;
        slot.lastTs = ts;
      }
      slot.sent = true;
      if (link.sendVideo(index, codec, { sequenceNumber: seq, timestamp: ts, marker: p.marker, padding: p.padding, paddingSize: p.paddingSize, payload: p.payload })) {
        this.counters.forwarded++;
        this.counters.forwardedBytes += p.payload.length;
        sent++;
      } else {
        this.counters.sendDropped++;
      }
    }
    return sent;
  }

  /** A viewer's slot reported picture loss (PLI): the source it carries is asked for a key frame. */
  viewerPictureLoss(viewerSsrc: number, slot: number): void {
    const source = this.members.get(viewerSsrc)?.slots[slot]?.source;
    if (source == null) return;
    this.counters.viewerPictureLoss++;
    this.requestKeyFrame(source);
  }

  /** Frame timing of every active source, as it arrived here (tests, benches). */
  sourceTimings(): VideoSourceTiming[] {
    return [...this.sources.values()].map((s) => ({ streamSsrc: s.streamSsrc, type: s.type, frames: s.timing.frames, averageFrameMs: Math.round(s.timing.averageFrameMs), captureGaps: s.timing.captureGaps, arrivalGaps: s.timing.arrivalGaps }));
  }

  stats(): VideoRouterStats {
    let subscriptions = 0;
    for (const s of this.sources.values()) subscriptions += s.viewers.size;
    return { sources: this.sources.size, subscriptions, ...this.counters };
  }

  close(): void {
    for (const s of this.sources.values()) if (s.keyFrameTimer) clearTimeout(s.keyFrameTimer);
    this.sources.clear();
    this.members.clear();
  }

  // ---- internals ----

  /** The last packet of a frame (marker): when a viewer could have it whole, at the earliest. */
  private frameArrived(t: Source['timing'], ts: number): void {
    const now = this.nowMs();
    if (t.frames > 0) {
      const arrivalMs = now - t.lastArrivalMs;
      const captureMs = ((ts - t.lastTs) | 0) / 90;
      if (captureMs < 0) return; // a late retransmission of an older frame
      if (t.frames >= 10) {
        const freezeMs = Math.max(3 * t.averageFrameMs, t.averageFrameMs + 150);
        if (captureMs > freezeMs) t.captureGaps++;
        else if (arrivalMs > freezeMs) t.arrivalGaps++;
      }
      // Chromium averages over recent frames; an EWMA of ~30 frames is close enough.
      t.averageFrameMs = t.frames === 1 ? arrivalMs : t.averageFrameMs + (arrivalMs - t.averageFrameMs) / 30;
    }
    t.frames++;
    t.lastTs = ts;
    t.lastArrivalMs = now;
  }

  /** At once when the last request is KEYFRAME_REQUEST_MS old, else once at the end of that window. */
  private requestKeyFrame(source: Source): void {
    if (source.keyFrameTimer !== null) return;
    const now = this.nowMs();
    const waitMs = source.lastKeyFrameRequestMs + KEYFRAME_REQUEST_MS - now;
    if (waitMs <= 0) {
      this.sendKeyFrameRequest(source, now);
      return;
    }
    source.keyFrameTimer = setTimeout(() => {
      source.keyFrameTimer = null;
      if (this.sources.get(source.streamSsrc) === source) this.sendKeyFrameRequest(source, this.nowMs());
    }, waitMs);
    source.keyFrameTimer.unref();
  }

  private sendKeyFrameRequest(source: Source, now: number): void {
    source.lastKeyFrameRequestMs = now;
    this.counters.keyFrameRequests++;
    this.members.get(source.ownerSsrc)?.sender?.requestKeyFrame(source.streamSsrc);
  }

  private refreshRoom(roomId: string): void {
    for (const m of this.members.values()) if (m.roomId === roomId || m.slots.some((s) => s.source !== null)) this.refreshViewer(m);
  }

  /** Makes the viewer's slots carry exactly the sources it wants in its room (free slots first come, first served). */
  private refreshViewer(m: Member): void {
    if (m.viewer === null) return;
    const wanted = new Set<Source>();
    for (const s of this.sources.values()) {
      if (s.ownerSsrc === m.ssrc || this.members.get(s.ownerSsrc)?.roomId !== m.roomId) continue;
      if ((m.wants.get(s.streamSsrc) ?? m.wantAny) > 0) wanted.add(s);
    }
    m.slots.forEach((slot, i) => {
      if (slot.source !== null && !wanted.has(slot.source)) this.releaseSlot(m, i);
    });
    for (const s of wanted) {
      if (s.viewers.has(m.ssrc)) continue;
      const free = m.slots.findIndex((slot) => slot.source === null);
      if (free < 0) {
        this.counters.noFreeSlot++;
        continue;
      }
      const slot = m.slots[free]!;
      slot.source = s;
      slot.awaitingKeyFrame = true;
      s.viewers.set(m.ssrc, free);
      this.emitSink(m, free, s, true);
      this.requestKeyFrame(s);
    }
  }

  private releaseSlot(m: Member, index: number): void {
    const slot = m.slots[index];
    const source = slot?.source;
    if (slot === undefined || source == null) return;
    slot.source = null;
    slot.awaitingKeyFrame = true;
    source.viewers.delete(m.ssrc);
    this.emitSink(m, index, source, false);
  }

  private releaseSlots(m: Member): void {
    for (let i = 0; i < m.slots.length; i++) this.releaseSlot(m, i);
  }

  private endSource(owner: Member, s: Source): void {
    for (const viewerSsrc of [...s.viewers.keys()]) {
      const v = this.members.get(viewerSsrc);
      const index = s.viewers.get(viewerSsrc);
      if (v && index !== undefined) this.releaseSlot(v, index);
    }
    if (s.keyFrameTimer) clearTimeout(s.keyFrameTimer);
    owner.sources.delete(s.streamSsrc);
    if (this.sources.get(s.streamSsrc) === s) this.sources.delete(s.streamSsrc);
  }

  private emitSink(m: Member, index: number, s: Source, active: boolean): void {
    const slot = m.viewer?.videoSlots[index];
    const owner = this.members.get(s.ownerSsrc);
    if (slot === undefined || owner === undefined) return;
    const change: VideoSinkChange = { viewerSsrc: m.ssrc, mid: slot.mid, slotSsrc: slot.ssrc, ownerUserId: owner.userId, type: s.type, streamSsrc: s.streamSsrc, active };
    for (const l of this.sinkListeners) l(change);
  }
}
