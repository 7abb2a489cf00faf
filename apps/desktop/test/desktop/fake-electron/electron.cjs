// A recording stand-in for the parts of Electron that main.main.ts touches, so the real bundled
// main process can run under plain Node. When the app window loads, it drives a scenario through
// what main registered (IPC handlers, CSP hook, navigation hooks, permission handler) and writes
// what happened to FAKE_ELECTRON_REPORT, then exits. Test-only.
const { EventEmitter } = require('node:events');
const { writeFileSync } = require('node:fs');
const { pathToFileURL } = require('node:url');

const record = { windows: [], ipcChannels: [], ipcListeners: [], loaded: null, trayIcon: null, externalOpened: [], warnings: [], desktopCapturerCalls: [] };
const ipcHandlers = new Map();
let headersHook = null;
let permissionRequestHandler = null;
const appEvents = new EventEmitter();

const app = Object.assign(appEvents, {
  requestSingleInstanceLock: () => true,
  whenReady: () => Promise.resolve(),
  getAppPath: () => process.env.FAKE_APP_PATH,
  getPath: (name) => {
    if (name !== 'userData') throw new Error(`unexpected getPath(${name})`);
    return record.userData;
  },
  setPath: (name, value) => {
    if (name === 'userData') record.userData = value;
  },
  getVersion: () => '9.9.9',
  setBadgeCount: (count) => {
    record.badge = count;
    return true;
  },
  quit: () => {},
  exit: (code) => process.exit(code),
});

class FakeWebContents extends EventEmitter {
  constructor(id, calls) {
    super();
    this.id = id;
    this.windowOpenHandler = null;
    this.calls = calls;
  }
  send(channel, payload) {
    this.calls.push(['webContents.send', channel, payload]);
  }
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler;
  }
}

let nextWebContentsId = 7;
// Every window records its constructor options and, in order, the calls made on it (the overlay
// test asserts both); under the smoke test (FAKE_ELECTRON_REPORT set) the first window's load runs
// the app scenario below.
class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    this.calls = [];
    this.destroyed = false;
    this.webContents = new FakeWebContents(nextWebContentsId++, this.calls);
    record.windows.push({ webPreferences: options.webPreferences, show: options.show, options, calls: this.calls });
    // Electron emits this for every webContents it creates.
    setImmediate(() => appEvents.emit('web-contents-created', {}, this.webContents));
  }
  async loadFile(path, options) {
    this.calls.push(['loadFile', pathToFileURL(path).href, options]);
    if (record.loaded !== null) return;
    record.loaded = { kind: 'file', url: pathToFileURL(path).href };
    if (process.env.FAKE_ELECTRON_REPORT) setImmediate(() => runScenario(this).catch(fail));
  }
  async loadURL(url) {
    this.calls.push(['loadURL', url]);
    if (record.loaded !== null) return;
    record.loaded = { kind: 'url', url };
    if (process.env.FAKE_ELECTRON_REPORT) setImmediate(() => runScenario(this).catch(fail));
  }
  show() {
    this.calls.push(['show']);
  }
  showInactive() {
    this.calls.push(['showInactive']);
  }
  hide() {
    this.calls.push(['hide']);
  }
  focus() {
    this.calls.push(['focus']);
  }
  blur() {
    this.calls.push(['blur']);
  }
  restore() {}
  destroy() {
    this.calls.push(['destroy']);
    this.destroyed = true;
    this.emit('closed');
  }
  isDestroyed() {
    return this.destroyed;
  }
  isMinimized() {
    return false;
  }
  isFocused() {
    return true;
  }
  setAlwaysOnTop(flag, level) {
    this.calls.push(['setAlwaysOnTop', flag, level]);
  }
  setVisibleOnAllWorkspaces(flag, options) {
    this.calls.push(['setVisibleOnAllWorkspaces', flag, options]);
  }
  setIgnoreMouseEvents(ignore, options) {
    this.calls.push(options === undefined ? ['setIgnoreMouseEvents', ignore] : ['setIgnoreMouseEvents', ignore, options]);
  }
  setFocusable(focusable) {
    this.calls.push(['setFocusable', focusable]);
  }
  setBounds(bounds) {
    this.calls.push(['setBounds', bounds]);
  }
}

class Tray extends EventEmitter {
  constructor(image) {
    super();
    record.trayIcon = image;
  }
  setToolTip(text) {
    record.trayTooltip = text;
  }
  setContextMenu(menu) {
    record.trayMenu = menu.map((item) => item.label ?? item.type);
  }
}

// desktopCapturer: two screens and a window as Electron lists them (ids `screen:N:0` /
// `window:N:0`, NativeImage thumbnails; the second screen's is empty), plus what a compromised or
// buggy capturer could hand main: an id that is not a source id and a thumbnail that is not a PNG.
const PNG_1X1 = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const thumbnail = (dataUrl) => ({ toDataURL: () => dataUrl, isEmpty: () => dataUrl === '' });
const desktopCapturer = {
  getSources: async (options) => {
    record.desktopCapturerCalls.push(options);
    return [
      { id: 'screen:0:0', name: 'Entire Screen', thumbnail: thumbnail(PNG_1X1), display_id: '1', appIcon: null },
      { id: 'screen:1:0', name: 'Screen 2', thumbnail: thumbnail(''), display_id: '2', appIcon: null },
      { id: 'window:4242:0', name: 'Fake Game — Level 1', thumbnail: thumbnail(PNG_1X1), display_id: '', appIcon: null },
      { id: 'javascript:alert(1)', name: 'not a source', thumbnail: thumbnail(PNG_1X1), display_id: '', appIcon: null },
      { id: 'window:7:0', name: 'SVG thumbnail', thumbnail: thumbnail('data:image/svg+xml;base64,PHN2Zy8+'), display_id: '', appIcon: null },
    ];
  },
};

module.exports = {
  app,
  desktopCapturer,
  BrowserWindow,
  Tray,
  Menu: { buildFromTemplate: (template) => template },
  screen: { getPrimaryDisplay: () => ({ bounds: { x: 0, y: 0, width: 1920, height: 1080 } }) },
  nativeImage: { createFromBitmap: (buffer, size) => ({ bytes: buffer.length, ...size }) },
  Notification: Object.assign(class { show() {} }, { isSupported: () => false }),
  session: {
    defaultSession: {
      webRequest: { onHeadersReceived: (hook) => (headersHook = hook) },
      setPermissionRequestHandler: (handler) => (permissionRequestHandler = handler),
      setPermissionCheckHandler: () => {},
    },
  },
  shell: { openExternal: async (url) => record.externalOpened.push(url) },
  ipcMain: {
    handle: (channel, handler) => {
      record.ipcChannels.push(channel);
      ipcHandlers.set(channel, handler);
    },
    removeHandler: (channel) => ipcHandlers.delete(channel),
    // Plain listeners (the voice pipeline's MessagePort arrives this way).
    on: (channel) => record.ipcListeners.push(channel),
  },
};

async function runScenario(window) {
  const appUrl = record.loaded.url;
  const fromApp = { sender: { id: window.webContents.id }, senderFrame: { url: appUrl, parent: null } };
  const fromElsewhere = { sender: { id: window.webContents.id }, senderFrame: { url: 'https://evil.example/', parent: null } };
  const invoke = (event, channel, ...args) => ipcHandlers.get(channel)(event, ...args);
  const channelId = '1200000000000000001';
  const message = { id: '1300000000000000001', channel_id: channelId, content: 'hello from the fake renderer' };

  record.ipc = {
    put: await invoke(fromApp, 'concord:cache:put-messages', channelId, [message]),
    get: await invoke(fromApp, 'concord:cache:get-messages', channelId, 50),
    stats: await invoke(fromApp, 'concord:cache:stats'),
    foreign: await invoke(fromElsewhere, 'concord:cache:get-messages', channelId, 50),
    malformed: await invoke(fromApp, 'concord:cache:get-messages', channelId, 'fifty'),
    settings: await invoke(fromApp, 'concord:settings:get'),
    badge: await invoke(fromApp, 'concord:window:set-badge-count', 3),
    hotkeys: await invoke(fromApp, 'concord:hotkeys:status'),
    speakingMalformed: await invoke(fromApp, 'concord:overlay:publish-speaking', ['not-a-snowflake']),
    screenSources: await invoke(fromApp, 'concord:screen-capture:list-sources'),
    screenSourcesForeign: await invoke(fromElsewhere, 'concord:screen-capture:list-sources'),
    screenSourcesMalformed: await invoke(fromApp, 'concord:screen-capture:list-sources', 'screen:0:0'),
  };
  record.rpc = await signInWithGameWaiting(invoke, fromApp, fromElsewhere);

  await new Promise((resolve) => {
    headersHook({ resourceType: 'mainFrame', url: appUrl, responseHeaders: {} }, (response) => {
      record.csp = response.responseHeaders?.['Content-Security-Policy']?.[0] ?? null;
      resolve();
    });
  });

  const navigations = {};
  for (const url of [appUrl, 'https://example.com/page', 'file:///etc/passwd']) {
    let prevented = false;
    window.webContents.emit('will-navigate', { url, preventDefault: () => (prevented = true) });
    navigations[url] = prevented ? 'prevented' : 'allowed';
  }
  record.navigations = navigations;
  record.windowOpen = window.webContents.windowOpenHandler({ url: 'https://example.com/popup' });

  const permission = (url, name) => new Promise((resolve) => permissionRequestHandler(window.webContents, name, resolve, { requestingUrl: url }));
  record.permissions = {
    appNotifications: await permission(appUrl, 'notifications'),
    appGeolocation: await permission(appUrl, 'geolocation'),
    foreignMedia: await permission('https://evil.example/', 'media'),
  };

  await new Promise((resolve) => setTimeout(resolve, 20)); // let openExternal promises settle
  writeFileSync(process.env.FAKE_ELECTRON_REPORT, JSON.stringify(record, null, 2));
  appEvents.emit('will-quit');
  process.exit(0);
}

// A game connects to main's discord-ipc-0 before anyone signs in: it gets no READY until the app
// window reports the session (concord:activity:set-session), then READY names that user.
async function signInWithGameWaiting(invoke, fromApp, fromElsewhere) {
  const { createConnection } = require('node:net');
  const { join } = require('node:path');
  const frame = (op, payload) => {
    const json = Buffer.from(JSON.stringify(payload));
    const header = Buffer.alloc(8);
    header.writeInt32LE(op, 0);
    header.writeInt32LE(json.length, 4);
    return Buffer.concat([header, json]);
  };
  const socket = createConnection(join(process.env.XDG_RUNTIME_DIR, 'discord-ipc-0'));
  let received = Buffer.alloc(0);
  socket.on('data', (chunk) => (received = Buffer.concat([received, chunk])));
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(frame(0, { v: 1, client_id: '1200000000000000001' }));
  await new Promise((resolve) => setTimeout(resolve, 200));
  const bytesBeforeSignIn = received.length;
  const user = { id: '1100000000000000001', username: 'smoke', discriminator: '0', global_name: 'Smoke', avatar: null, bot: false, flags: 0, premium_type: 0 };
  const session = { user, apiBaseUrl: 'http://127.0.0.1:9/api/v9' };
  const foreign = await invoke(fromElsewhere, 'concord:activity:set-session', session);
  const signedIn = await invoke(fromApp, 'concord:activity:set-session', session);
  for (let i = 0; i < 100 && received.length < 8; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  const ready = received.length >= 8 ? JSON.parse(received.subarray(8, 8 + received.readInt32LE(4)).toString()) : null;
  socket.destroy();
  return { bytesBeforeSignIn, foreign, signedIn, ready };
}

function fail(error) {
  console.error(error);
  process.exit(3);
}
