// Who plays on which receive slot, for the browser engine. The SFU fills a browser's recvonly
// m-lines with whoever talks and says so in op 5: `{user_id, ssrc: <slot SSRC>, speaking}` before
// the first packet of a new owner, `speaking: 0` when the user stops or the slot is taken back
// (apps/server/src/voice/LocalVoiceNode.ts). A slot keeps its last owner until someone else gets
// it, so the tail of what was said still plays at that user's volume. Rings follow the audio that
// arrives, as Discord's do: a user whose slot was loud lately has one (also for the tail after
// op 5 said 0); op 5 alone rings only a user without a known slot (the pool is full).

/** The a=ssrc of each m-line of an SDP (the answer names the SSRC the server sends on each slot). */
export function ssrcsByMid(sdp: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const section of sdp.split(/\r?\nm=/).slice(1)) {
    const mid = /^a=mid:(\S+)\s*$/m.exec(section)?.[1];
    const ssrc = /^a=ssrc:(\d{1,10})[ \r\n]/m.exec(`${section}\n`)?.[1];
    if (mid === undefined || ssrc === undefined) continue;
    const n = Number(ssrc);
    if (n > 0 && n <= 0xffffffff) out.set(mid, n);
  }
  return out;
}

/** A slot's audio level (0..1, RFC 6464 linear) above this counts as someone talking on it. */
export const LOUD_LEVEL = 0.02;
/** A ring stays on while the user's slot was loud within this long. */
export const RING_HOLD_MS = 400;

export class SlotOwners {
  private readonly ownerBySsrc = new Map<number, string>();
  private readonly speaking = new Set<string>();
  private readonly loudAtMs = new Map<number, number>();

  /** op 5 from the voice gateway (our own user excluded by the caller). */
  onSpeaking(userId: string, ssrc: number, speaking: number): void {
    if (speaking === 0) {
      this.speaking.delete(userId);
      return;
    }
    this.speaking.add(userId);
    if (this.ownerBySsrc.get(ssrc) === userId) return;
    // A user is on one slot at a time for this browser (ssrc 0: on none, the pool is full).
    for (const [s, owner] of this.ownerBySsrc) if (owner === userId) this.ownerBySsrc.delete(s);
    if (ssrc === 0) return;
    this.ownerBySsrc.set(ssrc, userId);
    this.loudAtMs.delete(ssrc);
  }

  /** op 13: the user left the voice connection. */
  onDisconnect(userId: string): void {
    this.speaking.delete(userId);
    for (const [s, owner] of this.ownerBySsrc) if (owner === userId) this.ownerBySsrc.delete(s);
  }

  ownerOf(ssrc: number): string | undefined {
    return this.ownerBySsrc.get(ssrc);
  }

  slotOf(userId: string): number | undefined {
    for (const [s, owner] of this.ownerBySsrc) if (owner === userId) return s;
    return undefined;
  }

  /** One slot's received audio level now (RTCRtpSynchronizationSource.audioLevel). */
  observeLevel(ssrc: number, level: number, nowMs: number): void {
    if (level > LOUD_LEVEL) this.loudAtMs.set(ssrc, nowMs);
  }

  /**
   * Who has a ring now: the holder of every slot that was loud within the hold (audio arrives,
   * whatever op 5 said last), and users op 5 says speak whose slot is unknown. A known slot that
   * stays quiet does not ring on op 5 alone (the SFU announces before the first packet).
   */
  rings(nowMs: number): Set<string> {
    const out = new Set<string>();
    for (const [ssrc, loudAt] of this.loudAtMs) {
      const owner = this.ownerBySsrc.get(ssrc);
      if (owner !== undefined && nowMs - loudAt <= RING_HOLD_MS) out.add(owner);
    }
    for (const userId of this.speaking) if (this.slotOf(userId) === undefined) out.add(userId);
    return out;
  }

  clear(): void {
    this.ownerBySsrc.clear();
    this.speaking.clear();
    this.loudAtMs.clear();
  }
}
