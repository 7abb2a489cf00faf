// Recognises games from the paths of running programs, as Discord does: an executable entry of the
// detectable list matches when a program's `/`-normalized, lowercase path ends with the entry's
// name on a segment boundary (`bin/game.exe` matches `.../steamapps/common/x/bin/game.exe`, not
// `.../bin/minigame.exe`); the longest matching entry wins; launchers are never games. Entries of
// other systems are ignored, except win32 ones on Linux and macOS (Wine and Proton run them).
// Programs the user registered by hand are matched first, on their whole path.
import type { APIDetectableApplication, DetectableOs } from '@concord/protocol';
import { basename, macBundlePath, normalizeExecutablePath } from './executablePaths.ts';

export interface GameMatch {
  /** The detectable application's id; null for a program the user registered by hand. */
  applicationId: string | null;
  name: string;
  /**
   * What settings name this game by (games.hidden, overlay.disabledGames): the application id, or
   * the registered executable exactly as stored.
   */
  id: string;
}

interface Entry {
  /** The entry's normalized suffix (`bin/game.exe`). */
  suffix: string;
  isLauncher: boolean;
  match: GameMatch;
}

/** Which list entries apply on a platform (`process.platform`). */
export function osesFor(platform: string): readonly DetectableOs[] {
  if (platform === 'win32') return ['win32'];
  if (platform === 'darwin') return ['darwin', 'win32'];
  return ['linux', 'win32'];
}

export class GameMatcher {
  /** Entries by their last segment, so one lookup per candidate path finds the few to compare. */
  private readonly byBasename = new Map<string, Entry[]>();
  private readonly registered = new Map<string, GameMatch>();

  constructor(applications: readonly APIDetectableApplication[], platform: string, registered: readonly { name: string; executable: string }[] = []) {
    const oses: readonly string[] = osesFor(platform);
    for (const app of applications) {
      for (const exe of app.executables) {
        if (!oses.includes(exe.os)) continue;
        const suffix = normalizeExecutablePath(exe.name).replace(/^\/+|\/+$/g, '');
        if (suffix === '') continue;
        const key = basename(suffix);
        let bucket = this.byBasename.get(key);
        if (!bucket) this.byBasename.set(key, (bucket = []));
        bucket.push({ suffix, isLauncher: exe.is_launcher, match: { applicationId: app.id, name: app.name, id: app.id } });
      }
    }
    for (const r of registered) this.registered.set(normalizeExecutablePath(r.executable), { applicationId: null, name: r.name, id: r.executable });
  }

  /**
   * The game a program is, given its normalized candidate paths (most specific first), or null:
   * not a game, or a launcher (the most specific entry decides, so a launcher listed under a longer
   * path than a game of the same file name stays a launcher).
   */
  match(candidatePaths: readonly string[]): GameMatch | null {
    for (const path of candidatePaths) {
      const byHand = this.registered.get(path);
      if (byHand) return byHand;
    }
    let best: Entry | null = null;
    for (const path of candidatePaths) {
      for (const p of [path, macBundlePath(path)]) {
        if (p === null) continue;
        const bucket = this.byBasename.get(basename(p));
        if (!bucket) continue;
        for (const entry of bucket) {
          if (!endsWithSegments(p, entry.suffix)) continue;
          if (best === null || entry.suffix.length > best.suffix.length) best = entry;
        }
      }
    }
    return best === null || best.isLauncher ? null : best.match;
  }
}

/** `a/b/c` ends with `b/c` and with `c`, not with `/c` nor with `bc`. */
export function endsWithSegments(path: string, suffix: string): boolean {
  if (!path.endsWith(suffix)) return false;
  return path.length === suffix.length || path.charCodeAt(path.length - suffix.length - 1) === 47; // '/'
}
