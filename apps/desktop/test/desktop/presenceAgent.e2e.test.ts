// The headless presence agent as a user runs it (`npm run presence`: the CLI in its own process,
// token from the environment) against a real server: a detected game (a copy of /bin/sleep named
// as a seeded game's Linux executable) and a game talking Rich Presence over the agent's IPC socket
// (unmodified @xhayper/discord-rpc) show together in another member's PRESENCE_UPDATE; the detected
// one clears when its process exits while the RPC one stays, and the RPC one clears on disconnect.
import { ConcordApi, GatewayClient, type WebSocketConstructor } from '@concord/client';
import { Client as RpcClient } from '@xhayper/discord-rpc';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { spawnServer, type SpawnedServer } from './harness/spawnServer.ts';
import { until } from './harness/until.ts';

interface Presence {
  user: { id: string };
  activities: { name: string; type: number; details?: string; application_id?: string }[];
  client_status?: Record<string, string>;
}

const DESKTOP_DIR = fileURLToPath(new URL('../..', import.meta.url));

describe.runIf(process.platform === 'linux')('the presence agent process: detected games and Rich Presence merged for other members', () => {
  let dir: string;
  let runtimeDir: string;
  let server: SpawnedServer;
  let observer: GatewayClient;
  let playerId: string;
  let agent: ChildProcess;
  let agentOutput = '';
  let game: ChildProcess | null = null;
  const presences: Presence[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'concord-agent-'));
    runtimeDir = join(dir, 'run');
    mkdirSync(runtimeDir);
    server = await spawnServer(join(dir, 'server-data'));
    const api = (token: string | null) => new ConcordApi({ baseUrl: `${server.url}/api/v9`, token });
    const owner = await api(null).register({ username: `agent_owner_${process.pid}`.slice(0, 32), password: 'correct horse battery staple' });
    const member = await api(null).register({ username: `agent_player_${process.pid}`.slice(0, 32), password: 'correct horse battery staple' });
    playerId = member.user_id;
    const guild = await api(owner.token).createGuild({ name: 'Gamers' });
    const invite = await api(owner.token).createInvite(guild.system_channel_id!, { max_age: 0 });
    await api(member.token).acceptInvite(invite.code);
    observer = new GatewayClient({ url: server.url.replace('http', 'ws'), token: owner.token, encoding: 'json', WebSocket: WebSocket as unknown as WebSocketConstructor });
    observer.on('dispatch', (name, d) => {
      if (name === 'PRESENCE_UPDATE') presences.push(d as Presence);
    });
    observer.connect();
    await observer.waitForReady();

    // The token goes by environment, never argv (other users can read the process list).
    agent = spawn(process.execPath, ['--import', 'tsx', 'src/services/presence/presenceAgentCli.ts'], {
      cwd: DESKTOP_DIR,
      env: { ...process.env, CONCORD_SERVER: server.url, CONCORD_TOKEN: member.token, CONCORD_DATA_DIR: join(dir, 'agent-data'), XDG_RUNTIME_DIR: runtimeDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    agent.stdout!.on('data', (chunk: Buffer) => (agentOutput += chunk.toString()));
    agent.stderr!.on('data', (chunk: Buffer) => (agentOutput += chunk.toString()));
    await until(() => agentOutput.includes('signed in as') && existsSync(join(runtimeDir, 'discord-ipc-0')), 'the agent to sign in and listen', 30_000);
  }, 90_000);

  afterAll(async () => {
    game?.kill('SIGKILL');
    agent.kill('SIGTERM');
    observer.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const latestOfPlayer = () => presences.filter((p) => p.user.id === playerId).at(-1);
  const names = (p: Presence | undefined) => (p?.activities ?? []).map((a) => a.name).sort();

  it('does not put the token on its command line', () => {
    expect(agent.spawnargs.join(' ')).not.toContain(server.url);
    expect(agentOutput).not.toMatch(/[\w-]{20,}\.[\w-]{4,}\.[\w-]{20,}/);
  });

  it('shows a detected game and an RPC activity together, as a desktop client; each clears on its own', async () => {
    mkdirSync(join(dir, 'steamapps', 'common', 'Valheim'), { recursive: true });
    const executable = join(dir, 'steamapps', 'common', 'Valheim', 'valheim.x86_64');
    copyFileSync('/bin/sleep', executable);
    game = spawn(executable, ['60'], { stdio: 'ignore' });
    const shownFrom = Date.now();
    await until(() => names(latestOfPlayer()).includes('Valheim'), 'Playing Valheim', 8000);
    const detectedAfterMs = Date.now() - shownFrom;
    expect(latestOfPlayer()?.client_status).toEqual({ desktop: 'online' });

    process.env['XDG_RUNTIME_DIR'] = runtimeDir; // where the unmodified client looks for discord-ipc-N
    const rpc = new RpcClient({ clientId: '180984871685062656' });
    await rpc.login();
    await rpc.user!.setActivity({ details: 'Ranked match', state: 'In queue' }); // no type: the client sends Playing (0)
    await until(() => latestOfPlayer()?.activities.some((a) => a.details === 'Ranked match'), 'the RPC activity beside the game', 5000);
    expect(latestOfPlayer()!.activities).toHaveLength(2);
    expect(latestOfPlayer()!.activities.find((a) => a.name === 'Valheim')?.type).toBe(0);

    game.kill('SIGKILL');
    game = null;
    await until(() => !names(latestOfPlayer()).includes('Valheim'), 'Valheim cleared', 8000);
    expect(latestOfPlayer()!.activities.map((a) => a.details)).toEqual(['Ranked match']);

    await rpc.destroy();
    await until(() => latestOfPlayer()?.activities.length === 0, 'the RPC activity cleared on disconnect', 5000);
    console.log(`presence agent: detected game shown after ${detectedAfterMs} ms`);
  }, 40_000);
});
