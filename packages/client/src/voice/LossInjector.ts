// A seeded packet-loss injector for tests and benches: drops a given share of the packets that pass
// through it, reproducibly (the same seed drops the same packet numbers), so a test of FEC/PLC
// behaviour fails or passes the same way every run.

export interface LossOptions {
  /** Share of packets dropped, 0-100. */
  readonly percent: number;
  /** PRNG seed; the same seed drops the same packets. Default 1. */
  readonly seed?: number;
}

export class LossInjector {
  private state: number;
  private readonly threshold: number;
  /** Packets seen and packets dropped. */
  seen = 0;
  dropped = 0;

  constructor(options: LossOptions) {
    if (!(options.percent >= 0 && options.percent <= 100)) throw new RangeError('loss percent must be 0-100');
    this.threshold = options.percent / 100;
    this.state = (options.seed ?? 1) >>> 0;
  }

  /** True when this packet is to be dropped. */
  drop(): boolean {
    this.seen++;
    const lose = this.next() < this.threshold;
    if (lose) this.dropped++;
    return lose;
  }

  /** mulberry32: small, fast, good enough to spread drops evenly; not for anything secret. */
  private next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
