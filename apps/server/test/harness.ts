// Test harness: a real server on a random port with a temp SQLite file, and real SDK clients
// (REST over fetch, gateway over the `ws` package) talking to it.
import { ConcordApi, GatewayClient, type WebSocketConstructor } from '@concord/client';
import type { GatewayEncoding } from '@concord/protocol';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../src/index.ts';

export interface TestServer {
  server: RunningServer;
  dataDir: string;
  /** The voice gateway's generated certificate (what NODE_EXTRA_CA_CERTS must name for bots); null with VOICE=off. */
  readonly voiceCaFile: string | null;
  api(token?: string | null): ConcordApi;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-test-'));
  // Voice on free ports, so test files running in parallel do not collide on 8443/50000.
  const baseEnv = { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', RATE_LIMITS: 'off', VOICE_PORT: '0', VOICE_UDP_PORT: '0', ...env };
  let server = await startServer({ env: baseEnv });
  const t: TestServer = {
    get server() {
      return server;
    },
    dataDir,
    get voiceCaFile() {
      return server.voice?.selfSignedCertFile ?? null;
    },
    api: (token = null) => new ConcordApi({ baseUrl: `${server.url}/api/v9`, token }),
    /** Stops the server and starts a new one on the same data directory (on a new port: make new clients). */
    async restart() {
      await server.close();
      server = await startServer({ env: baseEnv });
    },
    async close() {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

export interface TestUser {
  id: string;
  token: string;
  api: ConcordApi;
}

let counter = 0;
export async function registerUser(t: TestServer, name = `user${++counter}_${process.pid}`): Promise<TestUser> {
  const { token, user_id } = await t.api().register({ username: name.slice(0, 32), password: 'correct horse battery' });
  return { id: user_id, token, api: t.api(token) };
}

export interface Recorder {
  client: GatewayClient;
  events: { t: string; d: any; s: number | null }[];
  /** Events of one type seen so far. */
  of(t: string): any[];
  close(): void;
}

export async function connectGateway(t: TestServer, token: string, encoding: GatewayEncoding = 'bin', extra: Partial<ConstructorParameters<typeof GatewayClient>[0]> = {}): Promise<Recorder> {
  const client = new GatewayClient({ url: t.server.url.replace('http', 'ws'), token, encoding, WebSocket: WebSocket as unknown as WebSocketConstructor, ...extra });
  const events: Recorder['events'] = [];
  client.on('dispatch', (name, d, s) => events.push({ t: name, d, s }));
  client.connect();
  await client.waitForReady();
  return {
    client,
    events,
    of: (name) => events.filter((e) => e.t === name).map((e) => e.d),
    close: () => client.close(),
  };
}

/** Waits until `predicate` holds, polling; fails with `what` after the timeout. */
export async function eventually(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A guild owned by `owner` that `member` joined through an invite. */
export async function guildWithMember(owner: TestUser, member: TestUser) {
  const guild = await owner.api.createGuild({ name: 'Test Guild' });
  const general = guild.system_channel_id!;
  const invite = await owner.api.createInvite(general, { max_age: 0 });
  await member.api.acceptInvite(invite.code);
  return { guild, general, invite };
}

/** A raw WebSocket to the gateway for protocol-level tests; resolves with the close code. */
export function rawSocket(t: TestServer, query: string): { ws: WebSocket; closed: Promise<{ code: number; reason: string }>; messages: unknown[] } {
  const ws = new WebSocket(`${t.server.url.replace('http', 'ws')}/?${query}`);
  const messages: unknown[] = [];
  ws.on('message', (data) => messages.push(data));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return { ws, closed, messages };
}
