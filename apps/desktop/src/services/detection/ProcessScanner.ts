// The running programs of this machine, one platform-specific lister behind one scanner that caches
// per process: a process is identified by its pid plus a start key (Linux: start time in clock
// ticks and name; Windows: parent pid + image name; macOS: start time), so a scan resolves paths only for
// processes it has not seen (a reused pid is a new process) and forgets those that are gone.

export interface RunningProcess {
  readonly pid: number;
  /** Together with the pid, what tells this process from a later one that reuses the pid. */
  readonly startKey: string;
  /** Every normalized (`/`, lowercase) path this program may be recognised by, most specific first. */
  readonly candidatePaths: readonly string[];
  /** The program's path as the system spells it, for people (and for "Add it!"); '' when unknown. */
  readonly executable: string;
}

/** What a cheap listing gives for every process. */
export interface ProcessStub {
  readonly pid: number;
  readonly startKey: string;
}

/** One platform's way to list processes cheaply and to resolve a new one's paths. */
export interface ProcessLister<Stub extends ProcessStub = ProcessStub> {
  list(): Promise<readonly Stub[]> | readonly Stub[];
  /** Null when the process is gone or has nothing to recognise it by (a kernel thread). */
  resolve(stub: Stub): RunningProcess | null;
}

export interface ScanStats {
  /** Processes listed by the last scan. */
  readonly listed: number;
  /** Processes whose paths the last scan had to resolve (new since the scan before). */
  readonly resolved: number;
  readonly scans: number;
}

export class ProcessScanner<Stub extends ProcessStub = ProcessStub> {
  private cache = new Map<number, { startKey: string; process: RunningProcess | null }>();
  private lastStats: ScanStats = { listed: 0, resolved: 0, scans: 0 };

  constructor(private readonly lister: ProcessLister<Stub>) {}

  get stats(): ScanStats {
    return this.lastStats;
  }

  /** The processes running now. The returned objects are shared with the cache: do not mutate. */
  async scan(): Promise<RunningProcess[]> {
    const stubs = await this.lister.list();
    const next = new Map<number, { startKey: string; process: RunningProcess | null }>();
    const running: RunningProcess[] = [];
    let resolved = 0;
    for (const stub of stubs) {
      let entry = this.cache.get(stub.pid);
      if (entry?.startKey !== stub.startKey) {
        entry = { startKey: stub.startKey, process: this.lister.resolve(stub) };
        resolved++;
      }
      next.set(stub.pid, entry);
      if (entry.process !== null) running.push(entry.process);
    }
    this.cache = next;
    this.lastStats = { listed: stubs.length, resolved, scans: this.lastStats.scans + 1 };
    return running;
  }
}
