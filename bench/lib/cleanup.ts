// Every child process and temp dir a bench creates is registered here, so that a normal end, an
// exception, a timeout or Ctrl-C all leave nothing behind. Children are ended by their own pid.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const children = new Set<ChildProcess>();
const dirs = new Set<string>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\n[bench] ${signal}: cleaning up\n`);
      cleanupNow();
      process.exit(130);
    });
  }
}

export function trackChild(child: ChildProcess): ChildProcess {
  install();
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export function makeTempDir(prefix: string): string {
  install();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `concord-bench-${prefix}-`));
  dirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
}

/** Synchronous so it can run in process.on('exit'): SIGKILL every live child, delete every temp dir. */
export function cleanupNow(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone between the check and the kill
      }
    }
  }
  children.clear();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

/** Ends the bench with a hard deadline: past it, the JSON says what timed out and everything is cleaned up. */
export function armDeadline(seconds: number, onTimeout: () => void): NodeJS.Timeout {
  const t = setTimeout(() => {
    process.stderr.write(`[bench] deadline of ${seconds}s reached\n`);
    try {
      onTimeout();
    } finally {
      cleanupNow();
      process.exit(2);
    }
  }, seconds * 1000);
  t.unref();
  return t;
}

/** Prints a bench's result: the JSON object on stdout, its one-line summary on stderr. */
export function report(result: { summary: string }): void {
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  process.stderr.write(result.summary + '\n');
}

/** Runs a bench's main, cleans up children and temp dirs on every path, and exits 0 or 1 (with the error as JSON). */
export function runBench(name: string, main: () => Promise<void>): void {
  main()
    .then(() => {
      cleanupNow();
      process.exit(0);
    })
    .catch((e: unknown) => {
      process.stdout.write(JSON.stringify({ bench: name, error: e instanceof Error ? e.stack ?? e.message : String(e) }, null, 2) + '\n');
      cleanupNow();
      process.exit(1);
    });
}
