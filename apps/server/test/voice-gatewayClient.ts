// A raw voice gateway client for the protocol tests: a `ws` socket over real TLS that trusts the
// server's generated certificate (no verification switched off), recording every frame.
import fs from 'node:fs';
import WebSocket from 'ws';

export interface VoiceFrame {
  op: number;
  d: any;
  seq?: number;
}

export class RawVoiceClient {
  readonly frames: VoiceFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly ws: WebSocket,
  ) {
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.frames.push(JSON.parse((Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(new Uint8Array(data))).toString('utf8')) as VoiceFrame);
      for (const w of [...this.waiters]) w();
    });
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const w of [...this.waiters]) w();
      }),
    );
  }

  /** Dials `wss://localhost:<port>?v=8` trusting `caFile` (as NODE_EXTRA_CA_CERTS would). */
  static connect(port: number, caFile: string, host = 'localhost'): RawVoiceClient {
    return new RawVoiceClient(new WebSocket(`wss://${host}:${String(port)}?v=8`, { ca: fs.readFileSync(caFile) }));
  }

  send(op: number, d: unknown): void {
    this.ws.send(JSON.stringify({ op, d }));
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  of(op: number): VoiceFrame[] {
    return this.frames.filter((f) => f.op === op);
  }

  /** The first frame (seen or coming) with this op that matches. */
  next(op: number, predicate: (f: VoiceFrame) => boolean = () => true, timeoutMs = 5000): Promise<VoiceFrame> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const f = this.frames.find((x) => x.op === op && predicate(x));
        if (!f) return false;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(f);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no op ${String(op)} within ${String(timeoutMs)} ms; saw ${JSON.stringify(this.frames).slice(-1500)}`));
      }, timeoutMs);
      if (!check()) this.waiters.add(check);
    });
  }

  /** The highest seq seen (what seq_ack carries), -1 before any. */
  get lastSeq(): number {
    return this.frames.reduce((m, f) => Math.max(m, f.seq ?? -1), -1);
  }

  close(): void {
    this.ws.terminate();
  }
}
