// Init-script entry for bench/desktop-paint.ts: window.concord exactly as in the e2e harness
// (createDesktopBridge over the Playwright binding), plus one switch for the benchmark: channels
// handed to `__concordBenchPreload` answer cache.getMessages from an in-page copy (structured-cloned
// per call, like an IPC reply) instead of the binding. That isolates the renderer's own cost
// (store update, React render, layout, paint) from the stand-in transport, whose CDP round trip
// is far slower than Electron's IPC.
import { createDesktopBridge, IpcChannel, type IpcChannelName } from '@concord/desktop/testing/bridge';

type Invoke = (channel: IpcChannelName, args: readonly unknown[]) => Promise<unknown>;
const host = globalThis as unknown as { __concordIpc?: Invoke; __concordBenchPreload?: (channelId: string, rows: unknown[]) => void };

const preloaded = new Map<string, unknown[]>();
host.__concordBenchPreload = (channelId, rows) => void preloaded.set(channelId, rows);

const invoke: Invoke = async (channel, args) => {
  const channelId = args[0];
  if (channel === IpcChannel.cacheGetMessages && typeof channelId === 'string') {
    const rows = preloaded.get(channelId);
    if (rows !== undefined) return { ok: true, value: structuredClone(rows) };
  }
  if (host.__concordIpc === undefined) throw new Error('the desktop bridge binding is not installed');
  return host.__concordIpc(channel, args);
};

Object.defineProperty(globalThis, 'concord', {
  value: createDesktopBridge(invoke, { platform: 'linux', version: 'bench' }),
  writable: false,
  configurable: false,
  enumerable: true,
});
