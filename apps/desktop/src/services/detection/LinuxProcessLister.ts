// Linux processes from /proc: the pid directories and each one's start time and name (fields 22 and
// 2 of /proc/<pid>/stat) on every scan; the command line, executable and (for relative argv[0]s)
// working directory only for a process seen for the first time. The name is part of the key because
// an exec keeps pid and start time: a shell that execs a game, or Wine's loader that renames itself
// and rewrites its argv[0] to the Windows path, must be resolved again. Unreadable entries (a process that just
// exited, another user's /proc/<pid>/exe) are expected and skipped, never thrown.
import { closeSync, openSync, readdirSync, readlinkSync, readSync } from 'node:fs';
import { linuxCandidatePaths, unixPathFromWine, isWindowsPath } from './executablePaths.ts';
import type { ProcessLister, ProcessStub, RunningProcess } from './ProcessScanner.ts';

/** Reused for every stat read: scans run one at a time on one thread. */
const statBuffer = Buffer.allocUnsafe(1024);
const cmdlineBuffer = Buffer.allocUnsafe(64 * 1024);

export class LinuxProcessLister implements ProcessLister {
  constructor(private readonly procRoot = '/proc') {}

  list(): ProcessStub[] {
    const stubs: ProcessStub[] = [];
    for (const name of readdirSync(this.procRoot)) {
      const first = name.charCodeAt(0);
      if (first < 48 || first > 57) continue; // not a pid directory
      const pid = Number(name);
      const stat = readSmallFile(`${this.procRoot}/${name}/stat`, statBuffer);
      if (stat === null) continue; // exited between readdir and here
      const startKey = startKeyFromStat(stat);
      if (startKey !== null) stubs.push({ pid, startKey });
    }
    return stubs;
  }

  resolve(stub: ProcessStub): RunningProcess | null {
    const dir = `${this.procRoot}/${stub.pid}`;
    const cmdline = readSmallFile(`${dir}/cmdline`, cmdlineBuffer);
    if (cmdline === null || cmdline === '') return null; // kernel thread or gone
    const argv = splitCmdline(cmdline);
    const exe = readLink(`${dir}/exe`);
    const candidatePaths = linuxCandidatePaths({ exe, argv, cwd: () => readLink(`${dir}/cwd`) });
    if (candidatePaths.length === 0) return null;
    const argv0 = argv[0] ?? '';
    const executable = isWindowsPath(argv0) ? unixPathFromWine(argv0) : (exe ?? argv0);
    return { pid: stub.pid, startKey: stub.startKey, candidatePaths, executable };
  }
}

/**
 * `starttime:comm` (fields 22 and 2) of a /proc/<pid>/stat line; comm sits in parentheses and may
 * itself hold spaces and parentheses, so the fields after it are counted from the last `)`.
 */
export function startKeyFromStat(stat: string): string | null {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open === -1 || close < open) return null;
  // After ") " come fields 3.. : state is field 3, so starttime (22) is the 20th from here.
  const fields = stat.slice(close + 2).split(' ');
  const start = fields[19];
  return start !== undefined && /^\d+$/.test(start) ? `${start}:${stat.slice(open + 1, close)}` : null;
}

/** argv from /proc/<pid>/cmdline: NUL-separated, usually NUL-terminated. */
export function splitCmdline(cmdline: string): string[] {
  const parts = cmdline.split('\0');
  if (parts.at(-1) === '') parts.pop();
  return parts;
}

function readSmallFile(path: string, buffer: Buffer): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.toString('utf8', 0, n);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

function readLink(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}
