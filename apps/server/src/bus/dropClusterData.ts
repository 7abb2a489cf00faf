// Removes what a cluster left on NATS and Redis: the bus stream, the session and node-id buckets,
// and the Redis keys under `<cluster>:`. For tests and benches, which make a cluster per run;
// a production cluster keeps its name and its data.
import { Redis } from 'ioredis';
import { connect } from 'nats';

export async function dropClusterData(cluster: string, urls: { natsUrl: string; redisUrl: string }): Promise<void> {
  const nc = await connect({ servers: urls.natsUrl });
  try {
    const jsm = await nc.jetstreamManager();
    for (const stream of [`${cluster}_bus`, `KV_${cluster}_sessions`, `KV_${cluster}_nodes`]) {
      await jsm.streams.delete(stream).catch(() => false); // absent: nothing to drop
    }
  } finally {
    await nc.close();
  }
  const redis = new Redis(urls.redisUrl);
  try {
    const keys: string[] = [];
    for await (const batch of redis.scanStream({ match: `${cluster}:*`, count: 500 })) keys.push(...(batch as string[]));
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  } finally {
    redis.disconnect();
  }
}
