// Game detection: which games are running, from the process list, every couple of seconds.
//
//   const detector = new GameDetector({
//     scanner: await createProcessScanner(),                  // this platform's process list
//     list: new DetectableListCache({ serverUrl, cacheFile }), // the server's detectable list, cached on disk
//     games: () => settings.get().games,                       // registered (added by hand) and hidden games
//   });
//   detector.on('change', (games) => hub.setSource('detection', detectedGameActivities(games)));
//   detector.start();            // scans now, then every intervalMs (2 s); stop() ends it
//   detector.games;              // the games running now (hidden ones included, flagged)
//   detector.runningPrograms();  // what "Add it!" offers
//
// A game is one entry however many of its processes run (the lowest pid stands for it); its
// `startedAt` is when it was first seen and survives its processes being replaced. `change` fires
// only when the set of games, their pids or their hidden flags change.
import { TypedEmitter } from '@concord/client';
import type { APIDetectableApplication } from '@concord/protocol';
import type { ClientSettings } from '../../shared/bridge.ts';
import type { DetectedGameInfo, RunningProgramInfo } from '../../shared/gamesBridge.ts';
import type { DetectableListCache } from './DetectableListCache.ts';
import { GameMatcher, type GameMatch } from './GameMatcher.ts';
import type { RunningProcess } from './ProcessScanner.ts';

/** A game running now (the bridge's type: the Registered Games page shows these as they are). */
export type DetectedGame = DetectedGameInfo;

/** A running program "Add it!" can register as a game. */
export type RunningProgram = RunningProgramInfo;

export interface GameDetectorOptions {
  scanner: { scan(): Promise<readonly RunningProcess[]> };
  /** The games section of the settings, read on every scan. */
  games: () => ClientSettings['games'];
  /** Fetches and caches the server's list; without it, call setApplications(). */
  list?: DetectableListCache;
  platform?: string;
  /** 2 s: a game start shows well within Discord's few seconds, at a fraction of a percent of a core. */
  intervalMs?: number;
  /** How often the list is revalidated with the server (ETag; 304 when unchanged). */
  listRefreshMs?: number;
  now?: () => number;
  warn?: (message: string) => void;
}

type GameDetectorEvents = { change: [games: DetectedGame[]] };

export class GameDetector extends TypedEmitter<GameDetectorEvents> {
  private applications: readonly APIDetectableApplication[] = [];
  private matcher: GameMatcher;
  private matcherRegisteredKey = '';
  /** Match results per process object (the scanner reuses them while a process lives); reset with the matcher. */
  private matches = new WeakMap<RunningProcess, GameMatch | null>();
  private processes: readonly RunningProcess[] = [];
  private current: DetectedGame[] = [];
  private currentKey = '';
  private scanTimer: NodeJS.Timeout | null = null;
  private listTimer: NodeJS.Timeout | null = null;
  private scanning: Promise<DetectedGame[]> | null = null;
  private readonly platform: string;
  private readonly now: () => number;
  private readonly warn: (message: string) => void;

  constructor(private readonly options: GameDetectorOptions) {
    super();
    this.platform = options.platform ?? process.platform;
    this.now = options.now ?? Date.now;
    this.warn = options.warn ?? ((message) => console.warn(`[detection] ${message}`));
    this.matcher = new GameMatcher([], this.platform);
  }

  /** The games running at the last scan (hidden ones included). */
  get games(): DetectedGame[] {
    return this.current;
  }

  /** How many detectable applications the detector matches against (0 until a list arrived). */
  get applicationCount(): number {
    return this.applications.length;
  }

  /** Replaces the detectable list (the next scan matches against it). */
  setApplications(applications: readonly APIDetectableApplication[]): void {
    this.applications = applications;
    this.matcherRegisteredKey = '\0'; // forces a rebuild
  }

  /**
   * The detectable list comes from this server from now on (the desktop learns it at sign-in); a
   * change refreshes the list at once. Without a `list` this does nothing.
   */
  setListServer(serverUrl: string | null): void {
    if (this.options.list?.setServerUrl(serverUrl) === true && this.scanTimer !== null && serverUrl !== null) this.refreshList();
  }

  private refreshList(): void {
    const list = this.options.list;
    if (!list) return;
    void list.refresh().then((outcome) => {
      if (outcome === 'updated') this.setApplications(list.list);
    });
  }

  start(): void {
    if (this.scanTimer !== null) return;
    const list = this.options.list;
    if (list) {
      this.setApplications(list.load());
      const refresh = () => this.refreshList();
      refresh();
      this.listTimer = setInterval(refresh, this.options.listRefreshMs ?? 6 * 3600_000);
      this.listTimer.unref();
    }
    const tick = () => {
      this.scanOnce()
        .catch((error: unknown) => this.warn(`process scan failed: ${String(error)}`))
        .finally(() => {
          if (this.scanTimer === null) return;
          this.scanTimer = setTimeout(tick, this.options.intervalMs ?? 2000);
          this.scanTimer.unref();
        });
    };
    this.scanTimer = setTimeout(tick, 0);
    this.scanTimer.unref();
  }

  stop(): void {
    if (this.scanTimer !== null) clearTimeout(this.scanTimer);
    if (this.listTimer !== null) clearInterval(this.listTimer);
    this.scanTimer = null;
    this.listTimer = null;
  }

  /** Scans once (a scan already under way is joined, not doubled) and emits `change` when the games changed. */
  scanOnce(): Promise<DetectedGame[]> {
    this.scanning ??= this.scan().finally(() => (this.scanning = null));
    return this.scanning;
  }

  /** The programs running at the last scan, one per executable, by name. */
  runningPrograms(): RunningProgram[] {
    const byPath = new Map<string, RunningProgram>();
    for (const p of this.processes) {
      if (p.executable === '' || byPath.has(p.executable)) continue;
      const file = p.executable.split(/[\\/]/).pop() ?? p.executable;
      byPath.set(p.executable, { name: file.replace(/\.(exe|app|x86_64|x86|bin)$/i, '') || file, executable: p.executable, pid: p.pid });
    }
    return [...byPath.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  private async scan(): Promise<DetectedGame[]> {
    const processes = await this.options.scanner.scan();
    const settings = this.options.games();
    this.refreshMatcher(settings.registered);
    const hidden = new Set(settings.hidden);
    const byGame = new Map<string, { match: GameMatch; process: RunningProcess }>();
    for (const p of processes) {
      let match = this.matches.get(p);
      if (match === undefined) {
        match = this.matcher.match(p.candidatePaths);
        this.matches.set(p, match);
      }
      if (match === null) continue;
      const seen = byGame.get(match.id);
      if (!seen || p.pid < seen.process.pid) byGame.set(match.id, { match, process: p });
    }
    this.processes = processes;
    const previous = new Map(this.current.map((g) => [g.id, g]));
    const now = this.now();
    const games = [...byGame.values()]
      .map(({ match, process }): DetectedGame => ({
        applicationId: match.applicationId,
        id: match.id,
        name: match.name,
        executable: process.executable,
        pid: process.pid,
        startedAt: previous.get(match.id)?.startedAt ?? now,
        hidden: hidden.has(match.id),
      }))
      .sort((a, b) => a.startedAt - b.startedAt || a.name.localeCompare(b.name));
    const key = JSON.stringify(games.map((g) => [g.id, g.pid, g.hidden, g.name]));
    this.current = games;
    if (key !== this.currentKey) {
      this.currentKey = key;
      this.emit('change', games);
    }
    return games;
  }

  private refreshMatcher(registered: ClientSettings['games']['registered']): void {
    const key = JSON.stringify(registered);
    if (key === this.matcherRegisteredKey) return;
    this.matcherRegisteredKey = key;
    this.matcher = new GameMatcher(this.applications, this.platform, registered);
    this.matches = new WeakMap();
  }
}
