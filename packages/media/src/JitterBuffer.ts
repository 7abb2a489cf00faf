// Adaptive jitter buffer for one incoming 20 ms audio stream, keyed by RTP sequence number (16 bits,
// extended across wrap-around) with the RFC 3550 inter-arrival jitter estimate from timestamps.
// `push` on every packet, `pop` once per frame tick: it hands out the next packet, or says whether
// the gap can be filled from the next packet's FEC, must be concealed (PLC), or is silence (DTX,
// end of a talk spurt, not started). It keeps references to pushed payloads until they are popped:
// callers must not reuse a payload buffer after pushing it.

export interface JitterBufferOptions {
  readonly frameMs?: number;
  readonly clockRate?: number;
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Packets the ring holds; a packet further ahead than this resets the stream. */
  readonly capacity?: number;
  /** Consecutive empty ticks concealed before the stream counts as silent (DTX, speaker stopped). */
  readonly maxConcealFrames?: number;
}

export type JitterOutput =
  | { readonly kind: 'packet'; readonly payload: Uint8Array }
  | { readonly kind: 'fec'; readonly next: Uint8Array }
  | { readonly kind: 'plc' }
  | { readonly kind: 'silence' };

export type PushResult = 'accepted' | 'duplicate' | 'late' | 'reset';

export interface JitterBufferStats {
  received: number;
  late: number;
  duplicate: number;
  lost: number;
  concealed: number;
  fecRecovered: number;
  /** Packets dropped to bring latency back to the target. */
  droppedForLatency: number;
  resets: number;
  /** RFC 3550 interarrival jitter, ms. */
  jitterMs: number;
  targetDelayMs: number;
  bufferedFrames: number;
}

interface Slot {
  sequence: number; // extended; -1 when the slot never held a packet
  payload: Uint8Array | null; // null once played or skipped
}

/** Late packets in a row after which the sender is taken to have restarted its sequence. */
const RESET_AFTER_LATE = 25;
const SILENCE: JitterOutput = { kind: 'silence' };
const PLC: JitterOutput = { kind: 'plc' };

export class JitterBuffer {
  readonly stats: JitterBufferStats;
  private readonly frameMs: number;
  private readonly samplesPerMs: number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxConcealFrames: number;
  private readonly slots: Slot[];
  private highest = -1; // extended sequence of the newest packet; -1 before the first
  private next = -1; // extended sequence the next pop plays; -1 while buffering
  private floor = -1; // packets at or below this were played, skipped or given up on
  private emptyTicks = 0;
  private consecutiveLate = 0;
  private lastTransit: number | undefined;
  private jitterSamples = 0;

  constructor(options: JitterBufferOptions = {}) {
    this.frameMs = options.frameMs ?? 20;
    this.samplesPerMs = (options.clockRate ?? 48_000) / 1000;
    this.minDelayMs = options.minDelayMs ?? 20;
    this.maxDelayMs = options.maxDelayMs ?? 200;
    this.maxConcealFrames = options.maxConcealFrames ?? 5;
    const capacity = options.capacity ?? 64;
    this.slots = Array.from({ length: capacity }, () => ({ sequence: -1, payload: null }));
    this.stats = {
      received: 0, late: 0, duplicate: 0, lost: 0, concealed: 0, fecRecovered: 0, droppedForLatency: 0, resets: 0,
      jitterMs: 0, targetDelayMs: this.minDelayMs, bufferedFrames: 0,
    };
  }

  /** `sequence` is the 16-bit RTP sequence number, `timestamp` the 32-bit RTP timestamp. */
  push(sequence: number, timestamp: number, payload: Uint8Array, arrivalMs: number): PushResult {
    this.stats.received++;
    let extended = this.extend(sequence);
    let result: PushResult = 'accepted';
    if (this.highest < 0) {
      this.floor = extended - (this.slots.length >> 1); // accept reordered predecessors of the first
    } else if (extended - this.floor > this.slots.length || this.consecutiveLate >= RESET_AFTER_LATE) {
      // Far ahead of the window, or behind it for too long: the sender restarted its sequence.
      this.reset();
      extended = this.extend(sequence);
      this.floor = extended - 1;
      result = 'reset';
    }
    const slot = this.slotFor(extended);
    if (slot.sequence === extended) {
      this.stats.duplicate++;
      return 'duplicate';
    }
    if (extended <= this.floor) {
      this.stats.late++;
      this.consecutiveLate++;
      return 'late';
    }
    this.consecutiveLate = 0;
    slot.sequence = extended;
    slot.payload = payload;
    this.stats.bufferedFrames++;
    if (extended > this.highest) this.highest = extended;
    this.updateJitter(timestamp, arrivalMs);
    return result;
  }

  /** Call once per frame (20 ms). */
  pop(): JitterOutput {
    if (this.next < 0 && !this.tryStart()) return SILENCE;
    this.trimLatency();
    const current = this.slotFor(this.next);
    if (current.sequence === this.next && current.payload !== null) {
      const payload = current.payload;
      this.consume(current);
      this.emptyTicks = 0;
      return { kind: 'packet', payload };
    }
    if (this.stats.bufferedFrames === 0) {
      // Nothing ahead: the packet is late, lost at the tail, or the speaker went quiet (DTX).
      // Wait without advancing so a late packet still plays (this grows the delay by a frame).
      this.emptyTicks++;
      if (this.emptyTicks > this.maxConcealFrames) {
        this.next = -1; // re-anchor on the next talk spurt
        return SILENCE;
      }
      this.stats.concealed++;
      return PLC;
    }
    if ((this.highest - this.next) * this.frameMs < this.stats.targetDelayMs) {
      // A hole, but the packets behind it are still within the target delay: it may only be
      // reordered. Conceal this tick and wait for it.
      this.stats.concealed++;
      return PLC;
    }
    // A hole with more than the target delay of packets behind it: this one is lost.
    this.stats.lost++;
    this.floor = this.next;
    this.next++;
    this.emptyTicks = 0;
    const following = this.slotFor(this.next);
    if (following.sequence === this.next && following.payload !== null) {
      this.stats.fecRecovered++;
      return { kind: 'fec', next: following.payload };
    }
    this.stats.concealed++;
    return PLC;
  }

  private extend(sequence: number): number {
    const low = sequence & 0xffff;
    if (this.highest < 0) return low + 0x10000; // headroom so reordered predecessors stay positive
    const delta = ((low - (this.highest & 0xffff) + 0x8000) & 0xffff) - 0x8000;
    return this.highest + delta;
  }

  private slotFor(extended: number): Slot {
    const slot = this.slots[extended % this.slots.length];
    if (slot === undefined) throw new Error('unreachable: slot index out of range');
    return slot;
  }

  private consume(slot: Slot): void {
    slot.payload = null;
    this.stats.bufferedFrames--;
    this.floor = this.next;
    this.next++;
  }

  private tryStart(): boolean {
    if (this.stats.bufferedFrames === 0) return false;
    let lowest = this.highest;
    for (const slot of this.slots) {
      if (slot.payload !== null && slot.sequence < lowest) lowest = slot.sequence;
    }
    if ((this.highest - lowest + 1) * this.frameMs < this.stats.targetDelayMs) return false;
    this.next = lowest;
    this.floor = lowest - 1;
    this.emptyTicks = 0;
    return true;
  }

  /**
   * Drops the oldest packet when the buffer holds two frames more than the target delay (a burst
   * after a stall). Holes are left to FEC/PLC: skipping them would turn a loss into a longer one.
   */
  private trimLatency(): void {
    const bufferedMs = (this.highest - this.next + 1) * this.frameMs;
    if (bufferedMs <= this.stats.targetDelayMs + 2 * this.frameMs) return;
    const oldest = this.slotFor(this.next);
    if (oldest.sequence !== this.next || oldest.payload === null) return;
    this.consume(oldest);
    this.stats.droppedForLatency++;
  }

  private updateJitter(timestamp: number, arrivalMs: number): void {
    // RFC 3550 6.4.1 in RTP clock units: J += (|D| - J) / 16. The timestamp is taken modulo 2^32.
    const transit = arrivalMs * this.samplesPerMs - (timestamp >>> 0);
    if (this.lastTransit !== undefined) {
      let d = Math.abs(transit - this.lastTransit);
      if (d > 0x80000000) d = 0x100000000 - d; // timestamp wrapped between the two packets
      this.jitterSamples += (d - this.jitterSamples) / 16;
    }
    this.lastTransit = transit;
    this.stats.jitterMs = this.jitterSamples / this.samplesPerMs;
    // Enough delay for about three times the mean deviation, in whole frames.
    const wanted = Math.ceil((3 * this.stats.jitterMs) / this.frameMs) * this.frameMs;
    this.stats.targetDelayMs = Math.min(this.maxDelayMs, Math.max(this.minDelayMs, wanted));
  }

  private reset(): void {
    for (const slot of this.slots) {
      slot.sequence = -1;
      slot.payload = null;
    }
    this.stats.resets++;
    this.stats.bufferedFrames = 0;
    this.highest = -1;
    this.next = -1;
    this.floor = -1;
    this.consecutiveLate = 0;
    this.lastTransit = undefined;
  }
}
