// The Electron preload: exposes the typed DesktopBridge as `window.concord` and nothing else (never
// ipcRenderer itself). Runs sandboxed, so it is bundled to one CommonJS file that only requires
// 'electron'; the app version arrives in process.argv through webPreferences.additionalArguments.
import { contextBridge, ipcRenderer } from 'electron';
import { APP_VERSION_ARGUMENT } from '../shared/preloadArguments.ts';
import { createDesktopBridge } from './createDesktopBridge.ts';

const versionArgument = process.argv.find((argument) => argument.startsWith(APP_VERSION_ARGUMENT));

contextBridge.exposeInMainWorld(
  'concord',
  createDesktopBridge((channel, args) => ipcRenderer.invoke(channel, ...args), {
    platform: process.platform,
    version: versionArgument === undefined ? '0.0.0' : versionArgument.slice(APP_VERSION_ARGUMENT.length),
  }),
);
