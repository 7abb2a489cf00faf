// Rich Presence end to end: unmodified npm RPC clients (@xhayper/discord-rpc 1.5.1, discord-rpc
// 4.0.1) talk to the presence agent's IPC socket in a temp XDG_RUNTIME_DIR; the agent's gateway
// session carries their activities to a real server (its own process), and another member's SDK
// gateway session receives them as PRESENCE_UPDATE. Nothing is mocked.
import { ConcordApi, GatewayClient, type WebSocketConstructor } from '@concord/client';
import type { APIPresence } from '@concord/protocol';
import { Client as XhayperClient } from '@xhayper/discord-rpc';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startPresenceAgent, type PresenceAgent } from '../../src/services/presence/PresenceAgent.ts';
import { DEFAULT_SETTINGS } from '../../src/shared/bridge.ts';
import { spawnServer, type SpawnedServer } from './harness/spawnServer.ts';
import { until } from './harness/until.ts';

/** discord-rpc 4.0.1 ships no types: the part of its API these tests use. */
interface DiscordRpcClient {
  user: { id: string; username: string } | undefined;
  login(options: { clientId: string }): Promise<unknown>;
  setActivity(args: Record<string, unknown>, pid?: number): Promise<unknown>;
  clearActivity(pid?: number): Promise<unknown>;
  destroy(): Promise<void>;
}
const DiscordRpc = createRequire(import.meta.url)('discord-rpc') as { Client: new (options: { transport: 'ipc' | 'websocket' }) => DiscordRpcClient };

let server: SpawnedServer;
let dataDir: string;
let runtimeDir: string;
let agent: PresenceAgent;
let observer: GatewayClient;
let memberId: string;
let clientId: string;
const presences: APIPresence[] = [];

/** The next PRESENCE_UPDATE of the member (after `from`) that satisfies `match`. */
function memberPresence(from: number, match: (p: APIPresence) => boolean, what: string): Promise<APIPresence> {
  return until(() => presences.slice(from).find((p) => p.user.id === memberId && match(p)), what);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'concord-rpc-server-'));
  runtimeDir = mkdtempSync(join(tmpdir(), 'concord-rpc-run-'));
  // Both npm clients read these when they connect; nothing else in this process uses them.
  process.env['XDG_RUNTIME_DIR'] = runtimeDir;
  server = await spawnServer(dataDir);
  const anonymous = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: null });
  const owner = await anonymous.register({ username: `rpc_owner_${process.pid}`, password: 'correct horse battery' });
  const member = await anonymous.register({ username: `rpc_member_${process.pid}`, password: 'correct horse battery' });
  memberId = member.user_id;
  const ownerApi = new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: owner.token });
  const guild = await ownerApi.createGuild({ name: 'Rich Presence' });
  const invite = await ownerApi.createInvite(guild.system_channel_id!, { max_age: 0 });
  await new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: member.token }).acceptInvite(invite.code);
  clientId = (await ownerApi.createApplication({ name: 'Concord Test Game' })).id;

  observer = new GatewayClient({ url: server.url.replace('http', 'ws'), token: owner.token, encoding: 'json', WebSocket: WebSocket as unknown as WebSocketConstructor });
  observer.on('dispatchEvent', (event) => {
    if (event.t === 'PRESENCE_UPDATE') presences.push(event.d);
  });
  observer.connect();
  await observer.waitForReady();
  agent = await startPresenceAgent({ serverUrl: server.url, token: member.token, settings: DEFAULT_SETTINGS, env: { XDG_RUNTIME_DIR: runtimeDir }, wsPorts: [0], warn: () => undefined });
  await memberPresence(0, (p) => p.client_status.desktop === 'online', 'the agent online as desktop');
}, 90_000);

afterAll(async () => {
  await agent.close();
  observer.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(runtimeDir, { recursive: true, force: true });
});

describe('@xhayper/discord-rpc 1.5.1 against the agent', () => {
  it('sets a rich activity that another member receives, clears it, and a disconnect clears it too', async () => {
    expect(agent.rpc.ipcPath).toBe(join(runtimeDir, 'discord-ipc-0'));
    const client = new XhayperClient({ clientId });
    await client.connect();
    expect(client.user?.id).toBe(memberId);
    const start = new Date(Date.now() - 60_000);
    const mark = presences.length;
    await client.user!.setActivity({
      details: 'Ranked match',
      state: 'In a group',
      partyId: 'party-1',
      partySize: 2,
      partyMax: 5,
      startTimestamp: start,
      largeImageKey: 'map_dust',
      largeImageText: 'Dust II',
      buttons: [
        { label: 'Watch', url: 'https://example.com/watch' },
        { label: 'Join', url: 'https://example.com/join' },
      ],
    });
    const seen = await memberPresence(mark, (p) => p.activities.length === 1, 'the rich activity');
    expect(seen.activities[0]).toEqual({
      name: 'Concord Test Game',
      type: 0,
      application_id: clientId,
      created_at: expect.any(Number),
      details: 'Ranked match',
      state: 'In a group',
      party: { id: 'party-1', size: [2, 5] },
      timestamps: { start: start.getTime() },
      assets: { large_image: 'map_dust', large_text: 'Dust II' },
      instance: false,
      buttons: ['Watch', 'Join'],
      metadata: { button_urls: ['https://example.com/watch', 'https://example.com/join'] },
    });
    expect(seen.client_status).toMatchObject({ desktop: 'online' });

    const beforeClear = presences.length;
    await client.user!.clearActivity();
    await memberPresence(beforeClear, (p) => p.activities.length === 0, 'the cleared activity');

    await client.user!.setActivity({ details: 'Again', state: 'Lobby' });
    const beforeDisconnect = presences.length;
    await memberPresence(mark, (p) => p.activities[0]?.details === 'Again', 'the second activity');
    await client.destroy();
    await memberPresence(beforeDisconnect, (p) => p.activities.length === 0, 'the activity cleared by the disconnect');
  });

  it('answers an invalid activity with an ERROR 4000 that rejects the call', async () => {
    const client = new XhayperClient({ clientId });
    await client.connect();
    await expect(client.user!.setActivity({ details: 'x' })).rejects.toMatchObject({ code: 4000, message: expect.stringContaining('details') });
    await expect(client.user!.setActivity({ details: 'ok', buttons: [{ label: 'a', url: 'https://a.example' }, { label: 'b', url: 'https://b.example' }, { label: 'c', url: 'https://c.example' }] })).rejects.toMatchObject({ code: 4000 });
    await client.destroy();
  });

  it('keeps a link for 35 s through its 5 s pings', async () => {
    const client = new XhayperClient({ clientId });
    let disconnected = false;
    client.on('disconnected', () => (disconnected = true));
    await client.connect();
    await new Promise((resolve) => setTimeout(resolve, 35_000));
    expect(disconnected).toBe(false);
    expect(client.isConnected).toBe(true);
    const mark = presences.length;
    await client.user!.setActivity({ details: 'Still here', state: 'after 35 s' });
    await memberPresence(mark, (p) => p.activities[0]?.details === 'Still here', 'the activity after 35 s');
    await client.destroy();
  }, 60_000);
});

describe('discord-rpc 4.0.1 against the agent', () => {
  it('logs in, sets an activity with timestamps in seconds, clears it, and its disconnect clears it', async () => {
    const client = new DiscordRpc.Client({ transport: 'ipc' });
    await client.login({ clientId });
    expect(client.user?.id).toBe(memberId);
    const mark = presences.length;
    const startS = Math.floor(Date.now() / 1000) - 30;
    await client.setActivity({
      details: 'Speedrun',
      state: 'Any%',
      startTimestamp: startS,
      endTimestamp: startS + 3600,
      partyId: 'p2',
      partySize: 1,
      partyMax: 4,
      buttons: [{ label: 'Leaderboard', url: 'https://example.com/lb' }],
    });
    const seen = await memberPresence(mark, (p) => p.activities[0]?.details === 'Speedrun', 'the discord-rpc activity');
    expect(seen.activities[0]).toMatchObject({
      name: 'Concord Test Game',
      application_id: clientId,
      state: 'Any%',
      timestamps: { start: startS * 1000, end: (startS + 3600) * 1000 },
      party: { id: 'p2', size: [1, 4] },
      buttons: ['Leaderboard'],
      metadata: { button_urls: ['https://example.com/lb'] },
    });
    const beforeClear = presences.length;
    await client.clearActivity();
    await memberPresence(beforeClear, (p) => p.activities.length === 0, 'the cleared discord-rpc activity');
    await client.setActivity({ details: 'Back', state: 'Menu' });
    await memberPresence(beforeClear, (p) => p.activities[0]?.details === 'Back', 'the activity set again');
    const beforeDestroy = presences.length;
    await client.destroy();
    await memberPresence(beforeDestroy, (p) => p.activities.length === 0, 'the activity cleared by the disconnect');
  });

  it('shows two games at once and keeps one when the other disconnects', async () => {
    const a = new DiscordRpc.Client({ transport: 'ipc' });
    await a.login({ clientId });
    const b = new XhayperClient({ clientId: '1234567890123456789' });
    await b.connect();
    const mark = presences.length;
    await a.setActivity({ details: 'Game A', state: 'one' });
    await b.user!.setActivity({ details: 'Game B', state: 'two' });
    const both = await memberPresence(mark, (p) => p.activities.length === 2, 'two activities');
    // The second client id is no application on the server: the activity keeps a neutral name.
    expect(both.activities.map((x) => [x.name, x.details])).toEqual([
      ['Concord Test Game', 'Game A'],
      ['Unknown Game', 'Game B'],
    ]);
    const beforeDestroy = presences.length;
    await a.destroy();
    const one = await memberPresence(beforeDestroy, (p) => p.activities.length === 1, 'one activity left');
    expect(one.activities[0]?.details).toBe('Game B');
    await b.destroy();
    await memberPresence(beforeDestroy, (p) => p.activities.length === 0, 'none left');
  });
});

/** A raw IPC link: frames out in the chunks the test chooses, frames in decoded. */
function rawLink(path: string) {
  const socket: Socket = createConnection(path);
  const frames: { op: number; data: unknown }[] = [];
  let pending = Buffer.alloc(0);
  let ended = false;
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 8 && pending.length >= 8 + pending.readInt32LE(4)) {
      const length = pending.readInt32LE(4);
      frames.push({ op: pending.readInt32LE(0), data: JSON.parse(pending.subarray(8, 8 + length).toString()) });
      pending = pending.subarray(8 + length);
    }
  });
  socket.on('end', () => (ended = true));
  socket.on('close', () => (ended = true));
  return {
    frames,
    isEnded: () => ended,
    write: (bytes: Buffer) => socket.write(bytes),
    destroy: () => socket.destroy(),
  };
}

function frame(op: number, payload: unknown): Buffer {
  const body = Buffer.from(typeof payload === 'string' && op === 99 ? payload : JSON.stringify(payload));
  const header = Buffer.alloc(8);
  header.writeInt32LE(op, 0);
  header.writeInt32LE(body.length, 4);
  return Buffer.concat([header, body]);
}

describe('hostile and fragmented IPC input', () => {
  it('reassembles a handshake sent one byte at a time', async () => {
    const link = rawLink(agent.rpc.ipcPath);
    const bytes = frame(0, { v: 1, client_id: clientId });
    for (const byte of bytes) {
      link.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const ready = await until(() => link.frames.find((f) => f.op === 1), 'READY');
    expect(ready.data).toMatchObject({ cmd: 'DISPATCH', evt: 'READY', data: { v: 1, config: { api_endpoint: expect.any(String), cdn_host: expect.any(String), environment: 'production' }, user: { id: memberId, bot: false } } });
    link.destroy();
  });

  it('answers coalesced frames: commands in order (READY, SET_ACTIVITY, errors for bad commands) and a PONG with the same payload', async () => {
    const link = rawLink(agent.rpc.ipcPath);
    link.write(
      Buffer.concat([
        frame(0, { v: 1, client_id: clientId }),
        frame(1, { cmd: 'SET_ACTIVITY', nonce: 'n1', args: { pid: 4242, activity: { details: 'Coalesced', state: 'frames' } } }),
        frame(3, 'ping-payload-7'),
        frame(1, { cmd: 'SUBSCRIBE', nonce: 'n2', evt: 'ACTIVITY_JOIN', args: {} }),
        frame(1, { cmd: 'SET_ACTIVITY', nonce: 'n3', args: { pid: 4242, activity: { state: 'x' } } }),
      ]),
    );
    await until(() => (link.frames.length >= 5 ? true : undefined), 'five answers');
    // PING is answered by the framing layer at once; commands wait for each other.
    expect(link.frames.filter((f) => f.op === 4).map((f) => f.data)).toEqual(['ping-payload-7']);
    const answers = link.frames.filter((f) => f.op === 1).map((f) => f.data);
    expect(answers[0]).toMatchObject({ cmd: 'DISPATCH', evt: 'READY' });
    expect(answers[1]).toMatchObject({ cmd: 'SET_ACTIVITY', evt: null, nonce: 'n1', data: { name: 'Concord Test Game', details: 'Coalesced' } });
    expect(answers[2]).toEqual({ cmd: 'SUBSCRIBE', evt: 'ERROR', nonce: 'n2', data: { code: 4002, message: 'Invalid command: SUBSCRIBE' } });
    expect(answers[3]).toMatchObject({ cmd: 'SET_ACTIVITY', evt: 'ERROR', nonce: 'n3', data: { code: 4000, message: expect.stringContaining('"state"') } });
    link.destroy();
  });

  it.each([
    ['an unknown opcode', frame(9, {}), 4000],
    ['a frame longer than 64 KiB', Buffer.from([0, 0, 0, 0, 0x01, 0x00, 0x01, 0x00]), 4000],
    ['a handshake that is not JSON', Buffer.concat([Buffer.from([0, 0, 0, 0, 3, 0, 0, 0]), Buffer.from('{{{')]), 4000],
    ['handshake version 2', frame(0, { v: 2, client_id: '1' }), 4004],
    ['a client id that is no snowflake', frame(0, { v: 1, client_id: 'not-an-id' }), 4000],
    ['a command before the handshake', frame(1, { cmd: 'SET_ACTIVITY', args: {} }), 4000],
  ])('closes a link that sends %s with a CLOSE frame and its code, and keeps serving others', async (_what, bytes, code) => {
    const link = rawLink(agent.rpc.ipcPath);
    link.write(bytes);
    const closed = await until(() => link.frames.find((f) => f.op === 2), 'CLOSE frame');
    expect(closed.data).toMatchObject({ code, message: expect.any(String) });
    await until(() => (link.isEnded() ? true : undefined), 'the link to end');
    const next = rawLink(agent.rpc.ipcPath);
    next.write(frame(0, { v: 1, client_id: clientId }));
    await until(() => next.frames.find((f) => f.op === 1), 'READY on a new link');
    next.destroy();
  });
});

describe('the local WebSocket transport', () => {
  function open(query: string, origin?: string) {
    const ws = new WebSocket(`ws://127.0.0.1:${agent.rpc.wsPort!}/?${query}`, origin === undefined ? {} : { origin });
    const messages: unknown[] = [];
    ws.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString())));
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    return { ws, messages, closed };
  }

  it('refuses a web page (any other Origin) with 4001 before it can set anything', async () => {
    const page = open(`v=1&client_id=${clientId}&encoding=json`, 'https://evil.example');
    expect(await page.closed).toBe(4001);
    expect(page.messages).toEqual([]);
  });

  it('serves a native client (no Origin): READY, then SET_ACTIVITY reaches other members', async () => {
    const native = open(`v=1&client_id=${clientId}&encoding=json`);
    await until(() => native.messages.find((m: any) => m.evt === 'READY'), 'READY over WebSocket');
    const mark = presences.length;
    native.ws.send(JSON.stringify({ cmd: 'SET_ACTIVITY', nonce: 'w1', args: { pid: 7, activity: { details: 'Over WebSocket', state: 'local' } } }));
    await memberPresence(mark, (p) => p.activities.some((a) => a.details === 'Over WebSocket'), `the WebSocket activity (got ${JSON.stringify(native.messages)})`);
    native.ws.send('not json');
    expect(await native.closed).toBe(4000);
    await memberPresence(mark, (p) => p.activities.length === 0, 'the WebSocket activity cleared');
  });

  it.each([
    ['v=2&client_id=1', 4004],
    ['v=1&client_id=abc', 4000],
    ['v=1&client_id=1&encoding=etf', 4005],
  ])('closes ?%s with %i', async (query, code) => {
    expect(await open(query).closed).toBe(code);
  });
});

describe('the agent and the gateway rate limit', () => {
  it('coalesces a burst of SET_ACTIVITY into the updates the limit allows, the newest last', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concord-rpc-burst-'));
    const token = (await new ConcordApi({ baseUrl: `${server.url}/api/v9`, token: null }).login({ login: `rpc_member_${process.pid}`, password: 'correct horse battery' })).token;
    const second = await startPresenceAgent({ serverUrl: server.url, token, settings: DEFAULT_SETTINGS, env: { XDG_RUNTIME_DIR: dir }, wsPorts: false, presenceLimit: { updates: 2, windowMs: 1500 } });
    try {
      const link = rawLink(second.rpc.ipcPath);
      link.write(frame(0, { v: 1, client_id: clientId }));
      await until(() => link.frames.find((f) => f.op === 1), 'READY');
      const mark = presences.length;
      for (let i = 0; i < 6; i++) {
        link.write(frame(1, { cmd: 'SET_ACTIVITY', nonce: `b${i}`, args: { pid: 1, activity: { details: `burst ${i}`, state: 'fast' } } }));
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
      await memberPresence(mark, (p) => p.activities.some((a) => a.details === 'burst 5'), 'the newest activity of the burst');
      const seen = presences.slice(mark).flatMap((p) => p.activities.map((a) => a.details));
      expect(seen).toContain('burst 0');
      expect(seen).not.toContain('burst 3');
      // One update at start (READY), one for the first activity, then one after the window: the newest.
      expect(second.senderStats()).toMatchObject({ sent: 3 });
      expect(second.senderStats().throttled).toBeGreaterThanOrEqual(1);
      link.destroy();
    } finally {
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
