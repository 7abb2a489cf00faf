// The games part of the DesktopBridge: what the desktop's game detection sees, for the Registered
// Games settings page ("Add it!" picks a running program; detected games can be hidden). Absent in
// the web build: a browser cannot see the machine's processes (the page says so).
import type { IpcChannelName } from './ipcChannels.ts';
import { IpcChannel } from './ipcChannels.ts';

/** A game running now, as services/detection's GameDetector reports it. */
export interface DetectedGameInfo {
  /** The detectable application's id; null for a program registered by hand. */
  readonly applicationId: string | null;
  /** What settings.games.hidden and overlay.disabledGames name it by: the application id or the registered executable. */
  readonly id: string;
  readonly name: string;
  readonly executable: string;
  readonly pid: number;
  /** Epoch milliseconds when it was first seen running. */
  readonly startedAt: number;
  /** Listed in settings.games.hidden: detected but never shown as an activity. */
  readonly hidden: boolean;
}

/** A running program "Add it!" can register as a game. */
export interface RunningProgramInfo {
  /** The file name without its extension: a first guess at the game's name. */
  readonly name: string;
  /** The path to store in settings.games.registered. */
  readonly executable: string;
  readonly pid: number;
}

export interface DesktopGamesBridge {
  /** The programs running at the last scan, one per executable, by name. */
  runningPrograms(): Promise<RunningProgramInfo[]>;
  /** The games running at the last scan (hidden ones included, flagged). */
  detected(): Promise<DetectedGameInfo[]>;
}

export function createGamesBridge(call: <T>(channel: IpcChannelName, args: readonly unknown[]) => Promise<T>): DesktopGamesBridge {
  return Object.freeze({
    runningPrograms: () => call<RunningProgramInfo[]>(IpcChannel.gamesRunningPrograms, []),
    detected: () => call<DetectedGameInfo[]>(IpcChannel.gamesDetected, []),
  });
}
