// Abuse limits (issue 14, item 6): sockets per address, the IDENTIFY timeout and limit, request
// guild members (op 8), uploads refused before their body is read and before any file is written,
// downloads streamed, and /metrics only for loopback or the configured bearer token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EVERYONE_PERMISSIONS, GatewayCloseCode, GatewayOpcode, PermissionFlags } from '@concord/protocol';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import WebSocket from 'ws';
import { connectGateway, eventually, guildWithMember, rawSocket, registerUser, startTestServer, type TestServer, type TestUser } from './harness.ts';

/** Opens a JSON gateway socket and resolves once HELLO arrived; `frames` collects what follows. */
async function helloSocket(t: TestServer, query = 'v=9&encoding=json') {
  const { ws, closed } = rawSocket(t, query);
  const frames: any[] = [];
  ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString())));
  await eventually(() => frames.some((f) => f.op === GatewayOpcode.Hello), 'HELLO');
  return { ws, closed, frames };
}

const identify = (token: string) => JSON.stringify({ op: GatewayOpcode.Identify, d: { token, properties: { os: 'linux', browser: 'test', device: 'test' } } });

describe('gateway sockets', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ MAX_SOCKETS_PER_IP: '3', IDENTIFY_TIMEOUT_MS: '1000' });
  });
  afterAll(() => t.close());

  it('refuses a socket over MAX_SOCKETS_PER_IP with 429 at upgrade, and takes one again once a socket closed', async () => {
    const open = await Promise.all([helloSocket(t), helloSocket(t), helloSocket(t)]);
    const refused = new WebSocket(`${t.server.url.replace('http', 'ws')}/?v=9&encoding=json`);
    const status = await new Promise<number>((resolve) => {
      refused.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      refused.on('open', () => resolve(101));
    });
    expect(status).toBe(429);
    open[0].ws.close();
    await open[0].closed;
    await eventually(() => t.server.gateway.connectedCount === 2, 'the closed socket to be forgotten');
    const again = await helloSocket(t);
    again.ws.close();
    for (const s of open.slice(1)) s.ws.close();
  });

  it('closes a socket that never IDENTIFYs with 4009 after IDENTIFY_TIMEOUT_MS', async () => {
    const s = await helloSocket(t);
    const { code } = await s.closed;
    expect(code).toBe(GatewayCloseCode.SessionTimedOut);
  });

  it('speaks zlib-stream through one inflater although the compressor is made only after HELLO', async () => {
    const u = await registerUser(t);
    const { ws, closed } = rawSocket(t, 'v=10&encoding=json&compress=zlib-stream');
    const inflate = zlib.createInflate();
    const frames: any[] = [];
    let pending = '';
    inflate.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      try {
        frames.push(JSON.parse(pending));
        pending = '';
      } catch {
        // a frame split over two inflate outputs
      }
    });
    ws.on('message', (data: Buffer) => inflate.write(data));
    await eventually(() => frames.some((f) => f.op === GatewayOpcode.Hello), 'inflated HELLO');
    ws.send(JSON.stringify({ op: GatewayOpcode.Heartbeat, d: null }));
    await eventually(() => frames.some((f) => f.op === GatewayOpcode.HeartbeatAck), 'inflated HEARTBEAT_ACK');
    ws.send(identify(u.token));
    await eventually(() => frames.some((f) => f.t === 'READY'), 'inflated READY');
    ws.close();
    await closed;
  });
});

describe('IDENTIFY limit', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('enforces exactly the session_start_limit that GET /gateway/bot reports', async () => {
    const u = await registerUser(t);
    const before = await u.api.rest.get<{ session_start_limit: { total: number; remaining: number; reset_after: number; max_concurrency: number } }>('/gateway/bot');
    expect(before.session_start_limit).toMatchObject({ total: 1000, remaining: 1000, max_concurrency: 1 });
    // Before: 60 IDENTIFYs a minute were allowed while 1000 were reported; the 61st got op 9.
    for (let i = 0; i < 61; i++) {
      const s = await helloSocket(t);
      s.ws.send(identify(u.token));
      await eventually(() => s.frames.some((f) => f.t === 'READY' || f.op === GatewayOpcode.InvalidSession), 'READY or INVALID_SESSION');
      expect(s.frames.some((f) => f.t === 'READY'), `IDENTIFY ${i + 1}`).toBe(true);
      s.ws.close(1000);
      await s.closed;
    }
    const after = await u.api.rest.get<typeof before>('/gateway/bot');
    expect(after.session_start_limit.remaining).toBe(1000 - 61);
    expect(after.session_start_limit.reset_after).toBeGreaterThan(0);
    expect(after.session_start_limit.reset_after).toBeLessThanOrEqual(86_400_000);
  });
});

describe('request guild members (op 8)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('answers a repeated guild id once and rate-limits whole member lists with RATE_LIMITED', async () => {
    const owner = await registerUser(t);
    const member = await registerUser(t);
    const { guild } = await guildWithMember(owner, member);
    const gw = await connectGateway(t, member.token, 'json');
    gw.client.send(GatewayOpcode.RequestGuildMembers, { guild_id: [guild.id, guild.id, guild.id], query: '', limit: 0, nonce: 'first' });
    await eventually(() => gw.of('GUILD_MEMBERS_CHUNK').some((c) => c.nonce === 'first'), 'the first chunk');
    gw.client.send(GatewayOpcode.RequestGuildMembers, { guild_id: guild.id, query: '', limit: 0, nonce: 'second' });
    gw.client.send(GatewayOpcode.RequestGuildMembers, { guild_id: guild.id, query: 'user', limit: 10, nonce: 'query' });
    await eventually(() => gw.of('GUILD_MEMBERS_CHUNK').some((c) => c.nonce === 'query'), 'the query chunk');
    await eventually(() => gw.of('RATE_LIMITED').length === 1, 'RATE_LIMITED');
    expect(gw.of('GUILD_MEMBERS_CHUNK').filter((c) => c.nonce === 'first')).toHaveLength(1);
    expect(gw.of('GUILD_MEMBERS_CHUNK').filter((c) => c.nonce === 'second')).toHaveLength(0);
    const limited = gw.of('RATE_LIMITED')[0];
    expect(limited).toMatchObject({ opcode: GatewayOpcode.RequestGuildMembers, meta: { guild_id: guild.id, nonce: 'second' } });
    expect(limited.retry_after).toBeGreaterThan(0);
    expect(limited.retry_after).toBeLessThanOrEqual(30);
    gw.close();
  });
});

/** Sends request headers and only the first bytes of a large body; resolves with the status line the server answers with. */
function partialUpload(port: number, urlPath: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const boundary = 'concordboundary';
    const socket = net.connect(port, '127.0.0.1', () => {
      const head = [`POST ${urlPath} HTTP/1.1`, 'Host: 127.0.0.1', `Content-Type: multipart/form-data; boundary=${boundary}`, `Content-Length: ${20 * 1024 * 1024}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
      socket.write(`${head.join('\r\n')}\r\n\r\n--${boundary}\r\nContent-Disposition: form-data; name="files[0]"; filename="big.bin"\r\n\r\n`);
      socket.write(Buffer.alloc(64 * 1024));
      // The rest of the 20 MB never comes: a server that buffers before refusing never answers.
    });
    let text = '';
    socket.on('data', (d) => {
      text += d.toString('latin1');
      if (text.includes('\r\n')) {
        resolve(text.split('\r\n')[0]!);
        socket.destroy();
      }
    });
    socket.on('error', reject);
  });
}

function fileForm(name: string, data: Buffer, payload: Record<string, unknown>): FormData {
  const form = new FormData();
  form.append('payload_json', JSON.stringify(payload));
  form.append('files[0]', new Blob([data]), name);
  return form;
}

describe('uploads and downloads', () => {
  let t: TestServer;
  let owner: TestUser;
  let member: TestUser;
  let guildId: string;
  let general: string;
  beforeAll(async () => {
    t = await startTestServer();
    owner = await registerUser(t);
    member = await registerUser(t);
    const g = await guildWithMember(owner, member);
    guildId = g.guild.id;
    general = g.general;
  });
  afterAll(() => t.close());

  const port = () => Number(new URL(t.server.url).port);
  /** A multipart message over plain fetch (the SDK would wait out a 429 and retry). */
  const upload = async (u: TestUser, form: FormData) => {
    const res = await fetch(`${t.server.url}/api/v9/channels/${general}/messages`, { method: 'POST', headers: { authorization: u.token }, body: form });
    return { status: res.status, ...((await res.json()) as { code: number }) };
  };
  const stored = (data: Buffer) => {
    const sha = crypto.createHash('sha256').update(data).digest('hex');
    return fs.existsSync(path.join(t.dataDir, 'attachments', sha.slice(0, 2), sha));
  };

  it('refuses an upload without a token before reading its body', async () => {
    expect(await partialUpload(port(), `/api/v9/channels/${general}/messages`, {})).toBe('HTTP/1.1 401 Unauthorized');
    expect((await fetch(`${t.server.url}/healthz`)).status).toBe(200);
  });

  it('refuses an upload to a channel the sender cannot post in before reading its body', async () => {
    const stranger = await registerUser(t);
    expect(await partialUpload(port(), `/api/v9/channels/${general}/messages`, { Authorization: stranger.token })).toMatch(/^HTTP\/1\.1 40[34] /);
  });

  it('writes no file when ATTACH_FILES, slowmode or auto-moderation refuses the message', async () => {
    const noAttach = Buffer.from(`no attach ${crypto.randomUUID()}`);
    await owner.api.modifyRole(guildId, guildId, { permissions: String(DEFAULT_EVERYONE_PERMISSIONS & ~PermissionFlags.ATTACH_FILES) });
    expect(await upload(member, fileForm('a.txt', noAttach, { content: 'file' }))).toMatchObject({ status: 403, code: 50013 });
    expect(stored(noAttach)).toBe(false); // before: written, then the message was refused
    await owner.api.modifyRole(guildId, guildId, { permissions: String(DEFAULT_EVERYONE_PERMISSIONS) });

    const slow = Buffer.from(`slowmode ${crypto.randomUUID()}`);
    await owner.api.modifyChannel(general, { rate_limit_per_user: 60 });
    await member.api.sendMessage(general, 'first');
    expect(await upload(member, fileForm('b.txt', slow, { content: 'second' }))).toMatchObject({ status: 429, code: 20016 });
    expect(stored(slow)).toBe(false);
    await owner.api.modifyChannel(general, { rate_limit_per_user: 0 });

    const blocked = Buffer.from(`automod ${crypto.randomUUID()}`);
    await owner.api.rest.post(`/guilds/${guildId}/auto-moderation/rules`, { name: 'Words', event_type: 1, trigger_type: 1, trigger_metadata: { keyword_filter: ['forbidden'] }, actions: [{ type: 1 }], enabled: true });
    expect(await upload(member, fileForm('c.txt', blocked, { content: 'forbidden words' }))).toMatchObject({ status: 400 });
    expect(stored(blocked)).toBe(false);

    const fine = Buffer.from(`fine ${crypto.randomUUID()}`);
    await member.api.sendMessageWithFiles(general, fileForm('d.txt', fine, { content: 'allowed' }));
    expect(stored(fine)).toBe(true);
  });

  it('streams a large download intact, and survives a client that leaves halfway', async () => {
    const big = crypto.randomBytes(6 * 1024 * 1024);
    const msg = await owner.api.sendMessageWithFiles(general, fileForm('big.bin', big, { content: 'big' }));
    const url = msg.attachments[0]!.url;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(big.length));
    expect(Buffer.from(await res.arrayBuffer()).equals(big)).toBe(true);

    const controller = new AbortController();
    const partial = await fetch(url, { signal: controller.signal });
    const reader = partial.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.read().catch(() => undefined);
    expect((await fetch(`${t.server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.server.url}/attachments/${'0'.repeat(64)}/x.bin`)).status).toBe(404);
  });
});

describe('/metrics', () => {
  it('answers loopback peers by default', async () => {
    const t = await startTestServer();
    try {
      const res = await fetch(`${t.server.url}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain('concord_unexpected_errors_total');
      expect(text).toMatch(/^concord_automod_pattern_budget_exhausted_total 0$/m);
    } finally {
      await t.close();
    }
  });

  it('needs the bearer token when METRICS_TOKEN is set', async () => {
    const token = crypto.randomBytes(24).toString('hex');
    const t = await startTestServer({ METRICS_TOKEN: token });
    try {
      expect((await fetch(`${t.server.url}/metrics`)).status).toBe(403);
      expect((await fetch(`${t.server.url}/metrics`, { headers: { authorization: `Bearer ${token}x` } })).status).toBe(403);
      expect((await fetch(`${t.server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  const external = Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
  it.runIf(external)('is not found from a non-loopback address without a token', async () => {
    const t = await startTestServer({ HOST: '0.0.0.0' });
    try {
      const res = await fetch(`http://${external}:${t.server.port}/metrics`);
      expect(res.status).toBe(404);
      expect((await fetch(`http://${external}:${t.server.port}/healthz`)).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
