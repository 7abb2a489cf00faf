// Durability across a crash: the server runs as its own process, acknowledges messages, is killed
// with SIGKILL (no shutdown code runs), and a new process on the same DATA_DIR has every one.
import { afterAll, describe, expect, it } from 'vitest';
import { ConcordApi } from '@concord/client';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-crash-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function spawnServer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', RATE_LIMITS: 'off', VOICE_PORT: '0', VOICE_UDP_PORT: '0' },
    stdio: process.env.CRASH_DEBUG ? 'inherit' : 'ignore',
  });
  children.push(child);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server process did not become healthy');
}

describe('crash safety', () => {
  it('keeps every acknowledged message after SIGKILL', async () => {
    const port = await freePort();
    const first = await spawnServer(port);
    const api = new ConcordApi({ baseUrl: `http://127.0.0.1:${port}/api/v9` });
    const { token } = await api.register({ username: 'crashtest', password: 'correct horse battery' });
    api.setToken(token);
    const guild = await api.createGuild({ name: 'Crash' });
    const acked: string[] = [];
    // Concurrent sends; the kill lands while some are still in flight. Only answered ones count.
    const inflight = Array.from({ length: 200 }, (_, i) =>
      api.sendMessage(guild.system_channel_id!, `m${i}`).then(
        (m) => acked.push(m.id),
        () => undefined,
      ),
    );
    const killAfter = Date.now() + 10_000;
    while (acked.length < 20 && Date.now() < killAfter) await new Promise((r) => setTimeout(r, 5));
    first.kill('SIGKILL');
    await Promise.all(inflight);
    await new Promise<void>((resolve) => (first.exitCode !== null || first.signalCode !== null ? resolve() : first.once('exit', () => resolve())));
    expect(acked.length).toBeGreaterThanOrEqual(20);

    await spawnServer(port);
    const history: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await api.getMessages(guild.system_channel_id!, before ? { limit: 100, before } : { limit: 100 });
      history.push(...page.map((m) => m.id));
      if (page.length < 100) break;
      before = page[page.length - 1]!.id;
    }
    const missing = acked.filter((id) => !history.includes(id));
    expect(missing).toEqual([]);
  }, 60_000);
});
