// What a viewer's browser tells the SFU about its downlink, read off its connection's RTCP:
// FIR (werift's router files a FIR under an SSRC it does not carry, so it never reaches a sender:
// here it is matched to the slot it names and handled like a PLI), REMB (a receive-side estimate, when
// the browser sends one: Chromium does not while transport-cc is negotiated), the loss its receiver
// reports per slot, and werift's send-side estimate per slot from the viewer's transport-cc feedback
// (RTCRtpSender.senderBWE.onAvailableBitrate: fires with Chromium, but it is what got through over
// ~100 ms windows, not what would: measured on an idle loopback it swings from half to twice what is
// sent, so on its own it would move viewers down for nothing). One answer per viewer for the layer
// choice: REMB while fresh; else, while the viewer reports real loss, what got through; else none
// (not limited).
import { ReceiverEstimatedMaxBitrate, RtcpPayloadSpecificFeedback, RtcpRrPacket, type RTCDtlsTransport } from 'werift';

/** A measurement older than this no longer counts. */
const FRESH_MS = 3_000;
/** Loss (a receiver report's fraction lost) from which the viewer's path counts as limited. */
export const CONGESTED_LOSS = 0.1;
/** FIR's PSFB format (RFC 5104). */
const FIR_FMT = 4;

export interface ViewerRtcpHandlers {
  /** The receive slot whose SSRC this is, or -1. */
  slotOf(ssrc: number): number;
  fir(slot: number): void;
  remb(bps: number): void;
  /** A receiver report's fraction lost (0..1) on a slot. */
  loss(slot: number, fraction: number): void;
}

export function watchViewerRtcp(transport: RTCDtlsTransport, h: ViewerRtcpHandlers): void {
  transport.onRtcp.subscribe((packet) => {
    if (packet instanceof RtcpRrPacket) {
      for (const r of packet.reports) {
        const slot = h.slotOf(r.ssrc);
        if (slot >= 0) h.loss(slot, r.fractionLost / 256);
      }
      return;
    }
    if (!(packet instanceof RtcpPayloadSpecificFeedback)) return;
    const fb = packet.feedback;
    if (fb instanceof ReceiverEstimatedMaxBitrate) {
      h.remb(Number(fb.bitrate));
      return;
    }
    if (fb.count !== FIR_FMT || !('fir' in fb)) return;
    const seen = new Set<number>();
    for (const entry of fb.fir) {
      const slot = h.slotOf(entry.ssrc);
      if (slot >= 0 && !seen.has(slot)) {
        seen.add(slot);
        h.fir(slot);
      }
    }
  });
}

export interface EstimateStats {
  /** Reports taken (werift's per-slot availableBitrate events, REMBs). */
  twccReports: number;
  rembReports: number;
  /** Receiver reports with loss at or above CONGESTED_LOSS. */
  lossyReports: number;
  /** The last estimate handed on (bits/s; 0: none yet). */
  lastBps: number;
}

export class BandwidthEstimate {
  private readonly slots = new Map<number, { bps: number; atMs: number }>();
  private rembBps = 0;
  private rembAtMs = Number.NEGATIVE_INFINITY;
  private readonly lossy = new Map<number, number>();
  private readonly listeners: ((bps: number | null) => void)[] = [];
  readonly stats: EstimateStats = { twccReports: 0, rembReports: 0, lossyReports: 0, lastBps: 0 };

  onChange(cb: (bps: number | null) => void): void {
    this.listeners.push(cb);
  }

  slotMeasured(slot: number, bps: number, nowMs: number): void {
    if (!Number.isFinite(bps) || bps < 0) return;
    this.stats.twccReports++;
    this.slots.set(slot, { bps, atMs: nowMs });
    this.emit(nowMs);
  }

  remb(bps: number, nowMs: number): void {
    if (!Number.isFinite(bps) || bps <= 0) return;
    this.stats.rembReports++;
    this.rembBps = bps;
    this.rembAtMs = nowMs;
    this.emit(nowMs);
  }

  slotLoss(slot: number, fraction: number, nowMs: number): void {
    if (fraction < CONGESTED_LOSS) return;
    this.stats.lossyReports++;
    this.lossy.set(slot, nowMs);
    this.emit(nowMs);
  }

  /** The viewer's estimate now (bits/s), or null when nothing says its path is limited. */
  current(nowMs: number): number | null {
    if (nowMs - this.rembAtMs < FRESH_MS) return this.rembBps;
    let congested = false;
    for (const at of this.lossy.values()) if (nowMs - at < FRESH_MS) congested = true;
    if (!congested) return null;
    let sum = 0;
    let any = false;
    for (const s of this.slots.values()) {
      if (nowMs - s.atMs >= FRESH_MS) continue;
      sum += s.bps;
      any = true;
    }
    return any ? sum : null;
  }

  private emit(nowMs: number): void {
    const bps = this.current(nowMs);
    if (bps !== null) this.stats.lastBps = Math.round(bps);
    for (const l of this.listeners) l(bps);
  }
}
