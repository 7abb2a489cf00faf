// Which remote speaker a browser hears on which of its receive transceivers. A browser offers a
// fixed pool of recvonly audio m-lines (no renegotiation when people join: the voice gateway has no
// server-sent offer); each sender in the room gets a slot while it talks, and its RTP sequence and
// timestamp are rewritten so a slot handed from one speaker to another stays one continuous stream
// (the browser's jitter buffer sees a pause, not a jump). Pure bookkeeping, no sockets; who holds a
// slot is reported through `onOwnerChange` (WebRtcPeer turns it into op 5 for the browser).

/** A speaker keeps its slot while it sent within this long; after it the slot may go to another. */
export const SLOT_IDLE_MS = 1_000;
const OPUS_SAMPLES_PER_MS = 48;
const FRAME_SAMPLES = 960;

export interface SlotPacket {
  slot: number;
  sequence: number;
  timestamp: number;
}

interface Slot {
  /** The speaker's SSRC (0: never used). */
  owner: number;
  lastUsedMs: number;
  seqOffset: number;
  tsOffset: number;
  /** The last sequence and timestamp this slot sent (what the next owner continues from). */
  lastSeq: number;
  lastTs: number;
  sent: boolean;
}

/**
 * Slot `slot` now carries (`held`) or no longer carries speaker `speakerSsrc`. Called synchronously
 * from map() before the first packet of a new owner is returned (after the previous owner's release),
 * and from release()/releaseAll().
 */
export type SlotOwnerChange = (slot: number, speakerSsrc: number, held: boolean) => void;

export class ReceiveSlots {
  private readonly slots: Slot[];
  private readonly bySsrc = new Map<number, number>();

  constructor(count: number, private readonly onOwnerChange: SlotOwnerChange = () => undefined) {
    this.slots = Array.from({ length: count }, () => ({ owner: 0, lastUsedMs: Number.NEGATIVE_INFINITY, seqOffset: 0, tsOffset: 0, lastSeq: 0, lastTs: 0, sent: false }));
  }

  get size(): number {
    return this.slots.length;
  }

  /** The slot and rewritten RTP fields for a packet from `fromSsrc`, or null when every slot is busy. */
  map(fromSsrc: number, sequence: number, timestamp: number, nowMs: number): SlotPacket | null {
    let index = this.bySsrc.get(fromSsrc);
    if (index === undefined) {
      index = this.claim(fromSsrc, sequence, timestamp, nowMs);
      if (index === undefined) return null;
    }
    const slot = this.slots[index]!;
    slot.lastUsedMs = nowMs;
    const seq = (sequence + slot.seqOffset) & 0xffff;
    const ts = (timestamp + slot.tsOffset) >>> 0;
    slot.lastSeq = seq;
    slot.lastTs = ts;
    slot.sent = true;
    return { slot: index, sequence: seq, timestamp: ts };
  }

  /** The speaker left the room: its slot is free at once. */
  release(fromSsrc: number): void {
    const index = this.bySsrc.get(fromSsrc);
    if (index === undefined) return;
    this.bySsrc.delete(fromSsrc);
    const slot = this.slots[index]!;
    slot.owner = 0;
    this.onOwnerChange(index, fromSsrc, false);
  }

  /** The listener moved to another room: every slot is free (each owner reported released). */
  releaseAll(): void {
    for (const speaker of [...this.bySsrc.keys()]) this.release(speaker);
  }

  /** The slot `fromSsrc` holds, or undefined. */
  slotOf(fromSsrc: number): number | undefined {
    return this.bySsrc.get(fromSsrc);
  }

  /** Who holds each slot (0: nobody), for stats and tests. */
  owners(): number[] {
    return this.slots.map((s) => s.owner);
  }

  /** A free slot, else the one idle longest (if idle long enough); offsets continue its stream. */
  private claim(fromSsrc: number, sequence: number, timestamp: number, nowMs: number): number | undefined {
    // Free slots first (the longest unused first), then the speaker idle longest.
    let best: number | undefined;
    let bestRank = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i]!;
      if (s.owner !== 0 && nowMs - s.lastUsedMs < SLOT_IDLE_MS) continue;
      const rank = (s.owner === 0 ? -1e15 : 0) + s.lastUsedMs;
      if (rank < bestRank || best === undefined) {
        best = i;
        bestRank = rank;
      }
    }
    if (best === undefined) return undefined;
    const slot = this.slots[best]!;
    const previous = slot.owner;
    if (previous !== 0) this.bySsrc.delete(previous);
    slot.owner = fromSsrc;
    this.bySsrc.set(fromSsrc, best);
    if (slot.sent) {
      // Continue the slot's stream: next sequence number, and the timestamp advanced by the wall time
      // since its last packet (at least one frame), so the receiver plays the gap as silence.
      const elapsedMs = Number.isFinite(slot.lastUsedMs) ? Math.max(0, nowMs - slot.lastUsedMs) : 0;
      const step = Math.max(FRAME_SAMPLES, Math.round(elapsedMs * OPUS_SAMPLES_PER_MS));
      slot.seqOffset = (slot.lastSeq + 1 - sequence) & 0xffff;
      slot.tsOffset = (slot.lastTs + step - timestamp) >>> 0;
    } else {
      slot.seqOffset = 0;
      slot.tsOffset = 0;
    }
    if (previous !== 0) this.onOwnerChange(best, previous, false);
    this.onOwnerChange(best, fromSsrc, true);
    return best;
  }
}
