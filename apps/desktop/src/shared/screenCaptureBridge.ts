// The screen-capture part of the DesktopBridge: the screens and windows Electron's desktopCapturer
// offers for Go Live (the renderer shows them in its picker and passes the chosen id to
// getUserMedia's chromeMediaSource constraints). Absent in the web build: getDisplayMedia instead.
import type { IpcChannelName } from './ipcChannels.ts';
import { IpcChannel } from './ipcChannels.ts';

/** A capturable screen or window, as main lists it. */
export interface ScreenCaptureSource {
  /** desktopCapturer's id (`screen:N:0` / `window:N:0`): what chromeMediaSourceId takes. */
  readonly id: string;
  readonly name: string;
  readonly kind: 'screen' | 'window';
  /** A small PNG data: URL of the source, '' when there is none. */
  readonly thumbnailDataUrl: string;
}

export interface DesktopScreenCaptureBridge {
  listSources(): Promise<ScreenCaptureSource[]>;
}

const SOURCE_ID = /^(screen|window):[0-9]{1,20}:[0-9]{1,20}$/;

/** Whether `id` has the shape of a desktopCapturer source id (what chromeMediaSourceId accepts). */
export const isScreenCaptureSourceId = (id: string): boolean => SOURCE_ID.test(id);
const MAX_SOURCES = 64;

/** Checks what crossed the IPC boundary once: a list of sources with sane ids, names and thumbnails; anything else drops. */
export function parseScreenCaptureSources(x: unknown): ScreenCaptureSource[] {
  if (!Array.isArray(x)) return [];
  const out: ScreenCaptureSource[] = [];
  for (const s of x.slice(0, MAX_SOURCES)) {
    if (typeof s !== 'object' || s === null) continue;
    const id: unknown = Reflect.get(s, 'id');
    const name: unknown = Reflect.get(s, 'name');
    const thumb: unknown = Reflect.get(s, 'thumbnailDataUrl');
    if (typeof id !== 'string' || !SOURCE_ID.test(id) || typeof name !== 'string') continue;
    const thumbnailDataUrl = typeof thumb === 'string' && thumb.startsWith('data:image/png;base64,') && thumb.length < 512 * 1024 ? thumb : '';
    out.push({ id, name: name.slice(0, 200), kind: id.startsWith('screen:') ? 'screen' : 'window', thumbnailDataUrl });
  }
  return out;
}

export function createScreenCaptureBridge(call: <T>(channel: IpcChannelName, args: readonly unknown[]) => Promise<T>): DesktopScreenCaptureBridge {
  return Object.freeze({
    listSources: async () => parseScreenCaptureSources(await call<unknown>(IpcChannel.screenCaptureListSources, [])),
  });
}
