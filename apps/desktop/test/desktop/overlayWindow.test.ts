// The overlay window's options and the calls that make it an overlay, through the recording fake
// Electron (fake-electron/electron.cjs): the Electron binary cannot be downloaded or run here, so
// what Electron would do with these calls (a transparent, click-through, always-on-top window over
// a fullscreen game) is not observed; the options and the order of calls are.
import { createRequire } from 'node:module';
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS, type ClientSettings } from '../../src/shared/bridge.ts';
import { OVERLAY_STATE_CHANNEL } from '../../src/shared/hotkeysBridge.ts';

const require = createRequire(import.meta.url);
interface FakeWindow {
  options: BrowserWindowConstructorOptions;
  calls: unknown[][];
  webContents: { id: number; emit(event: string): void };
}
const fake = require('./fake-electron/electron.cjs') as { BrowserWindow: new (options: BrowserWindowConstructorOptions) => FakeWindow };
// overlayWindow.main.ts imports 'electron'; the real package is only the binary's path under Node.
vi.mock('electron', () => fake);
const { OVERLAY_WINDOW_OPTIONS, OverlayController } = await import('../../src/main/overlayWindow.main.ts');

const GAME = { id: '1100000000000000001', name: 'Fake Game' };

describe('OverlayController (fake Electron: no Electron binary here)', () => {
  let settings: ClientSettings;
  let windows: FakeWindow[];
  let trusted: number[];
  let controller: InstanceType<typeof OverlayController>;

  beforeEach(() => {
    settings = DEFAULT_SETTINGS;
    windows = [];
    trusted = [];
    controller = new OverlayController({
      location: { kind: 'file', indexPath: '/app/dist/web/index.html' },
      preloadPath: '/app/dist/preload/bridge.preload.cjs',
      appVersion: '9.9.9',
      settings: () => settings,
      bounds: () => ({ x: 0, y: 0, width: 1920, height: 1080 }),
      trustWebContents: (id) => trusted.push(id),
      forgetWebContents: (id) => (trusted = trusted.filter((t) => t !== id)),
      warn: (message) => {
        throw new Error(message);
      },
      createWindow: (options) => {
        const window = new fake.BrowserWindow(options);
        windows.push(window);
        return window as unknown as BrowserWindow;
      },
    });
  });

  const calls = () => windows[0]!.calls.filter((c) => c[0] !== 'webContents.send');
  const sent = () => windows[0]!.calls.filter((c) => c[0] === 'webContents.send' && c[1] === OVERLAY_STATE_CHANNEL).map((c) => c[2]);

  it('creates nothing until a game runs', () => {
    expect(windows).toHaveLength(0);
    expect(controller.current).toEqual({ status: 'hidden', game: null });
  });

  it('opens a transparent, frameless, unfocusable, taskbar-less window over the primary display, sandboxed like the app', () => {
    controller.setActiveGame(GAME);
    expect(windows).toHaveLength(1);
    const { options } = windows[0]!;
    expect(options).toMatchObject({ transparent: true, frame: false, alwaysOnTop: true, focusable: false, skipTaskbar: true, show: false, hasShadow: false, backgroundColor: '#00000000', x: 0, y: 0, width: 1920, height: 1080 });
    expect(options).toMatchObject(OVERLAY_WINDOW_OPTIONS);
    expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, preload: '/app/dist/preload/bridge.preload.cjs', additionalArguments: ['--concord-app-version=9.9.9'] });
    expect(trusted).toEqual([windows[0]!.webContents.id]);
  });

  it('sets the screen-saver level, all workspaces including fullscreen, click-through with forwarding, then loads the overlay route and shows without focus', () => {
    controller.setActiveGame(GAME);
    expect(calls()).toEqual([
      ['setAlwaysOnTop', true, 'screen-saver'],
      ['setVisibleOnAllWorkspaces', true, { visibleOnFullScreen: true }],
      ['setIgnoreMouseEvents', true, { forward: true }],
      ['loadFile', '/app/dist/web/index.html'.replace(/^/, 'file://'), { hash: '/overlay' }],
      ['setBounds', { x: 0, y: 0, width: 1920, height: 1080 }],
      ['showInactive'],
    ]);
    expect(sent().at(-1)).toEqual({ interactive: false, game: GAME, speaking: [] });
  });

  it('the lock hotkey makes it interactive (mouse, focus) and back to click-through', () => {
    controller.setActiveGame(GAME);
    const mark = calls().length;
    controller.toggleLock();
    expect(controller.current).toEqual({ status: 'shown', game: GAME, interactive: true });
    controller.toggleLock();
    expect(calls().slice(mark)).toEqual([
      ['setIgnoreMouseEvents', false],
      ['setFocusable', true],
      ['focus'],
      ['setIgnoreMouseEvents', true, { forward: true }],
      ['setFocusable', false],
      ['blur'],
    ]);
    expect(sent().slice(-2)).toEqual([
      { interactive: true, game: GAME, speaking: [] },
      { interactive: false, game: GAME, speaking: [] },
    ]);
  });

  it('relays who is speaking and resends its state when the page has loaded', () => {
    controller.setActiveGame(GAME);
    controller.publishSpeaking(['1200000000000000002']);
    expect(sent().at(-1)).toEqual({ interactive: false, game: GAME, speaking: ['1200000000000000002'] });
    const before = sent().length;
    windows[0]!.webContents.emit('did-finish-load');
    expect(sent()).toHaveLength(before + 1);
  });

  it('hides when the game exits, stays hidden for a game the user turned it off for or with the overlay disabled', () => {
    controller.setActiveGame(GAME);
    controller.setActiveGame(null);
    expect(calls().at(-1)).toEqual(['hide']);
    settings = { ...DEFAULT_SETTINGS, overlay: { ...DEFAULT_SETTINGS.overlay, disabledGames: [GAME.id] } };
    controller.setActiveGame(GAME);
    expect(controller.current.status).toBe('hidden');
    settings = DEFAULT_SETTINGS;
    controller.settingsChanged();
    expect(controller.current.status).toBe('shown');
    expect(calls().at(-1)).toEqual(['showInactive']);
    settings = { ...DEFAULT_SETTINGS, overlay: { ...DEFAULT_SETTINGS.overlay, enabled: false } };
    controller.settingsChanged();
    expect(controller.current.status).toBe('hidden');
    expect(windows).toHaveLength(1); // reused, not recreated
  });

  it('the lock does nothing while hidden; destroy forgets the webContents', () => {
    controller.toggleLock();
    expect(windows).toHaveLength(0);
    controller.setActiveGame(GAME);
    controller.destroy();
    expect(calls().at(-1)).toEqual(['destroy']);
    expect(trusted).toEqual([]);
  });
});
