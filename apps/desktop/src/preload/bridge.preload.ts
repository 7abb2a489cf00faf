// The Electron preload: exposes the typed DesktopBridge as `window.concord` and nothing else (never
// ipcRenderer itself). Runs sandboxed, so it is bundled to one CommonJS file that only requires
// 'electron'; the app version arrives in process.argv through webPreferences.additionalArguments.
import { contextBridge, ipcRenderer } from 'electron';
import { VOICE_PORT_CHANNEL } from '../shared/ipcChannels.ts';
import { APP_VERSION_ARGUMENT } from '../shared/preloadArguments.ts';
import { VOICE_PORT_WINDOW_MESSAGE } from '../shared/voiceBridge.ts';
import { createDesktopBridge } from './createDesktopBridge.ts';

const versionArgument = process.argv.find((argument) => argument.startsWith(APP_VERSION_ARGUMENT));

contextBridge.exposeInMainWorld(
  'concord',
  createDesktopBridge((channel, args) => ipcRenderer.invoke(channel, ...args), {
    platform: process.platform,
    version: versionArgument === undefined ? '0.0.0' : versionArgument.slice(APP_VERSION_ARGUMENT.length),
    // The native voice pipeline's frame port: one end to main, the other to the page (a port cannot
    // cross contextBridge, so it goes by window.postMessage to this window's own origin).
    openVoicePort: () => {
      const { port1, port2 } = new MessageChannel();
      ipcRenderer.postMessage(VOICE_PORT_CHANNEL, null, [port2]);
      window.postMessage({ type: VOICE_PORT_WINDOW_MESSAGE }, window.location.origin === 'null' ? '*' : window.location.origin, [port1]);
    },
    // Hotkey actions and overlay state pushed by main; the page gets the payload, never the event.
    subscribe: (channel, listener) => {
      const onMessage = (_event: unknown, payload: unknown) => listener(payload);
      ipcRenderer.on(channel, onMessage);
      return () => ipcRenderer.off(channel, onMessage);
    },
  }),
);
