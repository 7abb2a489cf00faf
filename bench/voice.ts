// bench:voice, against TARGETS.md's voice rows: SFU forwarding >= 25,000 packets/s per core with
// per-receiver encryption and >= 0.5x a bare dgram + node:crypto relay doing the same crypto in the
// same run; added latency p99 <= 2 ms at 10,000 forwarded packets/s; event-loop delay p99 < 10 ms;
// no loss added; mouth-to-ear on loopback p95 <= 50 ms.
//
// Each relay (the bare one, then ours: UdpMediaServer from @concord/server) runs alone in a forked
// process; a second forked process is the load generator (one UDP socket per participant). Rooms of
// `room-size` members, `senders` of them talking, so every inbound packet is sealed room-size - 1
// times. Phase "throughput" offers `max-in-pps` inbound packets/s; packets/s per core = forwarded /
// relay CPU seconds. Phase "latency" offers 10,000 forwarded/s and samples every packet's delay.
// Then mouth-to-ear with two SDK VoiceClients through the real server (bench/lib/voiceMouthToEar.ts).
//
//   node --import tsx bench/voice.ts [--rooms 2] [--room-size 10] [--senders 2] [--duration-s 5] [--repeat 1]
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { intOption, log, numberOption, parseArgs } from './lib/args.ts';
import { armDeadline, report, runBench, trackChild } from './lib/cleanup.ts';
import { gitInfo } from './lib/gitInfo.ts';
import { median, percentiles, round } from './lib/stats.ts';
import { measureMouthToEar } from './lib/voiceMouthToEar.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const opts = parseArgs({
  rooms: { default: '2', help: 'voice rooms' },
  'room-size': { default: '10', help: 'members per room (each inbound packet is sealed room-size - 1 times)' },
  senders: { default: '2', help: 'talking members per room' },
  'duration-s': { default: '5', help: 'seconds per measured phase' },
  'max-in-pps': { default: '4000', help: 'inbound packets/s offered in the throughput phase' },
  'latency-forwarded-pps': { default: '10000', help: 'forwarded packets/s in the latency phase' },
  'payload-bytes': { default: '80', help: 'Opus payload bytes per packet (~32 kb/s voice)' },
  'm2e-s': { default: '20', help: 'seconds of the mouth-to-ear run (0 skips it)' },
  repeat: { default: '1', help: 'runs (baseline and concord interleaved); medians reported' },
  save: { default: '', help: 'also write the JSON to this file (e.g. bench/results/<date>-voice.json)' },
});
const ROOMS = intOption(opts.rooms, 'rooms', 1);
const ROOM_SIZE = intOption(opts['room-size'], 'room-size', 2);
const SENDERS = Math.min(ROOM_SIZE, intOption(opts.senders, 'senders', 1));
const DURATION_S = numberOption(opts['duration-s'], 'duration-s', 1);
const MAX_IN_PPS = intOption(opts['max-in-pps'], 'max-in-pps', 1);
const LATENCY_FWD_PPS = intOption(opts['latency-forwarded-pps'], 'latency-forwarded-pps', 1);
const PAYLOAD = intOption(opts['payload-bytes'], 'payload-bytes', 8);
const M2E_S = numberOption(opts['m2e-s'], 'm2e-s', 0);
const REPEAT = intOption(opts.repeat, 'repeat', 1);
const GOALS = { ppsPerCore: 25_000, ratioVsBare: 0.5, addedP99Ms: 2, eldP99Ms: 10, m2eP95Ms: 50 };

type Kind = 'baseline' | 'concord';
interface RelayFigures { wallS: number; cpuUserS: number; cpuSystemS: number; forwarded: number; received: number; eldP50Ms: number; eldP99Ms: number; eldMaxMs: number }
interface LoadResult { sent: number; received: number; latenciesMs: number[] }

function forkChild(file: string, args: string[]): ChildProcess {
  return trackChild(fork(path.join(here, file), args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
}

function request<T>(child: ChildProcess, message: object, answer: string, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`no ${answer} from child in ${String(timeoutMs)} ms`)); }, timeoutMs);
    const on = (m: { t: string; error?: string }) => {
      if (m.t === 'error') { clearTimeout(timer); child.off('message', on); reject(new Error(m.error)); return; }
      if (m.t !== answer) return;
      clearTimeout(timer);
      child.off('message', on);
      resolve(m as T);
    };
    child.on('message', on);
    if (Object.keys(message).length > 0) child.send(message);
  });
}

async function phase(relay: ChildProcess, load: ChildProcess, inPps: number, sampleEvery: number) {
  relay.send({ t: 'start' });
  const result = await request<LoadResult>(load, { t: 'run', inPps, durationS: DURATION_S, sampleEvery, payloadBytes: PAYLOAD }, 'result', (DURATION_S + 30) * 1000);
  const fig = await request<RelayFigures>(relay, { t: 'stop' }, 'figures');
  const cpuS = fig.cpuUserS + fig.cpuSystemS;
  const expected = result.sent * (ROOM_SIZE - 1);
  return {
    offered_in_pps: inPps,
    sent: result.sent,
    forwarded: fig.forwarded,
    forwarded_per_s: round(fig.forwarded / fig.wallS, 0),
    relay_cpu_percent: round((100 * cpuS) / fig.wallS, 1),
    relay_cpu_user_s: round(fig.cpuUserS, 3),
    relay_cpu_system_s: round(fig.cpuSystemS, 3),
    forwarded_per_core_s: cpuS > 0 ? round(fig.forwarded / cpuS, 0) : null,
    received_by_loadgen: result.received,
    lost: Math.max(0, expected - result.received),
    loss_percent: expected > 0 ? round((100 * Math.max(0, expected - result.received)) / expected, 3) : 0,
    latency_ms: percentiles(result.latenciesMs),
    event_loop_delay_ms: { p50: round(fig.eldP50Ms, 3), p99: round(fig.eldP99Ms, 3), max: round(fig.eldMaxMs, 3) },
  };
}

async function runRelay(kind: Kind) {
  const relay = forkChild('voice-relay.ts', [kind]);
  const load = forkChild('voice-loadgen.ts', []);
  try {
    const ready = await request<{ port: number; participants: unknown[] }>(relay, { t: 'setup', rooms: ROOMS, roomSize: ROOM_SIZE }, 'ready');
    await request(load, { t: 'setup', port: ready.port, participants: ready.participants, sendersPerRoom: SENDERS }, 'ready');
    // Warm-up (JIT, socket buffers), not reported.
    await phase(relay, load, Math.round(MAX_IN_PPS / 4), 50);
    const throughput = await phase(relay, load, MAX_IN_PPS, 50);
    const latency = await phase(relay, load, Math.round(LATENCY_FWD_PPS / (ROOM_SIZE - 1)), 1);
    return { throughput, latency };
  } finally {
    relay.disconnect();
    load.disconnect();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  armDeadline(60 + REPEAT * (DURATION_S * 6 + 60) + M2E_S * 2, () => { process.stdout.write(JSON.stringify({ bench: 'voice', error: 'deadline' }) + '\n'); });
  const runs: { baseline: Awaited<ReturnType<typeof runRelay>>; concord: Awaited<ReturnType<typeof runRelay>> }[] = [];
  for (let r = 0; r < REPEAT; r++) {
    log(`run ${String(r + 1)}/${String(REPEAT)}: bare relay`);
    const baseline = await runRelay('baseline');
    log(`run ${String(r + 1)}/${String(REPEAT)}: concord SFU`);
    const concord = await runRelay('concord');
    runs.push({ baseline, concord });
  }
  let m2e: { p50_ms: number | null; p95_ms: number | null; max_ms: number | null; pulses: number; detected: number; listener: unknown } | null = null;
  if (M2E_S > 0) {
    log('mouth-to-ear through the real server with two SDK voice clients');
    const res = await measureMouthToEar(M2E_S);
    const p = percentiles(res.samplesMs);
    const sorted = [...res.samplesMs].sort((a, b) => a - b);
    const p95 = sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]! : null;
    m2e = { p50_ms: p?.p50 ?? null, p95_ms: p95 === null ? null : round(p95, 3), max_ms: p?.max ?? null, pulses: res.pulses, detected: res.detected, listener: res.listenerStats };
  }
  const med = (f: (r: (typeof runs)[number]) => number | null | undefined) => {
    const v = runs.map(f).filter((x): x is number => typeof x === 'number');
    return v.length ? round(median(v), 3) : null;
  };
  const m = {
    concord_forwarded_per_core_s: med((r) => r.concord.throughput.forwarded_per_core_s),
    baseline_forwarded_per_core_s: med((r) => r.baseline.throughput.forwarded_per_core_s),
    concord_forwarded_per_s: med((r) => r.concord.throughput.forwarded_per_s),
    baseline_forwarded_per_s: med((r) => r.baseline.throughput.forwarded_per_s),
    concord_cpu_percent: med((r) => r.concord.throughput.relay_cpu_percent),
    baseline_cpu_percent: med((r) => r.baseline.throughput.relay_cpu_percent),
    concord_throughput_loss_percent: med((r) => r.concord.throughput.loss_percent),
    concord_latency_p50_ms: med((r) => r.concord.latency.latency_ms?.p50),
    concord_latency_p99_ms: med((r) => r.concord.latency.latency_ms?.p99),
    baseline_latency_p50_ms: med((r) => r.baseline.latency.latency_ms?.p50),
    baseline_latency_p99_ms: med((r) => r.baseline.latency.latency_ms?.p99),
    concord_latency_loss_percent: med((r) => r.concord.latency.loss_percent),
    concord_eld_p99_ms: med((r) => r.concord.latency.event_loop_delay_ms.p99),
    baseline_eld_p99_ms: med((r) => r.baseline.latency.event_loop_delay_ms.p99),
    concord_eld_p99_at_max_ms: med((r) => r.concord.throughput.event_loop_delay_ms.p99),
  };
  const ratio = m.concord_forwarded_per_core_s !== null && m.baseline_forwarded_per_core_s ? round(m.concord_forwarded_per_core_s / m.baseline_forwarded_per_core_s, 3) : null;
  const addedP50 = m.concord_latency_p50_ms !== null && m.baseline_latency_p50_ms !== null ? round(m.concord_latency_p50_ms - m.baseline_latency_p50_ms, 3) : null;
  const addedP99 = m.concord_latency_p99_ms !== null && m.baseline_latency_p99_ms !== null ? round(m.concord_latency_p99_ms - m.baseline_latency_p99_ms, 3) : null;
  const goals = {
    pps_per_core_ge_25000: (m.concord_forwarded_per_core_s ?? 0) >= GOALS.ppsPerCore,
    ratio_vs_bare_ge_0_5: (ratio ?? 0) >= GOALS.ratioVsBare,
    latency_p99_le_2ms_at_10k: (m.concord_latency_p99_ms ?? Infinity) <= GOALS.addedP99Ms,
    event_loop_delay_p99_lt_10ms: (m.concord_eld_p99_ms ?? Infinity) < GOALS.eldP99Ms,
    no_loss_at_10k: m.concord_latency_loss_percent === 0,
    ...(m2e ? { mouth_to_ear_p95_le_50ms: (m2e.p95_ms ?? Infinity) <= GOALS.m2eP95Ms } : {}),
  };
  const summary =
    `voice rooms=${String(ROOMS)}x${String(ROOM_SIZE)} senders=${String(SENDERS)}${REPEAT > 1 ? ` median of ${String(REPEAT)}` : ''}: ` +
    `SFU ${String(m.concord_forwarded_per_core_s)} fwd/s per core (${String(m.concord_forwarded_per_s)}/s at ${String(m.concord_cpu_percent)}% CPU; goal >= 25000), bare relay ${String(m.baseline_forwarded_per_core_s)} -> ${String(ratio)}x (goal >= 0.5); ` +
    `at 10k fwd/s latency p50/p99 ${String(m.concord_latency_p50_ms)}/${String(m.concord_latency_p99_ms)} ms (bare ${String(m.baseline_latency_p50_ms)}/${String(m.baseline_latency_p99_ms)}; added p99 ${String(addedP99)} ms; goal p99 <= 2), ` +
    `loss ${String(m.concord_latency_loss_percent)}%, event-loop delay p99 ${String(m.concord_eld_p99_ms)} ms at 10k (bare ${String(m.baseline_eld_p99_ms)}; goal < 10)` +
    (m2e ? `; mouth-to-ear p50/p95 ${String(m2e.p50_ms)}/${String(m2e.p95_ms)} ms over ${String(m2e.detected)}/${String(m2e.pulses)} pulses (goal p95 <= 50)` : '') +
    ` -> ${Object.entries(goals).filter(([, v]) => !v).map(([k]) => `missed ${k}`).join(', ') || 'all goals met'}`;
  const out = {
    bench: 'voice',
    config: { rooms: ROOMS, room_size: ROOM_SIZE, senders_per_room: SENDERS, duration_s: DURATION_S, max_in_pps: MAX_IN_PPS, latency_forwarded_pps: LATENCY_FWD_PPS, payload_bytes: PAYLOAD, mode: 'aead_aes256_gcm_rtpsize', repeat: REPEAT, node: process.version, cpus: os.cpus().length, load_average_at_start: os.loadavg().map((x) => round(x, 2)), ...gitInfo() },
    median: m,
    ratios: { forwarded_per_core_vs_bare: ratio, added_latency_p50_ms: addedP50, added_latency_p99_ms: addedP99 },
    mouth_to_ear: m2e,
    runs,
    goals,
    wall_s: round((Date.now() - started) / 1000, 1),
    summary,
  };
  if (opts.save) fs.writeFileSync(path.resolve(opts.save), JSON.stringify(out, null, 2) + '\n');
  report(out);
}

runBench('voice', main);
