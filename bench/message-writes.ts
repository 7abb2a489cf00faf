// REST message writes and history reads on the durable SQLite path, against TARGETS.md:
// >= 2,000 writes/s sustained with p99 <= 10 ms, and history (50 messages) p99 <= 5 ms.
//
// K closed-loop senders (each its own user and guild, so its own channel) POST messages for T
// seconds over keep-alive connections; every answer means the row is committed (WAL). Then one
// channel is filled to 10,000 messages and GET /channels/:id/messages?limit=50 is timed, newest page
// and random older pages (before=<id>). Baselines measured in the same run: the bare uWS server's
// send route (HTTP + JSON, no storage: the harness floor) and a raw better-sqlite3 insert/select
// loop on the same table shape and pragmas (the storage floor).
//
//   node --import tsx bench/message-writes.ts [--senders 16] [--duration-s 10] [--history-messages 10000]
import Database from 'better-sqlite3';
import path from 'node:path';
import { intOption, log, numberOption, parseArgs } from './lib/args.ts';
import { armDeadline, makeTempDir, removeTempDir, report, runBench } from './lib/cleanup.ts';
import fs from 'node:fs';
import { HttpConnection, expectJson, forEachConcurrent, HttpPool } from './lib/HttpConnection.ts';
import { Inspector } from './lib/Inspector.ts';
import { monoUs } from './lib/proc.ts';
import { ServerProcess } from './lib/ServerProcess.ts';
import { gitInfo } from './lib/gitInfo.ts';
import { median, percentiles, round, type Percentiles } from './lib/stats.ts';
import os from 'node:os';

const opts = parseArgs({
  senders: { default: '16', help: 'concurrent senders (each its own user, guild and connection)' },
  'duration-s': { default: '10', help: 'measured send time' },
  'warmup-s': { default: '1', help: 'send time before measuring' },
  'history-messages': { default: '10000', help: 'messages in the channel whose history is read' },
  'history-reads': { default: '2000', help: 'sequential history requests per kind (newest, random before=)' },
  'content-chars': { default: '80', help: 'characters per message' },
  baseline: { default: 'on', help: 'also measure the bare uWS HTTP floor and a raw SQLite loop (on|off)' },
  sync: { default: 'normal', help: 'SQLITE_SYNCHRONOUS for the server (normal|full)' },
  'server-cpu-prof': { default: '', help: 'directory for V8 CPU profiles of the server (send window, history reads)' },
  repeat: { default: '1', help: 'runs (concord, bare floor, raw SQLite interleaved); medians are reported' },
  'timeout-s': { default: '', help: 'hard limit for the whole bench (default 300 per repeat)' },
});
const K = intOption(opts.senders, 'senders', 1);
const DURATION_S = numberOption(opts['duration-s'], 'duration-s', 1);
const WARMUP_S = numberOption(opts['warmup-s'], 'warmup-s', 0);
const HISTORY_MESSAGES = intOption(opts['history-messages'], 'history-messages', 50);
const HISTORY_READS = intOption(opts['history-reads'], 'history-reads', 10);
const CONTENT_CHARS = intOption(opts['content-chars'], 'content-chars', 1);
const SYNC = opts.sync === 'full' ? 'full' : 'normal';
const CPU_PROF_DIR = opts['server-cpu-prof'] ? path.resolve(opts['server-cpu-prof']) : null;
const REPEAT = intOption(opts.repeat, 'repeat', 1);

const GOALS = { writesPerS: 2000, writeP99Ms: 10, historyP99Ms: 5 };

const content = (i: number) => `message ${i} `.padEnd(CONTENT_CHARS, 'lorem ipsum dolor sit amet ').slice(0, CONTENT_CHARS);

interface Sender {
  token: string;
  channelId: string;
}

async function setupSenders(port: number, count: number): Promise<Sender[]> {
  const pool = await HttpPool.open(port, Math.min(count, 16));
  const out: Sender[] = new Array<Sender>(count);
  try {
    await forEachConcurrent(count, 16, async (i) => {
      const r = expectJson<{ token: string }>(await pool.request('POST', '/api/v9/auth/register', { username: `writer_${i}`, password: 'bench-password-1' }), 'register');
      const g = expectJson<{ system_channel_id: string }>(await pool.request('POST', '/api/v9/guilds', { name: `writes ${i}` }, r.token), 'create guild');
      out[i] = { token: r.token, channelId: g.system_channel_id };
    });
  } finally {
    pool.close();
  }
  return out;
}

interface SendPhase {
  writes: number;
  writes_per_s: number;
  errors: number;
  error_samples: string[];
  latency_ms: Percentiles | null;
  server_cpu_s: number | null;
  server_cpu_per_write_us: number | null;
  client_cpu_s: number;
  ids: string[][];
}

/** Closed loop: each sender waits for its answer before sending again. Counts what completes inside the window. */
async function sendFor(server: ServerProcess, senders: Sender[]): Promise<SendPhase> {
  const connections = await Promise.all(senders.map(() => HttpConnection.open(server.port)));
  const t0 = monoUs();
  const windowStart = t0 + WARMUP_S * 1e6;
  const windowEnd = windowStart + DURATION_S * 1e6;
  const latencies: number[] = [];
  const errors: string[] = [];
  const ids: string[][] = senders.map(() => []);
  let writes = 0;
  let errorCount = 0;
  // Set by the timer when the measured window opens (a field, so control flow does not pin it to unset).
  const cpuAtWindowStart: { serverUs?: number; client?: NodeJS.CpuUsage } = {};
  const cpuTimer = setTimeout(() => {
    cpuAtWindowStart.serverUs = server.cpuUs();
    cpuAtWindowStart.client = process.cpuUsage();
  }, WARMUP_S * 1000);
  let n = 0;
  await Promise.all(
    senders.map(async (s, k) => {
      const c = connections[k]!;
      for (;;) {
        const start = monoUs();
        if (start >= windowEnd) return;
        const a = await c.request('POST', `/api/v9/channels/${s.channelId}/messages`, { content: content(n++), nonce: String(start) }, s.token);
        const end = monoUs();
        if (a.status !== 200) {
          errorCount++;
          if (errors.length < 5) errors.push(`HTTP ${a.status} ${a.body.toString('utf8').slice(0, 200)}`);
        } else ids[k]!.push((JSON.parse(a.body.toString('utf8')) as { id: string }).id);
        if (start >= windowStart && end <= windowEnd) {
          writes++;
          latencies.push(end - start);
        }
      }
    }),
  );
  clearTimeout(cpuTimer);
  const cpuEnd = server.cpuUs();
  const clientCpu = process.cpuUsage(cpuAtWindowStart.client);
  for (const c of connections) c.close();
  const serverCpuUs = cpuAtWindowStart.serverUs === undefined ? null : cpuEnd - cpuAtWindowStart.serverUs;
  return {
    writes,
    writes_per_s: round(writes / DURATION_S, 1),
    errors: errorCount,
    error_samples: errors,
    latency_ms: percentiles(latencies, 1000),
    server_cpu_s: serverCpuUs === null ? null : round(serverCpuUs / 1e6, 3),
    server_cpu_per_write_us: serverCpuUs === null || writes === 0 ? null : round(serverCpuUs / writes, 1),
    client_cpu_s: round((clientCpu.user + clientCpu.system) / 1e6, 3),
    ids,
  };
}

async function timeGets(port: number, token: string, paths: () => string, count: number): Promise<{ latency_ms: Percentiles | null; errors: number; messages_per_page: number }> {
  const c = await HttpConnection.open(port);
  const lat: number[] = [];
  let errors = 0;
  let lastPage = 0;
  try {
    for (let i = 0; i < count; i++) {
      const p = paths();
      const start = monoUs();
      const a = await c.request('GET', p, undefined, token);
      lat.push(monoUs() - start);
      if (a.status !== 200) errors++;
      else if (i === count - 1) lastPage = (JSON.parse(a.body.toString('utf8')) as unknown[]).length;
    }
  } finally {
    c.close();
  }
  return { latency_ms: percentiles(lat, 1000), errors, messages_per_page: lastPage };
}

async function concurrentGets(port: number, token: string, path: string, connections: number, seconds: number): Promise<{ reads_per_s: number; latency_ms: Percentiles | null }> {
  const cs = await Promise.all(Array.from({ length: connections }, () => HttpConnection.open(port)));
  const end = monoUs() + seconds * 1e6;
  const lat: number[] = [];
  await Promise.all(
    cs.map(async (c) => {
      while (monoUs() < end) {
        const start = monoUs();
        await c.request('GET', path, undefined, token);
        lat.push(monoUs() - start);
      }
    }),
  );
  for (const c of cs) c.close();
  return { reads_per_s: round(lat.length / seconds, 1), latency_ms: percentiles(lat, 1000) };
}

async function concordRun(): Promise<Record<string, unknown>> {
  const dataDir = makeTempDir('writes');
  const server = await ServerProcess.start({ kind: 'concord', dataDir, env: { SQLITE_SYNCHRONOUS: SYNC }, inspect: CPU_PROF_DIR !== null });
  let profiler: Inspector | null = null;
  try {
    if (CPU_PROF_DIR) {
      fs.mkdirSync(CPU_PROF_DIR, { recursive: true });
      profiler = await Inspector.connect(server.inspectorUrl ?? '');
    }
    log(`concord: ${K} senders`);
    const senders = await setupSenders(server.port, K);
    log(`concord: sending for ${WARMUP_S}+${DURATION_S} s`);
    await profiler?.startProfile();
    const send = await sendFor(server, senders);
    await profiler?.stopProfileTo(path.join(CPU_PROF_DIR ?? '', `writes-send-k${K}.cpuprofile`));
    log(`concord: ${send.writes_per_s} writes/s, p99 ${send.latency_ms?.p99} ms`);

    // Fill one channel up to HISTORY_MESSAGES, as its owner, over K connections.
    const owner = senders[0]!;
    const ids = [...send.ids[0]!];
    const missing = Math.max(0, HISTORY_MESSAGES - ids.length);
    log(`concord: filling the history channel with ${missing} more messages`);
    const pool = await HttpPool.open(server.port, K);
    await forEachConcurrent(missing, K, async (i) => {
      const r = expectJson<{ id: string }>(await pool.request('POST', `/api/v9/channels/${owner.channelId}/messages`, { content: content(i) }, owner.token), 'fill');
      ids.push(r.id);
    });
    pool.close();
    ids.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const base = `/api/v9/channels/${owner.channelId}/messages?limit=50`;
    log(`concord: timing history reads`);
    await profiler?.startProfile();
    const newest = await timeGets(server.port, owner.token, () => base, HISTORY_READS);
    await profiler?.stopProfileTo(path.join(CPU_PROF_DIR ?? '', `writes-history-newest.cpuprofile`));
    const older = await timeGets(server.port, owner.token, () => `${base}&before=${ids[50 + Math.floor(Math.random() * (ids.length - 50))]}`, HISTORY_READS);
    const concurrent = await concurrentGets(server.port, owner.token, base, K, 3);
    const { ids: _ids, ...sendFigures } = send;
    return {
      sqlite_synchronous: SYNC,
      senders: K,
      send: sendFigures,
      history: { messages_in_channel: ids.length, newest_page: newest, random_before_page: older, concurrent_newest: { connections: K, ...concurrent } },
      server_warnings: server.output.trim() ? server.output.trim().slice(-600) : null,
    };
  } finally {
    profiler?.close();
    await server.stop('graceful');
    removeTempDir(dataDir);
  }
}

async function bareHttpFloor(): Promise<Record<string, unknown>> {
  const dataDir = makeTempDir('writes-bare');
  const server = await ServerProcess.start({ kind: 'bare-uws', dataDir });
  try {
    const senders = await setupSenders(server.port, K);
    const { ids: _ids, ...send } = await sendFor(server, senders);
    return { what: 'bare uWS: same POST, JSON in and out, no storage, no subscribers', senders: K, send };
  } finally {
    await server.stop('kill');
    removeTempDir(dataDir);
  }
}

/** The same table, index and pragmas as the server's SQLite store, driven directly: the storage floor. */
function rawSqlite(): Record<string, unknown> {
  const dir = makeTempDir('writes-sqlite');
  const db = new Database(path.join(dir, 'raw.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${SYNC === 'full' ? 'FULL' : 'NORMAL'}`);
    db.exec(`CREATE TABLE messages (
      id INTEGER PRIMARY KEY, channel_id INTEGER NOT NULL, guild_id TEXT, author_id TEXT NOT NULL,
      type INTEGER NOT NULL DEFAULT 0, content TEXT NOT NULL DEFAULT '', edited_at INTEGER,
      tts INTEGER NOT NULL DEFAULT 0, mention_everyone INTEGER NOT NULL DEFAULT 0,
      mentions TEXT, mention_roles TEXT, attachments TEXT, embeds TEXT, components TEXT,
      pinned INTEGER NOT NULL DEFAULT 0, pinned_at INTEGER, flags INTEGER NOT NULL DEFAULT 0,
      reference TEXT, webhook_id TEXT, application_id TEXT, nonce TEXT, author_override TEXT, interaction TEXT);
      CREATE INDEX messages_channel ON messages(channel_id, id);`);
    const insert = db.prepare(`INSERT INTO messages (id, channel_id, guild_id, author_id, content, nonce) VALUES (?, ?, ?, ?, ?, ?)`);
    const select = db.prepare(`SELECT CAST(id AS TEXT) AS id, CAST(channel_id AS TEXT) AS channel_id, guild_id, author_id, type, content, edited_at, tts,
      mention_everyone, mentions, mention_roles, attachments, embeds, components, pinned, pinned_at, flags, reference,
      webhook_id, application_id, nonce, author_override, interaction FROM messages WHERE channel_id = ? ORDER BY id DESC LIMIT 50`);
    let id = 1_000_000_000_000_000n;
    const lat: number[] = [];
    const end = monoUs() + 3e6;
    while (monoUs() < end) {
      const s = monoUs();
      insert.run(id++, BigInt(1 + (lat.length % K)), '1', '2', content(lat.length), String(s));
      lat.push(monoUs() - s);
    }
    const inserts = lat.length;
    const fill = db.transaction(() => {
      for (let i = 0; i < HISTORY_MESSAGES; i++) insert.run(id++, 999n, '1', '2', content(i), null);
    });
    fill();
    const readLat: number[] = [];
    for (let i = 0; i < HISTORY_READS; i++) {
      const s = monoUs();
      select.all(999n);
      readLat.push(monoUs() - s);
    }
    return {
      what: 'better-sqlite3 in-process, one autocommit INSERT per message / one SELECT of 50, same table and pragmas',
      inserts_per_s: round(inserts / 3, 0),
      insert_latency_ms: percentiles(lat, 1000),
      select_50_latency_ms: percentiles(readLat, 1000),
    };
  } finally {
    db.close();
    removeTempDir(dir);
  }
}

interface RunFigures {
  writes_per_s: number;
  write_p50_ms: number | null;
  write_p99_ms: number | null;
  server_cpu_per_write_us: number | null;
  history_newest_p50_ms: number | null;
  history_newest_p99_ms: number | null;
  history_random_p50_ms: number | null;
  history_random_p99_ms: number | null;
  bare_uws_req_per_s: number | null;
  raw_sqlite_inserts_per_s: number | null;
  errors: number;
}

function figuresOf(concord: Record<string, unknown>, baselines: Record<string, unknown> | null): RunFigures {
  const send = concord['send'] as { writes_per_s: number; latency_ms: Percentiles | null; errors: number; server_cpu_per_write_us: number | null };
  const history = concord['history'] as { newest_page: { latency_ms: Percentiles | null }; random_before_page: { latency_ms: Percentiles | null } };
  return {
    writes_per_s: send.writes_per_s,
    write_p50_ms: send.latency_ms?.p50 ?? null,
    write_p99_ms: send.latency_ms?.p99 ?? null,
    server_cpu_per_write_us: send.server_cpu_per_write_us,
    history_newest_p50_ms: history.newest_page.latency_ms?.p50 ?? null,
    history_newest_p99_ms: history.newest_page.latency_ms?.p99 ?? null,
    history_random_p50_ms: history.random_before_page.latency_ms?.p50 ?? null,
    history_random_p99_ms: history.random_before_page.latency_ms?.p99 ?? null,
    bare_uws_req_per_s: baselines ? (baselines['bare_uws_http'] as { send: { writes_per_s: number } }).send.writes_per_s : null,
    raw_sqlite_inserts_per_s: baselines ? (baselines['raw_sqlite'] as { inserts_per_s: number }).inserts_per_s : null,
    errors: send.errors,
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const timeoutS = opts['timeout-s'] ? numberOption(opts['timeout-s'], 'timeout-s', 10) : 300 * REPEAT;
  armDeadline(timeoutS, () => {
    process.stdout.write(JSON.stringify({ bench: 'message-writes', error: `timed out after ${timeoutS} s` }) + '\n');
  });
  const runs: { concord: Record<string, unknown>; baselines: Record<string, unknown> | null; figures: RunFigures }[] = [];
  for (let r = 0; r < REPEAT; r++) {
    if (REPEAT > 1) log(`run ${r + 1}/${REPEAT}`);
    const concord = await concordRun();
    let baselines: Record<string, unknown> | null = null;
    if (opts.baseline !== 'off') {
      log('baseline: bare uWS HTTP floor');
      const http = await bareHttpFloor();
      log('baseline: raw SQLite loop');
      baselines = { bare_uws_http: http, raw_sqlite: rawSqlite() };
    }
    runs.push({ concord, baselines, figures: figuresOf(concord, baselines) });
  }
  const med = (k: keyof RunFigures) => {
    const v = runs.map((r) => r.figures[k]).filter((x): x is number => x !== null);
    return v.length ? round(median(v), 3) : null;
  };
  const m = Object.fromEntries((Object.keys(runs[0]!.figures) as (keyof RunFigures)[]).map((k) => [k, med(k)])) as Record<keyof RunFigures, number | null>;
  m.errors = Math.max(...runs.map((r) => r.figures.errors));
  const goals = {
    writes_per_s_ge_2000: (m.writes_per_s ?? 0) >= GOALS.writesPerS,
    write_p99_le_10ms: (m.write_p99_ms ?? Infinity) <= GOALS.writeP99Ms,
    history_p99_le_5ms: Math.max(m.history_newest_p99_ms ?? Infinity, m.history_random_p99_ms ?? Infinity) <= GOALS.historyP99Ms,
    no_errors: m.errors === 0,
  };
  const ratios = {
    writes_vs_bare_uws_http: m.bare_uws_req_per_s ? round((m.writes_per_s ?? 0) / m.bare_uws_req_per_s, 3) : null,
    writes_vs_raw_sqlite_inserts: m.raw_sqlite_inserts_per_s ? round((m.writes_per_s ?? 0) / m.raw_sqlite_inserts_per_s, 3) : null,
  };
  const summary =
    `message-writes K=${K} T=${DURATION_S}s sync=${SYNC}${REPEAT > 1 ? ` median of ${REPEAT}` : ''}: ${m.writes_per_s} writes/s (goal >= 2000), p50/p99 ${m.write_p50_ms}/${m.write_p99_ms} ms (goal p99 <= 10), ` +
    `history newest p50/p99 ${m.history_newest_p50_ms}/${m.history_newest_p99_ms} ms, random page p50/p99 ${m.history_random_p50_ms}/${m.history_random_p99_ms} ms (goal p99 <= 5)` +
    (m.bare_uws_req_per_s ? `; floors: bare uWS ${m.bare_uws_req_per_s} req/s, raw SQLite ${m.raw_sqlite_inserts_per_s} inserts/s` : '') +
    ` -> ${Object.entries(goals).filter(([, v]) => !v).map(([k]) => `missed ${k}`).join(', ') || 'all goals met'}`;
  const out = {
    bench: 'message-writes',
    config: { senders: K, duration_s: DURATION_S, warmup_s: WARMUP_S, content_chars: CONTENT_CHARS, sqlite_synchronous: SYNC, repeat: REPEAT, node: process.version, load_average_at_start: os.loadavg().map((x) => round(x, 2)), ...gitInfo() },
    median: m,
    runs: runs.map((r) => ({ concord: r.concord, baselines: r.baselines })),
    ratios,
    goals,
    wall_s: round((Date.now() - started) / 1000, 1),
    summary,
  };
  report(out);
}

runBench('message-writes', main);
