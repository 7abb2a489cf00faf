// `@concord/desktop/testing/bridge`: the in-page half of `@concord/desktop/testing`, safe to bundle
// for a browser page (no Node modules): builds `window.concord` over any transport, and the IPC
// channel names it speaks. Init scripts of benchmarks and tests import it.
export { createDesktopBridge } from '../src/preload/createDesktopBridge.ts';
export { ALL_IPC_CHANNELS, IpcChannel, type IpcChannelName } from '../src/shared/ipcChannels.ts';
