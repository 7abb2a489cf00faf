// Drives a server process through its V8 inspector (the server runs with --inspect=127.0.0.1:0):
// CPU profiles of exactly one bench phase (Profiler.start/stop, so setup and shutdown stay out),
// a full GC before memory is read (so RSS and heap are not at the mercy of GC timing), the
// process's own memoryUsage(), and heap snapshots summarized by constructor.
import fs from 'node:fs';
import { RawWebSocket } from './RawWebSocket.ts';

export interface HeapSummary {
  total_bytes: number;
  /** self size by "type:constructor" (objects, closures) or by type (strings, code, arrays...). */
  by_kind: Record<string, { count: number; bytes: number }>;
}

export class Inspector {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private snapshotChunks: string[] = [];

  private constructor(private readonly ws: RawWebSocket) {}

  /** `inspectorUrl` is what the server printed: ws://127.0.0.1:<port>/<uuid>. */
  static connect(inspectorUrl: string): Promise<Inspector> {
    const u = new URL(inspectorUrl);
    return new Promise((resolve, reject) => {
      let inspector: Inspector | null = null;
      const ws = new RawWebSocket(Number(u.port), u.pathname, {
        onOpen: () => resolve(inspector!),
        onMessage: (payload) => inspector!.onMessage(payload),
        onClose: (code, reason) => {
          for (const p of inspector?.pending.values() ?? []) p.reject(new Error(`inspector closed: ${code} ${reason}`));
          reject(new Error(`inspector closed: ${code} ${reason}`));
        },
      });
      inspector = new Inspector(ws);
    });
  }

  private onMessage(payload: Buffer): void {
    const m = JSON.parse(payload.toString('utf8')) as { id?: number; method?: string; params?: { chunk?: string }; result?: unknown; error?: { message: string } };
    if (m.method === 'HeapProfiler.addHeapSnapshotChunk') {
      this.snapshotChunks.push(m.params?.chunk ?? '');
      return;
    }
    if (m.id === undefined) return;
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.error) p.reject(new Error(m.error.message));
    else p.resolve(m.result);
  }

  call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ id, method, params }), false);
    });
  }

  async startProfile(samplingIntervalUs = 250): Promise<void> {
    await this.call('Profiler.enable');
    await this.call('Profiler.setSamplingInterval', { interval: samplingIntervalUs });
    await this.call('Profiler.start');
  }

  /** Stops and writes the .cpuprofile (open it in Chrome DevTools, or summarize with bench/lib/profileSummary.ts). */
  async stopProfileTo(file: string): Promise<void> {
    const r = (await this.call('Profiler.stop')) as { profile: unknown };
    fs.writeFileSync(file, JSON.stringify(r.profile));
  }

  async collectGarbage(): Promise<void> {
    await this.call('HeapProfiler.collectGarbage');
  }

  /** process.memoryUsage() of the server, read inside the server. */
  async memoryUsage(): Promise<{ rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number }> {
    const r = (await this.call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true })) as { result: { value: string } };
    return JSON.parse(r.result.value) as { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
  }

  async heapSummary(): Promise<HeapSummary> {
    this.snapshotChunks = [];
    await this.call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    const snap = JSON.parse(this.snapshotChunks.join('')) as {
      snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
      nodes: number[];
      strings: string[];
    };
    this.snapshotChunks = [];
    const f = snap.snapshot.meta.node_fields;
    const width = f.length;
    const typeAt = f.indexOf('type');
    const nameAt = f.indexOf('name');
    const sizeAt = f.indexOf('self_size');
    const types = snap.snapshot.meta.node_types[0];
    const by: Record<string, { count: number; bytes: number }> = {};
    let total = 0;
    for (let i = 0; i < snap.nodes.length; i += width) {
      const type = types[snap.nodes[i + typeAt]!]!;
      const size = snap.nodes[i + sizeAt]!;
      const key = type === 'object' || type === 'closure' ? `${type}:${snap.strings[snap.nodes[i + nameAt]!]}` : type;
      const e = (by[key] ??= { count: 0, bytes: 0 });
      e.count++;
      e.bytes += size;
      total += size;
    }
    return { total_bytes: total, by_kind: by };
  }

  close(): void {
    this.ws.destroy();
  }
}

/** The kinds of heap object that grew most between two summaries, per unit (e.g. per session). */
export function heapGrowth(before: HeapSummary, after: HeapSummary, units: number, top = 15): { kind: string; count_per_unit: number; bytes_per_unit: number }[] {
  const rows: { kind: string; count_per_unit: number; bytes_per_unit: number }[] = [];
  for (const [kind, a] of Object.entries(after.by_kind)) {
    const b = before.by_kind[kind] ?? { count: 0, bytes: 0 };
    rows.push({ kind, count_per_unit: Math.round(((a.count - b.count) / units) * 100) / 100, bytes_per_unit: Math.round(((a.bytes - b.bytes) / units) * 10) / 10 });
  }
  return rows.sort((x, y) => y.bytes_per_unit - x.bytes_per_unit).slice(0, top);
}
