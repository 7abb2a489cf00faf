// IPC handlers for `concord.games.*`: the game detector's view for the Registered Games page. Both
// calls take no arguments (parsed as empty tuples) and answer from the detector's last scan.
import { z } from 'zod';
import type { DetectedGameInfo, RunningProgramInfo } from '../../shared/gamesBridge.ts';
import { IpcChannel } from '../../shared/ipcChannels.ts';
import { defineIpcHandler, type IpcHandler } from './defineIpcHandler.main.ts';
import type { IpcSenderPolicy } from './IpcSenderPolicy.main.ts';

/** What services/detection's GameDetector does for these handlers. */
export interface GamesPort {
  runningPrograms(): readonly RunningProgramInfo[];
  readonly games: readonly DetectedGameInfo[];
}

/** Without a detector (not started yet, or failed): nothing runs, nothing detected. */
export const NO_GAMES: GamesPort = { runningPrograms: () => [], games: [] };

export function createGamesIpcHandlers({ policy, games }: { policy: IpcSenderPolicy; games: GamesPort }) {
  return {
    [IpcChannel.gamesRunningPrograms]: defineIpcHandler(policy, {
      channel: IpcChannel.gamesRunningPrograms,
      args: z.tuple([]),
      handle: (): RunningProgramInfo[] => [...games.runningPrograms()],
    }),
    [IpcChannel.gamesDetected]: defineIpcHandler(policy, {
      channel: IpcChannel.gamesDetected,
      args: z.tuple([]),
      handle: (): DetectedGameInfo[] => [...games.games],
    }),
  } satisfies Record<string, IpcHandler>;
}
