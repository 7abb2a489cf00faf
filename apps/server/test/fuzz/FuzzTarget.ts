// The fuzz suites' server: fuzzServer.ts in a child process on a temp data dir, restarted when it
// dies (the death is recorded with the request that caused it), plus a raw HTTP client that sends
// exactly the bytes a case holds (paths are not normalized, headers and bodies may be malformed).
import { ConcordApi, GatewayClient, type WebSocketConstructor } from '@concord/client';
import { z, type GatewayEncoding } from '@concord/protocol';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import type { Socket } from 'node:net';
import path from 'node:path';
import WebSocket from 'ws';

const root = path.resolve(import.meta.dirname, '../../../..');
const entry = path.join(import.meta.dirname, 'fuzzServer.ts');

const ReadyMessage = z.object({
  kind: z.literal('ready'),
  url: z.string(),
  routes: z.array(z.object({ method: z.string(), path: z.string(), auth: z.enum(['required', 'none', 'optional']), multipart: z.boolean() })),
});
export type RouteInfo = z.infer<typeof ReadyMessage>['routes'][number];

/** One line of the child's pino log that reported an error, kept to explain 5xx answers. */
const LogLine = z.object({ level: z.number(), msg: z.string().optional(), err: z.object({ message: z.string().optional(), stack: z.string().optional() }).optional() });

export class FuzzTarget {
  url = '';
  routes: RouteInfo[] = [];
  /** Error-level log lines of the server, in arrival order. */
  readonly errorLog: string[] = [];
  /** How each earlier server process ended (a fuzz case killed it). */
  readonly deaths: string[] = [];
  private child: ChildProcess | null = null;
  private stderrTail = '';

  private constructor(
    readonly dataDir: string,
    private readonly webRoot: string,
  ) {}

  static async start(): Promise<FuzzTarget> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-fuzz-'));
    // A tiny web client so the static handler serves files (and path tricks) instead of its 503.
    const webRoot = path.join(dataDir, 'web');
    fs.mkdirSync(path.join(webRoot, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>fuzz</title>');
    fs.writeFileSync(path.join(webRoot, 'assets', 'app.js'), 'export {};');
    const t = new FuzzTarget(dataDir, webRoot);
    await t.spawn();
    return t;
  }

  get alive(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  private async spawn(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      cwd: root,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: path.join(this.dataDir, 'data'),
        WEB_ROOT: this.webRoot,
        LOG_LEVEL: 'error',
        RATE_LIMITS: 'off',
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    let buffered = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        this.onLogLine(line);
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-4000);
    });
    const ready = await new Promise<z.infer<typeof ReadyMessage>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fuzz server did not start in 30 s: ${this.stderrTail}`)), 30_000);
      child.on('message', (m: unknown) => {
        const parsed = ReadyMessage.safeParse(m);
        if (!parsed.success) return;
        clearTimeout(timer);
        resolve(parsed.data);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`fuzz server exited during start (${code ?? signal}): ${this.stderrTail}`));
      });
    });
    child.on('exit', (code, signal) => {
      this.deaths.push(`exit ${code ?? signal}; stderr: ${this.stderrTail.trim().split('\n').slice(-6).join(' | ')}`);
    });
    this.url = ready.url;
    this.routes = ready.routes;
  }

  private onLogLine(line: string): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.errorLog.push(line.slice(0, 300));
      return;
    }
    const parsed = LogLine.safeParse(value);
    if (!parsed.success || parsed.data.level < 50) return;
    const firstFrame = parsed.data.err?.stack?.split('\n')[1]?.trim() ?? '';
    this.errorLog.push(`${parsed.data.msg ?? ''}: ${parsed.data.err?.message ?? ''} ${firstFrame}`.slice(0, 300));
  }

  /** Starts a new server process on the same data dir after a crash (new port). */
  async restart(): Promise<void> {
    this.stderrTail = '';
    await this.spawn();
  }

  async healthy(): Promise<boolean> {
    if (!this.alive) return false;
    const r = await sendRaw(this.url, { method: 'GET', path: '/healthz', headers: {}, body: null }, 5000);
    return r.kind === 'response' && r.status === 200;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && this.alive) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export interface RawRequest {
  method: string;
  /** Sent as is: not normalized, not re-encoded. */
  path: string;
  headers: Record<string, string>;
  body: Uint8Array | null;
  /** On the one keep-alive connection (as browsers send), or on a connection of its own. */
  keepAlive?: boolean;
}

export type RawOutcome = (
  | { kind: 'response'; status: number; body: string }
  | { kind: 'error'; error: string }
  | { kind: 'refused'; error: string }
  | { kind: 'timeout' }
) & {
  /** The request sent before this one on the same keep-alive connection (a hang may be its fault). */
  previousOnConnection: string | null;
};

const keepAliveAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const lastRequestOnSocket = new WeakMap<Socket, string>();

/** Sends one request byte for byte; never throws. */
export function sendRaw(baseUrl: string, r: RawRequest, timeoutMs: number): Promise<RawOutcome> {
  const base = new URL(baseUrl);
  const label = `${r.method} ${r.path.slice(0, 160)}`;
  return new Promise((resolve) => {
    let settled = false;
    let previousOnConnection: string | null = null;
    let req: http.ClientRequest | null = null;
    const timer = setTimeout(() => {
      finish({ kind: 'timeout', previousOnConnection });
      req?.destroy();
    }, timeoutMs);
    function finish(o: RawOutcome): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(o);
    }
    try {
      const headers: Record<string, string> = { ...r.headers };
      if (r.body) headers['content-length'] = String(r.body.byteLength);
      const keepAlive = r.keepAlive ?? true;
      if (!keepAlive) headers['connection'] = 'close';
      req = http.request({ host: base.hostname, port: base.port, method: r.method, path: r.path, headers, agent: keepAlive ? keepAliveAgent : false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => finish({ kind: 'response', status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, 2000), previousOnConnection }));
        res.on('error', (e) => finish({ kind: 'error', error: e.message, previousOnConnection }));
      });
      req.on('socket', (socket) => {
        previousOnConnection = lastRequestOnSocket.get(socket) ?? null;
        lastRequestOnSocket.set(socket, label);
      });
      req.on('error', (e) => finish({ kind: 'error', error: e.message, previousOnConnection }));
      req.end(r.body ?? undefined);
    } catch (e) {
      // Node refuses some requests before sending anything (e.g. a character it will not put in a
      // header): not a server fault, and nothing reached the server.
      finish({ kind: 'refused', error: e instanceof Error ? e.message : String(e), previousOnConnection });
    }
  });
}

/**
 * The "still serves" check after a run: a fresh gateway session in `encoding` sees the
 * MESSAGE_CREATE of a message sent over REST. Resolves with the content it saw.
 */
export async function messageRoundTrip(url: string, sender: string, receiver: string, channelId: string, encoding: GatewayEncoding): Promise<string> {
  const client = new GatewayClient({ url: url.replace('http', 'ws'), token: receiver, encoding, WebSocket: WebSocket as unknown as WebSocketConstructor, reconnect: false });
  try {
    client.connect();
    await client.waitForReady();
    const content = `after the fuzz run (${encoding})`;
    const seen = client.waitFor('MESSAGE_CREATE', (m) => m.content === content);
    const sent = await new ConcordApi({ baseUrl: `${url}/api/v9`, token: sender }).sendMessage(channelId, content);
    const got = await seen;
    return got.id === sent.id ? got.content : `a different message: ${got.id}`;
  } finally {
    client.close();
  }
}
