// What a viewer's browser tells the SFU about its downlink, read off its connection's RTCP:
// FIR (werift's router files a FIR under an SSRC it does not carry, so it never reaches a sender:
// here it is matched to the slot it names and handled like a PLI), REMB (a receive-side estimate, when
// the browser sends one), and werift's send-side estimate per slot from the viewer's transport-cc
// feedback (RTCRtpSender.senderBWE: what got through over ~100 ms windows). One number per viewer
// for the layer choice: REMB while it is fresh, else the sum of the slots' recent measurements.
import { ReceiverEstimatedMaxBitrate, RtcpPayloadSpecificFeedback, type RTCDtlsTransport } from 'werift';

/** A measurement older than this no longer counts. */
const FRESH_MS = 2_000;
/** FIR's PSFB format (RFC 5104). */
const FIR_FMT = 4;

export interface ViewerRtcpHandlers {
  /** The receive slot whose SSRC this is, or -1. */
  slotOf(ssrc: number): number;
  fir(slot: number): void;
  remb(bps: number): void;
}

export function watchViewerRtcp(transport: RTCDtlsTransport, h: ViewerRtcpHandlers): void {
  transport.onRtcp.subscribe((packet) => {
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
  /** The last estimate handed on (bits/s; 0: none yet). */
  lastBps: number;
}

export class BandwidthEstimate {
  private readonly slots = new Map<number, { bps: number; atMs: number }>();
  private rembBps = 0;
  private rembAtMs = Number.NEGATIVE_INFINITY;
  private readonly listeners: ((bps: number) => void)[] = [];
  readonly stats: EstimateStats = { twccReports: 0, rembReports: 0, lastBps: 0 };

  onChange(cb: (bps: number) => void): void {
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

  /** The viewer's estimate now (bits/s), or null when nothing fresh came in. */
  current(nowMs: number): number | null {
    if (nowMs - this.rembAtMs < FRESH_MS) return this.rembBps;
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
    if (bps === null) return;
    this.stats.lastBps = Math.round(bps);
    for (const l of this.listeners) l(bps);
  }
}
