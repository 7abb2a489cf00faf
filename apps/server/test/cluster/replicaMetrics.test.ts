// What the cluster replicas drop is counted in /metrics (issue 20). Two real nodes on one bus; a
// probe joins the cluster as a third "node" (hello and beats, no server) and publishes hostile
// replica bodies on every topic, plus a presence from a node nobody has heard of (and, on NATS, a
// log entry that is no bus message). Every node reads the same log, so A and B must each count
// exactly what was sent, by topic and outcome, and keep serving. Writes through A show up on B as applied state changes and cache reloads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterNodes } from '../../src/bus/ClusterNodes.ts';
import type { ReplicaTopic } from '../../src/bus/EventBus.ts';
import { NatsEventBus } from '../../src/bus/NatsEventBus.ts';
import { RedisEventBus } from '../../src/bus/RedisEventBus.ts';
import { loadConfig } from '../../src/config.ts';
import { NATS_URL, ok, REDIS_URL, testCluster, until, type ClusterNodeProcess, type User } from './clusterNodes.ts';

/** Hostile bodies: none of them is a body of any replica topic. */
const HOSTILE: unknown[] = [null, 'x', 42, [], { type: 'bogus' }, { type: 'grant', grant: 'nope' }];

/** Every series of a /metrics scrape named `concord_replica_*` or `concord_bus_*`: `name{labels}` -> value. */
async function replicaSeries(node: ClusterNodeProcess): Promise<Map<string, number>> {
  const res = await fetch(`${node.url}/metrics`);
  expect(res.status).toBe(200);
  const series = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    const m = /^(concord_(?:replica|bus)_\w+\{[^}]*\}) (\S+)$/.exec(line);
    if (m) series.set(m[1]!, Number(m[2]));
  }
  return series;
}

const messages = (topic: string, outcome: string) => `concord_replica_messages_total{topic="${topic}",outcome="${outcome}"}`;
const WIRE_MALFORMED = 'concord_bus_messages_total{outcome="malformed"}';

describe.each(['nats', 'redis'] as const)('replica drops counted in /metrics on %s', (bus) => {
  const cluster = testCluster(bus);
  let a: ClusterNodeProcess, b: ClusterNodeProcess;
  let owner: User;
  let probeBus: NatsEventBus | RedisEventBus;
  let probe: ClusterNodes;

  beforeAll(async () => {
    [a, b] = await cluster.startAll('A', 'B');
    owner = await cluster.register(a, 'owner');
    // The probe's bus with the nodes' own stream settings (connecting updates the NATS stream's).
    const config = loadConfig({ ...process.env, BUS: bus, ...cluster.spec.env });
    const onError = (where: string, e: unknown) => console.error(`probe bus ${where}`, e);
    probeBus =
      bus === 'nats'
        ? await NatsEventBus.connect({ url: NATS_URL, cluster: cluster.cluster, retentionMs: config.resumeWindowMs, maxMessages: config.replayBufferEvents, onError })
        : await RedisEventBus.connect({ url: REDIS_URL, cluster: cluster.cluster, maxMessages: config.replayBufferEvents, onError });
    probe = new ClusterNodes(probeBus, `probe${process.pid}`);
    probe.start();
  }, 180_000);

  afterAll(async () => {
    // The probe's bye must leave before its connection closes (a Redis publish is not awaited).
    const sentBefore = probeBus.stats.published + probeBus.stats.publishErrors;
    probe.close();
    await until('the probe\'s bye sent', () => probeBus.stats.published + probeBus.stats.publishErrors > sentBefore, 5_000);
    await probeBus.close();
    await cluster.teardown();
  }, 60_000);

  it('lists every replica series on a cluster node, at zero drops before anything hostile came', async () => {
    const seen = await replicaSeries(b);
    for (const topic of ['presence', 'voice', 'call', 'invalidate', 'interaction', 'node']) expect(seen.get(messages(topic, 'malformed'))).toBe(0);
    expect(seen.get(messages('presence', 'dead_origin'))).toBe(0);
    expect(seen.get(WIRE_MALFORMED)).toBe(0);
    expect(seen.get('concord_bus_messages_total{outcome="delivered"}')).toBeGreaterThan(0);
    for (const outcome of ['contested', 'applied', 'superseded', 'failed']) expect(seen.has(`concord_replica_state_rereads_total{outcome="${outcome}"}`)).toBe(true);
    for (const outcome of ['reloaded', 'failed']) expect(seen.has(`concord_replica_cache_reloads_total{outcome="${outcome}"}`)).toBe(true);
    for (const direction of ['forwarded', 'served']) expect(seen.has(`concord_replica_interaction_calls_total{direction="${direction}"}`)).toBe(true);
  }, 30_000);

  it('counts hostile bodies on every topic as malformed and a dead origin\'s presence as dead_origin, on both nodes, and both keep serving', async () => {
    const before = await Promise.all([a, b].map(replicaSeries));
    const topics: ReplicaTopic[] = ['presence', 'voice', 'call', 'invalidate', 'interaction', 'node'];
    for (const topic of topics) for (const body of HOSTILE) probeBus.publish({ kind: 'replica', origin: probe.self, topic, body });
    probeBus.publish({ kind: 'replica', origin: 'ghost-node', topic: 'presence', body: { type: 'bogus' } });
    // A log entry that is no bus message at all (NATS only: a raw entry in the Redis stream would need the bus's own ids).
    if (probeBus instanceof NatsEventBus) probeBus.nc.publish(`${cluster.cluster}.bus.garbage`, new TextEncoder().encode('not a bus message'));
    const wireMalformed = bus === 'nats' ? 1 : 0;
    const expected = (base: Map<string, number>) => [
      ...topics.map((topic) => [messages(topic, 'malformed'), (base.get(messages(topic, 'malformed')) ?? 0) + HOSTILE.length] as const),
      [messages('presence', 'dead_origin'), (base.get(messages('presence', 'dead_origin')) ?? 0) + 1] as const,
      [WIRE_MALFORMED, (base.get(WIRE_MALFORMED) ?? 0) + wireMalformed] as const,
    ];
    for (const [i, node] of [a, b].entries()) {
      const want = expected(before[i]!);
      await until(`${node.name} counts every hostile body`, async () => {
        const now = await replicaSeries(node);
        return want.every(([name, n]) => (now.get(name) ?? 0) >= n);
      });
    }
    // Nothing more than that, once the log has gone by (a body counted twice, or under another topic, fails here).
    await new Promise((r) => setTimeout(r, 500));
    for (const [i, node] of [a, b].entries()) {
      const now = await replicaSeries(node);
      expect(Object.fromEntries(expected(before[i]!).map(([name]) => [name, now.get(name)]))).toEqual(Object.fromEntries(expected(before[i]!)));
      expect((await fetch(`${node.url}/healthz`)).status).toBe(200);
    }
  }, 30_000);

  it('counts a guild made on A as applied state changes on B, and a webhook made on A as a cache reload on B', async () => {
    const before = await replicaSeries(b);
    const applied = messages('state', 'applied');
    const reloaded = 'concord_replica_cache_reloads_total{outcome="reloaded"}';
    const guild = await ok(a, 'POST', '/guilds', owner.token, { name: `metrics on ${bus}` });
    const channel = ((await ok(a, 'GET', `/guilds/${guild.id}/channels`, owner.token)) as { id: string; type: number }[]).find((ch) => ch.type === 0)!;
    await ok(a, 'POST', `/channels/${channel.id}/webhooks`, owner.token, { name: 'Counted' });
    await until('B applied the guild and reloaded the webhook', async () => {
      const now = await replicaSeries(b);
      return now.get(applied)! > before.get(applied)! && now.get(reloaded)! > before.get(reloaded)!;
    });
    const now = await replicaSeries(b);
    expect(now.get('concord_replica_cache_reloads_total{outcome="failed"}')).toBe(0);
    expect(now.get('concord_replica_state_rereads_total{outcome="failed"}')).toBe(0);
  }, 30_000);
});
