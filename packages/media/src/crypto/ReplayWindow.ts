// Replay protection for one sender's 32-bit AEAD nonce counter: the newest counter seen plus a
// 64-entry sliding bitmap of the ones just behind it (like SRTP's replay list), so packets reordered
// by up to 63 positions still pass while duplicates and anything older are refused. Counters compare
// modulo 2^32 (serial-number arithmetic), so the wrap from 0xffffffff to 0 is just another step ahead.

const WINDOW = 64;
const HALF_RANGE = 0x80000000;

export class ReplayWindow {
  private started = false;
  private highest = 0;
  /** Bit i: counter `highest - i` was seen; bits 0-31 in `low`, 32-63 in `high`. */
  private low = 0;
  private high = 0;

  /** Would `counter` be accepted? Does not record it (check before authenticating, commit after). */
  accepts(counter: number): boolean {
    if (!this.started) return true;
    const ahead = (counter - this.highest) >>> 0;
    if (ahead === 0) return false;
    if (ahead < HALF_RANGE) return true;
    const behind = (this.highest - counter) >>> 0;
    if (behind >= WINDOW) return false;
    return behind < 32 ? ((this.low >>> behind) & 1) === 0 : ((this.high >>> (behind - 32)) & 1) === 0;
  }

  /** Records an authenticated counter that `accepts` allowed. */
  commit(counter: number): void {
    counter >>>= 0;
    if (!this.started) {
      this.started = true;
      this.highest = counter;
      this.low = 1;
      this.high = 0;
      return;
    }
    const ahead = (counter - this.highest) >>> 0;
    if (ahead !== 0 && ahead < HALF_RANGE) {
      if (ahead >= WINDOW) {
        this.high = 0;
        this.low = 0;
      } else if (ahead >= 32) {
        this.high = (this.low << (ahead - 32)) >>> 0;
        this.low = 0;
      } else {
        this.high = ((this.high << ahead) | (this.low >>> (32 - ahead))) >>> 0;
        this.low = (this.low << ahead) >>> 0;
      }
      this.low = (this.low | 1) >>> 0;
      this.highest = counter;
      return;
    }
    const behind = (this.highest - counter) >>> 0;
    if (behind < 32) this.low = (this.low | (1 << behind)) >>> 0;
    else if (behind < WINDOW) this.high = (this.high | (1 << (behind - 32))) >>> 0;
  }
}
