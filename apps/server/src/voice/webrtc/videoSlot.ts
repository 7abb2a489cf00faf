// One video receive slot of a viewer: which source and which of its layers it carries, and the
// rewrite that makes everything it ever carried one continuous RTP stream for the viewer's decoder.
// A slot starts (or moves to another source, or another simulcast layer of the same source) only at
// the first packet of a key frame; from there sequence numbers continue from the slot's last one,
// the timestamp advances by the wall time since the slot's last packet, and VP8 picture ids (and
// TL0PICIDX) continue from the slot's last ones, since each layer numbers its own.
import type { VideoCodec } from './keyFrames.ts';
import { LayerChooser } from './layerChooser.ts';
import { readVp8Ids, rewriteVp8Ids } from './vp8Rewrite.ts';

/** One RTP packet from a sender, as werift parsed it (read only; the payload is shared by every viewer). */
export interface IncomingVideoPacket {
  ssrc: number;
  sequenceNumber: number;
  timestamp: number;
  marker: boolean;
  padding: boolean;
  paddingSize: number;
  payload: Buffer;
  /** The sender's m-line it came on: the layers of one simulcast source share it. */
  group?: string;
  /** Its simulcast layer's rid (absent without simulcast). */
  rid?: string;
}

/** What a slot sends: the rewritten fields; the payload is the sender's (shared) or the slot's rewritten copy. */
export interface OutgoingVideoPacket {
  sequenceNumber: number;
  timestamp: number;
  marker: boolean;
  padding: boolean;
  paddingSize: number;
  payload: Buffer;
}

const MIN_TS_STEP = 1;

export class VideoSlot<S = unknown> {
  source: S | null = null;
  /** The layer (sender SSRC) forwarded now; 0 while waiting for the first key frame. */
  layerSsrc = 0;
  /** The layer wanted; differs from layerSsrc until that layer's next key frame. */
  targetSsrc = 0;
  readonly chooser = new LayerChooser();
  switches = 0;
  private seqOffset = 0;
  private tsOffset = 0;
  private lastSeq = 0;
  private lastTs = 0;
  private lastSentMs = 0;
  private sent = false;
  /** The first (sender) sequence number of the current layer: anything older from it belongs before the switch. */
  private switchSeq = 0;
  private pidOffset = 0;
  private tl0Offset = 0;
  private lastPid = -1;
  private lastTl0 = -1;

  /** Carries `source` from its next key frame on (or nothing). */
  assign(source: S | null): void {
    this.source = source;
    this.layerSsrc = 0;
    this.targetSsrc = 0;
    this.chooser.current = -1;
  }

  get awaitingKeyFrame(): boolean {
    return this.layerSsrc === 0;
  }

  /** Moves to the packet's layer (it starts a key frame): the stream continues where the slot left it. */
  switchTo(p: IncomingVideoPacket, codec: VideoCodec, nowMs: number): void {
    if (this.layerSsrc !== 0) this.switches++;
    this.layerSsrc = p.ssrc;
    this.switchSeq = p.sequenceNumber;
    if (!this.sent) {
      this.seqOffset = 0;
      this.tsOffset = 0;
      this.pidOffset = 0;
      this.tl0Offset = 0;
      return;
    }
    const step = Math.max(MIN_TS_STEP, Math.round((nowMs - this.lastSentMs) * 90));
    this.seqOffset = (this.lastSeq + 1 - p.sequenceNumber) & 0xffff;
    this.tsOffset = (this.lastTs + step - p.timestamp) >>> 0;
    const ids = codec === 'vp8' ? readVp8Ids(p.payload) : null;
    this.pidOffset = ids && ids.pictureId >= 0 && this.lastPid >= 0 ? (this.lastPid + 1 - ids.pictureId) & 0x7fff : 0;
    this.tl0Offset = ids && ids.tl0PicIdx >= 0 && this.lastTl0 >= 0 ? (this.lastTl0 + 1 - ids.tl0PicIdx) & 0xff : 0;
  }

  /** The packet as this slot sends it, or null for one of its layer from before the switch. */
  rewrite(p: IncomingVideoPacket, codec: VideoCodec, nowMs: number): OutgoingVideoPacket | null {
    const sinceSwitch = (p.sequenceNumber - this.switchSeq) & 0xffff;
    if (this.sent && sinceSwitch >= 0x8000) return null;
    // The guard trails the layer's newest packets (a 16-bit window cannot stay anchored forever).
    if (sinceSwitch > 0x4000) this.switchSeq = (p.sequenceNumber - 0x2000) & 0xffff;
    const seq = (p.sequenceNumber + this.seqOffset) & 0xffff;
    const ts = (p.timestamp + this.tsOffset) >>> 0;
    // A retransmitted (older) packet fills its hole; the slot's high-water mark only moves forward.
    const newest = !this.sent || ((seq - this.lastSeq) & 0xffff) < 0x8000;
    if (newest) {
      this.lastSeq = seq;
      this.lastTs = ts;
      this.lastSentMs = nowMs;
    }
    this.sent = true;
    let payload = p.payload;
    if (codec === 'vp8') {
      const ids = readVp8Ids(p.payload);
      if (ids) {
        if (this.pidOffset !== 0 || this.tl0Offset !== 0) payload = rewriteVp8Ids(p.payload, ids, this.pidOffset, this.tl0Offset);
        if (newest && ids.pictureId >= 0) this.lastPid = (ids.pictureId + this.pidOffset) & 0x7fff;
        if (newest && ids.tl0PicIdx >= 0) this.lastTl0 = (ids.tl0PicIdx + this.tl0Offset) & 0xff;
      }
    }
    return { sequenceNumber: seq, timestamp: ts, marker: p.marker, padding: p.padding, paddingSize: p.paddingSize, payload };
  }
}
