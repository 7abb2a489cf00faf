// Creates the app window with Electron's security settings pinned (and asserted by the type of
// APP_WEB_PREFERENCES), and loads either the bundled renderer build or the configured server.
import { BrowserWindow, type WebPreferences } from 'electron';
import { APP_VERSION_ARGUMENT } from '../shared/preloadArguments.ts';

/** The settings that make the renderer an ordinary, sandboxed web page. Do not loosen. */
export const APP_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: true,
} as const satisfies WebPreferences;

export type AppLocation = { kind: 'file'; indexPath: string } | { kind: 'url'; url: string };

export interface AppWindowOptions {
  preloadPath: string;
  appVersion: string;
}

export function createAppWindow({ preloadPath, appVersion }: AppWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 940,
    minHeight: 500,
    show: false,
    title: 'Concord',
    backgroundColor: '#313338',
    autoHideMenuBar: true,
    webPreferences: { ...APP_WEB_PREFERENCES, preload: preloadPath, additionalArguments: [`${APP_VERSION_ARGUMENT}${appVersion}`] },
  });
  window.once('ready-to-show', () => window.show());
  return window;
}

export async function loadApp(window: BrowserWindow, location: AppLocation): Promise<void> {
  switch (location.kind) {
    case 'file':
      return window.loadFile(location.indexPath);
    case 'url':
      return window.loadURL(location.url);
    default:
      throw new Error(`unknown app location ${JSON.stringify(location satisfies never)}`);
  }
}
