// Bundled (esbuild, IIFE) into the init script of every page in the desktop e2e tests. It is the
// stand-in for the Electron preload, which cannot run without the Electron binary: the same
// createDesktopBridge builds `window.concord`, but its invoke goes to a Playwright binding
// (`__concordIpc`) backed by the real IPC handlers and the real services in the test process,
// instead of to ipcRenderer. Test-only.
import { createDesktopBridge } from '../../../src/preload/createDesktopBridge.ts';
import type { IpcChannelName } from '../../../src/shared/ipcChannels.ts';

type Invoke = (channel: IpcChannelName, args: readonly unknown[]) => Promise<unknown>;

declare const __CONCORD_BRIDGE_INFO__: { platform: string; version: string };

const host = globalThis as unknown as { __concordIpc?: Invoke; concord?: unknown };
const invoke: Invoke = (channel, args) => {
  if (host.__concordIpc === undefined) return Promise.reject(new Error('the desktop bridge binding is not installed'));
  return host.__concordIpc(channel, args);
};
Object.defineProperty(globalThis, 'concord', {
  value: createDesktopBridge(invoke, __CONCORD_BRIDGE_INFO__),
  writable: false,
  configurable: false,
  enumerable: true,
});
