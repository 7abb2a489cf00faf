// Starts a server under test in its own process (never in the bench's process, so its CPU and memory
// can be read from /proc without the load generator mixed in) and stops it again.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { trackChild } from './cleanup.ts';
import { HttpConnection } from './HttpConnection.ts';
import { processCpuUs, processRssBytes } from './proc.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type ServerKind = 'concord' | 'bare-uws';

const ENTRY: Record<ServerKind, string> = {
  concord: path.join(REPO_ROOT, 'apps/server/src/main.ts'),
  'bare-uws': path.join(REPO_ROOT, 'bench/baseline/bareUwsServer.ts'),
};

export interface StartServerOptions {
  kind: ServerKind;
  dataDir: string;
  env?: Record<string, string>;
  /** Runs the server with --inspect=127.0.0.1:0 so that phases can be profiled (see InspectorProfiler). */
  inspect?: boolean;
  startTimeoutMs?: number;
}

export class ServerProcess {
  private stderrTail = '';

  private constructor(
    readonly kind: ServerKind,
    readonly child: ChildProcess,
    readonly port: number,
    readonly dataDir: string,
  ) {
    child.stderr?.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString('utf8')).slice(-4000);
    });
    child.stdout?.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString('utf8')).slice(-4000);
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** What the server printed last (warnings and errors only at LOG_LEVEL=warn). */
  get output(): string {
    return this.stderrTail;
  }

  /** The inspector's WebSocket URL when started with `inspect`. */
  get inspectorUrl(): string | null {
    return /Debugger listening on (ws:\/\/\S+)/.exec(this.stderrTail)?.[1] ?? null;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  cpuUs(): number {
    return processCpuUs(this.pid);
  }

  rssBytes(): number {
    return processRssBytes(this.pid);
  }

  static async start(o: StartServerOptions): Promise<ServerProcess> {
    const port = await freePort();
    fs.mkdirSync(o.dataDir, { recursive: true });
    const execArgv = ['--import', 'tsx'];
    if (o.inspect) execArgv.unshift('--inspect=127.0.0.1:0');
    const child = trackChild(
      spawn(process.execPath, [...execArgv, ENTRY[o.kind]], {
        cwd: REPO_ROOT,
        env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: o.dataDir, LOG_LEVEL: 'warn', RATE_LIMITS: 'off', MAX_SOCKETS_PER_IP: '1000000', ...o.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    const server = new ServerProcess(o.kind, child, port, o.dataDir);
    const deadline = Date.now() + (o.startTimeoutMs ?? 60_000);
    for (;;) {
      if (!server.alive) throw new Error(`${o.kind} server exited during start (code ${child.exitCode}):\n${server.output}`);
      try {
        const c = await HttpConnection.open(port);
        const a = await c.request('GET', '/healthz');
        c.close();
        if (a.status === 200) return server;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await server.stop('kill');
        throw new Error(`${o.kind} server did not answer /healthz within ${o.startTimeoutMs ?? 60_000} ms:\n${server.output}`);
      }
      await sleep(100);
    }
  }

  /**
   * 'graceful' sends SIGTERM and waits (a clean SQLite close, and the CPU profile is written);
   * 'kill' sends SIGKILL, which skips the server's per-socket shutdown work.
   */
  async stop(mode: 'graceful' | 'kill', timeoutMs = 30_000): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill(mode === 'graceful' ? 'SIGTERM' : 'SIGKILL');
    const timer = setTimeout(() => {
      if (this.alive) this.child.kill('SIGKILL');
    }, timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Reads the named samples from a Prometheus text page (sums label variants). */
export async function readMetrics(port: number, names: readonly string[]): Promise<Record<string, number | null>> {
  const out: Record<string, number | null> = Object.fromEntries(names.map((n) => [n, null]));
  let c: HttpConnection | null = null;
  try {
    c = await HttpConnection.open(port);
    const a = await c.request('GET', '/metrics');
    if (a.status !== 200) return out;
    for (const line of a.body.toString('utf8').split('\n')) {
      if (line.startsWith('#')) continue;
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
      if (!m || !(m[1]! in out)) continue;
      out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[3]);
    }
  } catch {
    // a server without /metrics (the bare baseline) reports nulls
  } finally {
    c?.close();
  }
  return out;
}
