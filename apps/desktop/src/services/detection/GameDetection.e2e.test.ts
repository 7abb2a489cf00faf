// The proof of issue 18's detection: a fake game (a copy of /bin/sleep named as a seeded game's
// Linux executable, and one started with a Wine-style argv[0]) is seen by the real /proc scanner
// matching the real server's detectable list, and another member's gateway session receives
// PRESENCE_UPDATE "Playing <name>" with timestamps.start within 6 s; it clears when the process
// exits. The SDK's GatewayClient.updatePresence stands in for the presence hub as the glue.
// Also: the list is revalidated with its ETag (304) and works offline from its disk cache.
import { ConcordApi, GatewayClient, type WebSocketConstructor } from '@concord/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { spawnServer, type SpawnedServer } from '../../../test/desktop/harness/spawnServer.ts';
import { until } from '../../../test/desktop/harness/until.ts';
import { createProcessScanner } from './createProcessScanner.ts';
import { DetectableListCache } from './DetectableListCache.ts';
import { detectedGameActivities } from './detectedGameActivities.ts';
import { GameDetector, type DetectedGame } from './GameDetector.ts';

interface Presence {
  user: { id: string };
  activities: { name: string; type: number; application_id?: string; timestamps?: { start?: number } }[];
}

const DEADLINE_MS = 6000;

describe.runIf(process.platform === 'linux')('game detection to another member\'s PRESENCE_UPDATE (real server, real /proc)', () => {
  let dir: string;
  let server: SpawnedServer;
  let observer: GatewayClient;
  let player: GatewayClient;
  let playerId: string;
  let detector: GameDetector;
  let cacheFile: string;
  const presences: { at: number; presence: Presence }[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'concord-detect-'));
    server = await spawnServer(join(dir, 'server-data'));
    const api = (token: string | null) => new ConcordApi({ baseUrl: `${server.url}/api/v9`, token });
    const owner = await api(null).register({ username: `detect_owner_${process.pid}`.slice(0, 32), password: 'correct horse battery staple' });
    const member = await api(null).register({ username: `detect_player_${process.pid}`.slice(0, 32), password: 'correct horse battery staple' });
    playerId = member.user_id;
    const guild = await api(owner.token).createGuild({ name: 'Gamers' });
    const invite = await api(owner.token).createInvite(guild.system_channel_id!, { max_age: 0 });
    await api(member.token).acceptInvite(invite.code);

    const connect = async (token: string) => {
      const client = new GatewayClient({ url: server.url.replace('http', 'ws'), token, encoding: 'json', WebSocket: WebSocket as unknown as WebSocketConstructor });
      client.connect();
      await client.waitForReady();
      return client;
    };
    observer = await connect(owner.token);
    observer.on('dispatch', (name, d) => {
      if (name === 'PRESENCE_UPDATE') presences.push({ at: Date.now(), presence: d as Presence });
    });
    player = await connect(member.token);

    cacheFile = join(dir, 'user-data', 'detectable.json');
    detector = new GameDetector({
      scanner: await createProcessScanner('linux'),
      list: new DetectableListCache({ serverUrl: server.url, cacheFile }),
      games: () => ({ registered: [], hidden: [] }),
    });
    // The presence hub's job until it lands: every change becomes the player's op 3.
    detector.on('change', (games: DetectedGame[]) => player.updatePresence({ status: 'online', activities: detectedGameActivities(games) }));
    detector.start();
    // The list arrives from the server (first refresh) before the games start.
    await until(() => detector.games.length === 0 && detector.applicationCount > 200, 'the detectable list', 10_000);
  }, 60_000);

  afterAll(async () => {
    detector.stop();
    for (const c of children) c.kill('SIGKILL');
    observer.close();
    player.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const playing = (name: string) => (p: Presence) => p.user.id === playerId && p.activities.some((a) => a.name === name && a.type === 0);
  const notPlaying = (p: Presence) => p.user.id === playerId && p.activities.length === 0;

  async function playAndQuit(name: string, command: string, args: string[]): Promise<{ shownAfterMs: number; clearedAfterMs: number; start: number }> {
    const from = presences.length;
    const startedAt = Date.now();
    const child = spawn(command, args, { stdio: 'ignore' });
    children.push(child);
    const shown = await until(() => presences.slice(from).find((e) => playing(name)(e.presence)), `Playing ${name}`, DEADLINE_MS + 2000);
    const activity = shown.presence.activities.find((a) => a.name === name)!;
    expect(activity.application_id).toMatch(/^\d+$/);
    const start = activity.timestamps?.start ?? 0;
    expect(start).toBeGreaterThanOrEqual(startedAt - 1000);
    expect(start).toBeLessThanOrEqual(shown.at);
    const killedAt = Date.now();
    child.kill('SIGKILL');
    const cleared = await until(() => presences.slice(from).find((e) => e.at >= killedAt && notPlaying(e.presence)), `${name} cleared`, DEADLINE_MS + 2000);
    return { shownAfterMs: shown.at - startedAt, clearedAfterMs: cleared.at - killedAt, start };
  }

  it('shows a copy of /bin/sleep named valheim.x86_64 as Playing Valheim within 6 s and clears it on exit', async () => {
    mkdirSync(join(dir, 'steamapps', 'common', 'Valheim'), { recursive: true });
    const game = join(dir, 'steamapps', 'common', 'Valheim', 'valheim.x86_64');
    copyFileSync('/bin/sleep', game);
    const r = await playAndQuit('Valheim', game, ['60']);
    console.log(`native game: shown after ${r.shownAfterMs} ms, cleared after ${r.clearedAfterMs} ms`);
    expect(r.shownAfterMs).toBeLessThanOrEqual(DEADLINE_MS);
    expect(r.clearedAfterMs).toBeLessThanOrEqual(DEADLINE_MS);
  });

  it('shows a program started with a Wine-style argv[0] (Z:\\...\\Hades.exe) as Playing Hades within 6 s and clears it on exit', async () => {
    const sleepCopy = join(dir, 'copy-of-sleep');
    copyFileSync('/bin/sleep', sleepCopy);
    const r = await playAndQuit('Hades', 'bash', ['-c', `exec -a 'Z:\\home\\u\\Games\\Hades\\x64\\Hades.exe' '${sleepCopy}' 60`]);
    console.log(`wine-style game: shown after ${r.shownAfterMs} ms, cleared after ${r.clearedAfterMs} ms`);
    expect(r.shownAfterMs).toBeLessThanOrEqual(DEADLINE_MS);
    expect(r.clearedAfterMs).toBeLessThanOrEqual(DEADLINE_MS);
  });

  it('starts without a server (the desktop app before sign-in) and fetches the list once setListServer names one', async () => {
    const lateFile = join(dir, 'late-user-data', 'detectable.json');
    const lateList = new DetectableListCache({ serverUrl: null, cacheFile: lateFile });
    const late = new GameDetector({ scanner: await createProcessScanner('linux'), list: lateList, games: () => ({ registered: [], hidden: [] }) });
    late.start();
    expect(await lateList.refresh()).toBe('no-server');
    expect(late.applicationCount).toBe(0);
    late.setListServer(server.url);
    await until(() => late.applicationCount > 200, 'the list from the server named at sign-in', DEADLINE_MS);
    expect(readFileSync(lateFile, 'utf8')).toContain('"name":"Valheim"');
    late.stop();
  });

  it('revalidates the list with its ETag (304) and detects from the disk cache when the server is gone', async () => {
    const again = new DetectableListCache({ serverUrl: server.url, cacheFile });
    expect(again.load().length).toBeGreaterThan(200);
    expect(await again.refresh()).toBe('not-modified');
    await server.stop();
    const offline = new DetectableListCache({ serverUrl: server.url, cacheFile, warn: () => undefined, timeoutMs: 2000 });
    expect(await offline.refresh()).toBe('failed');
    const list = offline.load();
    expect(list.find((a) => a.name === 'Valheim')?.executables).toContainEqual({ os: 'linux', name: 'valheim.x86_64', is_launcher: false });
    const offlineDetector = new GameDetector({ scanner: await createProcessScanner('linux'), games: () => ({ registered: [], hidden: [] }) });
    offlineDetector.setApplications(list);
    const game = join(dir, 'steamapps', 'common', 'Valheim', 'valheim.x86_64');
    const child = spawn(game, ['60'], { stdio: 'ignore' });
    children.push(child);
    await until(async () => (await offlineDetector.scanOnce()).some((g) => g.name === 'Valheim' && g.pid === child.pid), 'offline detection', DEADLINE_MS);
    child.kill('SIGKILL');
  });
});
