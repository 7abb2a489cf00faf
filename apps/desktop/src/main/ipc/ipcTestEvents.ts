// Event-like objects for handler tests: what Electron's IpcMainInvokeEvent would carry for the app
// window, for a foreign page, for a subframe, and so on. Test-only.
import { pathToFileURL } from 'node:url';
import { IpcSenderPolicy, type IpcSenderEvent } from './IpcSenderPolicy.main.ts';

export const TEST_RENDERER_ROOT = '/opt/Concord/resources/app.asar/dist/web';
export const TEST_APP_URL = 'http://127.0.0.1:3000';
export const APP_WEB_CONTENTS_ID = 1;
const APP_INDEX_URL = `${pathToFileURL(`${TEST_RENDERER_ROOT}/index.html`).href}#/channels/@me`;

export function createTestPolicy(): IpcSenderPolicy {
  const policy = new IpcSenderPolicy({ rendererRoot: TEST_RENDERER_ROOT, appUrl: TEST_APP_URL });
  policy.trustWebContents(APP_WEB_CONTENTS_ID);
  return policy;
}

export function eventFrom(url: string, options: { webContentsId?: number; subframe?: boolean } = {}): IpcSenderEvent {
  return {
    sender: { id: options.webContentsId ?? APP_WEB_CONTENTS_ID },
    senderFrame: { url, parent: options.subframe === true ? { url: APP_INDEX_URL } : null },
  };
}

/** The app's own window showing the file:// renderer build. */
export const appFileEvent = (): IpcSenderEvent => eventFrom(APP_INDEX_URL);
/** The app's own window showing the configured server's web client. */
export const appUrlEvent = (): IpcSenderEvent => eventFrom(`${TEST_APP_URL}/channels/1/2`);
export const foreignOriginEvent = (): IpcSenderEvent => eventFrom('https://evil.example/phish');
