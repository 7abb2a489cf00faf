// Builds and packages the desktop app. Steps:
//   1. bundle  main + preload with esbuild into apps/desktop/dist/{main,preload} (CommonJS; the
//              sandboxed preload can only require 'electron', main may require only 'electron',
//              'better-sqlite3' and node built-ins; anything else found in a bundle fails the build)
//   2. stage   apps/desktop/dist/app: a package.json whose only dependency is better-sqlite3, plus
//              dist/main, dist/preload and the renderer build dist/web
//   3. pack    electron-builder install-app-deps in the staged app (installs better-sqlite3 and
//              rebuilds it for Electron's ABI), then electron-builder with build/electron-builder.yml
// Steps 1-2 run anywhere (`--stage-only`); step 3 downloads Electron and its headers, which the
// machines of this repository cannot do. Usage:
//   node --import tsx build/scripts/packDesktop.ts [--bundle-only | --stage-only] [-- <electron-builder args, e.g. --linux>]
import { build, type Metafile } from 'esbuild';
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

export interface BundleResult {
  mainFile: string;
  preloadFile: string;
  /** Modules each bundle leaves to require() at run time. */
  mainExternals: string[];
  preloadExternals: string[];
}

/** Step 1. `outDir` is the directory that receives dist/main and dist/preload (apps/desktop by default). */
export async function bundleDesktop(outDir: string = DESKTOP_DIR): Promise<BundleResult> {
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: ELECTRON_NODE_TARGET,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: REPO_ROOT,
  } as const;
  const mainFile = join(outDir, MAIN_BUNDLE);
  const preloadFile = join(outDir, PRELOAD_BUNDLE);
  const [main, preload] = await Promise.all([
    build({ ...common, entryPoints: [join(DESKTOP_DIR, 'src/main/main.main.ts')], outfile: mainFile, external: ['electron', 'better-sqlite3'] }),
    build({ ...common, entryPoints: [join(DESKTOP_DIR, 'src/preload/bridge.preload.ts')], outfile: preloadFile, external: ['electron'] }),
  ]);
  const mainExternals = externalsOf(main.metafile);
  const preloadExternals = externalsOf(preload.metafile);
  const unexpectedInMain = mainExternals.filter((name) => name !== 'electron' && name !== 'better-sqlite3' && !NODE_BUILTINS.has(name));
  if (unexpectedInMain.length > 0) throw new Error(`main bundle requires modules that will not be in the app: ${unexpectedInMain.join(', ')}`);
  const unexpectedInPreload = preloadExternals.filter((name) => name !== 'electron');
  if (unexpectedInPreload.length > 0) {
    throw new Error(`the sandboxed preload can only require 'electron' but its bundle requires ${unexpectedInPreload.join(', ')}`);
  }
  return { mainFile, preloadFile, mainExternals, preloadExternals };
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
  const sqliteRange = readString(desktopPackage, ['dependencies', 'better-sqlite3']);

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
    dependencies: { 'better-sqlite3': sqliteRange },
  };
  writeFileSync(join(stageDir, 'package.json'), `${JSON.stringify(appPackage, null, 2)}\n`);
  return stageDir;
}

function readString(value: unknown, path: string[]): string {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) throw new Error(`apps/desktop/package.json has no ${path.join('.')}`);
    current = Reflect.get(current, key);
  }
  if (typeof current !== 'string') throw new Error(`apps/desktop/package.json ${path.join('.')} is not a string`);
  return current;
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
