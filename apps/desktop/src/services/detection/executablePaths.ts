// Pure path handling for the process scanners: every path a program can be recognised by is turned
// into one comparable form (`/`-separated, lowercase), the way Discord compares executables. The
// Linux helpers also see through Wine (`Z:\home\u\Game.exe` as argv[0]), Proton (argv[0] relative to
// the process's working directory) and Flatpak (a sandbox's paths under ~/.var/app/<id>/).
import { posix } from 'node:path';

/** `C:\Games\X\Game.EXE` -> `c:/games/x/game.exe`; `/home/U/Game` -> `/home/u/game`. Repeated separators collapse. */
export function normalizeExecutablePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/\/{2,}/g, '/').toLowerCase();
}

/** A Windows path (`Z:\...`, `c:/...`, `\\?\C:\...`) as Wine shows it in a process's argv[0]. */
export function isWindowsPath(path: string): boolean {
  return /^(?:\\\\\?\\)?[a-z]:[\\/]/i.test(path);
}

/**
 * A Wine argv[0] as a Unix-side path where that is knowable: drive Z: is Wine's default mapping of
 * `/`, so `Z:\home\u\Games\X\Game.exe` is `/home/u/Games/X/Game.exe`; other drives stay
 * `c:/...` (still matched by suffix). Returns the input unchanged when it is not a Windows path.
 */
export function unixPathFromWine(path: string): string {
  const withoutPrefix = path.replace(/^\\\\\?\\/, '');
  if (!isWindowsPath(withoutPrefix)) return path;
  const slashed = withoutPrefix.replace(/\\/g, '/');
  return /^z:/i.test(slashed) ? slashed.slice(2) : slashed;
}

/** Basenames of the programs that start Windows executables on Linux: their argv[1] is the game. */
const WINE_LOADERS = new Set(['wine', 'wine64', 'wine-preloader', 'wine64-preloader', 'wineloader', 'proton', 'wine.exe']);

/** Flatpak apps see their private home at ~/; the host sees it at ~/.var/app/<app-id>/. */
const FLATPAK_HOME = /\/\.var\/app\/[^/]+\//;

export interface LinuxProcessFacts {
  /** The target of /proc/<pid>/exe (null when unreadable: another user's process, a sandbox). */
  exe: string | null;
  /** /proc/<pid>/cmdline split at NUL. */
  argv: readonly string[];
  /** Reads /proc/<pid>/cwd on demand (only relative argv[0]s need it); null when unreadable. */
  cwd: () => string | null;
}

/**
 * Every normalized path a Linux process may be recognised by, most specific first: argv[0] (as Wine
 * or Proton present it, resolved against the working directory when relative), the game a Wine
 * loader was given as argv[1], and the real executable. Flatpak paths appear both as the host sees
 * them and with the ~/.var/app/<id>/ prefix folded away, so either spelling of a list entry matches.
 */
export function linuxCandidatePaths(facts: LinuxProcessFacts): string[] {
  const out: string[] = [];
  const add = (raw: string | undefined) => {
    if (raw === undefined || raw === '') return;
    const unix = unixPathFromWine(raw);
    let absolute = unix;
    if (!unix.startsWith('/') && !isWindowsPath(unix)) {
      const cwd = facts.cwd();
      if (cwd === null) absolute = unix;
      else absolute = posix.resolve(cwd, unix.replace(/\\/g, '/'));
    }
    for (const p of [absolute, absolute.replace(FLATPAK_HOME, '/')]) {
      const normalized = normalizeExecutablePath(p);
      if (!out.includes(normalized)) out.push(normalized);
    }
  };
  const argv0 = facts.argv[0];
  add(argv0);
  if (argv0 !== undefined && WINE_LOADERS.has(basename(normalizeExecutablePath(argv0)))) add(facts.argv[1]);
  if (facts.exe !== null) add(facts.exe.replace(/ \(deleted\)$/, ''));
  return out;
}

/** The last segment of a normalized path. */
export function basename(normalizedPath: string): string {
  const i = normalizedPath.lastIndexOf('/');
  return i === -1 ? normalizedPath : normalizedPath.slice(i + 1);
}

/**
 * macOS: the app bundle a program runs from (`/applications/x.app/contents/macos/x` ->
 * `/applications/x.app`), innermost bundle first, so list entries can name `x.app`. Null otherwise.
 */
export function macBundlePath(normalizedPath: string): string | null {
  const m = /^(.*\.app)\/contents\/macos\/[^/]+$/.exec(normalizedPath);
  return m?.[1] ?? null;
}
