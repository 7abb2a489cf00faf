// Percentiles over exact samples (no sampling, no histogram buckets).

export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** Sorts in place. Values are returned in the samples' unit divided by `divisor`, rounded to 3 decimals. */
export function percentiles(samples: Float64Array | number[], divisor = 1): Percentiles | null {
  const a = samples instanceof Float64Array ? samples : Float64Array.from(samples);
  if (a.length === 0) return null;
  a.sort();
  const at = (q: number) => a[Math.min(a.length - 1, Math.max(0, Math.ceil(q * a.length) - 1))]!;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]!;
  const r = (v: number) => Math.round((v / divisor) * 1000) / 1000;
  return { count: a.length, p50: r(at(0.5)), p90: r(at(0.9)), p99: r(at(0.99)), p999: r(at(0.999)), max: r(a[a.length - 1]!), mean: r(sum / a.length) };
}

export function median(values: number[]): number {
  const a = [...values].sort((x, y) => x - y);
  const mid = a.length >> 1;
  return a.length % 2 ? a[mid]! : (a[mid - 1]! + a[mid]!) / 2;
}

export const round = (v: number, digits = 3): number => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

export function concat(parts: Float64Array[]): Float64Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Float64Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
