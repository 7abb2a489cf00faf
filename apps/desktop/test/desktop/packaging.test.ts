// What can be checked about packaging without the Electron binary: the electron-builder config is
// valid for electron-builder 26 (its own validator), sets the fuses and unpacks native modules;
// main and preload bundle to CommonJS that requires only what the packaged app contains; and the
// staged app has a package.json with better-sqlite3 as its only dependency.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILDER_CONFIG, MAIN_BUNDLE, PRELOAD_BUNDLE, bundleDesktop, stageDesktopApp, type BundleResult } from '../../../../build/scripts/packDesktop.ts';

const require = createRequire(import.meta.url);
const yaml: { load(text: string): unknown } = require('js-yaml');
const { validateConfiguration }: { validateConfiguration: (config: unknown, logger: unknown) => Promise<void> } = require('app-builder-lib/out/util/config/config');
const { DebugLogger }: { DebugLogger: new (enabled: boolean) => unknown } = require('builder-util');

interface BuilderConfig {
  appId: string;
  productName: string;
  electronVersion: string;
  asarUnpack: string[];
  files: string[];
  electronFuses: Record<string, boolean>;
  directories: { app: string; output: string; buildResources: string };
  linux: { target: string[] };
  win: { target: string[] };
  mac: { target: string[] };
}

const config = yaml.load(readFileSync(BUILDER_CONFIG, 'utf8')) as BuilderConfig;

describe('build/electron-builder.yml', () => {
  it("passes electron-builder's own configuration validator", async () => {
    await expect(validateConfiguration(structuredClone(config), new DebugLogger(false))).resolves.toBeUndefined();
    // ...and that validator is not a no-op: a misspelt fuse is refused.
    const misspelt = { ...structuredClone(config), electronFuses: { runAsNod: false } };
    await expect(validateConfiguration(misspelt, new DebugLogger(false))).rejects.toThrow(/Invalid configuration object/);
  });

  it('names the app and pins the Electron version the workspace installs', () => {
    expect(config.productName).toBe('Concord');
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    const electronPackage = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')) as { version: string };
    expect(config.electronVersion).toBe(electronPackage.version);
  });

  it('builds AppImage and deb for Linux, nsis for Windows, dmg for macOS', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
  });

  it('sets the Electron fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('unpacks better-sqlite3 and every .node binary from the asar', () => {
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/node_modules/better-sqlite3/**', '**/*.node']));
  });

  it('ships the bundles and the renderer build and finds its icon', () => {
    expect(config.files).toEqual(expect.arrayContaining(['package.json', 'dist/main/**', 'dist/preload/**', 'dist/web/**']));
    expect(existsSync(join(BUILDER_CONFIG, '..', 'resources', 'icon.png'))).toBe(true);
    expect(existsSync(join(BUILDER_CONFIG, '..', 'resources', 'entitlements.mac.plist'))).toBe(true);
  });
});

describe('bundling and staging (build/scripts/packDesktop.ts)', () => {
  let dir: string;
  let bundles: BundleResult;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'concord-pack-'));
    bundles = await bundleDesktop(join(dir, 'bundles'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('bundles main to CommonJS that requires only electron, better-sqlite3 and node built-ins', () => {
    // Built-ins appear with and without the node: prefix (ws, pulled in by the voice pipeline, uses the bare names).
    expect(bundles.mainExternals.filter((name) => !builtinModules.includes(name.replace(/^node:/, ''))).sort()).toEqual(['better-sqlite3', 'electron']);
    const main = readFileSync(bundles.mainFile, 'utf8');
    expect(main.startsWith('"use strict"')).toBe(true);
    expect(main).toContain('require("electron")');
  });

  it('bundles the sandboxed preload so that it requires nothing but electron and never exposes ipcRenderer', () => {
    expect(bundles.preloadExternals).toEqual(['electron']);
    const preload = readFileSync(bundles.preloadFile, 'utf8');
    expect(preload).toMatch(/exposeInMainWorld\(\s*"concord"/);
    expect(preload.match(/exposeInMainWorld/g)).toHaveLength(1);
    // ipcRenderer is used only as ipcRenderer.invoke inside the bridge's own methods, and once as
    // ipcRenderer.postMessage to hand the voice pipeline's MessagePort to main.
    expect(preload.match(/import_electron\.ipcRenderer\.postMessage\(/g) ?? []).toHaveLength(1);
    expect(preload.replace(/import_electron\.ipcRenderer\.(invoke|postMessage)/g, '')).not.toMatch(/ipcRenderer/);
  });

  it('stages an app whose package.json depends on better-sqlite3 only', () => {
    const webDir = join(dir, 'web');
    mkdirSync(webDir, { recursive: true });
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>Concord</title>');
    const stageDir = stageDesktopApp({ bundleDir: join(dir, 'bundles'), webDir, stageDir: join(dir, 'app') });
    const appPackage = JSON.parse(readFileSync(join(stageDir, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(appPackage).toMatchObject({ name: 'concord', productName: 'Concord', main: 'dist/main/main.main.cjs' });
    expect(Object.keys(appPackage.dependencies as object)).toEqual(['better-sqlite3']);
    for (const file of [MAIN_BUNDLE, PRELOAD_BUNDLE, join('dist', 'web', 'index.html')]) expect(existsSync(join(stageDir, file))).toBe(true);
  });

  it('refuses to stage without a renderer build, saying what to run', () => {
    expect(() => stageDesktopApp({ bundleDir: join(dir, 'bundles'), webDir: join(dir, 'missing'), stageDir: join(dir, 'app2') })).toThrow(/build:web/);
  });
});
