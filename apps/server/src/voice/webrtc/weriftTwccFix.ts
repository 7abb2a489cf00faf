// A replacement for werift 0.25.2's transport-cc feedback (ReceiverTWCC), which a browser's send-side
// bandwidth estimate is built on. werift's has five faults that together held Chromium's estimate for
// what it sends the SFU near 60 kbit/s (measured: availableOutgoingBitrate 59888 with a 1280x720
// camera, which then sends only its lowest simulcast layer):
// - each receiver (m-line) keeps its own arrivals, but the sequence numbers are transport-wide: with a
//   camera and a screen, each feedback covers half the packets and leaves the others out;
// - the first arrival delta is taken from the unfloored last arrival of the previous feedback while
//   the reference time is floored to 64 ms: every feedback shifts its arrival times by 0..64 ms;
// - each delta is floored to 250 us on its own, so the error grows along a feedback;
// - a packet not received is reported with its neighbours' status (and no delta);
// - the packet is not padded to 32 bits, so its length field cuts the last deltas off.
// This one keeps one arrival table per DTLS transport (every m-line of the bundle), quantizes arrival
// times against the reference time (no accumulated error), reports lost packets as not received,
// orders sequence numbers across the 16-bit wrap, and pads. ReceiverTWCC is not exported (nor
// reachable by a deep import under werift's `exports`), so its prototype is patched through the
// first instance a receiver makes.
import { PacketStatus, RecvDelta, RtcpHeader, RtcpTransportLayerFeedback, RunLengthChunk, TransportWideCC } from 'werift';

type Arrivals = Record<number, { tsn: number; timestamp: bigint }>;
interface Transport { sendRtcp(packets: RtcpTransportLayerFeedback[]): Promise<unknown> }
interface TwccState {
  extensionInfo: Arrivals;
  rtcpSsrc: number;
  mediaSourceSsrc: number;
  fbPktCount: number;
  dtlsTransport: Transport;
  handleTWCC(tsn: number): void;
  sendTWCC(): void;
}
/** Arrivals not yet reported, per transport (shared by the receivers of its m-lines), and its feedback count. */
const byTransport = new WeakMap<Transport, { arrivals: Arrivals; size: number; fbPktCount: number }>();
/** werift sends a feedback once it holds more than this many arrivals (and every 100 ms). */
const SEND_AFTER = 10;

const REFERENCE_UNIT_US = 64_000n;
const DELTA_UNIT_US = 250;
/** A run-length chunk holds at most 13 bits of count; one feedback never covers more than this. */
const MAX_STATUS_COUNT = 8_000;
const patched = new WeakSet<object>();

/** Patches the class of `receiverTwcc` (werift's RTCRtpReceiver.receiverTWCC) once; anything else is left alone. */
export function fixTwccFeedback(receiverTwcc: unknown): void {
  if (typeof receiverTwcc !== 'object' || receiverTwcc === null) return;
  const proto = Object.getPrototypeOf(receiverTwcc) as Partial<TwccState> | null;
  if (proto === null || patched.has(proto) || typeof proto.sendTWCC !== 'function' || typeof proto.handleTWCC !== 'function') return;
  patched.add(proto);
  const shared = (t: Transport) => {
    let s = byTransport.get(t);
    if (s === undefined) {
      s = { arrivals: {}, size: 0, fbPktCount: 0 };
      byTransport.set(t, s);
    }
    return s;
  };
  proto.handleTWCC = function (this: TwccState, tsn: number): void {
    if (!Number.isInteger(tsn)) return; // a packet without the extension
    const s = shared(this.dtlsTransport);
    if (s.arrivals[tsn] === undefined) s.size++;
    s.arrivals[tsn] = { tsn, timestamp: process.hrtime.bigint() / 1000n };
    if (s.size > SEND_AFTER) this.sendTWCC();
  };
  proto.sendTWCC = function (this: TwccState): void {
    const s = shared(this.dtlsTransport);
    if (s.size === 0) return;
    const packet = buildFeedback({ extensionInfo: s.arrivals, rtcpSsrc: this.rtcpSsrc, mediaSourceSsrc: this.mediaSourceSsrc, fbPktCount: s.fbPktCount });
    s.arrivals = {};
    s.size = 0;
    if (packet === null) return;
    s.fbPktCount = (s.fbPktCount + 1) & 0xff;
    this.dtlsTransport.sendRtcp([packet]).catch(() => undefined);
  };
}

/** The feedback for the arrivals recorded since the last one (null: nothing to report). */
export function buildFeedback(s: Pick<TwccState, 'extensionInfo' | 'rtcpSsrc' | 'mediaSourceSsrc' | 'fbPktCount'>): RtcpTransportLayerFeedback | null {
  const arrivals = Object.values(s.extensionInfo).filter((e) => Number.isInteger(e.tsn) && typeof e.timestamp === 'bigint');
  if (arrivals.length === 0) return null;
  arrivals.sort((a, b) => a.tsn - b.tsn);
  // Across the wrap (65535 -> 0) the low numbers come after the high ones.
  if (arrivals.at(-1)!.tsn - arrivals[0]!.tsn > 0x8000) {
    const split = arrivals.findIndex((a) => a.tsn >= 0x8000);
    arrivals.push(...arrivals.splice(0, split));
  }
  const base = arrivals[0]!.tsn;
  const count = ((arrivals.at(-1)!.tsn - base) & 0xffff) + 1;
  if (count > MAX_STATUS_COUNT) return null;
  const byOffset = new Map<number, bigint>();
  for (const a of arrivals) byOffset.set((a.tsn - base) & 0xffff, a.timestamp);
  const referenceUnits = arrivals[0]!.timestamp / REFERENCE_UNIT_US;
  const referenceUs = referenceUnits * REFERENCE_UNIT_US;
  const recvDeltas: RecvDelta[] = [];
  const packetChunks: RunLengthChunk[] = [];
  let previous = 0;
  let run = null as { status: PacketStatus; length: number } | null;
  for (let i = 0; i < count; i++) {
    const at = byOffset.get(i);
    let status = PacketStatus.TypeTCCPacketNotReceived;
    if (at !== undefined) {
      const q = Math.round(Number(at - referenceUs) / DELTA_UNIT_US);
      const delta = Math.max(-32768, Math.min(32767, q - previous));
      previous += delta;
      status = delta >= 0 && delta <= 255 ? PacketStatus.TypeTCCPacketReceivedSmallDelta : PacketStatus.TypeTCCPacketReceivedLargeDelta;
      recvDeltas.push(new RecvDelta({ type: status, delta, parsed: true }));
    }
    if (run?.status === status) run.length++;
    else {
      if (run) packetChunks.push(new RunLengthChunk({ packetStatus: run.status, runLength: run.length }));
      run = { status, length: 1 };
    }
  }
  if (run) packetChunks.push(new RunLengthChunk({ packetStatus: run.status, runLength: run.length }));
  const feedback = new TransportWideCC({
    senderSsrc: s.rtcpSsrc,
    mediaSourceSsrc: s.mediaSourceSsrc,
    baseSequenceNumber: base,
    packetStatusCount: count,
    referenceTime: Number(referenceUnits & 0xffffffn),
    fbPktCount: s.fbPktCount,
    recvDeltas,
    packetChunks,
    header: new RtcpHeader({ type: RtcpTransportLayerFeedback.type, count: TransportWideCC.count, version: 2, padding: true }),
  });
  return new RtcpTransportLayerFeedback({ feedback });
}
