// The bus contract on the real NATS (JetStream) and Redis of this machine and CI. Fails (never
// skips) when either is not running: start nats-server -js and redis-server.
import { connect } from 'nats';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { dropClusterData } from './dropClusterData.ts';
import { describeOrderedLogBus, NATS_URL, REDIS_URL } from './busContract.ts';
import { NatsEventBus } from './NatsEventBus.ts';
import { RedisEventBus } from './RedisEventBus.ts';


const clusters = new Set<string>();

describeOrderedLogBus('NATS JetStream', {
  open: (cluster, onError) => {
    clusters.add(cluster);
    return NatsEventBus.connect({ url: NATS_URL, cluster, retentionMs: 60_000, maxMessages: 10_000, onError });
  },
  async appendRaw(cluster, bytes) {
    const nc = await connect({ servers: NATS_URL });
    await nc.jetstream().publish(`${cluster}.bus.x.raw`, bytes);
    await nc.close();
  },
});

describeOrderedLogBus('Redis stream', {
  open: (cluster, onError) => {
    clusters.add(cluster);
    return RedisEventBus.connect({ url: REDIS_URL, cluster, maxMessages: 10_000, onError });
  },
  async appendRaw(cluster, bytes) {
    const redis = new Redis(REDIS_URL);
    const n = await redis.incr(`${cluster}:bus:seq`);
    await redis.xadd(`${cluster}:bus`, `${n}-0`, 'm', Buffer.from(bytes));
    redis.disconnect();
  },
});

afterAll(async () => {
  for (const c of clusters) await dropClusterData(c, { natsUrl: NATS_URL, redisUrl: REDIS_URL });
});
