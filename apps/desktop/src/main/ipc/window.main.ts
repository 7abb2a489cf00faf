// IPC handlers for `concord.window.*`: focus state (the renderer only notifies when unfocused) and
// the unread badge (dock/taskbar count and tray tooltip).
import { z } from 'zod';
import { IpcChannel } from '../../shared/ipcChannels.ts';
import { defineIpcHandler, type IpcHandler } from './defineIpcHandler.main.ts';
import type { IpcSenderPolicy } from './IpcSenderPolicy.main.ts';

/** What main.main.ts implements with BrowserWindow/app/Tray; a fake in tests. */
export interface WindowPort {
  isFocused(): boolean;
  setBadgeCount(count: number): void;
}

export const BADGE_COUNT_MAX = 99_999;

export function createWindowIpcHandlers({ policy, window }: { policy: IpcSenderPolicy; window: WindowPort }) {
  return {
    [IpcChannel.windowIsFocused]: defineIpcHandler(policy, {
      channel: IpcChannel.windowIsFocused,
      args: z.tuple([]),
      handle: (): boolean => window.isFocused(),
    }),
    [IpcChannel.windowSetBadgeCount]: defineIpcHandler(policy, {
      channel: IpcChannel.windowSetBadgeCount,
      args: z.tuple([z.number().int().min(0).max(BADGE_COUNT_MAX)]),
      handle: ([count]): void => window.setBadgeCount(count),
    }),
  } satisfies Record<string, IpcHandler>;
}
