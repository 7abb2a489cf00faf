// The bus on Redis: one stream `<cluster>:bus`. A Lua script takes the next number from
// `<cluster>:bus:seq` and appends the message under the entry id `<n>-0` in one step (Redis runs
// scripts one at a time), so the entry id is the message's position on every node. Each node
// reads the stream with a blocking XREAD on a connection of its own. The stream is capped at
// the replay size (MAXLEN ~): the shared replay RESUME on another node is served from. Redis has no
// subjects, so a node reads every message and filters locally (the gateway does that anyway).
import { Redis } from 'ioredis';
import { encodeBusMessage } from './busWire.ts';
import type { BusMessage } from './EventBus.ts';
import { OrderedLogBus, type BusErrorHandler } from './OrderedLogBus.ts';

export interface RedisBusOptions {
  url: string;
  cluster: string;
  /** At most about this many messages kept (REPLAY_BUFFER_EVENTS); Redis streams trim by count, not age. */
  maxMessages: number;
  onError: BusErrorHandler;
}

const APPEND = `
local n = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], n .. '-0', 'm', ARGV[1])
return n`;

const READ_BATCH = 1000;
const BLOCK_MS = 1000;

export class RedisEventBus extends OrderedLogBus {
  private closed = false;
  /** Appends not yet answered: close() lets them land first (a node's last words, its bye, must reach the log). */
  private readonly inFlight = new Set<Promise<void>>();
  private reading: Promise<void> | null = null;
  private lastId = '0';

  private constructor(
    readonly redis: Redis,
    private readonly reader: Redis,
    private readonly streamKey: string,
    private readonly maxMessages: number,
    private appendSha: string,
    onError: BusErrorHandler,
  ) {
    super(onError);
  }

  static async connect(options: RedisBusOptions): Promise<RedisEventBus> {
    const redis = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: null, enableAutoPipelining: true });
    const reader = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: null });
    try {
      await redis.connect();
      await reader.connect();
    } catch (e) {
      redis.disconnect();
      reader.disconnect();
      throw new Error(`BUS=redis: cannot connect to Redis at ${options.url} (${String(e)}); start redis-server or set REDIS_URL`, { cause: e });
    }
    redis.on('error', (e: unknown) => options.onError('publish', e));
    reader.on('error', (e: unknown) => options.onError('consume', e));
    const sha = String(await redis.script('LOAD', APPEND));
    return new RedisEventBus(redis, reader, `${options.cluster}:bus`, options.maxMessages, sha, options.onError);
  }

  publish(message: BusMessage): void {
    // The script call is queued on the connection (auto-pipelined) and not awaited: publishing never waits.
    const bytes = Buffer.from(encodeBusMessage(message));
    const done: Promise<void> = this.append(bytes).then(
      () => {
        this.stats.published++;
      },
      (e: unknown) => {
        this.stats.publishErrors++;
        this.onError('publish', e);
      },
    );
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }

  private async append(bytes: Buffer): Promise<void> {
    try {
      await this.redis.evalsha(this.appendSha, 2, this.streamKey, `${this.streamKey}:seq`, bytes, String(this.maxMessages));
    } catch (e) {
      // A restarted Redis has forgotten the script: load it again once (order is still the log's).
      if (!String(e).includes('NOSCRIPT')) throw e;
      this.appendSha = String(await this.redis.script('LOAD', APPEND));
      await this.redis.evalsha(this.appendSha, 2, this.streamKey, `${this.streamKey}:seq`, bytes, String(this.maxMessages));
    }
  }

  start(): Promise<void> {
    this.reading ??= this.readLoop();
    return Promise.resolve();
  }

  async close(): Promise<void> {
    // Publishes already made are answered (or fail) within a round trip; wait at most 2 s for them.
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, 2_000).unref())]);
    this.closed = true;
    this.failWaiters();
    this.reader.disconnect();
    await this.reading;
    await this.redis.quit().catch(() => undefined);
  }

  private isClosed(): boolean {
    return this.closed;
  }

  private async readLoop(): Promise<void> {
    while (!this.closed) {
      let batch: [Buffer, [Buffer, Buffer[]][]][] | null;
      try {
        batch = await this.reader.xreadBuffer('COUNT', READ_BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', this.streamKey, this.lastId);
      } catch (e) {
        // close() disconnects the reader under the pending XREAD: that rejection is the way out.
        if (this.isClosed()) return;
        this.onError('consume', e);
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      for (const [, entries] of batch ?? []) {
        for (const [id, fields] of entries) {
          const idText = id.toString('latin1');
          this.lastId = idText;
          const position = Number.parseInt(idText, 10);
          const value = fields[1];
          if (Number.isSafeInteger(position) && value) this.deliver(position, value);
          else this.stats.malformed++;
        }
      }
    }
  }
}
