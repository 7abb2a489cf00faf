// What a viewer's browser tells the SFU about its downlink, read off its connection's RTCP:
// FIR (werift's router files a FIR under an SSRC it does not carry, so it never reaches a sender:
// here it is matched to the slot it names and handled like a PLI), REMB, and the loss its receiver
// reports per slot. The viewer's slots are sent without the transport-wide-cc header extension
// (abs-send-time instead: WebRtcPeer), so Chromium runs its receive-side estimator on them (the
// delay-based half of Google Congestion Control, draft-ietf-rmcat-gcc-02: an over-use of the
// path's queue sets the estimate to 0.85x what was received) and sends REMB about 4 times a second,
// from ~5 s after the first packet. Its increase is capped at 1.5x what arrives and ramps ~8% a
// second, so after a move up it sits below what is sent for seconds without anything being wrong;
// an over-use, though, cuts it at once (measured behind a 700 kbit/s bottleneck with ~800 kbit/s
// sent: 620k, 583k, 550k; a trial up over it: 579k -> 327k). After a cut it climbs slowly (additive
// near the capacity it learned), so a level below what is sent says little on its own: REMB is a
// limit only while it is clearly below what this viewer was sent lately AND it was cut within the
// last 2.5 s (an over-use) AND the receiver reports some loss (2%: CPU stalls on a busy machine cut
// REMB too, without loss); otherwise "not limited" (the chooser goes up by trial, after its hold).
// Loss of 10% or more in a receiver report limits as GCC's loss controller does.
// werift's own send-side estimate (transport-cc) measured throughput, not room, and is not used.
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
  rembReports: number;
  /** REMBs that cut the previous one (over-use). */
  rembCuts: number;
  /** The last REMB (bits/s; 0: none yet). */
  lastRembBps: number;
  /** Receiver reports with loss at or above CONGESTED_LOSS. */
  lossyReports: number;
  /** The last limit handed on (bits/s; 0: none yet), and how many times the estimate said "limited". */
  lastBps: number;
  limited: number;
}

/** REMB below this share of what was sent lately means the path is limited (an over-use backed it off). */
export const REMB_LIMIT_SHARE = 0.8;
/**
 * A REMB cut is believed only while the viewer's receiver reports at least this loss: a bottleneck
 * that over-uses drops too, while a busy machine's CPU stalls read as queueing without loss (seen:
 * an unconstrained loopback viewer's REMB cut to ~100k while it took 800k without loss; a web
 * viewer's screen moved to its half layer at load ~3).
 */
export const CORROBORATING_LOSS = 0.02;
/** A REMB at most this share of the previous one is an over-use cut. */
export const REMB_CUT_SHARE = 0.97;
/** How long after a cut a low REMB counts as a limit (the chooser steps down after 1 s of it). */
export const REMB_CUT_LATCH_MS = 2_500;
/**
 * With loss p at or above CONGESTED_LOSS: what was sent times (1 - LOSS_BACKOFF * p), GCC's
 * loss-based controller (draft-ietf-rmcat-gcc-02, section 6: As = As * (1 - 0.5p) when p > 0.1).
 */
export const LOSS_BACKOFF = 0.5;
/** What the viewer was sent is metered over this window, in buckets. */
const SENT_WINDOW_MS = 1_000;
const SENT_BUCKET_MS = 100;
const SENT_BUCKETS = SENT_WINDOW_MS / SENT_BUCKET_MS;

export class BandwidthEstimate {
  private rembBps = 0;
  private rembAtMs = Number.NEGATIVE_INFINITY;
  private rembCutAtMs = Number.NEGATIVE_INFINITY;
  /** The highest loss receiver reports gave within a second of each other (any amount), and when the last came. */
  private lastLoss = 0;
  private lastLossAtMs = Number.NEGATIVE_INFINITY;
  /** What was sent times (1 - LOSS_BACKOFF * loss) when the last lossy report came. */
  private lossLimitBps = 0;
  private lossAtMs = Number.NEGATIVE_INFINITY;
  /** Bytes sent per SENT_BUCKET_MS bucket (a ring), and the bucket index the ring ends at. */
  private readonly sentBuckets = new Float64Array(SENT_BUCKETS);
  private sentBucket = -1;
  private wasLimited = false;
  private readonly listeners: ((bps: number | null) => void)[] = [];
  readonly stats: EstimateStats = { rembReports: 0, rembCuts: 0, lastRembBps: 0, lossyReports: 0, lastBps: 0, limited: 0 };

  onChange(cb: (bps: number | null) => void): void {
    this.listeners.push(cb);
  }

  /** A video packet of `bytes` (RTP header and payload) went to this viewer. */
  sent(bytes: number, nowMs: number): void {
    this.advance(nowMs);
    this.sentBuckets[this.sentBucket % SENT_BUCKETS]! += bytes;
  }

  /** What this viewer was sent over about the last second (bits/s). */
  sentBps(nowMs: number): number {
    this.advance(nowMs);
    let bytes = 0;
    for (const b of this.sentBuckets) bytes += b;
    // The newest bucket is partly filled: the window is the older ones plus its elapsed part.
    const spanMs = SENT_WINDOW_MS - SENT_BUCKET_MS + Math.max(1, nowMs - this.sentBucket * SENT_BUCKET_MS);
    return (bytes * 8 * 1000) / spanMs;
  }

  remb(bps: number, nowMs: number): void {
    if (!Number.isFinite(bps) || bps <= 0) return;
    this.stats.rembReports++;
    this.stats.lastRembBps = Math.round(bps);
    if (this.rembBps > 0 && bps <= this.rembBps * REMB_CUT_SHARE) {
      this.stats.rembCuts++;
      this.rembCutAtMs = nowMs;
    }
    this.rembBps = bps;
    this.rembAtMs = nowMs;
    this.emit(nowMs);
  }

  slotLoss(_slot: number, fraction: number, nowMs: number): void {
    if (!(fraction >= 0)) return;
    this.lastLoss = Math.max(fraction, nowMs - this.lastLossAtMs < SENT_WINDOW_MS ? this.lastLoss : 0);
    this.lastLossAtMs = nowMs;
    if (fraction < CONGESTED_LOSS) return;
    this.stats.lossyReports++;
    this.lossLimitBps = this.sentBps(nowMs) * (1 - LOSS_BACKOFF * Math.min(1, fraction));
    this.lossAtMs = nowMs;
    this.emit(nowMs);
  }

  /** The viewer's limit now (bits/s), or null when nothing says its path is limited. */
  current(nowMs: number): number | null {
    const sent = this.sentBps(nowMs);
    let limit = Number.POSITIVE_INFINITY;
    const plausible = nowMs - this.lastLossAtMs < FRESH_MS && this.lastLoss >= CORROBORATING_LOSS;
    const cut = nowMs - this.rembCutAtMs < REMB_CUT_LATCH_MS;
    if (plausible && cut && nowMs - this.rembAtMs < FRESH_MS && this.rembBps < sent * REMB_LIMIT_SHARE) limit = this.rembBps;
    if (nowMs - this.lossAtMs < FRESH_MS) limit = Math.min(limit, this.lossLimitBps);
    const limited = Number.isFinite(limit);
    if (limited && !this.wasLimited) this.stats.limited++;
    this.wasLimited = limited;
    if (!limited) return null;
    this.stats.lastBps = Math.round(limit);
    return limit;
  }

  private advance(nowMs: number): void {
    const bucket = Math.floor(nowMs / SENT_BUCKET_MS);
    if (this.sentBucket < 0 || bucket - this.sentBucket >= SENT_BUCKETS) {
      this.sentBuckets.fill(0);
      this.sentBucket = bucket;
      return;
    }
    while (this.sentBucket < bucket) {
      this.sentBucket++;
      this.sentBuckets[this.sentBucket % SENT_BUCKETS] = 0;
    }
  }

  private emit(nowMs: number): void {
    const bps = this.current(nowMs);
    for (const l of this.listeners) l(bps);
  }
}
