// The server boundary (issue 14, items 1 and 2): no request can end the process, path ids that are
// not snowflakes answer as Discord does, tokens never reach the log, and an event one gateway
// encoding cannot encode reaches nobody (nor the replay buffer).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcordApi, GatewayClient, type WebSocketConstructor } from '@concord/client';
import { GatewayCloseCode, GatewayOpcode, binaryCodec, type APIMessage } from '@concord/protocol';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import WebSocket from 'ws';
import { dispatch } from '../src/domain/DomainContext.ts';
import { startServer, type RunningServer } from '../src/index.ts';
import { connectGateway, eventually, guildWithMember, rawSocket, registerUser, startTestServer, type TestServer, type TestUser } from './harness.ts';

const root = path.resolve(import.meta.dirname, '../../..');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** One raw HTTP/1.1 request over TCP (fetch would normalise the path); resolves with the status line. */
function rawRequest(port: number, requestLine: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(`${requestLine}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
    let text = '';
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('end', () => resolve(text.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
  });
}

describe('the process never dies from a request', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-boundary-'));
  // A stand-in web client build, so that static serving is exercised too.
  const webRoot = path.join(dataDir, 'web');
  fs.mkdirSync(path.join(webRoot, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>Concord</title>');
  fs.writeFileSync(path.join(webRoot, 'assets', 'app.js'), 'console.log(1);');
  let child: ChildProcess;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, WEB_ROOT: webRoot, LOG_LEVEL: 'silent', RATE_LIMITS: 'off', VOICE_PORT: '0', VOICE_UDP_PORT: '0' },
      stdio: 'ignore',
    });
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
      } catch {
        if (Date.now() > deadline) throw new Error('server process did not become healthy');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }, 30_000);

  afterAll(() => {
    child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers malformed percent-encoding and UTF-8 in every kind of path, then still serves', async () => {
    const paths = [
      '/attachments/a/%', // the finding: a URIError in the attachment handler ended the process
      '/attachments/%/%',
      `/attachments/${'a'.repeat(64)}/%C3%28`,
      '/%',
      '/%E0%A4%A',
      '/assets/%FF',
      '/invite/abc/assets/app.js',
      '/api/v9/%',
      '/api/v9/channels/%/messages',
      '/api/v9/invites/%C3%28',
      '/api/v9/users/%00',
    ];
    for (const p of paths) {
      const status = await rawRequest(port, `GET ${p} HTTP/1.1`);
      expect(status, p).toMatch(/^HTTP\/1\.1 [1-4]\d\d /);
    }
    expect(child.exitCode).toBeNull();
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const api = new ConcordApi({ baseUrl: `http://127.0.0.1:${port}/api/v9` });
    const { user_id } = await api.register({ username: 'still_alive', password: 'correct horse battery' });
    expect(user_id).toMatch(/^\d+$/);
  });
});

describe('HEAD and unknown methods', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers HEAD with headers only, so the next request on the same keep-alive connection still parses', async () => {
    const answer = await exchange(t.server.port, ['HEAD /api/v9/gateway HTTP/1.1', 'GET /api/v9/gateway HTTP/1.1']);
    // Two answers and one body: a body after the HEAD answer would be read as a malformed third response.
    expect(answer.split('\r\n').filter((line) => line.startsWith('HTTP/1.1 ') || line.includes('HTTP/1.1 '))).toHaveLength(2);
    expect(answer.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
    expect(answer.match(/\{"url"/g)).toHaveLength(1);
    expect(answer.endsWith('}')).toBe(true);
  });

  it('answers other methods outside the API with 405 instead of dropping the connection', async () => {
    for (const method of ['POST', 'DELETE', 'HEAD']) {
      const res = await fetch(`${t.server.url}/healthz`, { method });
      expect(res.status, method).toBe(405);
    }
  });
});

/** Writes requests one after another on one connection; returns what the server sent once it went quiet. */
function exchange(port: number, requestLines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let quiet: ReturnType<typeof setTimeout> | null = null;
    const settle = () => {
      if (quiet) clearTimeout(quiet);
      quiet = setTimeout(() => {
        socket.destroy();
        resolve(received);
      }, 500);
    };
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      settle();
    });
    socket.on('error', reject);
    // One request, then the next 100 ms later, then wait for the server to go quiet.
    const writeFrom = (i: number): void => {
      if (i === requestLines.length) {
        settle();
        return;
      }
      socket.write(`${requestLines[i]!}\r\nHost: 127.0.0.1\r\n\r\n`);
      setTimeout(() => writeFrom(i + 1), 100);
    };
    socket.on('connect', () => writeFrom(0));
  });
}

describe('path ids', () => {
  let t: TestServer;
  let u: TestUser;
  let channel: string;
  beforeAll(async () => {
    t = await startTestServer();
    u = await registerUser(t);
    channel = (await u.api.createGuild({ name: 'Ids' })).system_channel_id!;
  });
  afterAll(() => t.close());

  const get = async (p: string, method = 'GET') => {
    const res = await fetch(`${t.server.url}/api/v9${p}`, { method, headers: { authorization: u.token } });
    return { status: res.status, body: await res.json() };
  };

  it('answers an id that is not a number with Discord\'s plain 404', async () => {
    for (const p of ['/channels/abc/messages', '/guilds/abc', '/users/abc', '/webhooks/abc/sometoken', `/channels/${channel}/messages/abc`]) {
      expect(await get(p), p).toEqual({ status: 404, body: { code: 0, message: '404: Not Found' } });
    }
    expect(await get(`/channels/${channel}/messages/abc/reactions/%F0%9F%91%8D/@me`, 'PUT')).toEqual({ status: 404, body: { code: 0, message: '404: Not Found' } });
  });

  it('answers a number that is not a snowflake with 50035 on that param', async () => {
    const thirty = '123456789012345678901234567890';
    expect(await get(`/channels/${thirty}/messages`)).toEqual({
      status: 400,
      body: { code: 50035, message: 'Invalid Form Body', errors: { channel_id: { _errors: [{ code: 'NUMBER_TYPE_COERCE', message: `Value "${thirty}" is not snowflake.` }] } } },
    });
    // Before: the message store turned these into BigInts and answered 500.
    expect(await get(`/channels/${channel}/messages/${thirty}`)).toMatchObject({ status: 400, body: { code: 50035, errors: { message_id: expect.anything() } } });
    expect(await get(`/channels/${channel}/messages/18446744073709551616`)).toMatchObject({ status: 400, body: { code: 50035 } }); // 2^64
    expect(await get(`/channels/${channel}/messages/9223372036854775808`)).toMatchObject({
      status: 400,
      body: { code: 50035, errors: { message_id: { _errors: [{ code: 'NUMBER_TYPE_MAX', message: 'Snowflake value should be less than or equal to 9223372036854775807.' }] } } },
    }); // 2^63
    expect(await get(`/channels/${channel}/messages/9223372036854775807`)).toMatchObject({ status: 404, body: { code: 10008 } }); // 2^63 - 1 is one
  });

  it('still takes @me where the route does', async () => {
    expect(await get('/users/@me')).toMatchObject({ status: 200, body: { id: u.id } });
    expect((await get('/channels/@me/messages')).status).toBe(404);
  });
});

describe('logs', () => {
  it('never contain a token: not from headers, paths, queries, IDENTIFY or RESUME', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-logs-'));
    const server: RunningServer = await startServer({ env: { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, RATE_LIMITS: 'off' }, logger: pino({ level: 'trace' }, sink) });
    try {
      const api = new ConcordApi({ baseUrl: `${server.url}/api/v9` });
      const { token } = await api.register({ username: 'logged', password: 'correct horse battery' });
      api.setToken(token);
      const guild = await api.createGuild({ name: 'Logs' });
      const hook = await api.createWebhook(guild.system_channel_id!, { name: 'Hook' });
      const webhookToken: string = hook.token!;
      const base = `${server.url}/api/v9`;
      const requests: [string, RequestInit][] = [
        [`${base}/users/@me`, { headers: { authorization: token } }],
        [`${base}/users/@me?token=${token}`, { headers: { authorization: `Bot ${token}` } }],
        [`${base}/webhooks/${hook.id}/${webhookToken}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: 'hi' }) }],
        // Before: 500, and the raw path (webhook token included) was logged with the error.
        [`${base}/webhooks/${hook.id}/${webhookToken}/messages/abc`, {}],
        [`${base}/webhooks/${hook.id}/${webhookToken}/messages/123456789012345678901234567890`, {}],
        [`${base}/channels/${guild.system_channel_id}/messages/abc`, { headers: { authorization: token } }],
        [`${base}/channels/${guild.system_channel_id}/messages/123456789012345678901234567890`, { headers: { authorization: token } }],
      ];
      for (const [url, init] of requests) expect((await fetch(url, init)).status, url).toBeLessThan(500);

      const client = new GatewayClient({ url: server.url.replace('http', 'ws'), token, encoding: 'json', WebSocket: WebSocket as unknown as WebSocketConstructor });
      client.connect();
      await client.waitForReady();
      const resumed = client.waitFor('RESUMED');
      client.dropConnection(); // the client RESUMEs with the token
      await resumed;
      client.close();
      const bad = new WebSocket(`${server.url.replace('http', 'ws')}/?v=9&encoding=json`);
      await new Promise((r) => bad.once('open', r));
      bad.send(JSON.stringify({ op: 2, d: { token: `${token}x`, properties: {}, intents: 513 } }));
      const code = await new Promise<number>((r) => bad.once('close', (c) => r(c)));
      expect(code).toBe(GatewayCloseCode.AuthenticationFailed);

      const text = lines.join('');
      expect(lines.length).toBeGreaterThan(0);
      expect(text).not.toContain(token);
      expect(text).not.toContain(token.split('.')[1]!);
      expect(text).not.toContain(webhookToken);
    } finally {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** A binary-encoded session over a raw socket: IDENTIFYs and tracks the last sequence number. */
async function rawBinarySession(t: TestServer, token: string) {
  const { ws } = rawSocket(t, 'v=9&encoding=bin');
  let sessionId = '';
  let lastSeq = 0;
  ws.on('message', (data: Buffer) => {
    const r = binaryCodec.decode(new Uint8Array(data));
    if (!r.ok) return;
    if (r.payload.s !== null) lastSeq = r.payload.s;
    if (r.payload.op === GatewayOpcode.Hello) ws.send(binaryCodec.encode({ op: GatewayOpcode.Identify, d: { token, properties: { os: 'linux', browser: 'test', device: 'test' } }, s: null, t: null }));
    if (r.payload.t === 'READY') sessionId = (r.payload.d as { session_id: string }).session_id;
  });
  await eventually(() => sessionId !== '', 'READY');
  return { ws, sessionId, lastSeq: () => lastSeq };
}

describe('codec failures', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  /**
   * An object nested deeper than the binary codec's limit (64); JSON encodes it fine. Not a real
   * message: it is smuggled past the event map on purpose, as a buggy service would.
   */
  const tooDeep = (marker: string): APIMessage => {
    let d: Record<string, unknown> = { marker };
    for (let i = 0; i < 100; i++) d = { nested: d };
    return { id: '1', channel_id: '1', content: marker, nested: d } as unknown as APIMessage;
  };

  it('drops an event one encoding cannot encode for every recipient and every RESUME, and counts it', async () => {
    const owner = await registerUser(t);
    const member = await registerUser(t);
    const { general } = await guildWithMember(owner, member);
    const json = await connectGateway(t, member.token, 'json');
    const bin = await connectGateway(t, member.token, 'bin');
    const ctx = t.server.services.ctx;

    // Before: JSON subscribers got the event, then publishing the binary frame threw inside the bus.
    dispatch(ctx, `c:${general}`, 'MESSAGE_UPDATE', tooDeep('deep-1'));
    const after = await owner.api.sendMessage(general, 'after the deep one');
    await eventually(() => [json, bin].every((g) => g.of('MESSAGE_CREATE').some((m) => m.id === after.id)), 'the next message on both encodings');
    for (const g of [json, bin]) expect(g.of('MESSAGE_UPDATE').filter((m) => m.content === 'deep-1')).toEqual([]);

    // A binary session that was away while such an event happened RESUMEs without it (before: the
    // replay buffer held it, the binary encoder threw on RESUME and the socket closed with 4000).
    const away = await rawBinarySession(t, member.token);
    away.ws.close(4900, 'away');
    await eventually(() => t.server.gateway.sessions.get(away.sessionId)?.state.status === 'detached', 'the session detached');
    dispatch(ctx, `c:${general}`, 'MESSAGE_UPDATE', tooDeep('deep-2'));
    const missed = await owner.api.sendMessage(general, 'while away');
    const back = rawSocket(t, 'v=9&encoding=bin');
    const frames: { op: number; t: string | null; d: any }[] = [];
    back.ws.on('message', (data: Buffer) => {
      const r = binaryCodec.decode(new Uint8Array(data));
      if (r.ok) frames.push(r.payload);
    });
    await eventually(() => frames.some((f) => f.op === GatewayOpcode.Hello), 'HELLO');
    back.ws.send(binaryCodec.encode({ op: GatewayOpcode.Resume, d: { token: member.token, session_id: away.sessionId, seq: away.lastSeq() }, s: null, t: null }));
    await eventually(() => frames.some((f) => f.t === 'RESUMED'), 'RESUMED');
    expect(frames.filter((f) => f.t === 'MESSAGE_CREATE').map((f) => f.d.id)).toContain(missed.id);
    expect(frames.filter((f) => f.t === 'MESSAGE_UPDATE')).toEqual([]);
    for (const g of [json, bin]) expect(g.of('MESSAGE_UPDATE').filter((m) => String(m.content).startsWith('deep-'))).toEqual([]);
    back.ws.close();

    const metrics = await (await fetch(`${t.server.url}/metrics`)).text();
    expect(metrics).toMatch(/concord_gateway_encode_errors_total\{encoding="bin",event="MESSAGE_UPDATE"\} 2/);
    json.close();
    bin.close();
  });
});
