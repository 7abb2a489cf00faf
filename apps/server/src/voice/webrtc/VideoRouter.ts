// Video through the SFU without decoding. Senders announce sources (op 12: camera `video`, Go Live
// `screen`, each by an SSRC its browser sends it with); viewers say what they watch (op 15); a
// source reaches exactly the viewers in its room that want it, each on one of the viewer's video
// receive slots (recvonly m-lines of its offer). A simulcast source is several RTP streams on one
// m-line (one per layer, told apart by rid; the offer names no SSRCs, so op 12 names any one of
// them and the others join it by m-line); each slot forwards exactly one layer, chosen per viewer by
// its cap (op 15's max height) and its bandwidth (LayerChooser), and moves between layers only at a
// key frame of the target layer (asked for with a PLI on that layer's SSRC, rate-limited per SSRC).
// VideoSlot rewrites seq/ts/picture ids so a slot stays one continuous stream. No sockets here:
// links are ports (WebRtcPeer).
import type { VideoCodec } from './keyFrames.ts';
import { startsKeyFrame, vp8KeyFrameSize } from './keyFrames.ts';
import { KeyFrameRequests } from './keyFrameRequests.ts';
import { MAX_LAYERS, SourceLayers } from './sourceLayers.ts';
import { frameArrived, newFrameTiming, type FrameTiming, type VideoSourceTiming } from './sourceTiming.ts';
import { VideoSlot, type IncomingVideoPacket } from './videoSlot.ts';
import type { SlotLayer, VideoRouterStats, VideoSenderLink, VideoSinkChange, VideoSourceType, VideoViewerLink } from './videoTypes.ts';

export { KEYFRAME_REQUEST_MS } from './keyFrameRequests.ts';
export type { IncomingVideoPacket, OutgoingVideoPacket } from './videoSlot.ts';
export type { VideoSourceTiming } from './sourceTiming.ts';

export type { SlotLayer, VideoRouterStats, VideoSenderLink, VideoSinkChange, VideoSourceType, VideoViewerLink } from './videoTypes.ts';

/** How often every slot's layer choice is revisited (bandwidth and bitrates move without a packet to hang it on). */
const CHOOSE_EVERY_MS = 250;
/** A layer silent this long is left out of the choice (the sender stopped it: CPU or bandwidth). */
const LAYER_IDLE_MS = 1_500;

interface Source {
  readonly streamSsrc: number;
  readonly ownerSsrc: number;
  readonly type: VideoSourceType;
  /** The sender's m-line (learned from the first packet of streamSsrc): its other layers join by it. */
  group: string | null;
  readonly layers: SourceLayers;
  readonly timing: FrameTiming;
  /** viewer SSRC -> its slot index. */
  readonly viewers: Map<number, number>;
}

interface Member {
  readonly ssrc: number;
  readonly userId: string;
  roomId: string;
  viewer: VideoViewerLink | null;
  sender: VideoSenderLink | null;
  slots: VideoSlot<Source>[];
  /** stream SSRC -> wanted quality (op 15), and the max heights it asked for. */
  wants: Map<number, number>;
  wantAny: number;
  maxHeights: Map<number, number>;
  maxHeightAny: number;
  /** What the viewer's path takes (bits/s) as its connection estimates it, and a cap (tests, limits). */
  estimateBps: number | null;
  capBps: number | null;
  /** This member's own sources, by stream SSRC, and by the m-line their layers arrive on. */
  sources: Map<number, Source>;
  groups: Map<string, Source>;
}

export class VideoRouter {
  private readonly members = new Map<number, Member>();
  /** Every active source on this node, by the SSRC its sender announced it with. */
  private readonly sources = new Map<number, Source>();
  /** Layer SSRC -> its source (every layer, including the announced one). */
  private readonly layerSources = new Map<number, Source>();
  private readonly sinkListeners: ((c: VideoSinkChange) => void)[] = [];
  private readonly counters = { packetsIn: 0, bytesIn: 0, forwarded: 0, forwardedBytes: 0, unknownSource: 0, awaitingKeyFrame: 0, sendDropped: 0, noFreeSlot: 0, viewerPictureLoss: 0, layerSwitches: 0 };
  private readonly keyFrames: KeyFrameRequests;
  private readonly ticker: ReturnType<typeof setInterval>;

  constructor(private readonly nowMs: () => number = () => performance.now()) {
    this.keyFrames = new KeyFrameRequests(nowMs, (ssrc) => {
      const source = this.layerSources.get(ssrc);
      const sender = source ? this.members.get(source.ownerSsrc)?.sender : undefined;
      sender?.requestKeyFrame(ssrc);
      return sender != null;
    });
    this.ticker = setInterval(() => { this.chooseAll(); }, CHOOSE_EVERY_MS);
    this.ticker.unref();
  }

  /** Called synchronously before the first packet a slot carries for a source, and when it stops carrying it. Must not throw. */
  onSinkChange(cb: (c: VideoSinkChange) => void): void {
    this.sinkListeners.push(cb);
  }

  join(ssrc: number, userId: string, roomId: string): void {
    this.members.set(ssrc, { ssrc, userId, roomId, viewer: null, sender: null, slots: [], wants: new Map(), wantAny: 0, maxHeights: new Map(), maxHeightAny: 0, estimateBps: null, capBps: null, sources: new Map(), groups: new Map() });
  }

  /** The member's browser connection is up (or replaced): its slots start empty. */
  attach(ssrc: number, viewer: VideoViewerLink, sender: VideoSenderLink): void {
    const m = this.members.get(ssrc);
    if (m === undefined) return;
    this.releaseSlots(m);
    m.viewer = viewer;
    m.sender = sender;
    m.estimateBps = null;
    m.groups.clear();
    for (const s of m.sources.values()) s.group = null;
    m.slots = viewer.videoSlots.map(() => new VideoSlot<Source>());
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
      const taken = this.sources.get(w.ssrc) ?? this.layerSources.get(w.ssrc);
      if (taken && taken.ownerSsrc !== ssrc) {
        refused.push(w.ssrc);
        continue;
      }
      if (taken && taken.streamSsrc === w.ssrc && taken.type === w.type) {
        keep.add(w.ssrc);
        continue;
      }
      if (taken) this.endSource(m, taken);
      keep.add(w.ssrc);
      const source: Source = { streamSsrc: w.ssrc, ownerSsrc: ssrc, type: w.type, group: null, layers: new SourceLayers(), timing: newFrameTiming(), viewers: new Map() };
      m.sources.set(w.ssrc, source);
      this.sources.set(w.ssrc, source);
      this.layerSources.set(w.ssrc, source);
    }
    for (const s of [...m.sources.values()]) if (!keep.has(s.streamSsrc)) this.endSource(m, s);
    this.refreshRoom(m.roomId);
    return refused;
  }

  /**
   * Op 15: the viewer's wants, replacing the previous ones. Keys: a stream SSRC or `any` (quality
   * 0..100, 0: not watched), `max_height:<ssrc>` or `max_height` (the tallest layer it wants; 0: any).
   */
  setWants(ssrc: number, wants: Readonly<Record<string, number>>): void {
    const m = this.members.get(ssrc);
    if (m === undefined) return;
    m.wants.clear();
    m.wantAny = 0;
    m.maxHeights.clear();
    m.maxHeightAny = 0;
    for (const [k, q] of Object.entries(wants)) {
      if (k === 'any') m.wantAny = q;
      else if (k === 'max_height') m.maxHeightAny = q;
      else if (k.startsWith('max_height:')) m.maxHeights.set(Number(k.slice(11)), q);
      else m.wants.set(Number(k), q);
    }
    this.refreshViewer(m);
    this.chooseFor(m);
  }

  /** What the viewer's path takes (bits/s; null: not limited), as its connection's feedback says (viewerFeedback.ts). */
  setViewerEstimate(ssrc: number, bps: number | null): void {
    const m = this.members.get(ssrc);
    if (m) m.estimateBps = bps;
  }

  /** A cap on what the viewer is sent (bits/s; null: none): the layers chosen fit it. */
  capViewerBandwidth(ssrc: number, bps: number | null): void {
    const m = this.members.get(ssrc);
    if (m === undefined) return;
    m.capBps = bps;
    this.chooseFor(m);
  }

  /** The member's active sources (for op 12 to the room). */
  sourcesOf(ssrc: number): { type: VideoSourceType; ssrc: number }[] {
    return [...(this.members.get(ssrc)?.sources.values() ?? [])].map((s) => ({ type: s.type, ssrc: s.streamSsrc }));
  }

  /** Who watches a source (viewer SSRCs), for tests and stats. */
  viewersOf(streamSsrc: number): number[] {
    return [...(this.sources.get(streamSsrc)?.viewers.keys() ?? [])];
  }

  /** Which layer of `streamSsrc` the viewer's slot forwards (undefined: not watching it). */
  slotLayerOf(viewerSsrc: number, streamSsrc: number): SlotLayer | undefined {
    const source = this.sources.get(streamSsrc);
    const index = source?.viewers.get(viewerSsrc);
    const slot = index === undefined ? undefined : this.members.get(viewerSsrc)?.slots[index];
    if (source === undefined || slot === undefined) return undefined;
    const layer = source.layers.get(slot.layerSsrc);
    const link = this.members.get(viewerSsrc)?.viewer;
    const now = this.nowMs();
    const limit = link?.estimateBps ? link.estimateBps(now) : (this.members.get(viewerSsrc)?.estimateBps ?? null);
    const downlink = link?.downlink?.(now) ?? { rembBps: 0, sentBps: 0 };
    return { ssrc: slot.layerSsrc, rid: layer?.rid ?? '', height: layer?.height ?? 0, bitrate: Math.round(layer?.bitrate ?? 0), targetSsrc: slot.targetSsrc, layers: source.layers.list.length, switches: slot.switches, limitBps: limit === null ? null : Math.round(limit), rembBps: downlink.rembBps, sentBps: Math.round(downlink.sentBps) };
  }

  /**
   * Hot path: one packet from sender `ownerSsrc` to every viewer of its source, on the layer each
   * viewer's slot forwards. Returns how many slots it was handed to; drops are counted, never thrown.
   */
  forward(ownerSsrc: number, codec: VideoCodec, p: IncomingVideoPacket): number {
    const source = this.sourceOf(ownerSsrc, p);
    const now = this.nowMs();
    const layer = source?.layers.admit(p.ssrc, p.rid ?? '', now);
    if (source === undefined || layer === undefined) {
      this.counters.unknownSource++;
      return 0;
    }
    this.counters.packetsIn++;
    this.counters.bytesIn += p.payload.length;
    source.layers.count(layer, p.payload.length, now);
    if (p.marker && p.ssrc === source.streamSsrc) frameArrived(source.timing, p.timestamp, now);
    let keyFrameStart: boolean | undefined;
    // Every key frame restates the layer's size (the sender may rescale: quality picker, CPU).
    if (codec === 'vp8' && p.payload.length > 0 && (p.payload[0]! & 0x10) !== 0) {
      const size = vp8KeyFrameSize(p.payload);
      if (size) source.layers.setHeight(layer, size.height);
    }
    let sent = 0;
    for (const [viewerSsrc, index] of source.viewers) {
      const viewer = this.members.get(viewerSsrc);
      const link = viewer?.viewer;
      const slot = viewer?.slots[index];
      if (link == null || slot === undefined) continue;
      // A slot given before its source sent anything chooses with the first packet.
      if (slot.targetSsrc === 0) this.chooseFor(viewer!);
      if (p.ssrc === slot.targetSsrc && p.ssrc !== slot.layerSsrc) {
        keyFrameStart ??= p.payload.length > 0 && startsKeyFrame(codec, p.payload);
        if (!keyFrameStart) {
          if (slot.awaitingKeyFrame) this.counters.awaitingKeyFrame++;
          this.keyFrames.request(p.ssrc);
          continue;
        }
        if (!slot.awaitingKeyFrame) this.counters.layerSwitches++;
        slot.switchTo(p, codec, now);
      } else if (p.ssrc !== slot.layerSsrc) {
        continue;
      }
      const out = slot.rewrite(p, codec, now);
      if (out === null) continue;
      if (link.sendVideo(index, codec, out)) {
        this.counters.forwarded++;
        this.counters.forwardedBytes += p.payload.length;
        sent++;
      } else {
        this.counters.sendDropped++;
      }
    }
    return sent;
  }

  /** A viewer's slot reported picture loss (PLI or FIR): the layer it carries is asked for a key frame. */
  viewerPictureLoss(viewerSsrc: number, slotIndex: number): void {
    const slot = this.members.get(viewerSsrc)?.slots[slotIndex];
    if (slot?.source == null) return;
    this.counters.viewerPictureLoss++;
    const ssrc = slot.layerSsrc || slot.targetSsrc;
    if (ssrc !== 0) this.keyFrames.request(ssrc);
  }

  /** Frame timing of every active source, as it arrived here (tests, benches). */
  sourceTimings(): VideoSourceTiming[] {
    return [...this.sources.values()].map((s) => ({ streamSsrc: s.streamSsrc, type: s.type, frames: s.timing.frames, averageFrameMs: Math.round(s.timing.averageFrameMs), captureGaps: s.timing.captureGaps, arrivalGaps: s.timing.arrivalGaps }));
  }

  stats(): VideoRouterStats {
    let subscriptions = 0;
    for (const s of this.sources.values()) subscriptions += s.viewers.size;
    return { sources: this.sources.size, subscriptions, ...this.counters, keyFrameRequests: this.keyFrames.sent };
  }

  close(): void {
    clearInterval(this.ticker);
    this.keyFrames.close();
    this.sources.clear();
    this.layerSources.clear();
    this.members.clear();
  }

  // ---- internals ----

  /** The source a packet belongs to: by its SSRC, else by the m-line its announced layer came on. */
  private sourceOf(ownerSsrc: number, p: IncomingVideoPacket): Source | undefined {
    const known = this.layerSources.get(p.ssrc);
    if (known !== undefined) {
      if (known.ownerSsrc !== ownerSsrc) return undefined;
      if (known.streamSsrc === p.ssrc && known.group === null && p.group !== undefined) {
        const owner = this.members.get(ownerSsrc);
        if (owner && !owner.groups.has(p.group)) {
          known.group = p.group;
          owner.groups.set(p.group, known);
        }
      }
      return known;
    }
    if (p.group === undefined) return undefined;
    const source = this.members.get(ownerSsrc)?.groups.get(p.group);
    if (source === undefined || source.layers.list.length >= MAX_LAYERS) return source;
    // Another layer of that source: its SSRC names it from now on (PLIs, the next packets).
    this.layerSources.set(p.ssrc, source);
    this.chooseSlotsOf(source);
    return source;
  }

  private chooseAll(): void {
    for (const m of this.members.values()) this.chooseFor(m);
  }

  private chooseSlotsOf(source: Source): void {
    for (const viewerSsrc of source.viewers.keys()) {
      const m = this.members.get(viewerSsrc);
      if (m) this.chooseFor(m);
    }
  }

  /**
   * Revisits the layer of each of the viewer's slots: the viewer's estimate (null while nothing says
   * its path is limited: viewerFeedback.ts) and its cap bound the layers, shared across its slots.
   */
  private chooseFor(m: Member): void {
    if (m.viewer === null) return;
    const now = this.nowMs();
    let sending = 0;
    for (const slot of m.slots) sending += slot.source?.layers.get(slot.layerSsrc)?.bitrate ?? 0;
    const estimate = m.viewer.estimateBps ? m.viewer.estimateBps(now) : m.estimateBps;
    const budget = Math.min(estimate ?? Number.POSITIVE_INFINITY, m.capBps ?? Number.POSITIVE_INFINITY);
    m.slots.forEach((slot) => {
      const source = slot.source;
      if (source === null) return;
      const layers = source.layers.active(now, LAYER_IDLE_MS);
      const list = layers.length > 0 ? layers : source.layers.list;
      if (list.length === 0) return;
      const own = source.layers.get(slot.layerSsrc)?.bitrate ?? 0;
      // This slot's share: the budget less what the viewer's other slots take now.
      const share = budget - (sending - own);
      slot.chooser.current = list.findIndex((l) => l.ssrc === (slot.targetSsrc || slot.layerSsrc));
      const index = slot.chooser.choose(list, m.maxHeights.get(source.streamSsrc) ?? m.maxHeightAny, share, now);
      const target = list[index]?.ssrc ?? 0;
      if (target === 0 || target === slot.targetSsrc) return;
      slot.targetSsrc = target;
      if (target !== slot.layerSsrc) this.keyFrames.request(target);
    });
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
    let added = false;
    for (const s of wanted) {
      if (s.viewers.has(m.ssrc)) continue;
      const free = m.slots.findIndex((slot) => slot.source === null);
      if (free < 0) {
        this.counters.noFreeSlot++;
        continue;
      }
      m.slots[free]!.assign(s);
      s.viewers.set(m.ssrc, free);
      this.emitSink(m, free, s, true);
      added = true;
    }
    if (added) this.chooseFor(m);
  }

  private releaseSlot(m: Member, index: number): void {
    const slot = m.slots[index];
    const source = slot?.source;
    if (slot === undefined || source == null) return;
    slot.assign(null);
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
    for (const [ssrc, source] of this.layerSources) {
      if (source !== s) continue;
      this.layerSources.delete(ssrc);
      this.keyFrames.forget(ssrc);
    }
    if (s.group !== null && owner.groups.get(s.group) === s) owner.groups.delete(s.group);
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
