// Init script for the overlay screenshot test: window.concord from the same createDesktopBridge as
// the Electron preload, invoke over the Playwright binding (as bindingBridge.entry.ts), and the
// preload's `subscribe` (ipcRenderer.on in Electron) over a window event the test dispatches in
// place of main's webContents.send. Test-only.
import { createDesktopBridge } from '../../../src/preload/createDesktopBridge.ts';
import type { IpcChannelName } from '../../../src/shared/ipcChannels.ts';

type Invoke = (channel: IpcChannelName, args: readonly unknown[]) => Promise<unknown>;

declare const __CONCORD_BRIDGE_INFO__: { platform: string; version: string };

/** The window event standing in for webContents.send: `detail` is `{ channel, payload }`. */
export const PUSH_EVENT = 'concord-test-push';

const host = globalThis as unknown as { __concordIpc?: Invoke };
const invoke: Invoke = (channel, args) => {
  if (host.__concordIpc === undefined) return Promise.reject(new Error('the desktop bridge binding is not installed'));
  return host.__concordIpc(channel, args);
};
Object.defineProperty(globalThis, 'concord', {
  value: createDesktopBridge(invoke, {
    ...__CONCORD_BRIDGE_INFO__,
    subscribe: (channel, listener) => {
      const onPush = (event: Event) => {
        const detail: unknown = event instanceof CustomEvent ? event.detail : null;
        if (typeof detail === 'object' && detail !== null && 'channel' in detail && 'payload' in detail && detail.channel === channel) listener(detail.payload);
      };
      window.addEventListener(PUSH_EVENT, onPush);
      return () => window.removeEventListener(PUSH_EVENT, onPush);
    },
  }),
  writable: false,
  configurable: false,
  enumerable: true,
});
