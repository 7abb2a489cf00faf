// A lean HTTP/1.1 keep-alive client on one TCP socket: one request in flight at a time, so the time
// from write to the last byte of the answer is the request's latency and nothing else. Cheaper per
// request than fetch/undici, which matters when the load generator shares 2 cores with the server.
import net from 'node:net';

export interface HttpAnswer {
  status: number;
  body: Buffer;
}

interface Pending {
  head: Buffer;
  body: Buffer | null;
  resolve: (a: HttpAnswer) => void;
  reject: (e: Error) => void;
}

const HEADER_END = Buffer.from('\r\n\r\n');

export class HttpConnection {
  private buffer: Buffer | null = null;
  private readonly queue: Pending[] = [];
  private inFlight: Pending | null = null;
  private closed = false;

  private constructor(
    private readonly socket: net.Socket,
    private readonly hostHeader: string,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (e: Error) => {
      this.closed = true;
      const all = this.inFlight ? [this.inFlight, ...this.queue] : [...this.queue];
      this.inFlight = null;
      this.queue.length = 0;
      for (const p of all) p.reject(e);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  static open(port: number, host = '127.0.0.1'): Promise<HttpConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host }, () => {
        socket.off('error', reject);
        resolve(new HttpConnection(socket, `${host}:${port}`));
      });
      socket.once('error', reject);
    });
  }

  get busy(): number {
    return this.queue.length + (this.inFlight ? 1 : 0);
  }

  /** Sends a request; `body` is JSON-encoded. Answers arrive in order. */
  request(method: string, path: string, body?: unknown, token?: string): Promise<HttpAnswer> {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.hostHeader}\r\n`;
    if (token) head += `Authorization: ${token}\r\n`;
    if (payload) head += `Content-Type: application/json\r\nContent-Length: ${payload.length}\r\n`;
    head += '\r\n';
    return new Promise((resolve, reject) => {
      this.queue.push({ head: Buffer.from(head), body: payload, resolve, reject });
      if (!this.inFlight) this.writeNext();
    });
  }

  private writeNext(): void {
    const next = this.queue.shift();
    if (!next) return;
    this.inFlight = next;
    this.socket.write(next.body ? Buffer.concat([next.head, next.body]) : next.head);
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const buf: Buffer | null = this.buffer;
      if (!buf || !this.inFlight) return;
      const end: number = buf.indexOf(HEADER_END);
      if (end < 0) return;
      const head = buf.toString('latin1', 0, end);
      const status = Number(head.slice(9, 12));
      const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (!m && /\r\ntransfer-encoding:\s*chunked/i.test(head)) throw new Error('chunked answers are not supported by the bench client');
      const length = m ? Number(m[1]) : 0;
      const total: number = end + 4 + length;
      if (buf.length < total) return;
      const body = buf.subarray(end + 4, total);
      this.buffer = buf.length > total ? buf.subarray(total) : null;
      const done = this.inFlight;
      this.inFlight = null;
      done.resolve({ status, body });
      this.writeNext();
    }
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }
}

/** A fixed set of connections; each request goes to the least busy one. */
export class HttpPool {
  private constructor(private readonly connections: HttpConnection[]) {}

  static async open(port: number, size: number): Promise<HttpPool> {
    const connections = await Promise.all(Array.from({ length: size }, () => HttpConnection.open(port)));
    return new HttpPool(connections);
  }

  request(method: string, path: string, body?: unknown, token?: string): Promise<HttpAnswer> {
    let best = this.connections[0]!;
    for (const c of this.connections) if (c.busy < best.busy) best = c;
    return best.request(method, path, body, token);
  }

  close(): void {
    for (const c of this.connections) c.close();
  }
}

/**
 * Parses a JSON answer, failing with the status and body when it is not 2xx. T is what the
 * benchmark expects the server under test to send; a wrong shape fails the run further on.
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- T types a trusted answer, see above
export function expectJson<T>(answer: HttpAnswer, what: string): T {
  if (answer.status < 200 || answer.status >= 300) throw new Error(`${what}: HTTP ${answer.status} ${answer.body.toString('utf8').slice(0, 300)}`);
  return (answer.body.length ? JSON.parse(answer.body.toString('utf8')) : null) as T;
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight. */
export async function forEachConcurrent(count: number, concurrency: number, task: (i: number) => Promise<void>, onProgress?: (done: number) => void): Promise<void> {
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await task(i);
      done++;
      if (onProgress && done % 1000 === 0) onProgress(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
