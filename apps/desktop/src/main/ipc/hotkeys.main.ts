// IPC handlers for `concord.hotkeys.*` and `concord.overlay.*`: the global hook's status for the
// Keybinds page, the app window's speaking list relayed to the overlay, and the overlay's own lock
// button. The pushes the other way (hotkey actions, overlay state) go by webContents.send from
// main.main.ts. Every argument is parsed here, once.
import { z } from 'zod';
import type { HotkeysStatus } from '../../shared/hotkeysBridge.ts';
import { IpcChannel } from '../../shared/ipcChannels.ts';
import { defineIpcHandler, type IpcHandler } from './defineIpcHandler.main.ts';
import type { IpcSenderPolicy } from './IpcSenderPolicy.main.ts';
import { snowflakeArgSchema } from './ipcArgumentSchemas.main.ts';

/** What main.main.ts implements with GlobalHotkeys and the OverlayController; a fake in tests. */
export interface HotkeysPort {
  status(): HotkeysStatus;
  publishSpeaking(userIds: readonly string[]): void;
  setOverlayInteractive(interactive: boolean): void;
}

/** A voice channel holds at most 99 members (Discord's user limit); more is not a speaking list. */
const SPEAKING_MAX = 99;

export function createHotkeysIpcHandlers({ policy, hotkeys }: { policy: IpcSenderPolicy; hotkeys: HotkeysPort }) {
  return {
    [IpcChannel.hotkeysStatus]: defineIpcHandler(policy, {
      channel: IpcChannel.hotkeysStatus,
      args: z.tuple([]),
      handle: (): HotkeysStatus => hotkeys.status(),
    }),
    [IpcChannel.overlayPublishSpeaking]: defineIpcHandler(policy, {
      channel: IpcChannel.overlayPublishSpeaking,
      args: z.tuple([z.array(snowflakeArgSchema).max(SPEAKING_MAX)]),
      handle: ([userIds]): void => hotkeys.publishSpeaking(userIds),
    }),
    [IpcChannel.overlaySetInteractive]: defineIpcHandler(policy, {
      channel: IpcChannel.overlaySetInteractive,
      args: z.tuple([z.boolean()]),
      handle: ([interactive]): void => hotkeys.setOverlayInteractive(interactive),
    }),
  } satisfies Record<string, IpcHandler>;
}
