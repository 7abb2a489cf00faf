// A UDP hop between one browser and the SFU that behaves like a bottleneck link towards the browser:
// a token bucket at `bps` with a drop-tail queue of `queueMs` worth of bytes (a packet that does not
// fit is dropped, as a router's full buffer does); the browser -> SFU direction passes untouched.
// The limit can be set and lifted while media flows (Infinity: no limit, the queue drains at once).
import dgram from 'node:dgram';

export interface BottleneckStats { packets: number; bytes: number; dropped: number; maxQueueBytes: number }

export class Bottleneck {
  readonly stats: BottleneckStats = { packets: 0, bytes: 0, dropped: 0, maxQueueBytes: 0 };
  private readonly front = dgram.createSocket('udp4');
  private readonly back = dgram.createSocket('udp4');
  private browser: { address: string; port: number } | null = null;
  private readonly queue: Buffer[] = [];
  private queueBytes = 0;
  private bps = Number.POSITIVE_INFINITY;
  private queueMs = 100;
  /** Bytes the link may send now, and when they were last topped up. */
  private tokens = 0;
  private tokensAtMs = performance.now();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  /** Binds both sides; returns the port the browser is to use instead of `serverPort`. */
  async open(serverPort: number): Promise<number> {
    this.front.on('message', (msg, rinfo) => {
      this.browser = { address: rinfo.address, port: rinfo.port };
      this.back.send(msg, serverPort, '127.0.0.1');
    });
    this.back.on('message', (msg) => { this.enqueue(msg); });
    await new Promise<void>((r) => { this.front.bind(0, '127.0.0.1', r); });
    await new Promise<void>((r) => { this.back.bind(0, '127.0.0.1', r); });
    return this.front.address().port;
  }

  /** Limits the SFU -> browser direction to `bps` with a queue of `queueMs` at that rate (Infinity: no limit). */
  limit(bps: number, queueMs = 100): void {
    this.refill();
    this.bps = bps;
    this.queueMs = queueMs;
    this.tokens = 0;
    this.drain();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.front.close();
    this.back.close();
  }

  private enqueue(msg: Buffer): void {
    if (this.browser === null || this.closed) return;
    this.stats.packets++;
    this.stats.bytes += msg.length;
    if (Number.isFinite(this.bps) && this.queueBytes + msg.length > (this.bps / 8) * (this.queueMs / 1000)) {
      this.stats.dropped++;
      return;
    }
    this.queue.push(msg);
    this.queueBytes += msg.length;
    this.stats.maxQueueBytes = Math.max(this.stats.maxQueueBytes, this.queueBytes);
    this.drain();
  }

  private refill(): void {
    const now = performance.now();
    if (Number.isFinite(this.bps)) {
      // At most one packet's worth of burst beyond what the queue holds: the link's pace.
      this.tokens = Math.min(this.tokens + ((now - this.tokensAtMs) / 1000) * (this.bps / 8), 1_500);
    }
    this.tokensAtMs = now;
  }

  private drain(): void {
    if (this.timer !== null || this.closed || this.browser === null) return;
    this.refill();
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      if (Number.isFinite(this.bps) && this.tokens < head.length) {
        const waitMs = ((head.length - this.tokens) * 8 * 1000) / this.bps;
        this.timer = setTimeout(() => { this.timer = null; this.drain(); }, Math.max(1, Math.ceil(waitMs)));
        return;
      }
      this.queue.shift();
      this.queueBytes -= head.length;
      if (Number.isFinite(this.bps)) this.tokens -= head.length;
      this.front.send(head, this.browser.port, this.browser.address);
    }
  }
}
