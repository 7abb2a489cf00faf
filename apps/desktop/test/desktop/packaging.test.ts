// What can be checked about packaging without the Electron binary: the electron-builder config is
// valid for electron-builder 26 (its own validator), sets the fuses and unpacks native modules;
// main and preload bundle to CommonJS that requires only what the packaged app contains (also what
// main loads by a run-time require: Opus for the native voice pipeline); the staged app's
// package.json declares exactly the RUNTIME_MODULES; and code bundled like main loads Opus (native,
// and the WASM fallback) from the staged app's own node_modules and from nowhere else.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILDER_CONFIG, MAIN_BUNDLE, PRELOAD_BUNDLE, RUNTIME_MODULES, bundleDesktop, declaredRange, mainBuildOptions, runtimeRequiresOf, stageDesktopApp, type BundleResult } from '../../../../build/scripts/packDesktop.ts';

const PROBE = fileURLToPath(new URL('./packagedOpusProbe.ts', import.meta.url));
const WORKSPACE_NODE_MODULES = fileURLToPath(new URL('../../../../node_modules', import.meta.url));

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

function readRange(packageJson: string, field: string, name: string): string {
  const declared = JSON.parse(readFileSync(join(WORKSPACE_NODE_MODULES, '..', packageJson), 'utf8')) as Record<string, Record<string, string> | undefined>;
  const range = declared[field]?.[name];
  if (range === undefined) throw new Error(`${packageJson} has no ${field}.${name}`);
  return range;
}

describe('bundling and staging (build/scripts/packDesktop.ts)', () => {
  let dir: string;
  let bundles: BundleResult;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'concord-pack-'));
    bundles = await bundleDesktop(join(dir, 'bundles'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('bundles main to CommonJS that imports only electron, better-sqlite3, koffi (Windows game detection) and node built-ins', () => {
    // Built-ins appear with and without the node: prefix (ws, pulled in by the voice pipeline, uses the bare names).
    expect(bundles.mainExternals.filter((name) => !builtinModules.includes(name.replace(/^node:/, ''))).sort()).toEqual(['better-sqlite3', 'electron', 'koffi']);
    const main = readFileSync(bundles.mainFile, 'utf8');
    expect(main.startsWith('"use strict"')).toBe(true);
    expect(main).toContain('require("electron")');
  });

  it('main loads Opus at run time (@discordjs/opus, else opusscript), both staged; ws is bundled in', () => {
    expect(bundles.mainRuntimeRequires).toEqual(['@discordjs/opus', 'better-sqlite3', 'electron', 'koffi', 'opusscript']);
    const staged = new Set(RUNTIME_MODULES.map((m) => m.name));
    expect(bundles.mainRuntimeRequires.filter((name) => name !== 'electron' && !staged.has(name))).toEqual([]);
    expect(RUNTIME_MODULES.find((m) => m.name === '@discordjs/opus')?.optional).toBe(true);
    expect(RUNTIME_MODULES.find((m) => m.name === 'opusscript')?.optional).toBe(false);
    // The voice pipeline's WebSocket client: plain JavaScript inside the bundle, nothing to stage.
    const main = readFileSync(bundles.mainFile, 'utf8');
    expect(main).toContain('node_modules/ws/lib/websocket.js');
    expect(bundles.mainExternals).not.toContain('ws');
  });

  it('finds run-time requires however esbuild names the require function, skipping built-ins and bundled modules', () => {
    const bundle = 'var a = require("electron"); var b = require2("@discordjs/opus"); var c = require_ws(); var d = require("node:fs"); var e = require("fs"); var f = require3("uiohook-napi/build"); var g = require("./local.js");';
    expect(runtimeRequiresOf(bundle)).toEqual(['@discordjs/opus', 'electron', 'uiohook-napi/build']);
  });

  it('bundles the sandboxed preload so that it requires nothing but electron and never exposes ipcRenderer', () => {
    expect(bundles.preloadExternals).toEqual(['electron']);
    const preload = readFileSync(bundles.preloadFile, 'utf8');
    expect(preload).toMatch(/exposeInMainWorld\(\s*"concord"/);
    expect(preload.match(/exposeInMainWorld/g)).toHaveLength(1);
    // ipcRenderer is used only as ipcRenderer.invoke inside the bridge's own methods, once as
    // ipcRenderer.postMessage to hand the voice pipeline's MessagePort to main, and once each as
    // ipcRenderer.on/off for the channels main pushes to (hotkeys, overlay state, activities).
    expect(preload.match(/import_electron\.ipcRenderer\.postMessage\(/g) ?? []).toHaveLength(1);
    expect(preload.match(/import_electron\.ipcRenderer\.on\(/g) ?? []).toHaveLength(1);
    expect(preload.match(/import_electron\.ipcRenderer\.off\(/g) ?? []).toHaveLength(1);
    expect(preload.replace(/import_electron\.ipcRenderer\.(invoke|postMessage|on|off)\(/g, '')).not.toMatch(/ipcRenderer/);
  });

  it('stages an app whose package.json depends on exactly the run-time modules, with the workspace ranges', () => {
    const webDir = join(dir, 'web');
    mkdirSync(webDir, { recursive: true });
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>Concord</title>');
    const stageDir = stageDesktopApp({ bundleDir: join(dir, 'bundles'), webDir, stageDir: join(dir, 'app') });
    const appPackage = JSON.parse(readFileSync(join(stageDir, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(appPackage).toMatchObject({ name: 'concord', productName: 'Concord', main: 'dist/main/main.main.cjs' });
    expect(appPackage['dependencies']).toEqual({ 'better-sqlite3': declaredRange(RUNTIME_MODULES[0]!), opusscript: readRange('packages/media/package.json', 'dependencies', 'opusscript') });
    expect(appPackage['optionalDependencies']).toEqual({ '@discordjs/opus': readRange('packages/media/package.json', 'optionalDependencies', '@discordjs/opus'), koffi: readRange('apps/desktop/package.json', 'dependencies', 'koffi'), 'uiohook-napi': readRange('apps/desktop/package.json', 'dependencies', 'uiohook-napi'), 'dbus-next': readRange('apps/desktop/package.json', 'dependencies', 'dbus-next') });
    expect(readRange('apps/desktop/package.json', 'dependencies', 'better-sqlite3')).toBe((appPackage['dependencies'] as Record<string, string>)['better-sqlite3']);
    for (const file of [MAIN_BUNDLE, PRELOAD_BUNDLE, join('dist', 'web', 'index.html')]) expect(existsSync(join(stageDir, file))).toBe(true);
  });

  it('code bundled like main loads Opus from the staged node_modules alone: both backends, and neither without them', () => {
    const webDir = join(dir, 'web');
    mkdirSync(webDir, { recursive: true });
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>Concord</title>');
    const stageDir = stageDesktopApp({ bundleDir: join(dir, 'bundles'), webDir, stageDir: join(dir, 'app-probe') });
    const probeFile = join(stageDir, 'dist', 'main', 'opus-probe.cjs');
    return build({ ...mainBuildOptions(PROBE, probeFile), logLevel: 'error' }).then(() => {
      // No NODE_PATH, run from the temp dir: only the staged app's node_modules can resolve anything.
      const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'NODE_PATH' && key !== 'CONCORD_OPUS'));
      const probe = (backend: 'native' | 'wasm') => spawnSync(process.execPath, [probeFile, backend], { cwd: dir, env, encoding: 'utf8', timeout: 20_000 });
      const bare = { native: probe('native'), wasm: probe('wasm') };
      expect(bare.native.status).not.toBe(0);
      expect(bare.native.stderr).toMatch(/@discordjs\/opus is not available/);
      expect(bare.wasm.status).not.toBe(0);
      expect(bare.wasm.stderr).toMatch(/Cannot find module 'opusscript'/);
      // What install-app-deps does in the staged app, approximated by linking the workspace's copies.
      const appPackage = JSON.parse(readFileSync(join(stageDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; optionalDependencies: Record<string, string> };
      for (const name of [...Object.keys(appPackage.dependencies), ...Object.keys(appPackage.optionalDependencies)]) {
        mkdirSync(dirname(join(stageDir, 'node_modules', name)), { recursive: true });
        symlinkSync(join(WORKSPACE_NODE_MODULES, name), join(stageDir, 'node_modules', name), 'junction');
      }
      for (const backend of ['native', 'wasm'] as const) {
        const run = probe(backend);
        expect(run.stderr).toBe('');
        const result = JSON.parse(run.stdout) as { backend: string; rms: number };
        console.log(`staged app, ${backend} Opus: 440 Hz tone decoded at rms ${result.rms.toFixed(0)} (sent 5657)`);
        expect(result.backend).toBe(backend);
        expect(result.rms).toBeGreaterThan(4000);
      }
    });
  }, 60_000);

  it('refuses to stage without a renderer build, saying what to run', () => {
    expect(() => stageDesktopApp({ bundleDir: join(dir, 'bundles'), webDir: join(dir, 'missing'), stageDir: join(dir, 'app2') })).toThrow(/build:web/);
  });
});
