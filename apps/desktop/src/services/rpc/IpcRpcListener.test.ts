import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/bridge.ts';
import { ActivityHub } from '../presence/ActivityHub.ts';
import { encodeIpcFrame, IpcFrameDecoder, IpcOpcode } from './ipcFrames.ts';
import { ipcSocketDirectory } from './IpcRpcListener.ts';
import { PLACEHOLDER_RPC_USER, startRpcServer, type RunningRpcServer } from './RpcServer.ts';

const started: RunningRpcServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'concord-ipc-'));
  dirs.push(dir);
  return dir;
}

async function start(dir: string, maxConnections?: number): Promise<RunningRpcServer> {
  const server = await startRpcServer({
    sink: new ActivityHub(DEFAULT_SETTINGS),
    user: PLACEHOLDER_RPC_USER,
    serverUrl: null,
    env: { XDG_RUNTIME_DIR: dir },
    platform: 'linux',
    wsPorts: false,
    ...(maxConnections === undefined ? {} : { maxConnections }),
    warn: () => undefined,
  });
  started.push(server);
  return server;
}

/** Connects and sends a handshake; resolves with the first frame back. */
function handshake(path: string): Promise<{ op: number; data: unknown }> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    const decoder = new IpcFrameDecoder();
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      const result = decoder.push(chunk);
      const first = result.ok ? result.frames[0] : undefined;
      if (first) resolve({ op: first.op, data: JSON.parse(first.raw.toString()) });
    });
    socket.write(encodeIpcFrame(IpcOpcode.HANDSHAKE, { v: 1, client_id: '1' }));
  });
}

describe('IPC socket placement', () => {
  it('uses XDG_RUNTIME_DIR, then TMPDIR, TMP, TEMP, /tmp', () => {
    expect(ipcSocketDirectory({ XDG_RUNTIME_DIR: '/run/user/1000/', TMPDIR: '/x' })).toBe('/run/user/1000');
    expect(ipcSocketDirectory({ TMP: '/t', TEMP: '/e' })).toBe('/t');
    expect(ipcSocketDirectory({})).toBe('/tmp');
  });

  it('replaces a stale socket left by a killed process, and takes the next index when one is live', async () => {
    const dir = tempDir();
    const stale = join(dir, 'discord-ipc-0');
    // A real stale socket: a process that listened on it and died without cleaning up.
    spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(stale)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    expect(statSync(stale).isSocket()).toBe(true);
    const first = await start(dir);
    expect(first.ipcPath).toBe(stale);
    expect((await handshake(stale)).data).toMatchObject({ evt: 'READY', data: { user: { id: '0' } } });
    const second = await start(dir);
    expect(second.ipcPath).toBe(join(dir, 'discord-ipc-1'));
    await first.close();
    expect(existsSync(stale)).toBe(false);
  });

  it('closes links over the connection limit with CLOSE 4002', async () => {
    const server = await start(tempDir(), 2);
    await handshake(server.ipcPath);
    await handshake(server.ipcPath);
    expect(await handshake(server.ipcPath)).toEqual({ op: IpcOpcode.CLOSE, data: { code: 4002, message: 'Too many connections' } });
    expect(server.connectionCount).toBe(2);
  });

  it('cuts a link that keeps sending PINGs but never reads the PONGs', async () => {
    const server = await start(tempDir());
    const socket = createConnection(server.ipcPath);
    socket.pause(); // never reads
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    const ping = encodeIpcFrame(IpcOpcode.PING, 'p'.repeat(60_000));
    for (let i = 0; i < 80; i++) socket.write(ping); // 4.8 MB of PONGs owed
    await closed;
    for (let i = 0; i < 100 && server.connectionCount > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(server.connectionCount).toBe(0);
  });
});
