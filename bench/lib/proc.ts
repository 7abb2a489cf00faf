// Reads a process's CPU time and memory straight from /proc, so the server needs no instrumentation.
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';

let clockTicksPerSecond: number | null = null;
function clkTck(): number {
  if (clockTicksPerSecond === null) {
    try {
      clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      clockTicksPerSecond = 100;
    }
  }
  return clockTicksPerSecond;
}

/** utime + stime of the whole process (all threads), in microseconds; resolution is one clock tick (10 ms). */
export function processCpuUs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "pid (comm) ": the comm may contain spaces, so split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1e6) / clkTck();
}

/** utime and stime separately (microseconds), to see how much of the cost is the kernel. */
export function processCpuSplitUs(pid: number): { userUs: number; systemUs: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { userUs: (Number(fields[11]) * 1e6) / clkTck(), systemUs: (Number(fields[12]) * 1e6) / clkTck() };
}

/** VmRSS in bytes. */
export function processRssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

/** A monotonic clock shared by every process on the machine (CLOCK_MONOTONIC), in microseconds. */
export function monoUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
