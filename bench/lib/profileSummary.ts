// Prints where a .cpuprofile spends its time: self time per function (and per file), top entries.
//   node --import tsx bench/lib/profileSummary.ts <file.cpuprofile> [top=25]
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export function summarize(profile: Profile, top = 25): { total_ms: number; by_function: [string, number, number][]; by_file: [string, number, number][] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const url = n.callFrame.url.replace(/^file:\/\//, '').replace(/.*\/work\/main\//, '');
    const short = url.replace(/.*node_modules\//, 'nm:');
    const key = `${n.callFrame.functionName || '(anonymous)'} ${short ? `${short}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
    fn.set(key, (fn.get(key) ?? 0) + us);
    const f = short || n.callFrame.functionName;
    file.set(f, (file.get(f) ?? 0) + us);
  }
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => [k, Math.round(us / 100) / 10, Math.round((us / total) * 1000) / 10] as [string, number, number]);
  return { total_ms: Math.round(total / 1000), by_function: rows(fn), by_file: rows(file) };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [file, topArg] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: profileSummary.ts <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  const s = summarize(JSON.parse(fs.readFileSync(file, 'utf8')) as Profile, Number(topArg ?? 25));
  process.stdout.write(`total sampled: ${s.total_ms} ms\n\nself time by function (ms, %):\n`);
  for (const [k, ms, pct] of s.by_function) process.stdout.write(`  ${String(ms).padStart(8)}  ${String(pct).padStart(5)}%  ${k}\n`);
  process.stdout.write(`\nself time by file (ms, %):\n`);
  for (const [k, ms, pct] of s.by_file) process.stdout.write(`  ${String(ms).padStart(8)}  ${String(pct).padStart(5)}%  ${k}\n`);
}
