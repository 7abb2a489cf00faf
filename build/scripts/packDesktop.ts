// Builds and packages the desktop app. Steps:
//   1. bundle  main + preload with esbuild into apps/desktop/dist/{main,preload} (CommonJS; the
//              sandboxed preload can only require 'electron', main may require only 'electron',
//              the RUNTIME_MODULES below and node built-ins, whether by import or by a run-time
//              require such as @concord/media's Opus loader; anything else fails the build)
//   2. stage   apps/desktop/dist/app: a package.json whose dependencies are the RUNTIME_MODULES,
//              plus dist/main, dist/preload and the renderer build dist/web
//   3. pack    electron-builder install-app-deps in the staged app (installs those modules and
//              rebuilds the native ones for Electron's ABI), then electron-builder with build/electron-builder.yml
// Steps 1-2 run anywhere (`--stage-only`); step 3 downloads Electron and its headers, which the
// machines of this repository cannot do. Usage:
//   node --import tsx build/scripts/packDesktop.ts [--bundle-only | --stage-only] [-- <electron-builder args, e.g. --linux>]
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const DESKTOP_DIR = join(REPO_ROOT, 'apps', 'desktop');
export const BUILDER_CONFIG = join(REPO_ROOT, 'build', 'electron-builder.yml');
/** Electron 39 embeds Node 22. */
const ELECTRON_NODE_TARGET = 'node22';

export const MAIN_BUNDLE = join('dist', 'main', 'main.main.cjs');
export const PRELOAD_BUNDLE = join('dist', 'preload', 'bridge.preload.cjs');

const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

export interface RuntimeModule {
  /** The package name, as main requires it. */
  readonly name: string;
  /** The workspace package.json (from the repository root) whose dependencies give its version range. */
  readonly declaredIn: string;
  /** The code copes without it (a require in a try/catch): staged as an optional dependency, so a failed native build does not fail the install. */
  readonly optional: boolean;
  readonly why: string;
}

/**
 * What the packaged main process loads from the app's own node_modules at run time instead of
 * from its bundle: native modules (a .node binary cannot be bundled) and modules loaded by a
 * run-time require. Each is left external by esbuild, staged as a dependency of dist/app with the
 * range its workspace package declares, and installed (native ones rebuilt for Electron) by
 * install-app-deps. To add one, append an entry: its name, the package.json that declares it and
 * whether the code runs without it; packaging.test.ts then checks it is staged and loadable. ws is
 * not here: it is plain JavaScript and bundled into main.
 */
export const RUNTIME_MODULES: readonly RuntimeModule[] = [
  { name: 'better-sqlite3', declaredIn: 'apps/desktop/package.json', optional: false, why: 'the message cache (native)' },
  { name: '@discordjs/opus', declaredIn: 'packages/media/package.json', optional: true, why: 'Opus for the native voice pipeline (native; @concord/media falls back to opusscript)' },
  { name: 'opusscript', declaredIn: 'packages/media/package.json', optional: false, why: 'Opus in WebAssembly: the voice pipeline when @discordjs/opus has no binary' },
  { name: 'uiohook-napi', declaredIn: 'apps/desktop/package.json', optional: true, why: 'global hotkeys on X11, Windows and macOS (N-API prebuilds, no rebuild for Electron; probed in a child process, reported unavailable without it)' },
  { name: 'dbus-next', declaredIn: 'apps/desktop/package.json', optional: true, why: 'global hotkeys on Wayland through the GlobalShortcuts portal (pure JS; Linux only)' },
  { name: 'koffi', declaredIn: 'apps/desktop/package.json', optional: true, why: 'game detection on Windows: the Toolhelp32 process list (native, imported only on win32; detection reports itself unavailable without it)' },
];
const RUNTIME_MODULE_NAMES = new Set(RUNTIME_MODULES.map((m) => m.name));

export interface BundleResult {
  mainFile: string;
  preloadFile: string;
  /** Modules each bundle leaves to require() at run time. */
  mainExternals: string[];
  preloadExternals: string[];
  /** Packages main requires by name at run time outside esbuild's view (createRequire), built-ins excluded. */
  mainRuntimeRequires: string[];
}

const COMMON_BUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: ELECTRON_NODE_TARGET,
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
  absWorkingDir: REPO_ROOT,
} as const satisfies BuildOptions;

/** How the main process is bundled (packaging tests bundle their probes of main's code the same way). */
export function mainBuildOptions(entry: string, outfile: string) {
  return { ...COMMON_BUILD_OPTIONS, entryPoints: [entry], outfile, external: ['electron', ...RUNTIME_MODULE_NAMES] } satisfies BuildOptions;
}

/** Step 1. `outDir` is the directory that receives dist/main and dist/preload (apps/desktop by default). */
export async function bundleDesktop(outDir: string = DESKTOP_DIR): Promise<BundleResult> {
  const mainFile = join(outDir, MAIN_BUNDLE);
  const preloadFile = join(outDir, PRELOAD_BUNDLE);
  const [main, preload] = await Promise.all([
    build(mainBuildOptions(join(DESKTOP_DIR, 'src/main/main.main.ts'), mainFile)),
    build({ ...COMMON_BUILD_OPTIONS, entryPoints: [join(DESKTOP_DIR, 'src/preload/bridge.preload.ts')], outfile: preloadFile, external: ['electron'] }),
  ]);
  const mainExternals = externalsOf(main.metafile);
  const preloadExternals = externalsOf(preload.metafile);
  const mainRuntimeRequires = runtimeRequiresOf(readFileSync(mainFile, 'utf8'));
  const unexpectedInMain = [...new Set([...mainExternals, ...mainRuntimeRequires])].filter((name) => name !== 'electron' && !RUNTIME_MODULE_NAMES.has(packageNameOf(name)) && !NODE_BUILTINS.has(name));
  if (unexpectedInMain.length > 0) throw new Error(`main bundle requires modules that will not be in the app: ${unexpectedInMain.join(', ')} (add them to RUNTIME_MODULES in build/scripts/packDesktop.ts)`);
  const unexpectedInPreload = preloadExternals.filter((name) => name !== 'electron');
  if (unexpectedInPreload.length > 0) {
    throw new Error(`the sandboxed preload can only require 'electron' but its bundle requires ${unexpectedInPreload.join(', ')}`);
  }
  return { mainFile, preloadFile, mainExternals, preloadExternals, mainRuntimeRequires };
}

/**
 * Bare names a bundle passes to a require function as a string literal: what esbuild bundled became
 * `require_x()` calls, so these are left for run time (externals, and createRequire'd loads such as
 * @concord/media's `require2("@discordjs/opus")` that esbuild cannot see). Built-ins are left out.
 */
export function runtimeRequiresOf(bundle: string): string[] {
  const names = new Set<string>();
  for (const match of bundle.matchAll(/\brequire[\w$]*\(\s*"([^"./][^"]*)"\s*\)/g)) {
    const name = match[1];
    if (name !== undefined && !NODE_BUILTINS.has(name) && !NODE_BUILTINS.has(name.split('/')[0] ?? '')) names.add(name);
  }
  return [...names].sort();
}

/** `@scope/pkg/sub` -> `@scope/pkg`, `pkg/sub` -> `pkg`. */
function packageNameOf(request: string): string {
  const parts = request.split('/');
  return request.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? request);
}

function externalsOf(metafile: Metafile): string[] {
  const names = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) if (imported.external) names.add(imported.path);
  }
  return [...names].sort();
}

export interface StageOptions {
  /** Where dist/main and dist/preload were bundled (apps/desktop by default). */
  bundleDir?: string;
  /** The renderer build (apps/desktop/dist/web by default). */
  webDir?: string;
  /** The staged app directory (apps/desktop/dist/app by default). */
  stageDir?: string;
}

/** Step 2. Returns the staged directory. */
export function stageDesktopApp(options: StageOptions = {}): string {
  const bundleDir = options.bundleDir ?? DESKTOP_DIR;
  const webDir = options.webDir ?? join(DESKTOP_DIR, 'dist', 'web');
  const stageDir = options.stageDir ?? join(DESKTOP_DIR, 'dist', 'app');
  if (!existsSync(join(webDir, 'index.html'))) {
    throw new Error(`no renderer build at ${webDir}: run \`npm run build:web -w @concord/desktop\` first`);
  }
  for (const bundle of [MAIN_BUNDLE, PRELOAD_BUNDLE]) {
    if (!existsSync(join(bundleDir, bundle))) throw new Error(`no ${bundle} in ${bundleDir}: run the bundle step first`);
  }
  const desktopPackage: unknown = JSON.parse(readFileSync(join(DESKTOP_DIR, 'package.json'), 'utf8'));
  const version = readString(desktopPackage, ['version']);
  const dependencies: Record<string, string> = {};
  const optionalDependencies: Record<string, string> = {};
  for (const module of RUNTIME_MODULES) (module.optional ? optionalDependencies : dependencies)[module.name] = declaredRange(module);

  rmSync(stageDir, { recursive: true, force: true });
  mkdirSync(join(stageDir, 'dist'), { recursive: true });
  cpSync(join(bundleDir, 'dist', 'main'), join(stageDir, 'dist', 'main'), { recursive: true });
  cpSync(join(bundleDir, 'dist', 'preload'), join(stageDir, 'dist', 'preload'), { recursive: true });
  cpSync(webDir, join(stageDir, 'dist', 'web'), { recursive: true });
  const appPackage = {
    name: 'concord',
    productName: 'Concord',
    version,
    description: 'Chat, voice and video for gaming communities',
    author: 'Concord contributors',
    license: 'MIT',
    private: true,
    main: MAIN_BUNDLE.split('\\').join('/'),
    dependencies,
    optionalDependencies,
  };
  writeFileSync(join(stageDir, 'package.json'), `${JSON.stringify(appPackage, null, 2)}\n`);
  return stageDir;
}

/** The version range the workspace package that uses a runtime module declares for it. */
export function declaredRange(module: RuntimeModule): string {
  const declaring: unknown = JSON.parse(readFileSync(join(REPO_ROOT, module.declaredIn), 'utf8'));
  for (const field of ['dependencies', 'optionalDependencies']) {
    const range = tryReadString(declaring, [field, module.name]);
    if (range !== null) return range;
  }
  throw new Error(`${module.declaredIn} declares no ${module.name} (RUNTIME_MODULES in build/scripts/packDesktop.ts names it as the declaring package)`);
}

function tryReadString(value: unknown, path: string[]): string | null {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return null;
    current = Reflect.get(current, key);
  }
  return typeof current === 'string' ? current : null;
}

function readString(value: unknown, path: string[]): string {
  const found = tryReadString(value, path);
  if (found === null) throw new Error(`apps/desktop/package.json has no string ${path.join('.')}`);
  return found;
}

/**
 * Step 3. Needs network access to Electron's release and header downloads. install-app-deps runs in
 * the staged app (it reads no --config; there the app dir is the project dir) and finds Electron's
 * version through the monorepo's node_modules/electron.
 */
export function packWithElectronBuilder(stageDir: string, builderArgs: readonly string[]): void {
  const run = (args: string[], cwd: string) => {
    console.log(`$ electron-builder ${args.join(' ')}   (in ${cwd})`);
    const result = spawnSync('npx', ['--no-install', 'electron-builder', ...args], { cwd, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`electron-builder ${args[0] ?? ''} failed with exit code ${String(result.status)}`);
  };
  run(['install-app-deps', '--platform', process.platform, '--arch', process.arch], stageDir);
  run(['--config', BUILDER_CONFIG, '--projectDir', DESKTOP_DIR, ...builderArgs], DESKTOP_DIR);
}

async function main(argv: string[]): Promise<void> {
  const separator = argv.indexOf('--');
  const ownArgs = separator === -1 ? argv : argv.slice(0, separator);
  const builderArgs = separator === -1 ? [] : argv.slice(separator + 1);
  const bundles = await bundleDesktop();
  console.log(`bundled ${bundles.mainFile} (requires ${bundles.mainExternals.join(', ')}) and ${bundles.preloadFile}`);
  if (ownArgs.includes('--bundle-only')) return;
  const stageDir = stageDesktopApp();
  console.log(`staged ${stageDir}`);
  if (ownArgs.includes('--stage-only')) return;
  packWithElectronBuilder(stageDir, builderArgs);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
