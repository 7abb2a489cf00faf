// The simulcast layers of one video source. A browser sending simulcast sends each layer as its own
// RTP stream (own SSRC, own encoder, tagged by rid on the m-line they share); a single-layer sender
// is one layer. Layers are learned from the packets (the offer names rids, not SSRCs) and ordered
// low -> high by the height their VP8 key frames declare, or by ingress bitrate while a height is
// unknown (H.264), so the order does not depend on how the client listed its encodings.
import type { LayerView } from './layerChooser.ts';

/** More layers than this per source are not forwarded (Chromium sends at most 3). */
export const MAX_LAYERS = 4;
const METER_WINDOW_MS = 500;

export interface Layer extends LayerView {
  readonly ssrc: number;
  readonly rid: string;
  /** Bytes in the current meter window, and when it began. */
  windowBytes: number;
  windowStartMs: number;
  lastPacketMs: number;
}

export class SourceLayers {
  /** Low -> high. */
  readonly list: Layer[] = [];

  get(ssrc: number): Layer | undefined {
    for (const l of this.list) if (l.ssrc === ssrc) return l;
    return undefined;
  }

  /** The layer of a packet, added when new (undefined past MAX_LAYERS). */
  admit(ssrc: number, rid: string, nowMs: number): Layer | undefined {
    const known = this.get(ssrc);
    if (known) return known;
    if (this.list.length >= MAX_LAYERS) return undefined;
    const layer: Layer = { ssrc, rid, bitrate: 0, height: 0, windowBytes: 0, windowStartMs: nowMs, lastPacketMs: nowMs };
    this.list.push(layer);
    this.sort();
    return layer;
  }

  /** Counts a packet's bytes; true when the layer's bitrate (or order) changed. */
  count(layer: Layer, bytes: number, nowMs: number): boolean {
    layer.windowBytes += bytes;
    layer.lastPacketMs = nowMs;
    const elapsed = nowMs - layer.windowStartMs;
    if (elapsed < METER_WINDOW_MS) return false;
    const bps = (layer.windowBytes * 8 * 1000) / elapsed;
    // A short EWMA: the encoder's rate moves with the picture; a key frame is one window's spike.
    layer.bitrate = layer.bitrate === 0 ? bps : layer.bitrate * 0.6 + bps * 0.4;
    layer.windowBytes = 0;
    layer.windowStartMs = nowMs;
    if (layer.height === 0) this.sort();
    return true;
  }

  setHeight(layer: Layer, height: number): void {
    if (layer.height === height) return;
    layer.height = height;
    this.sort();
  }

  /** Layers silent for `idleMs` (the sender paused them, e.g. under CPU load) are dropped from the choice. */
  active(nowMs: number, idleMs: number): Layer[] {
    return this.list.filter((l) => nowMs - l.lastPacketMs < idleMs);
  }

  /** By height where both are known (VP8: from the first packet of a layer, a key frame), else by bitrate. */
  private sort(): void {
    this.list.sort((a, b) => (a.height > 0 && b.height > 0 ? a.height - b.height : 0) || a.bitrate - b.bitrate);
  }
}
