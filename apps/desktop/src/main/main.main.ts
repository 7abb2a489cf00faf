// The Electron main process: one app window, a tray icon, OS notifications, and the IPC handlers
// that connect the renderer to the local services. Thin on purpose: the logic lives in plain,
// tested modules (services/*, ipc/*, navigationPolicy, contentSecurityPolicy); this file only wires
// them to Electron. It cannot run on machines without the Electron binary; it is type-checked.
import { app, BrowserWindow, desktopCapturer, Menu, nativeImage, Notification, screen, session, Tray } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openMessageCacheOrReset } from '../services/cache/openMessageCache.ts';
import type { MessageCache } from '../services/cache/MessageCache.ts';
import { SettingsStore } from '../services/settings/SettingsStore.ts';
import { VoicePipelineHost } from '../services/voice/VoicePipelineHost.ts';
import { DETECTED_GAMES_SOURCE, detectedGameActivities } from '../services/detection/detectedGameActivities.ts';
import { startGameDetection } from '../services/detection/startGameDetection.ts';
import { GlobalHotkeys } from '../services/hotkeys/GlobalHotkeys.ts';
import { routeHotkey } from '../services/hotkeys/routeHotkey.ts';
import { HOTKEY_EVENT_CHANNEL, type HotkeyEvent } from '../shared/hotkeysBridge.ts';
import { OverlayController } from './overlayWindow.main.ts';
import { createAppWindow, loadApp, type AppLocation } from './appWindow.main.ts';
import { buildContentSecurityPolicy } from './contentSecurityPolicy.main.ts';
import { readDesktopConfig } from './desktopConfig.main.ts';
import { hardenWebContents, restrictPermissions } from './hardenWebContents.main.ts';
import { createIpcHandlers } from './ipc/createIpcHandlers.main.ts';
import { desktopCapturerPort } from './ipc/screenCapture.main.ts';
import { IpcSenderPolicy } from './ipc/IpcSenderPolicy.main.ts';
import type { DesktopNotification } from './ipc/notifications.main.ts';
import { startDesktopPresence, type DesktopPresence } from './ipc/localActivities.main.ts';
import { registerIpc } from './ipc/registerIpc.main.ts';
import { registerVoicePort } from './ipc/registerVoicePort.main.ts';
import { drawAppIcon } from './trayIcon.main.ts';

const log = {
  info: (message: string) => console.log(`[concord] ${message}`),
  warn: (message: string) => console.warn(`[concord] ${message}`),
  error: (message: string, error?: unknown) => console.error(`[concord] ${message}`, error ?? ''),
};

const config = readDesktopConfig(process.env);
if (config.userDataDir !== null) app.setPath('userData', config.userDataDir);

let mainWindow: BrowserWindow | null = null;
let tray: Tray | null = null;
let cache: MessageCache | null = null;
/** The in-game overlay; the game detector calls overlay.setActiveGame(game | null). */
let overlay: OverlayController | null = null;
let hotkeys: GlobalHotkeys | null = null;
/** Rich Presence: the local RPC server and the activity hub (null when it could not start). */
let presence: DesktopPresence | null = null;
let quitting = false;
/** Live notifications; without a reference Electron may collect one before its click arrives. */
const shownNotifications = new Set<Notification>();

if (!app.requestSingleInstanceLock()) {
  // Another Concord owns the cache file and the tray; it gets focused by its 'second-instance'.
  app.quit();
} else {
  app.on('second-instance', () => showMainWindow());
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('will-quit', () => {
    hotkeys?.stop();
    presence?.close().catch((error: unknown) => log.warn(`rich presence did not close: ${String(error)}`));
    overlay?.destroy();
    cache?.close();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => showMainWindow());
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => fail(error));
}

async function start(): Promise<void> {
  const appRoot = app.getAppPath();
  const rendererRoot = join(appRoot, 'dist', 'web');
  const location: AppLocation =
    config.serverUrl === null ? { kind: 'file', indexPath: join(rendererRoot, 'index.html') } : { kind: 'url', url: config.serverUrl };
  const policy = new IpcSenderPolicy({ rendererRoot: location.kind === 'file' ? rendererRoot : null, appUrl: config.serverUrl });
  const isAppUrl = (url: string) => policy.checkUrl(url).trusted;

  const userData = app.getPath('userData');
  const settings = new SettingsStore({ filePath: join(userData, 'settings.json'), warn: log.warn });
  cache = openMessageCacheOrReset({ filePath: join(userData, 'cache', 'messages.sqlite'), maxBytes: settings.get().cacheMaxBytes }, log.warn);
  log.info(`message cache ${cache.filePath}: ${JSON.stringify(cache.stats())}`);

  const csp = buildContentSecurityPolicy({ appOrigin: config.serverUrl === null ? null : new URL(config.serverUrl).origin });
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    const isDocument = details.resourceType === 'mainFrame' || details.resourceType === 'subFrame';
    callback(isDocument ? { responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } } : {});
  });
  restrictPermissions(session.defaultSession, { isAppUrl, warn: log.warn });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, { isAppUrl, warn: log.warn }));

  const window = createAppWindow({ preloadPath: join(appRoot, 'dist', 'preload', 'bridge.preload.cjs'), appVersion: app.getVersion() });
  mainWindow = window;
  const webContentsId = window.webContents.id;
  policy.trustWebContents(webContentsId);
  window.on('closed', () => {
    policy.forgetWebContents(webContentsId);
    mainWindow = null;
    overlay?.destroy();
  });
  // With a tray, closing the window keeps Concord running (calls and notifications continue).
  window.on('close', (event) => {
    if (!quitting && tray !== null && process.platform !== 'darwin') {
      event.preventDefault();
      window.hide();
    }
  });

  tray = createTray();
  // The native voice pipeline (services/voice): frames over a MessagePort, voice over UDP from here.
  const voice = new VoicePipelineHost({ settings: () => settings.get() });
  registerVoicePort(policy, voice, log.warn);
  presence = await startDesktopPresence({ settings: settings.get(), serverUrl: config.serverUrl, window: window.webContents, log });
  // The game overlay (hidden until a detected game runs) and the system-wide hotkeys.
  const preloadPath = join(appRoot, 'dist', 'preload', 'bridge.preload.cjs');
  const gameOverlay = new OverlayController({
    location,
    preloadPath,
    appVersion: app.getVersion(),
    settings: () => settings.get(),
    bounds: () => screen.getPrimaryDisplay().bounds,
    trustWebContents: (id) => policy.trustWebContents(id),
    forgetWebContents: (id) => policy.forgetWebContents(id),
    warn: log.warn,
  });
  overlay = gameOverlay;
  const toRenderer = (event: HotkeyEvent) => mainWindow?.webContents.send(HOTKEY_EVENT_CHANNEL, { action: event.action, phase: event.phase } satisfies HotkeyEvent);
  const globalHotkeys = new GlobalHotkeys({
    onAction: (event) => routeHotkey(event, { setPushToTalk: (down) => voice.setPushToTalk(down), toRenderer, toggleOverlayLock: () => gameOverlay.toggleLock() }),
    onStatus: (status) => log.info(`global hotkeys: ${status.status === 'unavailable' ? `unavailable (${status.reason})` : status.status}`),
  });
  hotkeys = globalHotkeys;
  globalHotkeys.start(settings.get().keybinds).catch((error: unknown) => log.error('global hotkeys failed to start', error));
  // Game detection (services/detection): the overlay follows the game in front; Registered Games reads it.
  const detector = await startGameDetection({ serverUrl: config.serverUrl, dataDir: userData, games: () => settings.get().games, warn: log.warn });
  detector?.on('change', (running) => {
    const front = running.find((g) => !g.hidden);
    gameOverlay.setActiveGame(front === undefined ? null : { id: front.id, name: front.name });
    // "Playing X" for the others: the hub merges detected games with what games set over RPC.
    presence?.hub.setSource(DETECTED_GAMES_SOURCE, detectedGameActivities(running));
  });
  registerIpc(
    createIpcHandlers({
      policy,
      cache,
      settings,
      voice,
      ...(detector === null ? {} : { games: detector }),
      screenCapture: desktopCapturerPort(desktopCapturer),
      // The app window's session: games' READY names its user; game names and the detectable list
      // come from its server (the only way main learns the server when it loads its own files).
      activity: {
        isAppWindow: (id) => id === webContentsId,
        setSession: (signedIn) => {
          presence?.setSession(signedIn);
          if (signedIn !== null) detector?.setListServer(signedIn.serverUrl);
        },
      },
      onSettingsChanged: (next) => {
        voice.settingsChanged(next);
        presence?.settingsChanged(next);
        globalHotkeys.setKeybinds(next.keybinds);
        gameOverlay.settingsChanged();
      },
      hotkeys: {
        status: () => globalHotkeys.status,
        publishSpeaking: (userIds) => gameOverlay.publishSpeaking(userIds),
        setOverlayInteractive: (interactive) => gameOverlay.setInteractive(interactive),
      },
      notifications: { show: (notification) => showNotification(notification, settings.get().notifications.sound) },
      window: {
        isFocused: () => mainWindow?.isFocused() ?? false,
        setBadgeCount: (count) => {
          app.setBadgeCount(count);
          tray?.setToolTip(count > 0 ? `Concord (${count} unread)` : 'Concord');
        },
      },
    }),
    {
      refused: (channel, error) => log.warn(`IPC ${channel} refused: ${error.message}`),
      failed: (channel, error) => log.error(`IPC ${channel} failed`, error),
    },
  );

  log.info(`loading ${location.kind === 'file' ? pathToFileURL(location.indexPath).href : location.url}`);
  await loadApp(window, location);
}

function createTray(): Tray | null {
  try {
    const size = process.platform === 'darwin' ? 18 : 32;
    const icon = nativeImage.createFromBitmap(drawAppIcon(size, 'bgra'), { width: size, height: size });
    const created = new Tray(icon);
    created.setToolTip('Concord');
    created.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Open Concord', click: () => showMainWindow() },
        { type: 'separator' },
        { label: 'Quit Concord', click: () => app.quit() },
      ]),
    );
    created.on('click', () => showMainWindow());
    return created;
  } catch (error) {
    // Some Linux desktops have no tray; the app still works, it just quits when the window closes.
    log.warn(`no tray icon: ${String(error)}`);
    return null;
  }
}

function showNotification({ title, body }: DesktopNotification, sound: boolean): void {
  if (!Notification.isSupported()) return;
  const notification = new Notification({ title, body, silent: !sound });
  shownNotifications.add(notification);
  const forget = () => shownNotifications.delete(notification);
  notification.on('click', () => {
    forget();
    showMainWindow();
  });
  notification.on('close', forget);
  notification.show();
}

function showMainWindow(): void {
  if (mainWindow === null) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

function fail(error: unknown): void {
  log.error('Concord could not start', error);
  app.exit(1);
}
