// MessageStore on Cassandra/ScyllaDB. Messages are partitioned by (channel, 10-day bucket) and
// clustered newest first (see messageSchema.ts); a history page walks the channel's non-empty
// buckets from the anchor's outwards and stops at the channel's first. Every statement is prepared
// and routed to a replica of its partition by the driver's token-aware default policy.
import { snowflakeFromTimestampMs } from '@concord/protocol';
import type cassandra from 'cassandra-driver';
import type { MessageStore } from '../MessageStore.ts';
import type { HistoryQuery, MessageRecord, ReactionSummary } from '../records.ts';
import { openCassandraClient } from './cassandraClient.ts';
import { KEYSPACE_NAME, type CassandraOptions } from './cassandraSettings.ts';
import { bigintNumber, bigintText, int, text, textOrNull } from './cassandraRow.ts';
import { bucketOf, reactionUserKey } from './messageBuckets.ts';
import { ensureMessageSchema } from './messageSchema.ts';

type Direction = 'older' | 'newer';
type Bound = { id: bigint; inclusive: boolean } | null;

/** Channels whose bucket registrations this process remembers (then it starts over). */
const KNOWN_BUCKETS_MAX_CHANNELS = 100_000;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class CassandraMessageStore implements MessageStore {
  /** Opens a client, creates the keyspace and tables when missing. `close()` ends the client. */
  static async open(options: CassandraOptions): Promise<CassandraMessageStore> {
    if (!KEYSPACE_NAME.test(options.keyspace)) throw new Error(`invalid Cassandra keyspace name "${options.keyspace}"`);
    const client = await openCassandraClient(options);
    try {
      await ensureMessageSchema(client, options.keyspace, options.localDataCenter, options.replicationFactor);
    } catch (err) {
      await client.shutdown();
      throw err;
    }
    return new CassandraMessageStore(client, options.keyspace);
  }

  private readonly q;
  /** channel -> buckets already in channel_buckets: a bucket is registered once per process, not per message. */
  private readonly knownBuckets = new Map<bigint, Set<number>>();
  /** Reaction order is first-come: a strictly increasing stamp (microseconds), even within one millisecond. */
  private reactionStamp = 0;

  private constructor(
    private readonly client: cassandra.Client,
    keyspace: string,
  ) {
    const ks = `"${keyspace}"`;
    const msgCols = 'message_id, author_id, body';
    const inBucket = `FROM ${ks}.messages WHERE channel_id = ? AND bucket = ?`;
    this.q = {
      insertMessage: `INSERT INTO ${ks}.messages (channel_id, bucket, message_id, author_id, body) VALUES (?, ?, ?, ?, ?)`,
      // No author_id: an edit that lands after a delete leaves a row readers recognise and skip.
      updateMessage: `UPDATE ${ks}.messages SET body = ? WHERE channel_id = ? AND bucket = ? AND message_id = ?`,
      getMessages: `SELECT ${msgCols} ${inBucket} AND message_id IN ?`,
      latest: `SELECT ${msgCols} ${inBucket} LIMIT ?`,
      before: `SELECT ${msgCols} ${inBucket} AND message_id < ? LIMIT ?`,
      atOrBefore: `SELECT ${msgCols} ${inBucket} AND message_id <= ? LIMIT ?`,
      after: `SELECT ${msgCols} ${inBucket} AND message_id > ? ORDER BY message_id ASC LIMIT ?`,
      atOrAfter: `SELECT ${msgCols} ${inBucket} AND message_id >= ? ORDER BY message_id ASC LIMIT ?`,
      authorsSince: `SELECT message_id, author_id ${inBucket} AND message_id >= ?`,
      deleteMessage: `DELETE FROM ${ks}.messages WHERE channel_id = ? AND bucket = ? AND message_id = ?`,
      deleteBucket: `DELETE FROM ${ks}.messages WHERE channel_id = ? AND bucket = ?`,
      registerBucket: `INSERT INTO ${ks}.channel_buckets (channel_id, bucket) VALUES (?, ?)`,
      allBuckets: `SELECT bucket FROM ${ks}.channel_buckets WHERE channel_id = ?`,
      bucketsAtOrBefore: `SELECT bucket FROM ${ks}.channel_buckets WHERE channel_id = ? AND bucket <= ?`,
      bucketsAtOrAfter: `SELECT bucket FROM ${ks}.channel_buckets WHERE channel_id = ? AND bucket >= ? ORDER BY bucket ASC`,
      deleteBuckets: `DELETE FROM ${ks}.channel_buckets WHERE channel_id = ?`,
      pin: `INSERT INTO ${ks}.pins (channel_id, message_id, pinned_at) VALUES (?, ?, ?)`,
      unpin: `DELETE FROM ${ks}.pins WHERE channel_id = ? AND message_id = ?`,
      pinnedIds: `SELECT message_id FROM ${ks}.pins WHERE channel_id = ?`,
      deletePins: `DELETE FROM ${ks}.pins WHERE channel_id = ?`,
      addReaction: `INSERT INTO ${ks}.reactions (channel_id, bucket, message_id, emoji, user_key, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS`,
      removeReaction: `DELETE FROM ${ks}.reactions WHERE channel_id = ? AND bucket = ? AND message_id = ? AND emoji = ? AND user_key = ? IF EXISTS`,
      removeEmoji: `DELETE FROM ${ks}.reactions WHERE channel_id = ? AND bucket = ? AND message_id = ? AND emoji = ?`,
      removeMessageReactions: `DELETE FROM ${ks}.reactions WHERE channel_id = ? AND bucket = ? AND message_id = ?`,
      deleteBucketReactions: `DELETE FROM ${ks}.reactions WHERE channel_id = ? AND bucket = ?`,
      reactionUsers: `SELECT user_id FROM ${ks}.reactions WHERE channel_id = ? AND bucket = ? AND message_id = ? AND emoji = ? LIMIT ?`,
      reactionUsersAfter: `SELECT user_id FROM ${ks}.reactions WHERE channel_id = ? AND bucket = ? AND message_id = ? AND emoji = ? AND user_key > ? LIMIT ?`,
      reactionCounts: `SELECT message_id, emoji, COUNT(*) AS count, MIN(created_at) AS first FROM ${ks}.reactions WHERE channel_id = ? AND bucket = ? AND message_id IN ? GROUP BY message_id, emoji`,
      viewerReactions: `SELECT message_id, emoji FROM ${ks}.reactions WHERE channel_id = ? AND bucket = ? AND message_id IN ? AND emoji IN ? AND user_key = ?`,
      reactionEmojis: `SELECT emoji FROM ${ks}.reactions WHERE channel_id = ? AND bucket = ? AND message_id = ? GROUP BY message_id, emoji`,
    };
  }

  close(): Promise<void> {
    return this.client.shutdown();
  }

  private run(query: string, params: unknown[]): Promise<cassandra.types.ResultSet> {
    return this.client.execute(query, params, { prepare: true });
  }

  async insert(m: MessageRecord): Promise<void> {
    const channel = BigInt(m.channel_id);
    const id = BigInt(m.id);
    const bucket = bucketOf(id);
    // The bucket is registered before the message is written: a stored message is always reachable by paging.
    await this.registerBucket(channel, bucket);
    await Promise.all([
      this.run(this.q.insertMessage, [channel, bucket, id, m.author_id, JSON.stringify(m)]),
      m.pinned ? this.run(this.q.pin, [channel, id, BigInt(m.pinned_at ?? 0)]) : null,
    ]);
  }

  async update(m: MessageRecord): Promise<void> {
    const channel = BigInt(m.channel_id);
    const id = BigInt(m.id);
    // Blind writes, no read: the pin index follows the record's pinned flag.
    await Promise.all([
      this.run(this.q.updateMessage, [JSON.stringify(m), channel, bucketOf(id), id]),
      m.pinned ? this.run(this.q.pin, [channel, id, BigInt(m.pinned_at ?? 0)]) : this.run(this.q.unpin, [channel, id]),
    ]);
  }

  async get(channelId: string, messageId: string): Promise<MessageRecord | null> {
    return (await this.getMany(channelId, [messageId]))[0] ?? null;
  }

  async getMany(channelId: string, messageIds: readonly string[]): Promise<MessageRecord[]> {
    if (messageIds.length === 0) return [];
    const channel = BigInt(channelId);
    const pages = await Promise.all(
      [...groupByBucket(messageIds)].map(([bucket, ids]) => this.run(this.q.getMessages, [channel, bucket, ids])),
    );
    return pages.flatMap((r) => this.records(r.rows, channelId));
  }

  async list(channelId: string, q: HistoryQuery): Promise<MessageRecord[]> {
    const channel = BigInt(channelId);
    if (q.around !== undefined) {
      // Discord: half the limit before (including the message itself), half after.
      const around = BigInt(q.around);
      const older = await this.page(channel, 'older', { id: around, inclusive: true }, Math.ceil(q.limit / 2));
      const newer = await this.page(channel, 'newer', { id: around, inclusive: false }, q.limit - older.length);
      return [...newer.reverse(), ...older];
    }
    if (q.after !== undefined) return (await this.page(channel, 'newer', { id: BigInt(q.after), inclusive: false }, q.limit)).reverse();
    if (q.before !== undefined) return this.page(channel, 'older', { id: BigInt(q.before), inclusive: false }, q.limit);
    return this.page(channel, 'older', null, q.limit);
  }

  /**
   * Up to `limit` messages from `bound` in one direction (older: newest first; newer: oldest first),
   * bucket by bucket. The first bucket's page is asked for together with the bucket list (the
   * anchor's bucket, or the current one for the newest page), so a page that one bucket fills costs
   * one round trip; it is used only if the list confirms that bucket comes first. Within a bucket it
   * asks again from the last id seen when skipped rows (an edit that raced a delete) made a full
   * answer short of live messages.
   */
  private async page(channel: bigint, direction: Direction, bound: Bound, limit: number): Promise<MessageRecord[]> {
    const out: MessageRecord[] = [];
    if (limit <= 0) return out;
    const channelText = channel.toString();
    const firstGuess = bucketOf(bound?.id ?? BigInt(snowflakeFromTimestampMs(Date.now())));
    const [buckets, guessed] = await Promise.all([
      this.bucketsFrom(channel, direction, bound),
      this.run(...this.pageQuery(channel, firstGuess, direction, bound, limit)),
    ]);
    for (const bucket of buckets) {
      let cursor = bound;
      let prefetched = bucket === firstGuess && out.length === 0 ? guessed.rows : null;
      while (out.length < limit) {
        const want = limit - out.length;
        const rows = prefetched ?? (await this.run(...this.pageQuery(channel, bucket, direction, cursor, want))).rows;
        prefetched = null;
        out.push(...this.records(rows, channelText));
        const last = rows.at(-1);
        if (rows.length < want || last === undefined) break;
        cursor = { id: BigInt(bigintText(last, 'message_id')), inclusive: false };
      }
      if (out.length >= limit) break;
    }
    return out;
  }

  private pageQuery(channel: bigint, bucket: number, direction: Direction, bound: Bound, limit: number): [string, unknown[]] {
    if (bound === null) return [this.q.latest, [channel, bucket, limit]];
    const query =
      direction === 'older' ? (bound.inclusive ? this.q.atOrBefore : this.q.before) : bound.inclusive ? this.q.atOrAfter : this.q.after;
    return [query, [channel, bucket, bound.id, limit]];
  }

  /** The channel's non-empty buckets from the bound's outwards (all, newest first, without a bound). */
  private async bucketsFrom(channel: bigint, direction: Direction, bound: Bound): Promise<number[]> {
    const result =
      bound === null
        ? await this.run(this.q.allBuckets, [channel])
        : await this.run(direction === 'older' ? this.q.bucketsAtOrBefore : this.q.bucketsAtOrAfter, [channel, bucketOf(bound.id)]);
    return result.rows.map((r) => int(r, 'bucket'));
  }

  private async registerBucket(channel: bigint, bucket: number): Promise<void> {
    let known = this.knownBuckets.get(channel);
    if (known?.has(bucket)) return;
    await this.run(this.q.registerBucket, [channel, bucket]);
    if (!known) {
      if (this.knownBuckets.size >= KNOWN_BUCKETS_MAX_CHANNELS) this.knownBuckets.clear();
      this.knownBuckets.set(channel, (known = new Set()));
    }
    known.add(bucket);
  }

  /** Rows -> records, skipping rows without author_id (an edit's upsert after the message was deleted). */
  private records(rows: readonly cassandra.types.Row[], channelId: string): MessageRecord[] {
    const out: MessageRecord[] = [];
    for (const row of rows) {
      if (textOrNull(row, 'author_id') === null) continue;
      // Our own JSON, written by insert/update from a MessageRecord (the trust SQLite gives its JSON columns).
      const body: unknown = JSON.parse(text(row, 'body'));
      if (!isObject(body)) throw new Error(`cassandra message ${bigintText(row, 'message_id')}: body is not an object`);
      out.push({ ...(body as unknown as MessageRecord), id: bigintText(row, 'message_id'), channel_id: channelId });
    }
    return out;
  }

  async listPinned(channelId: string): Promise<MessageRecord[]> {
    const ids = (await this.run(this.q.pinnedIds, [BigInt(channelId)])).rows.map((r) => bigintText(r, 'message_id'));
    const messages = (await this.getMany(channelId, ids)).filter((m) => m.pinned);
    return messages.sort((a, b) => (b.pinned_at ?? 0) - (a.pinned_at ?? 0));
  }

  async delete(channelId: string, messageIds: readonly string[]): Promise<number> {
    // The count is of messages that existed: one read, then the deletes (not a hot path).
    const existing = await this.getMany(channelId, [...new Set(messageIds)]);
    await Promise.all(existing.map((m) => this.deleteOne(BigInt(channelId), BigInt(m.id))));
    return existing.length;
  }

  private async deleteOne(channel: bigint, id: bigint): Promise<void> {
    const bucket = bucketOf(id);
    await Promise.all([
      this.run(this.q.deleteMessage, [channel, bucket, id]),
      this.run(this.q.removeMessageReactions, [channel, bucket, id]),
      this.run(this.q.unpin, [channel, id]),
    ]);
  }

  async deleteByAuthorSince(channelIds: readonly string[], authorId: string, sinceMessageId: string): Promise<{ channelId: string; ids: string[] }[]> {
    const since = BigInt(sinceMessageId);
    const out: { channelId: string; ids: string[] }[] = [];
    for (const channelId of channelIds) {
      const channel = BigInt(channelId);
      const ids: string[] = [];
      for (const bucket of await this.bucketsFrom(channel, 'newer', { id: since, inclusive: true })) {
        // Only ids and authors are read (not bodies), page by page through the driver.
        for await (const row of this.rowsOf(this.q.authorsSince, [channel, bucket, since])) {
          if (textOrNull(row, 'author_id') === authorId) ids.push(bigintText(row, 'message_id'));
        }
      }
      if (ids.length === 0) continue;
      await Promise.all(ids.map((id) => this.deleteOne(channel, BigInt(id))));
      out.push({ channelId, ids });
    }
    return out;
  }

  private async *rowsOf(query: string, params: unknown[]): AsyncGenerator<cassandra.types.Row> {
    let pageState: string | undefined;
    do {
      const result = await this.client.execute(query, params, { prepare: true, fetchSize: 1000, ...(pageState === undefined ? {} : { pageState }) });
      yield* result.rows;
      // Typed as string, but null on the last page.
      const next: unknown = result.pageState;
      pageState = typeof next === 'string' ? next : undefined;
    } while (pageState !== undefined);
  }

  async deleteChannel(channelId: string): Promise<void> {
    const channel = BigInt(channelId);
    const buckets = await this.bucketsFrom(channel, 'older', null);
    await Promise.all([
      ...buckets.flatMap((bucket) => [this.run(this.q.deleteBucket, [channel, bucket]), this.run(this.q.deleteBucketReactions, [channel, bucket])]),
      this.run(this.q.deletePins, [channel]),
    ]);
    await this.run(this.q.deleteBuckets, [channel]);
    this.knownBuckets.delete(channel);
  }

  async addReaction(channelId: string, messageId: string, emoji: string, userId: string): Promise<boolean> {
    this.reactionStamp = Math.max(Date.now() * 1000, this.reactionStamp + 1);
    const id = BigInt(messageId);
    // A conditional insert answers "was it new" in one round (Paxos), with no read before the write.
    const result = await this.run(this.q.addReaction, [BigInt(channelId), bucketOf(id), id, emoji, reactionUserKey(userId), userId, BigInt(this.reactionStamp)]);
    return result.wasApplied();
  }

  async removeReaction(channelId: string, messageId: string, emoji: string, userId: string): Promise<boolean> {
    const id = BigInt(messageId);
    const result = await this.run(this.q.removeReaction, [BigInt(channelId), bucketOf(id), id, emoji, reactionUserKey(userId)]);
    return result.wasApplied();
  }

  async removeAllReactions(channelId: string, messageId: string, emoji?: string): Promise<void> {
    const id = BigInt(messageId);
    const key = [BigInt(channelId), bucketOf(id), id];
    await (emoji === undefined ? this.run(this.q.removeMessageReactions, key) : this.run(this.q.removeEmoji, [...key, emoji]));
  }

  async reactionUsers(channelId: string, messageId: string, emoji: string, limit: number, after?: string): Promise<string[]> {
    const id = BigInt(messageId);
    const key = [BigInt(channelId), bucketOf(id), id, emoji];
    const result =
      after === undefined
        ? await this.run(this.q.reactionUsers, [...key, limit])
        : await this.run(this.q.reactionUsersAfter, [...key, reactionUserKey(after), limit]);
    return result.rows.map((r) => text(r, 'user_id'));
  }

  async reactionSummaries(channelId: string, messageIds: readonly string[], viewerId: string): Promise<Map<string, ReactionSummary[]>> {
    // Per bucket of the page (usually one): counts grouped server-side, then the viewer's own rows.
    const out = new Map<string, ReactionSummary[]>();
    const channel = BigInt(channelId);
    await Promise.all(
      [...groupByBucket(messageIds)].map(async ([bucket, ids]) => {
        const counts = (await this.run(this.q.reactionCounts, [channel, bucket, ids])).rows.map((r) => ({
          messageId: bigintText(r, 'message_id'),
          emoji: text(r, 'emoji'),
          count: bigintNumber(r, 'count'),
          first: bigintNumber(r, 'first'),
        }));
        if (counts.length === 0) return;
        const emojis = [...new Set(counts.map((c) => c.emoji))];
        const mine = new Set(
          (await this.run(this.q.viewerReactions, [channel, bucket, ids, emojis, reactionUserKey(viewerId)])).rows.map(
            (r) => `${bigintText(r, 'message_id')}\u0000${text(r, 'emoji')}`,
          ),
        );
        counts.sort((a, b) => a.first - b.first);
        for (const c of counts) {
          let list = out.get(c.messageId);
          if (!list) out.set(c.messageId, (list = []));
          list.push({ emoji: c.emoji, count: c.count, me: mine.has(`${c.messageId}\u0000${c.emoji}`) });
        }
      }),
    );
    return out;
  }

  async countReactionEmojis(channelId: string, messageId: string): Promise<number> {
    const id = BigInt(messageId);
    return (await this.run(this.q.reactionEmojis, [BigInt(channelId), bucketOf(id), id])).rows.length;
  }
}

/** Message ids (decimal text) grouped by bucket, as bigints ready to bind. */
function groupByBucket(messageIds: readonly string[]): Map<number, bigint[]> {
  const groups = new Map<number, bigint[]>();
  for (const text of messageIds) {
    const id = BigInt(text);
    const bucket = bucketOf(id);
    let ids = groups.get(bucket);
    if (!ids) groups.set(bucket, (ids = []));
    ids.push(id);
  }
  return groups;
}
