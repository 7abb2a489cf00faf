// The session directory and the node id lease on the real NATS KV and Redis of this machine.
import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATS_URL, REDIS_URL, until } from './busContract.ts';
import { dropClusterData } from './dropClusterData.ts';
import { NatsNodeIdLease, RedisNodeIdLease, snowflakeBits, type LeaseOptions, type NodeIdLease } from './NodeIdLease.ts';
import { NatsSessionDirectory, RedisSessionDirectory, type SessionDirectory, type SessionRecord } from './SessionDirectory.ts';

let nc: NatsConnection;
const clusters = new Set<string>();
let redis: Redis;
beforeAll(async () => {
  nc = await connect({ servers: NATS_URL });
  redis = new Redis(REDIS_URL);
});
afterAll(async () => {
  await nc.close();
  redis.disconnect();
  for (const c of clusters) await dropClusterData(c, { natsUrl: NATS_URL, redisUrl: REDIS_URL });
});

const cluster = () => {
  const c = `kv${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  clusters.add(c);
  return c;
};
const record = (over: Partial<SessionRecord> = {}): SessionRecord => ({
  id: crypto.randomBytes(16).toString('hex'), userId: '123', encoding: 'json', perSessionDelivery: false, intents: null, shard: null, client: 'web', node: 'n1', ...over,
});

const backends: [string, (c: string) => Promise<SessionDirectory>, (c: string, o: Omit<LeaseOptions, 'cluster'>) => Promise<NodeIdLease>][] = [
  ['NATS KV', (c) => NatsSessionDirectory.open(nc, c, (e) => { throw e; }), (c, o) => NatsNodeIdLease.acquire(nc, { cluster: c, ...o })],
  ['Redis', (c) => Promise.resolve(new RedisSessionDirectory(redis, c, (e) => { throw e; })), (c, o) => RedisNodeIdLease.acquire(redis, { cluster: c, ...o })],
];

describe.each(backends)('%s', (_name, openDirectory, acquire) => {
  it('finds a session record from another connection, and forgets it once removed', async () => {
    const c = cluster();
    const writer = await openDirectory(c);
    const reader = await openDirectory(c);
    const r = record({ shard: [1, 4], intents: 513, perSessionDelivery: true, client: 'desktop' });
    writer.put(r);
    let found: SessionRecord | null = null;
    await until(() => {
      void reader.get(r.id).then((x) => (found = x));
      return found !== null;
    });
    expect(found).toEqual(r);
    writer.remove(r.id);
    await until(() => {
      void reader.get(r.id).then((x) => (found = x));
      return found === null;
    });
    // Ids that are not session ids are not looked up at all.
    expect(await reader.get('../../etc')).toBeNull();
  });

  it('gives two nodes two different node ids and keeps each past the TTL by renewing it', async () => {
    const c = cluster();
    const lost: string[] = [];
    const options = { ttlMs: 3000, onLost: (r: string) => lost.push(r) };
    const first = await acquire(c, options);
    const second = await acquire(c, options);
    expect(first.nodeId).not.toBe(second.nodeId);
    const bits = snowflakeBits(first.nodeId);
    expect(bits.workerId * 32 + bits.processId).toBe(first.nodeId);
    // Held across renewals (a third of the TTL), past the TTL.
    await new Promise((r) => setTimeout(r, 3500));
    expect(lost).toEqual([]);
    await first.close();
    await second.close();
  }, 15_000);
});
