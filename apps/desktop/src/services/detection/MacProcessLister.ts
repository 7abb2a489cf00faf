// macOS processes from `ps -axo pid=,lstart=,comm=`: comm is the full executable path on macOS and
// lstart the start time (the start key). One ps per scan; its output is parsed here, in one place.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { macBundlePath, normalizeExecutablePath } from './executablePaths.ts';
import type { ProcessLister, ProcessStub, RunningProcess } from './ProcessScanner.ts';

const run = promisify(execFile);

export interface MacProcessStub extends ProcessStub {
  readonly command: string;
}

export class MacProcessLister implements ProcessLister<MacProcessStub> {
  async list(): Promise<MacProcessStub[]> {
    const { stdout } = await run('ps', ['-axo', 'pid=,lstart=,comm='], { maxBuffer: 16 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } });
    return parsePsOutput(stdout);
  }

  resolve(stub: MacProcessStub): RunningProcess | null {
    if (stub.command === '') return null;
    const normalized = normalizeExecutablePath(stub.command);
    const bundle = macBundlePath(normalized);
    return { pid: stub.pid, startKey: stub.startKey, candidatePaths: bundle === null ? [normalized] : [normalized, bundle], executable: stub.command };
  }
}

/** Lines of `pid lstart comm`, lstart being `Mon Dec  1 10:00:00 2025` (5 words, C locale). */
export function parsePsOutput(stdout: string): MacProcessStub[] {
  const stubs: MacProcessStub[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^\s*(\d+)\s+(\w{3}\s+\w{3}\s+\d{1,2}\s+\d{1,2}:\d{2}:\d{2}\s+\d{4})\s+(.*)$/.exec(line);
    if (!m) continue;
    stubs.push({ pid: Number(m[1]), startKey: m[2]!.replace(/\s+/g, ' '), command: m[3]!.trim() });
  }
  return stubs;
}
