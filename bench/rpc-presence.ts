// Rich Presence latency (issue 18): a game's SET_ACTIVITY on the local RPC socket -> PRESENCE_UPDATE
// at another member's gateway session. The server runs in its own process; N presence agents (the
// headless desktop services: RPC server, ActivityHub, op 3 sender with its coalescing and rate
// limit) each serve an unmodified @xhayper/discord-rpc client on discord-ipc-<i> in a temp
// XDG_RUNTIME_DIR, and an SDK GatewayClient of another member records arrivals. Each client sets
// one activity, waits until the observer has it, pauses --gap-ms, and sets the next; the agents run
// concurrently. Times are from just before setActivity() to the observer's PRESENCE_UPDATE event.
// Also reported: the RPC round trip alone (SET_ACTIVITY answered) and the agents' throttled sends
// (0 means the rate limit never delayed a measured update). Goal: p95 <= 200 ms.
//
//   node --import tsx bench/rpc-presence.ts [--updates 200] [--agents 4] [--gap-ms 100]
import { ConcordApi, GatewayClient, type WebSocketConstructor } from '@concord/client';
import { startPresenceAgent, type PresenceAgent } from '@concord/desktop/testing';
import { Client as RpcClient } from '@xhayper/discord-rpc';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { intOption, log, parseArgs } from './lib/args.ts';
import { armDeadline, makeTempDir, report } from './lib/cleanup.ts';
import { gitInfo } from './lib/gitInfo.ts';
import { ServerProcess, sleep } from './lib/ServerProcess.ts';
import { percentiles } from './lib/stats.ts';

const opts = parseArgs({
  updates: { default: '200', help: 'SET_ACTIVITY calls measured in all (>= 200 for the goal)' },
  agents: { default: '4', help: 'presence agents (users), each with one RPC client, running concurrently (at most 10: discord-ipc-0..9)' },
  'gap-ms': { default: '100', help: 'pause after each arrival before the next SET_ACTIVITY of the same client' },
  'timeout-s': { default: '240', help: 'hard limit for the whole bench' },
});
const UPDATES = intOption(opts.updates, 'updates', 1);
const AGENTS = Math.min(10, intOption(opts.agents, 'agents', 1));
const GAP_MS = intOption(opts['gap-ms'], 'gap-ms', 0);
const GOAL_P95_MS = 200;
const PASSWORD = 'correct horse battery';

async function main(): Promise<void> {
  armDeadline(intOption(opts['timeout-s'], 'timeout-s', 10), () => report({ summary: 'rpc-presence: timed out' }));
  const loadavg = os.loadavg();
  const runtimeDir = makeTempDir('rpc-presence-run');
  // The RPC clients find the agents' sockets where Discord's would be.
  process.env['XDG_RUNTIME_DIR'] = runtimeDir;
  const server = await ServerProcess.start({ kind: 'concord', dataDir: makeTempDir('rpc-presence-data') });
  const serverUrl = `http://127.0.0.1:${server.port}`;
  const api = (token: string | null) => new ConcordApi({ baseUrl: `${serverUrl}/api/v9`, token });

  log(`registering 1 observer and ${AGENTS} players`);
  const observerAccount = await api(null).register({ username: 'observer', password: PASSWORD });
  const players = await Promise.all(Array.from({ length: AGENTS }, (_, i) => api(null).register({ username: `player${i}`, password: PASSWORD })));
  const owner = api(observerAccount.token);
  const guild = await owner.createGuild({ name: 'Rich Presence bench' });
  const invite = await owner.createInvite(guild.system_channel_id!, { max_age: 0 });
  for (const p of players) await api(p.token).acceptInvite(invite.code);
  const clientId = (await owner.createApplication({ name: 'Bench Game' })).id;

  const arrivals = new Map<string, number>();
  const observer = new GatewayClient({ url: serverUrl.replace('http', 'ws'), token: observerAccount.token, encoding: 'json', WebSocket: WebSocket as unknown as WebSocketConstructor });
  observer.on('dispatchEvent', (event) => {
    if (event.t !== 'PRESENCE_UPDATE') return;
    for (const activity of event.d.activities) if (activity.details) arrivals.set(activity.details, performance.now());
  });
  observer.connect();
  await observer.waitForReady();

  const agents: PresenceAgent[] = [];
  for (const p of players) {
    const settings = { activityPrivacy: { shareActivity: true }, games: { registered: [], hidden: [] } };
    agents.push(await startPresenceAgent({ serverUrl, token: p.token, settings, env: { XDG_RUNTIME_DIR: runtimeDir }, wsPorts: false, warn: (m) => log(m) }));
  }
  const clients = await Promise.all(
    agents.map(async (agent, i) => {
      if (agent.rpc.ipcPath !== path.join(runtimeDir, `discord-ipc-${i}`)) throw new Error(`agent ${i} listens on ${agent.rpc.ipcPath}`);
      const client = new RpcClient({ clientId, pipeId: i });
      await client.connect();
      return client;
    }),
  );

  const totalMs: number[] = [];
  const rpcAckMs: number[] = [];
  const perAgent = Math.ceil(UPDATES / AGENTS);
  log(`measuring ${perAgent * AGENTS} updates (${perAgent} per agent, ${AGENTS} concurrently)`);
  const started = performance.now();
  await Promise.all(
    clients.map(async (client, i) => {
      for (let k = 0; k < perAgent; k++) {
        const details = `agent ${i} update ${k}`;
        const t0 = performance.now();
        await client.user!.setActivity({ details, state: 'benchmarking', startTimestamp: Date.now(), partyId: 'bench', partySize: 1, partyMax: 4 });
        rpcAckMs.push(performance.now() - t0);
        const deadline = t0 + 10_000;
        while (!arrivals.has(details)) {
          if (performance.now() > deadline) throw new Error(`no PRESENCE_UPDATE for "${details}" within 10 s`);
          await sleep(1);
        }
        totalMs.push(arrivals.get(details)! - t0);
        await sleep(GAP_MS);
      }
    }),
  );
  const wallS = (performance.now() - started) / 1000;

  const total = percentiles(totalMs)!;
  const sorted = [...totalMs].sort((a, b) => a - b);
  const p95 = Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]! * 1000) / 1000;
  const senders = agents.map((a) => a.senderStats());
  for (const client of clients) await client.destroy();
  for (const agent of agents) await agent.close();
  observer.close();
  await server.stop('graceful');

  const result = {
    bench: 'rpc-presence',
    config: { ...gitInfo(), updates: totalMs.length, agents: AGENTS, gapMs: GAP_MS, loadavg, cpus: os.cpus().length },
    results: {
      set_activity_to_presence_update_ms: { ...total, p95 },
      rpc_round_trip_ms: percentiles(rpcAckMs),
      throttled_sends: senders.reduce((n, s) => n + s.throttled, 0),
      op3_sent: senders.reduce((n, s) => n + s.sent, 0),
      wall_s: Math.round(wallS * 10) / 10,
    },
    goals: { p95_ms: GOAL_P95_MS, met: p95 <= GOAL_P95_MS },
    summary: `rpc-presence: SET_ACTIVITY -> PRESENCE_UPDATE p50 ${total.p50} ms, p95 ${p95} ms, p99 ${total.p99} ms over ${totalMs.length} updates (${AGENTS} agents; goal p95 <= ${GOAL_P95_MS} ms: ${p95 <= GOAL_P95_MS ? 'met' : 'missed'}); RPC round trip p50 ${percentiles(rpcAckMs)!.p50} ms; load ${loadavg[0]!.toFixed(1)}`,
  };
  report(result);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stdout.write(JSON.stringify({ bench: 'rpc-presence', error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, null, 2) + '\n');
    process.exit(1);
  },
);
