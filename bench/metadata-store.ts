// Metadata writes and reads through REST on the SQLite store and on the PostgreSQL store, one after
// the other on the same machine: per-operation latency, closed loop, one keep-alive connection, so
// each figure is one request's round trip including its durable commit.
//
//   create channel      POST /guilds/:id/channels (upsertChannel; guilds of 250 channels each)
//   member role         PUT then DELETE /guilds/:id/members/@owner/roles/:role, alternating (upsertMember)
//   list invites        GET /channels/:id/invites (listInvites: a store read, not the in-memory state)
//
// PostgreSQL runs on DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) in a fresh schema
// that is dropped afterwards.
//
//   node --import tsx bench/metadata-store.ts [--ops 1000] [--stores sqlite,postgres] [--repeat 1]
import os from 'node:os';
import pg from 'pg';
import { intOption, log, numberOption, parseArgs } from './lib/args.ts';
import { armDeadline, makeTempDir, removeTempDir, report, runBench } from './lib/cleanup.ts';
import { gitInfo } from './lib/gitInfo.ts';
import { HttpConnection, expectJson } from './lib/HttpConnection.ts';
import { monoUs } from './lib/proc.ts';
import { ServerProcess } from './lib/ServerProcess.ts';
import { median, percentiles, round, type Percentiles } from './lib/stats.ts';

const opts = parseArgs({
  ops: { default: '1000', help: 'operations per kind' },
  stores: { default: 'sqlite,postgres', help: 'which metadata stores to run (sqlite, postgres)' },
  repeat: { default: '1', help: 'runs per store (interleaved); medians are reported' },
  'timeout-s': { default: '', help: 'hard limit for the whole bench (default 300 per repeat)' },
});
const OPS = intOption(opts.ops, 'ops', 10);
const REPEAT = intOption(opts.repeat, 'repeat', 1);
const STORES = opts.stores.split(',').map((s) => s.trim());
const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const CHANNELS_PER_GUILD = 250;

type Kind = 'create_channel' | 'member_role' | 'list_invites';

async function adminSql(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function timeOps(c: HttpConnection, count: number, op: (i: number) => { method: string; path: string; body?: unknown }, token: string): Promise<{ latency_ms: Percentiles | null; errors: number }> {
  const lat: number[] = [];
  let errors = 0;
  for (let i = 0; i < count; i++) {
    const { method, path, body } = op(i);
    const start = monoUs();
    const a = await c.request(method, path, body, token);
    lat.push(monoUs() - start);
    if (a.status >= 300) errors++;
  }
  return { latency_ms: percentiles(lat, 1000), errors };
}

async function runStore(store: string): Promise<Record<Kind, { latency_ms: Percentiles | null; errors: number }>> {
  const dataDir = makeTempDir(`metadata-${store}`);
  const schema = `concord_bench_${process.pid}_${Date.now()}`;
  const env: Record<string, string> = { METADATA_STORE: store, VOICE: 'off' };
  if (store === 'postgres') {
    await adminSql(`CREATE SCHEMA ${schema}`);
    Object.assign(env, { DATABASE_URL, DATABASE_SCHEMA: schema });
  }
  const server = await ServerProcess.start({ kind: 'concord', dataDir, env });
  const c = await HttpConnection.open(server.port);
  try {
    const r = expectJson<{ token: string; user_id: string }>(await c.request('POST', '/api/v9/auth/register', { username: `meta_${store}`, password: 'bench-password-1' }), 'register');
    const guilds: { id: string; channel: string }[] = [];
    for (let g = 0; g < Math.ceil(OPS / CHANNELS_PER_GUILD); g++) {
      const guild = expectJson<{ id: string; system_channel_id: string }>(await c.request('POST', '/api/v9/guilds', { name: `meta ${g}` }, r.token), 'create guild');
      guilds.push({ id: guild.id, channel: guild.system_channel_id });
    }
    const first = guilds[0]!;
    const role = expectJson<{ id: string }>(await c.request('POST', `/api/v9/guilds/${first.id}/roles`, { name: 'bench' }, r.token), 'create role');
    for (let i = 0; i < 5; i++) expectJson(await c.request('POST', `/api/v9/channels/${first.channel}/invites`, { unique: true }, r.token), 'create invite');

    log(`${store}: ${OPS} channel creates`);
    const create_channel = await timeOps(c, OPS, (i) => ({ method: 'POST', path: `/api/v9/guilds/${guilds[Math.floor(i / CHANNELS_PER_GUILD)]!.id}/channels`, body: { name: `c-${i}` } }), r.token);
    log(`${store}: ${OPS} member role changes`);
    const member_role = await timeOps(c, OPS, (i) => ({ method: i % 2 === 0 ? 'PUT' : 'DELETE', path: `/api/v9/guilds/${first.id}/members/${r.user_id}/roles/${role.id}` }), r.token);
    log(`${store}: ${OPS} invite lists`);
    const list_invites = await timeOps(c, OPS, () => ({ method: 'GET', path: `/api/v9/channels/${first.channel}/invites` }), r.token);
    return { create_channel, member_role, list_invites };
  } finally {
    c.close();
    await server.stop('graceful');
    removeTempDir(dataDir);
    if (store === 'postgres') await adminSql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const timeoutS = opts['timeout-s'] ? numberOption(opts['timeout-s'], 'timeout-s', 10) : 300 * REPEAT;
  armDeadline(timeoutS, () => {
    process.stdout.write(JSON.stringify({ bench: 'metadata-store', error: `timed out after ${timeoutS} s` }) + '\n');
  });
  const runs: Record<string, Record<Kind, { latency_ms: Percentiles | null; errors: number }>[]> = {};
  for (let r = 0; r < REPEAT; r++) {
    for (const store of STORES) (runs[store] ??= []).push(await runStore(store));
  }
  const kinds: Kind[] = ['create_channel', 'member_role', 'list_invites'];
  const medians = Object.fromEntries(
    Object.entries(runs).map(([store, rs]) => [
      store,
      Object.fromEntries(
        kinds.map((k) => {
          const at = (q: 'p50' | 'p99') => round(median(rs.map((x) => x[k].latency_ms?.[q] ?? NaN)), 3);
          return [k, { p50_ms: at('p50'), p99_ms: at('p99'), errors: Math.max(...rs.map((x) => x[k].errors)) }];
        }),
      ),
    ]),
  );
  const summary =
    `metadata-store ops=${OPS}${REPEAT > 1 ? ` median of ${REPEAT}` : ''}: ` +
    Object.entries(medians)
      .map(([store, m]) => `${store} ${kinds.map((k) => `${k} p50/p99 ${m[k]?.p50_ms}/${m[k]?.p99_ms} ms`).join(', ')}`)
      .join('; ');
  const out = {
    bench: 'metadata-store',
    config: { ops: OPS, stores: STORES, repeat: REPEAT, node: process.version, load_average_at_start: os.loadavg().map((x) => round(x, 2)), ...gitInfo() },
    median: medians,
    runs,
    wall_s: round((Date.now() - started) / 1000, 1),
    summary,
  };
  report(out);
}

runBench('metadata-store', main);
