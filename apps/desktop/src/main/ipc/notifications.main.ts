// IPC handler for `concord.notifications.show`. The renderer decides what deserves a notification
// (a mention or DM while unfocused, per the user's settings); main only shows it through the OS.
import { z } from 'zod';
import { IpcChannel } from '../../shared/ipcChannels.ts';
import { defineIpcHandler, type IpcHandler } from './defineIpcHandler.main.ts';
import type { IpcSenderPolicy } from './IpcSenderPolicy.main.ts';
import { snowflakeArgSchema } from './ipcArgumentSchemas.main.ts';

export interface DesktopNotification {
  title: string;
  body: string;
  channelId: string;
}

/** What main.main.ts implements with Electron's Notification; a fake in tests. */
export interface NotificationPort {
  show(notification: DesktopNotification): void;
}

export const NOTIFICATION_TITLE_MAX_LENGTH = 256;
export const NOTIFICATION_BODY_MAX_LENGTH = 4096;

const showArgs = z.tuple([
  z
    .object({
      title: z.string().min(1).max(NOTIFICATION_TITLE_MAX_LENGTH),
      body: z.string().max(NOTIFICATION_BODY_MAX_LENGTH),
      channelId: snowflakeArgSchema,
    })
    .strict(),
]);

export function createNotificationIpcHandlers({ policy, notifications }: { policy: IpcSenderPolicy; notifications: NotificationPort }) {
  return {
    [IpcChannel.notificationsShow]: defineIpcHandler(policy, {
      channel: IpcChannel.notificationsShow,
      args: showArgs,
      handle: ([notification]): void => notifications.show(notification),
    }),
  } satisfies Record<string, IpcHandler>;
}
