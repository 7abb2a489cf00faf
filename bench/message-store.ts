// Message store latency through the real server, SQLite beside Cassandra (issue 20): K closed-loop
// senders POST messages for T seconds (write p50/p99: the answer means the message is stored), one
// channel is filled to N messages and GET /channels/:id/messages?limit=50 is timed (newest page and
// random before= pages, which on Cassandra may cross 10-day buckets only for old channels), and
// PUT reactions are timed (a conditional insert, Paxos, on Cassandra). Each store runs in its own
// server process on a fresh data directory / keyspace.
//
// Cassandra comes from `npm run cassandra` (started here on --cassandra-port unless something there
// already answers CQL, then reused and left running).
//
//   node --import tsx bench/message-store.ts [--stores sqlite,cassandra] [--senders 8] [--duration-s 5]
import cassandra from 'cassandra-driver';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { intOption, log, numberOption, parseArgs } from './lib/args.ts';
import { armDeadline, makeTempDir, removeTempDir, report, runBench } from './lib/cleanup.ts';
import { gitInfo } from './lib/gitInfo.ts';
import { HttpConnection, HttpPool, expectJson, forEachConcurrent } from './lib/HttpConnection.ts';
import { monoUs } from './lib/proc.ts';
import { REPO_ROOT, ServerProcess } from './lib/ServerProcess.ts';
import { median, percentiles, round, type Percentiles } from './lib/stats.ts';

const opts = parseArgs({
  stores: { default: 'sqlite,cassandra', help: 'message stores to measure, comma separated (sqlite, cassandra)' },
  senders: { default: '8', help: 'concurrent senders (each its own user, guild and connection)' },
  'duration-s': { default: '5', help: 'measured send time per store' },
  'warmup-s': { default: '1', help: 'send time before measuring' },
  'history-messages': { default: '2000', help: 'messages in the channel whose history is read' },
  'history-reads': { default: '500', help: 'sequential history requests per kind (newest, random before=)' },
  reactions: { default: '300', help: 'sequential reaction adds (each on another message)' },
  'cassandra-port': { default: '9042', help: 'CQL port of the Cassandra node (started with npm run cassandra when nothing answers)' },
  consistency: { default: 'LOCAL_QUORUM', help: 'CASSANDRA_CONSISTENCY for the server' },
  repeat: { default: '1', help: 'runs (stores interleaved); medians are reported' },
  'timeout-s': { default: '', help: 'hard limit for the whole bench (default 300 per repeat)' },
});
const STORES = opts.stores.split(',').map((s) => s.trim());
for (const s of STORES) if (s !== 'sqlite' && s !== 'cassandra') throw new Error(`--stores: unknown store ${s}`);
const K = intOption(opts.senders, 'senders', 1);
const DURATION_S = numberOption(opts['duration-s'], 'duration-s', 1);
const WARMUP_S = numberOption(opts['warmup-s'], 'warmup-s', 0);
const HISTORY_MESSAGES = intOption(opts['history-messages'], 'history-messages', 100);
const HISTORY_READS = intOption(opts['history-reads'], 'history-reads', 10);
const REACTIONS = intOption(opts.reactions, 'reactions', 0);
const CASSANDRA_PORT = intOption(opts['cassandra-port'], 'cassandra-port', 1);
const REPEAT = intOption(opts.repeat, 'repeat', 1);

const content = (i: number) => `message ${i} lorem ipsum dolor sit amet, consectetur adipiscing elit`;

interface Sender {
  token: string;
  channelId: string;
}

interface StoreFigures {
  store: string;
  writes: number;
  writes_per_s: number;
  write_ms: Percentiles | null;
  history_newest_ms: Percentiles | null;
  history_random_before_ms: Percentiles | null;
  reaction_add_ms: Percentiles | null;
  errors: number;
  error_samples: string[];
}

async function measureStore(store: string, env: Record<string, string>): Promise<StoreFigures> {
  const dataDir = makeTempDir(`message-store-${store}`);
  const server = await ServerProcess.start({ kind: 'concord', dataDir, env });
  const errors: string[] = [];
  let errorCount = 0;
  const fail = (what: string) => {
    errorCount++;
    if (errors.length < 5) errors.push(what);
  };
  try {
    const pool = await HttpPool.open(server.port, Math.min(K, 8));
    const senders: Sender[] = new Array<Sender>(K);
    await forEachConcurrent(K, 8, async (i) => {
      const r = expectJson<{ token: string }>(await pool.request('POST', '/api/v9/auth/register', { username: `store_${store}_${i}`, password: 'bench-password-1' }), 'register');
      const g = expectJson<{ system_channel_id: string }>(await pool.request('POST', '/api/v9/guilds', { name: `store ${i}` }, r.token), 'create guild');
      senders[i] = { token: r.token, channelId: g.system_channel_id };
    });
    pool.close();

    log(`${store}: ${K} senders for ${WARMUP_S}+${DURATION_S} s`);
    const connections = await Promise.all(senders.map(() => HttpConnection.open(server.port)));
    const windowStart = monoUs() + WARMUP_S * 1e6;
    const windowEnd = windowStart + DURATION_S * 1e6;
    const writeLat: number[] = [];
    const ownerIds: string[] = [];
    let n = 0;
    await Promise.all(
      senders.map(async (s, k) => {
        const c = connections[k]!;
        for (;;) {
          const start = monoUs();
          if (start >= windowEnd) return;
          const a = await c.request('POST', `/api/v9/channels/${s.channelId}/messages`, { content: content(n++) }, s.token);
          const end = monoUs();
          if (a.status !== 200) fail(`send: HTTP ${a.status} ${a.body.toString('utf8').slice(0, 200)}`);
          else if (k === 0) ownerIds.push((JSON.parse(a.body.toString('utf8')) as { id: string }).id);
          if (start >= windowStart && end <= windowEnd) writeLat.push(end - start);
        }
      }),
    );
    for (const c of connections) c.close();
    log(`${store}: ${round(writeLat.length / DURATION_S, 1)} writes/s, p99 ${percentiles(writeLat, 1000)?.p99} ms`);

    const owner = senders[0]!;
    const fillPool = await HttpPool.open(server.port, K);
    await forEachConcurrent(Math.max(0, HISTORY_MESSAGES - ownerIds.length), K, async (i) => {
      const r = expectJson<{ id: string }>(await fillPool.request('POST', `/api/v9/channels/${owner.channelId}/messages`, { content: content(i) }, owner.token), 'fill');
      ownerIds.push(r.id);
    });
    fillPool.close();
    ownerIds.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));

    const c = await HttpConnection.open(server.port);
    const timed = async (count: number, request: (i: number) => Promise<{ status: number; body: Buffer }>, what: string) => {
      const lat: number[] = [];
      for (let i = 0; i < count; i++) {
        const start = monoUs();
        const a = await request(i);
        lat.push(monoUs() - start);
        if (a.status !== 200 && a.status !== 204) fail(`${what}: HTTP ${a.status} ${a.body.toString('utf8').slice(0, 200)}`);
      }
      return percentiles(lat, 1000);
    };
    const base = `/api/v9/channels/${owner.channelId}/messages?limit=50`;
    log(`${store}: history reads in a channel of ${ownerIds.length} messages`);
    const newest = await timed(HISTORY_READS, () => c.request('GET', base, undefined, owner.token), 'history newest');
    const randomBefore = await timed(
      HISTORY_READS,
      () => c.request('GET', `${base}&before=${ownerIds[50 + Math.floor(Math.random() * (ownerIds.length - 50))]!}`, undefined, owner.token),
      'history before',
    );
    const reactionTargets = ownerIds.slice(-REACTIONS);
    const reactions = await timed(
      reactionTargets.length,
      (i) => c.request('PUT', `/api/v9/channels/${owner.channelId}/messages/${reactionTargets[i]!}/reactions/${encodeURIComponent('🔥')}/@me`, undefined, owner.token),
      'reaction add',
    );
    c.close();
    return {
      store,
      writes: writeLat.length,
      writes_per_s: round(writeLat.length / DURATION_S, 1),
      write_ms: percentiles(writeLat, 1000),
      history_newest_ms: newest,
      history_random_before_ms: randomBefore,
      reaction_add_ms: reactions,
      errors: errorCount,
      error_samples: errors,
    };
  } finally {
    await server.stop('graceful');
    removeTempDir(dataDir);
  }
}

/** Runs `npm run cassandra`'s script until it says CQL answers; null child when a node was already running. */
async function startCassandra(): Promise<{ child: ChildProcess | null; line: string }> {
  const dataDir = makeTempDir('cassandra');
  const logFile = path.join(dataDir, 'launcher.log');
  const out = fs.openSync(logFile, 'w');
  // Not a tracked child: SIGKILL would orphan the JVM; it gets SIGTERM (the script stops Cassandra) instead.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'apps/server/scripts/cassandra.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, CASSANDRA_PORT: String(CASSANDRA_PORT), CASSANDRA_DATA_DIR: path.join(dataDir, 'node') },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  process.once('exit', () => child.kill('SIGTERM'));
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  const state: { code: number | null } = { code: null };
  void exited.then((c) => (state.code = c));
  for (;;) {
    const text = fs.readFileSync(logFile, 'utf8');
    const ready = /answers CQL at .*/.exec(text)?.[0];
    if (ready !== undefined) return { child: /already answers/.test(text) ? null : child, line: ready };
    if (state.code !== null) throw new Error(`npm run cassandra exited with ${state.code}:\n${text}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The figures the summary quotes, per store: medians over the runs. */
function medians(runs: StoreFigures[]): Record<string, number | null> {
  const med = (pick: (r: StoreFigures) => number | null | undefined) => {
    const v = runs.map(pick).filter((x): x is number => typeof x === 'number');
    return v.length ? round(median(v), 3) : null;
  };
  return {
    writes_per_s: med((r) => r.writes_per_s),
    write_p50_ms: med((r) => r.write_ms?.p50),
    write_p99_ms: med((r) => r.write_ms?.p99),
    history_newest_p50_ms: med((r) => r.history_newest_ms?.p50),
    history_newest_p99_ms: med((r) => r.history_newest_ms?.p99),
    history_random_before_p50_ms: med((r) => r.history_random_before_ms?.p50),
    history_random_before_p99_ms: med((r) => r.history_random_before_ms?.p99),
    reaction_add_p50_ms: med((r) => r.reaction_add_ms?.p50),
    reaction_add_p99_ms: med((r) => r.reaction_add_ms?.p99),
    errors: Math.max(0, ...runs.map((r) => r.errors)),
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const timeoutS = opts['timeout-s'] ? numberOption(opts['timeout-s'], 'timeout-s', 10) : 300 * REPEAT;
  armDeadline(timeoutS, () => process.stdout.write(JSON.stringify({ bench: 'message-store', error: `timed out after ${timeoutS} s` }) + '\n'));
  const results: StoreFigures[] = [];
  let cassandraNode: { child: ChildProcess | null; line: string; startS: number } | null = null;
  try {
    for (let run = 0; run < REPEAT; run++) {
      if (REPEAT > 1) log(`run ${run + 1}/${REPEAT}`);
      for (const store of STORES) {
        if (store === 'sqlite') {
          results.push(await measureStore('sqlite', { MESSAGE_STORE: 'sqlite' }));
          continue;
        }
        if (cassandraNode === null) {
          log(`cassandra: ensuring a node on 127.0.0.1:${CASSANDRA_PORT}`);
          const t0 = Date.now();
          const node = await startCassandra();
          cassandraNode = { ...node, startS: round((Date.now() - t0) / 1000, 1) };
          log(`cassandra: ${node.line}`);
        }
        const contactPoint = `127.0.0.1:${CASSANDRA_PORT}`;
        const keyspace = `bench_${Date.now().toString(36)}_${run}`;
        try {
          results.push(await measureStore('cassandra', { MESSAGE_STORE: 'cassandra', CASSANDRA_CONTACT_POINTS: contactPoint, CASSANDRA_KEYSPACE: keyspace, CASSANDRA_CONSISTENCY: opts.consistency }));
        } finally {
          const client = new cassandra.Client({ contactPoints: [contactPoint], localDataCenter: 'datacenter1' });
          await client.execute(`DROP KEYSPACE IF EXISTS "${keyspace}"`);
          await client.shutdown();
        }
      }
    }
  } finally {
    const child = cassandraNode?.child;
    if (child && child.exitCode === null) {
      const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exit;
    }
  }
  const median_by_store = Object.fromEntries(STORES.map((s) => [s, medians(results.filter((r) => r.store === s))]));
  const line = (store: string) => {
    const m = median_by_store[store];
    if (!m) return null;
    return (
      `${store}: write p50/p99 ${m['write_p50_ms']}/${m['write_p99_ms']} ms (${m['writes_per_s']}/s), history newest p50/p99 ${m['history_newest_p50_ms']}/${m['history_newest_p99_ms']} ms, ` +
      `random before p50/p99 ${m['history_random_before_p50_ms']}/${m['history_random_before_p99_ms']} ms, reaction add p50/p99 ${m['reaction_add_p50_ms']}/${m['reaction_add_p99_ms']} ms${m['errors'] ? `, ${m['errors']} errors` : ''}`
    );
  };
  const summary = `message-store K=${K} T=${DURATION_S}s history=${HISTORY_MESSAGES}${REPEAT > 1 ? ` median of ${REPEAT}` : ''}: ${STORES.map(line).filter((l) => l !== null).join(' | ')}`;
  const out = {
    bench: 'message-store',
    config: {
      stores: STORES,
      senders: K,
      duration_s: DURATION_S,
      warmup_s: WARMUP_S,
      history_messages: HISTORY_MESSAGES,
      history_reads: HISTORY_READS,
      reactions: REACTIONS,
      repeat: REPEAT,
      cassandra_consistency: opts.consistency,
      node: process.version,
      cpus: os.cpus().length,
      load_average_at_start: os.loadavg().map((x) => round(x, 2)),
      ...gitInfo(),
    },
    cassandra: cassandraNode ? { started_here: cassandraNode.child !== null, ready_after_s: cassandraNode.startS, launcher: cassandraNode.line } : null,
    median: median_by_store,
    runs: results,
    wall_s: round((Date.now() - started) / 1000, 1),
    summary,
  };
  report(out);
}

runBench('message-store', main);
