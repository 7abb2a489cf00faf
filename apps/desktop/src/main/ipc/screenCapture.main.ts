// IPC handler for `concord.screenCapture.listSources`: the screens and windows Go Live may share,
// from Electron's desktopCapturer (desktopCapturerPort below; a fake in tests, since Electron cannot
// run here). Takes no arguments; answers ids, names and small PNG thumbnails only.
import { z } from 'zod';
import { IpcChannel } from '../../shared/ipcChannels.ts';
import { parseScreenCaptureSources, type ScreenCaptureSource } from '../../shared/screenCaptureBridge.ts';
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

/** Small thumbnails: a picker tile is 16:9 and a PNG of this size stays well under the parser's cap. */
export const THUMBNAIL_SIZE = { width: 320, height: 180 } as const;

export function desktopCapturerPort(capturer: DesktopCapturerLike): ScreenCapturePort {
  return {
    // Through the same parser as the preload: only source ids chromeMediaSourceId takes and PNG
    // thumbnails leave main, whatever the capturer (or a platform quirk) hands back.
    listSources: async () =>
      parseScreenCaptureSources(
        (await capturer.getSources({ types: ['screen', 'window'], thumbnailSize: THUMBNAIL_SIZE })).map((s) => ({
          id: s.id,
          name: s.name,
          thumbnailDataUrl: s.thumbnail.isEmpty() ? '' : s.thumbnail.toDataURL(),
        })),
      ),
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
