// Scale-out (issue 20): 1 -> 2 -> 3 server processes on one machine form one cluster (PostgreSQL
// metadata in a fresh schema, BUS=nats by default, messages in SQLite under one shared DATA_DIR
// written by node 0 only). S members of one guild hold gateway sessions spread round-robin over the
// nodes; one member sends messages through node 0 at each rate of --rates for --seconds. Every
// session records every MESSAGE_CREATE; latency = arrival - send, in this process's clock (the
// send time sits in the nonce). Reported per node count and rate: deliveries/s, loss, latency
// p50/p99 for all sessions and for sessions on other nodes than the sender's (cross-node); and per
// node count the deliveries/s at the highest rate whose p99 stays within --target-p99-ms.
//
//   node --import tsx bench/cluster.ts [--nodes 1,2,3] [--sessions 150] [--rates 20,40,80] [--seconds 5] [--bus nats|redis]
import { ConcordApi } from '@concord/client';
import { dropClusterData } from '@concord/server';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import WebSocket from 'ws';
import { intOption, log, numberOption, parseArgs } from './lib/args.ts';
import { armDeadline, makeTempDir, removeTempDir, report, runBench } from './lib/cleanup.ts';
import { gitInfo } from './lib/gitInfo.ts';
import { ServerProcess, sleep } from './lib/ServerProcess.ts';
import { percentiles, round, type Percentiles } from './lib/stats.ts';

const opts = parseArgs({
  nodes: { default: '1,2,3', help: 'node counts to run, in order' },
  sessions: { default: '150', help: 'gateway sessions (members), spread round-robin over the nodes' },
  rates: { default: '20,40,80', help: 'messages per second sent through node 0, one step each' },
  seconds: { default: '5', help: 'length of one rate step' },
  bus: { default: 'nats', help: 'nats or redis' },
  'target-p99-ms': { default: '100', help: 'the p99 the deliveries/s figure is read at' },
  'timeout-s': { default: '900', help: 'hard limit for the whole bench' },
});
const NODE_COUNTS = opts.nodes.split(',').map((n) => intOption(n.trim(), 'nodes', 1));
const SESSIONS = intOption(opts.sessions, 'sessions', 1);
const RATES = opts.rates.split(',').map((r) => numberOption(r.trim(), 'rates', 1));
const STEP_S = numberOption(opts.seconds, 'seconds', 1);
const BUS = opts.bus === 'redis' ? 'redis' : 'nats';
const TARGET_P99_MS = numberOption(opts['target-p99-ms'], 'target-p99-ms', 1);
const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const PASSWORD = 'correct horse battery';
const DRAIN_MS = 2000;
const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
/** Cluster names used by this run, dropped from NATS and Redis at the end. */
const clusters: string[] = [];

async function adminSql(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A JSON gateway session that only records MESSAGE_CREATE arrivals (nonce -> time), without parsing frames it does not need. */
class Session {
  readonly arrivals = new Map<number, number>();
  private constructor(
    readonly ws: WebSocket,
    readonly node: number,
  ) {}

  static open(url: string, token: string, node: number): Promise<Session> {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/?v=9&encoding=json`);
    const s = new Session(ws, node);
    return new Promise((resolve, reject) => {
      let seq: number | null = null;
      ws.on('message', (data: Buffer) => {
        const text = data.toString('utf8');
        const at = performance.now();
        const nonce = /"nonce":"b(\d+)"/.exec(text);
        if (nonce && text.includes('"t":"MESSAGE_CREATE"')) s.arrivals.set(Number(nonce[1]), at);
        const sm = /"s":(\d+)/.exec(text);
        if (sm) seq = Number(sm[1]);
        if (text.includes('"op":10')) {
          const interval = Number(/"heartbeat_interval":(\d+)/.exec(text)?.[1] ?? 41250);
          const timer = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ op: 1, d: seq })), interval * 0.8);
          ws.once('close', () => clearInterval(timer));
          ws.send(JSON.stringify({ op: 2, d: { token, properties: { os: 'linux', browser: 'bench', device: 'bench' } } }));
        } else if (text.includes('"t":"READY"')) resolve(s);
      });
      ws.once('error', reject);
    });
  }
}

interface StepResult {
  rate_msgs_per_s: number;
  messages: number;
  deliveries: number;
  expected_deliveries: number;
  lost: number;
  deliveries_per_s: number;
  latency_ms: Percentiles | null;
  cross_node_latency_ms: Percentiles | null;
  send_errors: number;
}

async function main(): Promise<void> {
  armDeadline(intOption(opts['timeout-s'], 'timeout-s', 30), () => report({ summary: 'cluster: timed out' }));
  const loadBefore = os.loadavg();
  const schema = `concord_bench_cluster_${process.pid}_${Date.now()}`;
  const dataDir = makeTempDir('cluster-bench');
  await adminSql(`CREATE SCHEMA ${schema}`);
  const baseEnv = { METADATA_STORE: 'postgres', DATABASE_URL, DATABASE_SCHEMA: schema, DATABASE_POOL_SIZE: '4', BUS, VOICE: 'off', LOG_LEVEL: 'warn' };
  const runs: { nodes: number; steps: StepResult[]; at_target: StepResult | null; server_cpu_s: number[] }[] = [];
  try {
    // Seed once through one node: a sender, S members, one guild.
    log(`seeding ${SESSIONS} members on PostgreSQL schema ${schema}`);
    const seedCluster = `cb${process.pid}_${Date.now() % 1e6}_seed`;
    clusters.push(seedCluster);
    const seedNode = await ServerProcess.start({ kind: 'concord', dataDir, env: { ...baseEnv, CLUSTER_NAME: seedCluster } });
    const seedUrl = `http://127.0.0.1:${seedNode.port}`;
    const api = (token: string | null = null) => new ConcordApi({ baseUrl: `${seedUrl}/api/v9`, token });
    const sender = await api().register({ username: `sender_${process.pid}`, password: PASSWORD });
    const guild = await api(sender.token).createGuild({ name: 'cluster bench' });
    const channel = (await api(sender.token).getChannels(guild.id)).find((c) => c.type === 0)!;
    const invite = await api(sender.token).createInvite(channel.id, { max_uses: 0 });
    const tokens: string[] = [];
    for (let i = 0; i < SESSIONS; i += 8) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(8, SESSIONS - i) }, async (_, j) => {
          const u = await api().register({ username: `m${i + j}_${process.pid}`, password: PASSWORD });
          await api(u.token).acceptInvite(invite.code);
          return u.token;
        }),
      );
      tokens.push(...batch);
    }
    await seedNode.stop('graceful');

    for (const k of NODE_COUNTS) {
      const cluster = `cb${process.pid}_${Date.now() % 1e6}_n${k}`;
      clusters.push(cluster);
      const servers: ServerProcess[] = [];
      for (let i = 0; i < k; i++) servers.push(await ServerProcess.start({ kind: 'concord', dataDir, env: { ...baseEnv, CLUSTER_NAME: cluster } }));
      const urls = servers.map((s) => `http://127.0.0.1:${s.port}`);
      const sessions: Session[] = [];
      for (let i = 0; i < tokens.length; i += 16) sessions.push(...(await Promise.all(tokens.slice(i, i + 16).map((t, j) => Session.open(urls[(i + j) % k]!, t, (i + j) % k)))));
      const cpuBefore = servers.map((s) => s.cpuUs());
      log(`${k} node(s): ${sessions.length} sessions ready`);
      const sendApi = new ConcordApi({ baseUrl: `${urls[0]!}/api/v9`, token: sender.token });
      const steps: StepResult[] = [];
      let nonce = 0;
      for (const rate of RATES) {
        const sentAt = new Map<number, number>();
        const count = Math.round(rate * STEP_S);
        let sendErrors = 0;
        const started = performance.now();
        const inFlight = new Set<Promise<void>>();
        for (let i = 0; i < count; i++) {
          const due = started + (i * 1000) / rate;
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
          const n = ++nonce;
          sentAt.set(n, performance.now());
          const p: Promise<void> = sendApi.sendMessage(channel.id, { content: `bench ${n}`, nonce: `b${n}` }).then(
            () => undefined,
            () => {
              sendErrors++;
            },
          );
          inFlight.add(p);
          void p.finally(() => inFlight.delete(p));
        }
        await Promise.all(inFlight);
        const sendDurationS = (performance.now() - started) / 1000;
        await sleep(DRAIN_MS);
        const all: number[] = [];
        const cross: number[] = [];
        for (const s of sessions) {
          for (const [n, t0] of sentAt) {
            const t1 = s.arrivals.get(n);
            if (t1 === undefined) continue;
            all.push(t1 - t0);
            if (s.node !== 0) cross.push(t1 - t0);
          }
        }
        const step: StepResult = {
          rate_msgs_per_s: rate,
          messages: count,
          deliveries: all.length,
          expected_deliveries: count * sessions.length,
          lost: count * sessions.length - all.length,
          deliveries_per_s: round(all.length / sendDurationS, 1),
          latency_ms: percentiles(all),
          cross_node_latency_ms: k > 1 ? percentiles(cross) : null,
          send_errors: sendErrors,
        };
        steps.push(step);
        log(`${k} node(s) @ ${rate} msg/s: ${step.deliveries_per_s} deliveries/s, p99 ${step.latency_ms?.p99 ?? '-'} ms, cross-node p99 ${step.cross_node_latency_ms?.p99 ?? '-'} ms, lost ${step.lost}`);
      }
      const serverCpuS = servers.map((s, i) => round((s.cpuUs() - cpuBefore[i]!) / 1e6, 2));
      for (const s of sessions) s.ws.terminate();
      for (const s of servers) await s.stop('graceful');
      const within = steps.filter((s) => s.lost === 0 && s.latency_ms !== null && s.latency_ms.p99 <= TARGET_P99_MS);
      runs.push({ nodes: k, steps, at_target: within.at(-1) ?? null, server_cpu_s: serverCpuS });
    }
  } finally {
    await adminSql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    for (const c of clusters) await dropClusterData(c, { natsUrl: NATS_URL, redisUrl: REDIS_URL });
    removeTempDir(dataDir);
  }
  const loadAfter = os.loadavg();
  const curve = runs.map((r) => `${r.nodes}n ${r.at_target ? `${r.at_target.deliveries_per_s}/s p99 ${r.at_target.latency_ms?.p99}ms x-node ${r.at_target.cross_node_latency_ms?.p99 ?? '-'}ms` : `none within p99 ${TARGET_P99_MS}ms`}`).join(' -> ');
  const result = {
    bench: 'cluster',
    bus: BUS,
    sessions: SESSIONS,
    rates_msgs_per_s: RATES,
    step_seconds: STEP_S,
    target_p99_ms: TARGET_P99_MS,
    cpus: os.cpus().length,
    loadavg_before: loadBefore.map((v) => round(v, 2)),
    loadavg_after: loadAfter.map((v) => round(v, 2)),
    runs,
    git: gitInfo(),
    summary: `cluster (${BUS}, ${SESSIONS} sessions, load ${round(loadBefore[0]!, 1)}->${round(loadAfter[0]!, 1)} on ${os.cpus().length} cores): deliveries/s at p99 <= ${TARGET_P99_MS} ms: ${curve}`,
  };
  report(result);
}

runBench('cluster', main);
