// The games IPC channels over a real GameDetector scanning the real /proc: "Add it!" sees a started
// program, a registered program is detected under its name, and the preload bridge's calls reach
// the handlers; foreign senders and extra arguments are refused.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDesktopBridge } from '../../preload/createDesktopBridge.ts';
import { createProcessScanner } from '../../services/detection/createProcessScanner.ts';
import { GameDetector } from '../../services/detection/GameDetector.ts';
import type { ClientSettings } from '../../shared/bridge.ts';
import { IpcChannel, type IpcChannelName } from '../../shared/ipcChannels.ts';
import { createGamesIpcHandlers, NO_GAMES } from './games.main.ts';
import { IpcError } from './IpcError.main.ts';
import { appFileEvent, createTestPolicy, foreignOriginEvent } from './ipcTestEvents.ts';

describe.runIf(process.platform === 'linux')('games IPC handlers', () => {
  let dir: string;
  let program: string;
  let child: ReturnType<typeof spawn>;
  const games: ClientSettings['games'] = { registered: [], hidden: [] };
  let detector: GameDetector;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'concord-games-ipc-'));
    program = join(dir, 'MyEmulator');
    copyFileSync('/bin/sleep', program);
    child = spawn(program, ['60'], { stdio: 'ignore' });
    detector = new GameDetector({ scanner: await createProcessScanner('linux'), games: () => games });
    await detector.scanOnce();
  });
  afterAll(() => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists running programs for "Add it!" and reports a registered program as a detected game, through the bridge', async () => {
    const handlers = createGamesIpcHandlers({ policy: createTestPolicy(), games: detector });
    const bridge = createDesktopBridge(async (channel: IpcChannelName, args) => {
      const handler = (handlers as Partial<Record<IpcChannelName, (e: unknown, a: unknown) => Promise<unknown>>>)[channel];
      return handler ? { ok: true, value: await handler(appFileEvent(), args) } : { ok: false, error: { code: 'internal', message: 'no handler' } };
    }, { platform: 'linux', version: '0.0.0' });
    const programs = await bridge.games!.runningPrograms();
    expect(programs).toContainEqual({ name: 'MyEmulator', executable: program, pid: child.pid });
    expect(await bridge.games!.detected()).toEqual([]);

    games.registered = [{ name: 'My Emulator', executable: program }];
    await detector.scanOnce();
    const detected = await bridge.games!.detected();
    expect(detected).toEqual([expect.objectContaining({ applicationId: null, id: program, name: 'My Emulator', executable: program, pid: child.pid, hidden: false })]);

    games.hidden = [program];
    await detector.scanOnce();
    expect((await bridge.games!.detected())[0]?.hidden).toBe(true);
  });

  it('refuses a foreign sender and unexpected arguments', async () => {
    const handlers = createGamesIpcHandlers({ policy: createTestPolicy(), games: NO_GAMES });
    await expect(handlers[IpcChannel.gamesDetected](foreignOriginEvent(), [])).rejects.toBeInstanceOf(IpcError);
    await expect(handlers[IpcChannel.gamesRunningPrograms](appFileEvent(), ['extra'])).rejects.toBeInstanceOf(IpcError);
    await expect(handlers[IpcChannel.gamesRunningPrograms](appFileEvent(), [])).resolves.toEqual([]);
  });
});
