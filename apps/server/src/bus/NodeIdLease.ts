// A node id (0..1023) that no other live node holds, leased from NATS KV or Redis with a TTL and
// renewed at a third of it. Snowflakes carry it as worker (high 5 bits) and process (low 5 bits),
// so two nodes never mint the same id. A node that cannot renew for a whole TTL may have lost the
// id to another node: onLost tells the composition root, which stops the process (duplicate ids
// would be worse than a restart).
import crypto from 'node:crypto';
import type { KV, NatsConnection } from 'nats';
import { StorageType } from 'nats';
import type { Redis } from 'ioredis';

export const NODE_ID_COUNT = 1024;

export interface NodeIdLease {
  readonly nodeId: number;
  close(): Promise<void>;
}

export interface LeaseOptions {
  cluster: string;
  ttlMs: number;
  onLost: (reason: string) => void;
}

/** Snowflake (worker, process) of a node id. */
export function snowflakeBits(nodeId: number): { workerId: number; processId: number } {
  return { workerId: nodeId >> 5, processId: nodeId & 31 };
}

/** Ids tried from a random start, so nodes starting together do not all race for 0. */
function candidates(): number[] {
  const start = crypto.randomInt(NODE_ID_COUNT);
  return Array.from({ length: NODE_ID_COUNT }, (_, i) => (start + i) % NODE_ID_COUNT);
}

abstract class RenewedLease implements NodeIdLease {
  private timer: ReturnType<typeof setInterval> | null = null;
  private lastRenewedAtMs = Date.now();

  constructor(
    readonly nodeId: number,
    protected readonly options: LeaseOptions,
  ) {}

  protected abstract renew(): Promise<boolean>;
  protected abstract release(): Promise<void>;

  protected startRenewing(): void {
    this.timer = setInterval(() => {
      this.renew().then(
        (held) => {
          if (held) this.lastRenewedAtMs = Date.now();
          else this.lose('another node holds it');
        },
        (e: unknown) => {
          if (Date.now() - this.lastRenewedAtMs > this.options.ttlMs) this.lose(`not renewed for ${this.options.ttlMs} ms (${String(e)})`);
        },
      );
    }, Math.max(100, Math.floor(this.options.ttlMs / 3)));
    this.timer.unref();
  }

  private lose(reason: string): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.options.onLost(`node id ${this.nodeId} lease lost: ${reason}`);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.release();
  }
}

export class NatsNodeIdLease extends RenewedLease {
  private constructor(
    nodeId: number,
    options: LeaseOptions,
    private readonly kv: KV,
    private readonly token: Uint8Array,
    private revision: number,
  ) {
    super(nodeId, options);
    this.startRenewing();
  }

  static async acquire(nc: NatsConnection, options: LeaseOptions): Promise<NatsNodeIdLease> {
    const kv = await nc.jetstream().views.kv(`${options.cluster}_nodes`, { ttl: options.ttlMs, history: 1, storage: StorageType.Memory });
    const token = new TextEncoder().encode(crypto.randomBytes(12).toString('hex'));
    for (const id of candidates()) {
      try {
        const revision = await kv.create(String(id), token);
        return new NatsNodeIdLease(id, options, kv, token, revision);
      } catch {
        // Held by a live node: try the next id.
      }
    }
    throw new Error(`no free node id in ${options.cluster}_nodes: ${NODE_ID_COUNT} nodes hold one`);
  }

  protected async renew(): Promise<boolean> {
    try {
      this.revision = await this.kv.update(String(this.nodeId), this.token, this.revision);
      return true;
    } catch (e) {
      const entry = await this.kv.get(String(this.nodeId));
      if (entry && entry.operation === 'PUT' && Buffer.from(entry.value).equals(Buffer.from(this.token))) throw e;
      return false;
    }
  }

  protected async release(): Promise<void> {
    await this.kv.delete(String(this.nodeId), { previousSeq: this.revision }).catch(() => undefined);
  }
}

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export class RedisNodeIdLease extends RenewedLease {
  private constructor(
    nodeId: number,
    options: LeaseOptions,
    private readonly redis: Redis,
    private readonly token: string,
  ) {
    super(nodeId, options);
    this.startRenewing();
  }

  static async acquire(redis: Redis, options: LeaseOptions): Promise<RedisNodeIdLease> {
    const token = crypto.randomBytes(12).toString('hex');
    for (const id of candidates()) {
      if ((await redis.set(`${options.cluster}:node:${id}`, token, 'PX', options.ttlMs, 'NX')) === 'OK') return new RedisNodeIdLease(id, options, redis, token);
    }
    throw new Error(`no free node id under ${options.cluster}:node:*: ${NODE_ID_COUNT} nodes hold one`);
  }

  protected async renew(): Promise<boolean> {
    return (await this.redis.eval(RENEW, 1, this.key, this.token, String(this.options.ttlMs))) === 1;
  }

  protected async release(): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key, this.token).catch(() => undefined);
  }

  private get key(): string {
    return `${this.options.cluster}:node:${this.nodeId}`;
  }
}
