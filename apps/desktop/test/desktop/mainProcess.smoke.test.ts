// The bundled Electron main process, run under plain Node with a recording fake of the Electron
// API (fake-electron/). The Electron binary cannot be downloaded here, so this is how the wiring in
// main.main.ts is exercised: real bundle, real services (SQLite cache and settings in a temp
// dir), real IPC handlers; only Electron's own objects are fakes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleDesktop } from '../../../../build/scripts/packDesktop.ts';
import { ALL_IPC_CHANNELS, VOICE_PORT_CHANNEL } from '../../src/shared/ipcChannels.ts';

interface Report {
  userData: string;
  windows: { webPreferences: Record<string, unknown>; show: boolean }[];
  ipcChannels: string[];
  ipcListeners: string[];
  loaded: { kind: string; url: string };
  trayIcon: { bytes: number; width: number; height: number } | null;
  trayMenu: string[];
  ipc: Record<string, { ok: boolean; value?: unknown; error?: { code: string } }>;
  csp: string | null;
  navigations: Record<string, string>;
  windowOpen: { action: string };
  externalOpened: string[];
  permissions: Record<string, boolean>;
  badge: number;
  desktopCapturerCalls: unknown[];
  rpc: { bytesBeforeSignIn: number; foreign: { ok: boolean; error?: { code: string } }; signedIn: { ok: boolean }; ready: { evt: string; data: { user: { id: string }; config: { cdn_host: string } } } | null };
}

const REGISTER = fileURLToPath(new URL('./fake-electron/register.cjs', import.meta.url));
/** The packaged app has better-sqlite3 in its own node_modules; here the monorepo's stands in. */
const NODE_MODULES = fileURLToPath(new URL('../../../../node_modules', import.meta.url));

describe('bundled main process under a fake Electron', () => {
  let dir: string;
  let report: Report;
  let mainOutput: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'concord-main-'));
    const appPath = join(dir, 'app');
    const { mainFile } = await bundleDesktop(appPath);
    const userData = join(dir, 'user-data');
    const reportFile = join(dir, 'report.json');
    const result = spawnSync(process.execPath, ['-r', REGISTER, mainFile], {
      env: { ...process.env, NODE_PATH: NODE_MODULES, FAKE_APP_PATH: appPath, FAKE_ELECTRON_REPORT: reportFile, CONCORD_USER_DATA_DIR: userData, CONCORD_SERVER_URL: '', DISPLAY: '', XDG_SESSION_TYPE: '', XDG_RUNTIME_DIR: dir },
      encoding: 'utf8',
      timeout: 20_000,
    });
    if (result.status !== 0) throw new Error(`main process exited with ${String(result.status)}\n${result.stdout}\n${result.stderr}`);
    report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
    mainOutput = result.stdout;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates one hidden-until-ready window with the sandboxed, isolated web preferences and the preload bundle', () => {
    expect(report.windows).toHaveLength(1);
    const [window] = report.windows;
    expect(window?.show).toBe(false);
    expect(window?.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      additionalArguments: ['--concord-app-version=9.9.9'],
    });
    expect(String(window?.webPreferences.preload)).toMatch(/dist[/\\]preload[/\\]bridge\.preload\.cjs$/);
  });

  it('loads the renderer build over file:// when no server URL is configured', () => {
    expect(report.loaded.kind).toBe('file');
    expect(report.loaded.url).toMatch(/\/app\/dist\/web\/index\.html$/);
  });

  it('registers one ipcMain handler per bridge channel', () => {
    expect(report.ipcChannels).toHaveLength(ALL_IPC_CHANNELS.length);
    expect(new Set(report.ipcChannels)).toEqual(new Set(ALL_IPC_CHANNELS));
    // and one plain listener: the native voice pipeline's MessagePort hand-over
    expect(report.ipcListeners).toEqual([VOICE_PORT_CHANNEL]);
  });

  it('serves the app window from the real SQLite cache in the user data directory', () => {
    expect(report.ipc.put).toEqual({ ok: true });
    expect(report.ipc.get).toMatchObject({ ok: true, value: [{ id: '1300000000000000001', content: 'hello from the fake renderer' }] });
    expect(report.ipc.stats).toMatchObject({ ok: true, value: { messageCount: 1, maxBytes: 500 * 1024 * 1024 } });
    expect(report.ipc.settings).toMatchObject({ ok: true, value: { theme: 'dark' } });
    expect(existsSync(join(report.userData, 'cache', 'messages.sqlite'))).toBe(true);
    expect(report.badge).toBe(3);
  });

  it('refuses a foreign frame and malformed arguments with their codes', () => {
    expect(report.ipc.foreign).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(report.ipc.malformed).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENTS' } });
    expect(report.ipc.speakingMalformed).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENTS' } });
  });

  it('lists Go Live sources through desktopCapturer for the app window only', () => {
    const listed = report.ipc.screenSources;
    expect(listed?.ok).toBe(true);
    expect((listed?.value as { id: string }[]).map((s) => s.id)).toEqual(['screen:0:0', 'screen:1:0', 'window:4242:0', 'window:7:0']);
    expect((listed?.value as { thumbnailDataUrl: string }[])[0]?.thumbnailDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(report.ipc.screenSourcesForeign).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(report.ipc.screenSourcesMalformed).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENTS' } });
    // The refused calls never reached desktopCapturer.
    expect(report.desktopCapturerCalls).toEqual([{ types: ['screen', 'window'], thumbnailSize: { width: 320, height: 180 } }]);
  });

  it('starts without global hotkeys when there is no display, and says why instead of crashing', () => {
    expect(report.ipc.hotkeys).toEqual({ ok: true, value: { status: 'unavailable', reason: expect.stringContaining('DISPLAY') } });
  });

  it('puts a strict CSP on the app document', () => {
    expect(report.csp).toMatch(/^default-src 'none'; script-src 'self' file: 'wasm-unsafe-eval';/);
  });

  it('keeps navigation on the app, sends web links to the browser and opens no new windows', () => {
    expect(Object.values(report.navigations)).toEqual(['allowed', 'prevented', 'prevented']);
    expect(report.windowOpen).toEqual({ action: 'deny' });
    expect(report.externalOpened).toEqual(['https://example.com/page', 'https://example.com/popup']);
  });

  it('grants the app notifications but nothing unlisted, and nothing to foreign pages', () => {
    expect(report.permissions).toEqual({ appNotifications: true, appGeolocation: false, foreignMedia: false });
  });

  it('starts the Rich Presence RPC server on discord-ipc-0 in XDG_RUNTIME_DIR', () => {
    expect(mainOutput).toContain(`rich presence: games connect to ${join(dir, 'discord-ipc-0')}`);
  });

  it('answers a game that connected before sign-in only after the app window reports who signed in', () => {
    expect(report.rpc.bytesBeforeSignIn).toBe(0);
    expect(report.rpc.foreign).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(report.rpc.signedIn).toEqual({ ok: true });
    expect(report.rpc.ready).toMatchObject({ evt: 'READY', data: { user: { id: '1100000000000000001', username: 'smoke' }, config: { cdn_host: '127.0.0.1:9' } } });
  });

  it('gives the tray a drawn icon and a menu', () => {
    expect(report.trayIcon).toEqual({ bytes: 32 * 32 * 4, width: 32, height: 32 });
    expect(report.trayMenu).toEqual(['Open Concord', 'separator', 'Quit Concord']);
  });
});
