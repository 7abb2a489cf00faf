// Where a gateway session can be found from any node: enough to take it over on a RESUME (who it
// belongs to, its encoding, intents and shard). Written at IDENTIFY and when the socket drops,
// removed when the session ends for good; kept in NATS KV or in Redis with a TTL, so the sessions
// of a node that was killed disappear by themselves. The events it missed come from the bus's log
// (every node holds the same replay), so this holds no events.
import type { KV, NatsConnection } from 'nats';
import { StorageType } from 'nats';
import type { Redis } from 'ioredis';
import { z } from 'zod';

export const SessionRecordSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{32}$/),
  userId: z.string().min(1).max(32),
  encoding: z.string().min(1).max(16),
  perSessionDelivery: z.boolean(),
  intents: z.number().int().nullable(),
  shard: z.tuple([z.number().int().min(0), z.number().int().min(1)]).nullable(),
  client: z.enum(['desktop', 'web', 'mobile']),
  /** The node serving it when written. */
  node: z.string().max(80),
});
export type SessionRecord = z.infer<typeof SessionRecordSchema>;

export interface SessionDirectory {
  /** Fire and forget: a failed write only means this session cannot move nodes (counted). */
  put(record: SessionRecord): void;
  get(sessionId: string): Promise<SessionRecord | null>;
  remove(sessionId: string): void;
}

/** How long a session record lives after its last write: longer than any resume window. */
export const SESSION_RECORD_TTL_MS = 24 * 60 * 60 * 1000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function parseRecord(text: string): SessionRecord | null {
  try {
    const parsed = SessionRecordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export class NatsSessionDirectory implements SessionDirectory {
  private constructor(
    private readonly kv: KV,
    private readonly onError: (e: unknown) => void,
  ) {}

  static async open(nc: NatsConnection, cluster: string, onError: (e: unknown) => void): Promise<NatsSessionDirectory> {
    const kv = await nc.jetstream().views.kv(`${cluster}_sessions`, { ttl: SESSION_RECORD_TTL_MS, history: 1, storage: StorageType.Memory });
    return new NatsSessionDirectory(kv, onError);
  }

  put(record: SessionRecord): void {
    this.kv.put(record.id, encoder.encode(JSON.stringify(record))).catch(this.onError);
  }

  async get(sessionId: string): Promise<SessionRecord | null> {
    if (!/^[0-9a-f]{32}$/.test(sessionId)) return null;
    const entry = await this.kv.get(sessionId);
    if (!entry || entry.operation !== 'PUT') return null;
    return parseRecord(decoder.decode(entry.value));
  }

  remove(sessionId: string): void {
    this.kv.delete(sessionId).catch(this.onError);
  }
}

export class RedisSessionDirectory implements SessionDirectory {
  constructor(
    private readonly redis: Redis,
    private readonly cluster: string,
    private readonly onError: (e: unknown) => void,
  ) {}

  put(record: SessionRecord): void {
    this.redis.set(this.key(record.id), JSON.stringify(record), 'PX', SESSION_RECORD_TTL_MS).catch(this.onError);
  }

  async get(sessionId: string): Promise<SessionRecord | null> {
    if (!/^[0-9a-f]{32}$/.test(sessionId)) return null;
    const text = await this.redis.get(this.key(sessionId));
    return text === null ? null : parseRecord(text);
  }

  remove(sessionId: string): void {
    this.redis.del(this.key(sessionId)).catch(this.onError);
  }

  private key(id: string): string {
    return `${this.cluster}:session:${id}`;
  }
}
