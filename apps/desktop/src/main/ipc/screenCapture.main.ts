// IPC handler for `concord.screenCapture.listSources`: the screens and windows Go Live may share,
// from Electron's desktopCapturer (desktopCapturerPort below; a fake in tests, since Electron cannot
// run here). Takes no arguments; answers ids, names and small PNG thumbnails only.
import { z } from 'zod';
import { IpcChannel } from '../../shared/ipcChannels.ts';
import type { ScreenCaptureSource } from '../../shared/screenCaptureBridge.ts';
import { defineIpcHandler, type IpcHandler } from './defineIpcHandler.main.ts';
import type { IpcSenderPolicy } from './IpcSenderPolicy.main.ts';

export interface ScreenCapturePort {
  listSources(): Promise<ScreenCaptureSource[]>;
}

/** Without desktopCapturer (tests, a platform without it): nothing to share. */
export const NO_SCREEN_CAPTURE: ScreenCapturePort = { listSources: () => Promise.resolve([]) };

/** The slice of Electron's desktopCapturer this port uses. */
export interface DesktopCapturerLike {
  getSources(options: { types: ('screen' | 'window')[]; thumbnailSize: { width: number; height: number } }): Promise<{ id: string; name: string; thumbnail: { toDataURL(): string; isEmpty(): boolean } }[]>;
}

export function desktopCapturerPort(capturer: DesktopCapturerLike): ScreenCapturePort {
  return {
    listSources: async () =>
      (await capturer.getSources({ types: ['screen', 'window'], thumbnailSize: { width: 320, height: 180 } })).map((s) => ({
        id: s.id,
        name: s.name,
        kind: s.id.startsWith('screen:') ? 'screen' : 'window',
        thumbnailDataUrl: s.thumbnail.isEmpty() ? '' : s.thumbnail.toDataURL(),
      })),
  };
}

export function createScreenCaptureIpcHandlers({ policy, screenCapture }: { policy: IpcSenderPolicy; screenCapture: ScreenCapturePort }) {
  return {
    [IpcChannel.screenCaptureListSources]: defineIpcHandler(policy, {
      channel: IpcChannel.screenCaptureListSources,
      args: z.tuple([]),
      handle: (): Promise<ScreenCaptureSource[]> => screenCapture.listSources(),
    }),
  } satisfies Record<string, IpcHandler>;
}
