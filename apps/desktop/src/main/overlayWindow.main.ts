// The in-game overlay: a second window of the same renderer at the overlay route, drawn over the
// game. Transparent, frameless, above everything at the 'screen-saver' level, on every workspace
// including fullscreen ones, out of the taskbar, never focused and click-through (mouse events
// forwarded so the page still sees hovers) until the lock hotkey makes it interactive. Shown while
// a detected game with the overlay enabled runs: the game detector calls setActiveGame.
// The overlay page runs its own session with the stored token (voice states, messages, chat come
// from the server as in the app window); only "who is speaking" is relayed from the app window,
// which alone is connected to the voice server.
import { BrowserWindow, type BrowserWindowConstructorOptions, type Rectangle } from 'electron';
import type { ClientSettings } from '../shared/bridge.ts';
import { OVERLAY_ROUTE_HASH, OVERLAY_STATE_CHANNEL, type OverlayGame, type OverlayState } from '../shared/hotkeysBridge.ts';
import { APP_VERSION_ARGUMENT } from '../shared/preloadArguments.ts';
import { APP_WEB_PREFERENCES, type AppLocation } from './appWindow.main.ts';

/** The window options that make it an overlay. Asserted by the fake-Electron test; do not loosen. */
export const OVERLAY_WINDOW_OPTIONS = {
  transparent: true,
  frame: false,
  backgroundColor: '#00000000',
  hasShadow: false,
  alwaysOnTop: true,
  focusable: false,
  skipTaskbar: true,
  resizable: false,
  movable: false,
  minimizable: false,
  maximizable: false,
  fullscreenable: false,
  show: false,
  title: 'Concord Overlay',
} as const satisfies BrowserWindowConstructorOptions;

export type OverlayWindowState = { status: 'hidden'; game: OverlayGame | null } | { status: 'shown'; game: OverlayGame; interactive: boolean };

export interface OverlayControllerOptions {
  location: AppLocation;
  preloadPath: string;
  appVersion: string;
  settings: () => ClientSettings;
  /** Where to draw: the primary display's bounds (screen.getPrimaryDisplay().bounds). */
  bounds: () => Rectangle;
  /** The IPC sender policy learns the overlay's webContents (it calls settings.get like the app window). */
  trustWebContents: (id: number) => void;
  forgetWebContents: (id: number) => void;
  warn: (message: string) => void;
  /** Tests pass the fake Electron's class. */
  createWindow?: (options: BrowserWindowConstructorOptions) => BrowserWindow;
}

export class OverlayController {
  private window: BrowserWindow | null = null;
  private state: OverlayWindowState = { status: 'hidden', game: null };
  private speaking: string[] = [];

  constructor(private readonly options: OverlayControllerOptions) {}

  get current(): OverlayWindowState {
    return this.state;
  }

  /** The detected game in front, or null when none runs; the overlay follows (and the settings). */
  setActiveGame(game: OverlayGame | null): void {
    this.apply(game, false);
  }

  /** The overlay settings changed (enabled, per-game off). */
  settingsChanged(): void {
    this.apply(this.state.game, this.state.status === 'shown' && this.state.interactive);
  }

  /** The lock hotkey: interactive (chat, mouse) <-> click-through. Nothing while hidden. */
  toggleLock(): void {
    if (this.state.status === 'shown') this.setInteractive(!this.state.interactive);
  }

  setInteractive(interactive: boolean): void {
    if (this.state.status !== 'shown' || this.state.interactive === interactive) return;
    this.state = { ...this.state, interactive };
    const window = this.window;
    if (window === null) return;
    if (interactive) {
      window.setIgnoreMouseEvents(false);
      window.setFocusable(true);
      window.focus();
    } else {
      window.setIgnoreMouseEvents(true, { forward: true });
      window.setFocusable(false);
      window.blur();
    }
    this.sendState();
  }

  /** Who speaks in the app window's voice connection. */
  publishSpeaking(userIds: readonly string[]): void {
    this.speaking = [...userIds];
    if (this.state.status === 'shown') this.sendState();
  }

  destroy(): void {
    const window = this.window;
    this.window = null;
    this.state = { status: 'hidden', game: null };
    if (window !== null && !window.isDestroyed()) window.destroy();
  }

  private apply(game: OverlayGame | null, interactive: boolean): void {
    const overlay = this.options.settings().overlay;
    const wanted = game !== null && overlay.enabled && !overlay.disabledGames.includes(game.id);
    if (!wanted) {
      if (this.state.status === 'shown') this.window?.hide();
      this.state = { status: 'hidden', game };
      return;
    }
    const window = this.window ?? this.create();
    const wasShown = this.state.status === 'shown';
    this.state = { status: 'shown', game, interactive: wasShown && interactive };
    if (!wasShown) {
      window.setBounds(this.options.bounds());
      window.showInactive();
    }
    this.sendState();
  }

  private create(): BrowserWindow {
    const { preloadPath, appVersion } = this.options;
    const options: BrowserWindowConstructorOptions = {
      ...OVERLAY_WINDOW_OPTIONS,
      ...this.options.bounds(),
      webPreferences: { ...APP_WEB_PREFERENCES, spellcheck: false, backgroundThrottling: false, preload: preloadPath, additionalArguments: [`${APP_VERSION_ARGUMENT}${appVersion}`] },
    };
    const window = this.options.createWindow?.(options) ?? new BrowserWindow(options);
    // The constructor's alwaysOnTop is the 'floating' level; games in fullscreen need 'screen-saver'.
    window.setAlwaysOnTop(true, 'screen-saver');
    window.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true });
    window.setIgnoreMouseEvents(true, { forward: true });
    const webContentsId = window.webContents.id;
    this.options.trustWebContents(webContentsId);
    window.webContents.on('did-finish-load', () => this.sendState());
    window.on('closed', () => {
      this.options.forgetWebContents(webContentsId);
      if (this.window === window) {
        this.window = null;
        this.state = { status: 'hidden', game: this.state.game };
      }
    });
    this.window = window;
    loadOverlay(window, this.options.location).catch((error: unknown) => this.options.warn(`the overlay did not load: ${String(error)}`));
    return window;
  }

  private sendState(): void {
    const window = this.window;
    if (window === null || window.isDestroyed()) return;
    const state: OverlayState = {
      interactive: this.state.status === 'shown' && this.state.interactive,
      game: this.state.game,
      speaking: this.speaking,
    };
    window.webContents.send(OVERLAY_STATE_CHANNEL, state);
  }
}

/** The app's own renderer at the overlay route. */
export async function loadOverlay(window: BrowserWindow, location: AppLocation): Promise<void> {
  switch (location.kind) {
    case 'file':
      return window.loadFile(location.indexPath, { hash: OVERLAY_ROUTE_HASH.slice(1) });
    case 'url': {
      const url = new URL(location.url);
      url.hash = OVERLAY_ROUTE_HASH.slice(1);
      return window.loadURL(url.href);
    }
    default:
      throw new Error(`unknown app location ${JSON.stringify(location satisfies never)}`);
  }
}
