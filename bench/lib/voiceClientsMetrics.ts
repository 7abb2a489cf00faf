// bench:voice-clients' measurements: renderer CPU over a window (the page's main thread from CDP
// Performance.getMetrics, and every Chromium process's CPU time from SystemInfo.getProcessInfo, which
// includes the renderer's audio and WebRTC threads), per-stream audio glitches from getStats()
// deltas, and the matching of "mouth" onsets to "ear" onsets.
import type { Browser, CDPSession, Page } from 'playwright-core';
import { round } from './stats.ts';
import type { ProbeOnset, VoiceProbeHandle } from './voiceClientsProbe.ts';

type Metrics = Record<string, number>;

export interface CpuWindow {
  wall_s: number;
  /** Main-thread busy time per second of wall time, percent of one core. */
  main_thread_task_percent: number;
  main_thread_script_percent: number;
  main_thread_layout_style_percent: number;
  /** Per-second main-thread task percent (spread). */
  main_thread_task_percent_per_s: number[];
  /** Chromium processes' CPU, percent of one core, by process type (renderer includes audio/WebRTC threads). */
  process_cpu_percent: Record<string, number>;
  js_heap_used_mb: number;
}

async function pageMetrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

async function processCpu(browserCdp: CDPSession): Promise<Map<string, { type: string; cpuS: number }>> {
  const { processInfo } = await browserCdp.send('SystemInfo.getProcessInfo');
  return new Map(processInfo.map((p) => [`${p.type}:${String(p.id)}`, { type: p.type, cpuS: p.cpuTime }]));
}

/** Samples the page's CPU once a second for `seconds`. */
export async function measureCpu(browser: Browser, page: Page, seconds: number): Promise<CpuWindow> {
  const cdp = await page.context().newCDPSession(page);
  const browserCdp = await browser.newBrowserCDPSession();
  try {
    // Thread ticks: CPU time of the main thread, not wall time spent in tasks (falls back if unsupported).
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' }).catch(() => cdp.send('Performance.enable'));
    const m0 = await pageMetrics(cdp);
    const p0 = await processCpu(browserCdp);
    const t0 = performance.now();
    const perSecond: number[] = [];
    let prev = m0;
    let prevT = t0;
    while (performance.now() - t0 < seconds * 1000) {
      await new Promise((r) => setTimeout(r, Math.min(1000, t0 + seconds * 1000 - performance.now())));
      const m = await pageMetrics(cdp);
      const now = performance.now();
      perSecond.push(round((100 * ((m['TaskDuration'] ?? 0) - (prev['TaskDuration'] ?? 0))) / ((now - prevT) / 1000), 1));
      prev = m;
      prevT = now;
    }
    const p1 = await processCpu(browserCdp);
    const wallS = (prevT - t0) / 1000;
    const d = (name: string) => (100 * ((prev[name] ?? 0) - (m0[name] ?? 0))) / wallS;
    const byType: Record<string, number> = {};
    for (const [key, end] of p1) {
      const start = p0.get(key)?.cpuS ?? 0;
      byType[end.type] = (byType[end.type] ?? 0) + (100 * (end.cpuS - start)) / wallS;
    }
    return {
      wall_s: round(wallS, 2),
      main_thread_task_percent: round(d('TaskDuration'), 1),
      main_thread_script_percent: round(d('ScriptDuration'), 1),
      main_thread_layout_style_percent: round(d('LayoutDuration') + d('RecalcStyleDuration'), 1),
      main_thread_task_percent_per_s: perSecond,
      process_cpu_percent: Object.fromEntries(Object.entries(byType).map(([k, v]) => [k, round(v, 1)])),
      js_heap_used_mb: round((prev['JSHeapUsedSize'] ?? 0) / 1048576, 1),
    };
  } finally {
    await cdp.detach().catch(() => undefined);
    await browserCdp.detach().catch(() => undefined);
  }
}

export interface WebAudioLoad {
  contexts: number;
  /** Render time over the render quantum's duration, percent (100: the renderer is late and glitches). Max and mean of the samples. */
  render_capacity_percent_max: number;
  render_capacity_percent_mean: number;
  /** Device callback interval (the buffer the latency hint bought) and its spread. */
  callback_interval_ms: number;
  callback_interval_sd_ms: number;
}

/** The page's realtime AudioContexts' render load over `seconds`, sampled every 250 ms (CDP WebAudio domain). */
export async function measureWebAudio(page: Page, seconds: number): Promise<WebAudioLoad | null> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const ids = new Set<string>();
    cdp.on('WebAudio.contextCreated', (e) => { if (e.context.contextType === 'realtime') ids.add(e.context.contextId); });
    await cdp.send('WebAudio.enable');
    const samples: { capacity: number; intervalMs: number; sdMs: number }[] = [];
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      await new Promise((r) => setTimeout(r, 250));
      for (const contextId of ids) {
        const { realtimeData: d } = await cdp.send('WebAudio.getRealtimeData', { contextId }).catch(() => ({ realtimeData: null }));
        if (d && d.callbackIntervalMean > 0) samples.push({ capacity: d.renderCapacity, intervalMs: d.callbackIntervalMean * 1000, sdMs: Math.sqrt(d.callbackIntervalVariance) * 1000 });
      }
    }
    if (samples.length === 0) return null;
    const last = samples[samples.length - 1]!;
    return {
      contexts: ids.size,
      render_capacity_percent_max: round(Math.max(...samples.map((x) => x.capacity)), 1),
      render_capacity_percent_mean: round(samples.reduce((t, x) => t + x.capacity, 0) / samples.length, 1),
      callback_interval_ms: round(last.intervalMs, 2),
      callback_interval_sd_ms: round(last.sdMs, 2),
    };
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

export const rtpStats = (page: Page) => page.evaluate(() => (window as unknown as { __voiceProbe: VoiceProbeHandle }).__voiceProbe.rtpStats());
export const probeOnsets = (page: Page) => page.evaluate(() => [...(window as unknown as { __voiceProbe: VoiceProbeHandle }).__voiceProbe.onsets]);
export const probeState = (page: Page) =>
  page.evaluate(() => {
    const p = (window as unknown as { __voiceProbe: VoiceProbeHandle }).__voiceProbe;
    return { errors: [...p.errors], latency: p.latency(), page_latency: p.pageLatency() };
  });

const num = (s: Record<string, unknown> | undefined, k: string): number => {
  const v = s?.[k];
  return typeof v === 'number' ? v : 0;
};

export interface StreamGlitches {
  ssrc: number;
  packets_received: number;
  packets_lost: number;
  samples_received: number;
  concealed_samples: number;
  silent_concealed_samples: number;
  concealed_percent: number;
  concealment_events: number;
  inserted_samples_for_deceleration: number;
  removed_samples_for_acceleration: number;
  jitter_buffer_delay_ms: number | null;
  /** What the jitter buffer aimed for (jitterBufferTargetDelay) and its floor without an app hint (jitterBufferMinimumDelay). */
  jitter_buffer_target_ms: number | null;
  jitter_buffer_minimum_ms: number | null;
  jitter_ms: number;
  audio_energy: number;
}

/** Per inbound stream (by SSRC) what changed between two getStats() snapshots; streams that got packets only. */
export function glitchesBetween(before: Record<string, unknown>[], after: Record<string, unknown>[]): StreamGlitches[] {
  const inbound = (list: Record<string, unknown>[]) => new Map(list.filter((s) => s['type'] === 'inbound-rtp').map((s) => [num(s, 'ssrc'), s]));
  const b = inbound(before);
  const out: StreamGlitches[] = [];
  for (const [ssrc, a] of inbound(after)) {
    const s = b.get(ssrc);
    const d = (k: string) => num(a, k) - num(s, k);
    if (d('packetsReceived') <= 0) continue;
    const emitted = d('jitterBufferEmittedCount');
    out.push({
      ssrc,
      packets_received: d('packetsReceived'),
      packets_lost: d('packetsLost'),
      samples_received: d('totalSamplesReceived'),
      concealed_samples: d('concealedSamples'),
      silent_concealed_samples: d('silentConcealedSamples'),
      concealed_percent: d('totalSamplesReceived') > 0 ? round((100 * d('concealedSamples')) / d('totalSamplesReceived'), 3) : 0,
      concealment_events: d('concealmentEvents'),
      inserted_samples_for_deceleration: d('insertedSamplesForDeceleration'),
      removed_samples_for_acceleration: d('removedSamplesForAcceleration'),
      jitter_buffer_delay_ms: emitted > 0 ? round((1000 * d('jitterBufferDelay')) / emitted, 1) : null,
      jitter_buffer_target_ms: emitted > 0 ? round((1000 * d('jitterBufferTargetDelay')) / emitted, 1) : null,
      jitter_buffer_minimum_ms: emitted > 0 ? round((1000 * d('jitterBufferMinimumDelay')) / emitted, 1) : null,
      jitter_ms: round(1000 * num(a, 'jitter'), 1),
      audio_energy: round(d('totalAudioEnergy'), 4),
    });
  }
  return out.sort((x, y) => y.packets_received - x.packets_received);
}

/** Outbound audio packets sent between two snapshots. */
export function packetsSentBetween(before: Record<string, unknown>[], after: Record<string, unknown>[]): number {
  const sum = (list: Record<string, unknown>[]) => list.filter((s) => s['type'] === 'outbound-rtp').reduce((t, s) => t + num(s, 'packetsSent'), 0);
  return sum(after) - sum(before);
}

/**
 * Each ear onset belongs to the latest mouth onset before it, if that is closer than `withinMs`
 * (bursts are further apart than any plausible delay). Returns the delays, ms.
 */
export function matchOnsets(mouthEpochMs: number[], ear: ProbeOnset[], withinMs: number): number[] {
  const mouths = [...mouthEpochMs].sort((x, y) => x - y);
  const out: number[] = [];
  for (const e of ear) {
    if (e.kind !== 'ear') continue;
    let best: number | undefined;
    for (const m of mouths) if (m <= e.epochMs) best = m;
    if (best !== undefined && e.epochMs - best < withinMs) out.push(e.epochMs - best);
  }
  return out;
}

/** p50 / p95 / max of delays (ms), 1 decimal. */
export function delaySummary(samples: number[]): { count: number; p50_ms: number; p95_ms: number; min_ms: number; max_ms: number } | null {
  if (samples.length === 0) return null;
  const a = [...samples].sort((x, y) => x - y);
  const at = (q: number) => a[Math.min(a.length - 1, Math.max(0, Math.ceil(q * a.length) - 1))]!;
  return { count: a.length, p50_ms: round(at(0.5), 1), p95_ms: round(at(0.95), 1), min_ms: round(a[0]!, 1), max_ms: round(a[a.length - 1]!, 1) };
}
