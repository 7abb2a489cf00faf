// Real server processes forming one cluster on this machine: each its own `node src/main.ts` on
// its own port, sharing one PostgreSQL schema (metadata), one bus (NATS or Redis, a fresh cluster
// name) and one message store. Used by the cluster e2e tests under this folder: `testCluster` is
// the set-up and teardown every one of them shares, `register`/`rest`/`ok`/`until` their helpers.
import { ConcordApi } from '@concord/client';
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { dropClusterData } from '../../src/bus/dropClusterData.ts';
import { adminQuery, dropSchema, freshSchemaName, TEST_DATABASE_URL } from '../../src/store/postgres/postgresStoreHarness.ts';

const SERVER_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(SERVER_ROOT, 'src/main.ts');

export interface ClusterNodeProcess {
  name: string;
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  /** SIGKILL: no shutdown, no op 7, nothing flushed. */
  kill(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
}

export interface ClusterSpec {
  bus: 'nats' | 'redis';
  /** Shared by every node: METADATA_STORE=postgres with a schema, MESSAGE_STORE, DATA_DIR ... */
  env: Record<string, string>;
}

export const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export function clusterName(): string {
  return `c${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
}

export function makeDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'concord-cluster-'));
}

/** Starts one node and resolves once it listens (its log line names the port). */
export function startNode(name: string, spec: ClusterSpec, startTimeoutMs = 60_000): Promise<ClusterNodeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: SERVER_ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', RATE_LIMITS: 'off', VOICE: 'off', BUS: spec.bus, ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const onData = (d: Buffer) => {
    out = (out + d.toString('utf8')).slice(-20_000);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`node ${name} did not listen within ${startTimeoutMs} ms:\n${out}`));
    }, startTimeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`node ${name} exited (${String(code)}) before listening:\n${out}`));
    });
    const check = () => {
      const m = /Concord listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (!m) return;
      child.stdout.off('data', check);
      clearTimeout(timer);
      const port = Number(m[1]);
      resolve({
        name,
        port,
        url: `http://127.0.0.1:${port}`,
        child,
        output: () => out,
        async kill() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout.on('data', check);
  });
}

export interface Frame {
  op: number;
  t: string | null;
  s: number | null;
  d: any;
}

/** A raw JSON gateway socket: IDENTIFY or RESUME, every frame recorded, and a drop without a close frame. */
export class RawGateway {
  readonly frames: Frame[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const f = JSON.parse(data.toString('utf8')) as Frame;
      this.frames.push(f);
      if (f.op === 10) {
        const interval = Number(f.d.heartbeat_interval);
        const timer = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ op: 1, d: this.seq })), interval * 0.8);
        ws.once('close', () => clearInterval(timer));
      }
    });
  }

  static async open(url: string): Promise<RawGateway> {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/?v=9&encoding=json`);
    const g = new RawGateway(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await g.waitFor((f) => f.op === 10);
    return g;
  }

  static async identify(url: string, token: string): Promise<RawGateway> {
    const g = await RawGateway.open(url);
    g.ws.send(JSON.stringify({ op: 2, d: { token, properties: { os: 'linux', browser: 'cluster-test', device: 'cluster-test' } } }));
    await g.waitFor((f) => f.t === 'READY');
    return g;
  }

  get sessionId(): string {
    return String(this.frames.find((f) => f.t === 'READY')?.d.session_id);
  }

  /** The highest `s` received: what RESUME sends. */
  get seq(): number | null {
    let max: number | null = null;
    for (const f of this.frames) if (f.s !== null && (max === null || f.s > max)) max = f.s;
    return max;
  }

  dispatches(t: string): Frame[] {
    return this.frames.filter((f) => f.op === 0 && f.t === t);
  }

  async waitFor(match: (f: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    const start = Date.now();
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found;
      if (Date.now() - start > timeoutMs) throw new Error(`no matching frame within ${timeoutMs} ms; got ${this.frames.map((f) => f.t ?? `op${f.op}`).join(',')}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** The socket goes away without a close frame (the server sees 1006 and keeps the session resumable). */
  drop(): void {
    this.ws.terminate();
  }

  close(): void {
    this.ws.close(1000);
  }
}

export interface User {
  id: string;
  token: string;
}

/** A socket, client or voice connection the teardown closes before the nodes stop. */
export interface Closeable {
  close(): void;
}

export interface TestCluster {
  readonly bus: 'nats' | 'redis';
  readonly spec: ClusterSpec;
  /** The PostgreSQL schema every node shares (fresh per cluster, dropped at teardown). */
  readonly schema: string;
  /** The bus's cluster name (fresh per cluster, its stream/keys dropped at teardown). */
  readonly cluster: string;
  readonly dataDir: string;
  /** Every node started, in order; a killed one stays (stopping it again is a no-op). */
  readonly nodes: ClusterNodeProcess[];
  /** Checks PostgreSQL is there (fails, never skips), then starts the nodes one after another: the first runs the migrations. */
  startAll<const N extends readonly string[]>(...names: N): Promise<{ -readonly [K in keyof N]: ClusterNodeProcess }>;
  /** One more node (a late joiner). */
  start(name: string): Promise<ClusterNodeProcess>;
  /** A user registered through `node`, named `<name>_<bus>_<pid>`. */
  register(node: ClusterNodeProcess, name: string): Promise<User>;
  /** Closes `closeables` (in the order given), stops every node, drops the schema and the bus's data, removes the data dir. */
  teardown(...closeables: Iterable<Closeable>[]): Promise<void>;
}

/**
 * A cluster of real nodes on `bus`: a fresh PostgreSQL schema, cluster name and data dir, shared by
 * every node it starts (METADATA_STORE=postgres, the message store in DATA_DIR), plus `extraEnv`.
 */
export function testCluster(bus: 'nats' | 'redis', extraEnv: Record<string, string> = {}): TestCluster {
  const schema = freshSchemaName();
  const cluster = clusterName();
  const dataDir = makeDataDir();
  const nodes: ClusterNodeProcess[] = [];
  const spec: ClusterSpec = {
    bus,
    env: {
      METADATA_STORE: 'postgres',
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: schema,
      DATABASE_POOL_SIZE: '4',
      DATA_DIR: dataDir,
      CLUSTER_NAME: cluster,
      NATS_URL,
      REDIS_URL,
      ...extraEnv,
    },
  };
  const start = async (name: string) => {
    const node = await startNode(name, spec);
    nodes.push(node);
    return node;
  };
  return {
    bus,
    spec,
    schema,
    cluster,
    dataDir,
    nodes,
    start,
    async startAll<const N extends readonly string[]>(...names: N) {
      await adminQuery('SELECT 1');
      const started: ClusterNodeProcess[] = [];
      for (const name of names) started.push(await start(name));
      return started as { -readonly [K in keyof N]: ClusterNodeProcess };
    },
    async register(node, name) {
      const { token, user_id } = await api(node).register({ username: `${name}_${bus}_${process.pid}`, password: 'correct horse battery' });
      return { id: user_id, token };
    },
    async teardown(...closeables) {
      for (const group of closeables) for (const c of group) c.close();
      await Promise.all(nodes.map((n) => n.stop()));
      await dropSchema(schema);
      await dropClusterData(cluster, { natsUrl: NATS_URL, redisUrl: REDIS_URL });
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function api(node: ClusterNodeProcess, token: string | null = null): ConcordApi {
  return new ConcordApi({ baseUrl: `${node.url}/api/v9`, token });
}

export interface Reply {
  status: number;
  body: any;
}

/** One REST call with a user (`token`) or bot (`Bot <token>`) authorization; status and JSON body. */
export async function rest(node: ClusterNodeProcess, method: string, path: string, auth: string | null, body?: unknown): Promise<Reply> {
  const res = await fetch(`${node.url}/api/v10${path}`, {
    method,
    headers: { ...(auth ? { authorization: auth } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** `rest` that throws on a status >= 300; the body. */
export async function ok(node: ClusterNodeProcess, method: string, path: string, auth: string | null, body?: unknown): Promise<any> {
  const r = await rest(node, method, path, auth, body);
  if (r.status >= 300) throw new Error(`${method} ${path} on ${node.name}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Polls until `check` holds (throws naming `what` after `timeoutMs`); the time it took (ms). */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (await check()) return performance.now() - start;
    if (performance.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
